import {
  defaultPoseidon,
  FIELD_MODULUS,
  SHARE_DEGREE,
  SHARE_PARTIES,
  shareBindingInput,
} from '@privgate/circuits';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createInMemoryNetwork,
  fieldElementBytes,
  type InMemoryNetwork,
  type MpcProgram,
  type MpcSessionResult,
  poseidonShareCommitment,
  prepareInputSharing,
  programSchedule,
  queryProgram,
  runMpcSession,
} from '../../src/mpc/index.ts';
import {
  type PartyOutcome,
  partyNames,
  seededRandomness,
  seededUnit,
  simulateSession,
  testCommitment,
} from './helpers.ts';

const U64_MAX = (1n << 64n) - 1n;

function succeeded(outcomes: Map<string, PartyOutcome>): Map<string, MpcSessionResult> {
  const results = new Map<string, MpcSessionResult>();
  for (const [party, o] of outcomes) {
    if (!o.ok) throw o.error;
    results.set(party, o.result);
  }
  return results;
}

/** One input per compute party plus two more at P0; values pseudo-random 64-bit. */
function sumProgram(parties: readonly string[], output = parties[0]!) {
  const builder = queryProgram();
  const values: Record<string, bigint> = {};
  const rng = seededRandomness(`values/${parties.length}`);
  const ids: string[] = [];
  [...parties, parties[0]!, parties[0]!].forEach((holder, k) => {
    const id = `v${k}`;
    const bytes = new Uint8Array(8);
    rng.fill(bytes);
    values[id] = bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
    builder.input(id, holder);
    ids.push(id);
  });
  return { builder, values, ids, output };
}

/** All holders are compute parties here; `max` uses 64 inputs of 2^64 − 1 spread over the parties. */
function verdictCase(parties: readonly string[], values: readonly bigint[], threshold: bigint) {
  const builder = queryProgram();
  const byId: Record<string, bigint> = {};
  values.forEach((v, k) => {
    builder.input(`x${k}`, parties[k % parties.length]!);
    byId[`x${k}`] = v;
  });
  return {
    program: builder
      .sum()
      .compare(threshold)
      .output(parties[parties.length - 1]!),
    values: byId,
  };
}

describe.each([3, 4, 5])('sessions with n = %i compute parties', (n) => {
  const parties = partyNames(n);

  it('sum: the output party gets the exact sum, nobody else gets anything', async () => {
    const { builder, values } = sumProgram(parties);
    const program = builder.sum().output('P1');
    const results = succeeded(
      (await simulateSession({ computeParties: parties, program, values, seed: n })).outcomes,
    );
    const expected = Object.values(values).reduce((a, b) => a + b, 0n);
    expect(results.get('P1')!.output).toEqual({ kind: 'aggregate', value: expected });
    for (const [party, r] of results) {
      if (party !== 'P1') expect(r.output).toBeUndefined();
      expect(r.rounds).toBe(3);
      expect(r.roles.compute).toBe(true);
    }
  });

  it('weighted sum with public weights equals the clear computation', async () => {
    const { builder, values, ids } = sumProgram(parties);
    const weights = ids.map((_, k) => BigInt(k * 1000 + 1) + (k === 1 ? U64_MAX - 5000n : 0n));
    const program = builder.weightedSum(weights).output('P0');
    const results = succeeded(
      (await simulateSession({ computeParties: parties, program, values, seed: n })).outcomes,
    );
    const expected = ids.reduce((acc, id, k) => acc + weights[k]! * values[id]!, 0n);
    expect(expected > FIELD_MODULUS >> 130n).toBe(true); // well past 2^64: no accidental small result
    expect(results.get('P0')!.output).toEqual({ kind: 'aggregate', value: expected });
  });

  const mid = 5_000_000_007n;
  const boundaries: Array<[string, bigint[], bigint]> = [
    ['Σ = T', [mid - 7n, 7n], mid],
    ['Σ = T − 1', [mid - 8n, 7n], mid],
    ['Σ = T + 1', [mid - 6n, 7n], mid],
    ['Σ = 0, T = 0', [0n, 0n], 0n],
    ['Σ = 0, T = 1', [0n, 0n], 1n],
    ['Σ = max = T', new Array<bigint>(64).fill(U64_MAX), 64n * U64_MAX],
    ['Σ = max < T', new Array<bigint>(64).fill(U64_MAX), 64n * U64_MAX + 1n],
  ];
  it.each(boundaries)('verdict at the boundary %s', async (_name, inputs, threshold) => {
    const { program, values } = verdictCase(parties, inputs, threshold);
    const sum = inputs.reduce((a, b) => a + b, 0n);
    const results = succeeded(
      (await simulateSession({ computeParties: parties, program, values, seed: `${n}/${threshold}` }))
        .outcomes,
    );
    const out = parties[n - 1]!;
    expect(results.get(out)!.output).toEqual({ kind: 'verdict', value: sum >= threshold, threshold });
    const schedule = programSchedule(program);
    for (const [party, r] of results) {
      if (party !== out) expect(r.output).toBeUndefined();
      expect(r.rounds).toBe(schedule.rounds);
    }
  });
});

describe('sessions against the clear computation (property)', () => {
  it('random inputs, weights and thresholds, n ∈ {3, 4, 5}: aggregate and verdict match', async () => {
    const u64 = fc.bigInt({ min: 0n, max: U64_MAX });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 3, max: 5 }),
        fc.array(fc.tuple(u64, fc.bigInt({ min: 0n, max: 1000n })), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.bigInt({ min: -3n, max: 3n }),
        async (n, terms, weighted, offset) => {
          const parties = partyNames(n);
          const builder = queryProgram();
          const values: Record<string, bigint> = {};
          terms.forEach(([v], k) => {
            builder.input(`t${k}`, parties[k % n]!);
            values[`t${k}`] = v;
          });
          const weights = terms.map(([, w]) => (weighted ? w : 1n));
          if (weighted) builder.weightedSum(weights);
          const aggregate = terms.reduce((acc, [v], k) => acc + weights[k]! * v, 0n);
          const threshold = aggregate + offset < 0n ? 0n : aggregate + offset;
          const compared = succeeded(
            (
              await simulateSession({
                computeParties: parties,
                program: builder.compare(threshold).output('P0'),
                values,
                seed: `prop/${n}/${aggregate}/${offset}`,
              })
            ).outcomes,
          );
          expect(compared.get('P0')!.output).toEqual({
            kind: 'verdict',
            value: aggregate >= threshold,
            threshold,
          });
          const { compare: _dropped, ...plain } = builder.output('P0');
          const summed = succeeded(
            (await simulateSession({ computeParties: parties, program: plain, values, seed: `prop/${n}` }))
              .outcomes,
          );
          expect(summed.get('P0')!.output).toEqual({ kind: 'aggregate', value: aggregate });
        },
      ),
      { numRuns: 6 },
    );
  });
});

describe('session roles and transport', () => {
  it('an external holder and an external output party (the requester) take part without computing', async () => {
    const parties = partyNames(3);
    const program = queryProgram()
      .input('tax', 'P0')
      .input('customs', 'HOLDER')
      .input('social', 'P2')
      .sum()
      .compare(300n)
      .output('AGENCY');
    const values = { tax: 100n, customs: 150n, social: 50n };
    const results = succeeded((await simulateSession({ computeParties: parties, program, values })).outcomes);
    expect(results.get('AGENCY')!.output).toEqual({ kind: 'verdict', value: true, threshold: 300n });
    expect(results.get('AGENCY')!.roles).toEqual({ compute: false, holder: false, output: true });
    expect(results.get('HOLDER')!.roles).toEqual({ compute: false, holder: true, output: false });
    for (const p of [...parties, 'HOLDER']) expect(results.get(p)!.output).toBeUndefined();
    // Compute parties know the share commitments of every input, the holder's included.
    expect(Object.keys(results.get('P1')!.inputCommitments).sort()).toEqual(['customs', 'social', 'tax']);
  });

  it('is correct under delays and reordering, and the transcripts do not depend on arrival order', async () => {
    const parties = partyNames(4);
    const { program, values } = verdictCase(parties, [10n, 20n, 30n, 40n, 50n], 150n);
    // Arrival order at P0: (sender, header bytes) of every message it received, in order.
    const arrivals = (into: string[]) => (net: InMemoryNetwork) =>
      net.tap((m) => {
        if (m.to === 'P0') into.push(`${m.from}:${[...m.bytes.subarray(33, 36)].join('.')}`);
      });
    const plainOrder: string[] = [];
    const jitteredOrder: string[] = [];
    const plain = succeeded(
      (
        await simulateSession({
          computeParties: parties,
          program,
          values,
          seed: 'order',
          prepare: arrivals(plainOrder),
        })
      ).outcomes,
    );
    const jittered = succeeded(
      (
        await simulateSession({
          computeParties: parties,
          program,
          values,
          seed: 'order',
          network: { delayMs: 1, jitterMs: 6, random: seededUnit('jitter') },
          prepare: arrivals(jitteredOrder),
        })
      ).outcomes,
    );
    expect(jitteredOrder).not.toEqual(plainOrder);
    expect([...jitteredOrder].sort()).toEqual([...plainOrder].sort());
    expect(jittered.get('P3')!.output).toEqual({ kind: 'verdict', value: true, threshold: 150n });
    for (const p of parties) {
      expect(jittered.get(p)!.transcript.digest).toEqual(plain.get(p)!.transcript.digest);
      const traffic = plain.get(p)!.traffic;
      expect(plain.get(p)!.transcript.messages).toBe(traffic.messagesSent + traffic.messagesReceived);
    }
    // Each party's transcript is its own view.
    expect(plain.get('P0')!.transcript.digest).not.toEqual(plain.get('P1')!.transcript.digest);
  });

  it('rejects a bad setup before sending anything', async () => {
    const network = createInMemoryNetwork();
    let sent = 0;
    network.tap(() => sent++);
    const program = queryProgram().input('a', 'P0').sum().output('P1');
    const base = { sessionId: 's', computeParties: partyNames(3), program };
    const transport = network.endpoint('P0');
    const options = { transport, commitment: testCommitment };
    await expect(runMpcSession({ ...base, self: 'X', inputs: {} }, options)).rejects.toThrow(RangeError);
    await expect(runMpcSession({ ...base, self: 'P0', inputs: {} }, options)).rejects.toThrow(/missing/);
    await expect(runMpcSession({ ...base, self: 'P0', inputs: { a: 1n << 64n } }, options)).rejects.toThrow(
      RangeError,
    );
    await expect(runMpcSession({ ...base, self: 'P0', inputs: { a: 1n, b: 2n } }, options)).rejects.toThrow(
      /not held/,
    );
    await expect(
      runMpcSession({ ...base, computeParties: ['P0', 'P1'], self: 'P0', inputs: { a: 1n } }, options),
    ).rejects.toThrow(/compute parties/);
    await expect(
      runMpcSession(
        {
          ...base,
          program: { ...program, compare: { threshold: 1n << 200n } },
          self: 'P0',
          inputs: { a: 1n },
        },
        options,
      ),
    ).rejects.toThrow(RangeError);
    await network.idle();
    expect(sent).toBe(0);
  });
});

describe('transcripts: nothing in the clear', () => {
  const containsAt = (haystack: Uint8Array, needle: Uint8Array): boolean => {
    outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
      for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
      return true;
    }
    return false;
  };

  it('the search finds an encoded value where one is present (control)', () => {
    const value = 0x1234_5678_9abc_def0n;
    const message = new Uint8Array(100);
    message.set(fieldElementBytes(value), 50);
    expect(containsAt(message, fieldElementBytes(value))).toBe(true);
    expect(containsAt(message, fieldElementBytes(value + 1n))).toBe(false);
  });

  it.each([3, 4, 5])('n = %i: no message carries any input, the sum or the verdict', async (n) => {
    const parties = partyNames(n);
    for (const compare of [false, true]) {
      const { builder, values } = sumProgram(parties);
      const sum = Object.values(values).reduce((a, b) => a + b, 0n);
      const program: MpcProgram = compare
        ? builder.sum().compare(sum).output('P0')
        : builder.sum().output('P0');
      const messages: Uint8Array[] = [];
      const results = succeeded(
        (
          await simulateSession({
            computeParties: parties,
            program,
            values,
            seed: `clear/${n}/${compare}`,
            prepare: (net) => net.tap((m) => messages.push(m.bytes)),
          })
        ).outcomes,
      );
      expect(results.get('P0')!.output?.value).toBe(compare ? true : sum);
      expect(messages.length).toBeGreaterThan(n * (n - 1));
      const secrets = [...Object.values(values), sum, ...(compare ? [1n] : [])].map(fieldElementBytes);
      for (const m of messages) for (const s of secrets) expect(containsAt(m, s)).toBe(false);
    }
  });
});

describe('input binding with the circuits package', () => {
  it('runs with the default Poseidon share commitments', async () => {
    const parties = partyNames(3);
    const program = queryProgram()
      .input('a', 'P0')
      .input('b', 'P1')
      .input('c', 'P2')
      .sum()
      .compare(60n)
      .output('P2');
    const network = createInMemoryNetwork();
    const runs = parties.map((p, i) =>
      runMpcSession(
        {
          sessionId: 'poseidon',
          self: p,
          computeParties: parties,
          program,
          inputs: { [['a', 'b', 'c'][i]!]: BigInt(10 * (i + 1)) },
        },
        { transport: network.endpoint(p) },
      ),
    );
    const results = await Promise.all(runs);
    expect(results[2]!.output).toEqual({ kind: 'verdict', value: true, threshold: 60n });
  });

  it('a prepared sharing is the ShareBinding witness: the circuits recompute the same commitments', async () => {
    expect([SHARE_PARTIES, SHARE_DEGREE]).toEqual([3, 1]);
    const hasher = await defaultPoseidon();
    const commit = await poseidonShareCommitment();
    const prepared = prepareInputSharing(123_456n, 3, commit, seededRandomness('witness'));
    const signals = shareBindingInput(hasher, {
      value: prepared.value,
      blinding: 99n,
      sharing: prepared.sharing,
      shareBlindings: prepared.shareBlindings,
    });
    expect(signals.shareCommitments).toEqual(prepared.shareCommitments);

    const parties = partyNames(3);
    const program = queryProgram().input('a', 'P0').input('b', 'P1').sum().output('P1');
    const { outcomes } = await simulateSession({
      computeParties: parties,
      program,
      values: { a: prepared, b: 1n },
      commitment: commit,
    });
    expect(succeeded(outcomes).get('P1')!.output).toEqual({ kind: 'aggregate', value: 123_457n });
    expect(succeeded(outcomes).get('P2')!.inputCommitments.a).toEqual(prepared.shareCommitments);
  });
});
