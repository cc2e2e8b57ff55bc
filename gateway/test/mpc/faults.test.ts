import { describe, expect, it } from 'vitest';
import { fadd } from '../../src/mpc/field.ts';
import {
  decodeMpcMessage,
  encodeMpcMessage,
  type InFlightMessage,
  type InMemoryNetwork,
  isMpcError,
  type MpcErrorCode,
  type MpcProgram,
  type MpcStepName,
  queryProgram,
} from '../../src/mpc/index.ts';
import { type PartyOutcome, partyNames, simulateSession } from './helpers.ts';

/** One input per compute party; output at the last one. */
function program(
  parties: readonly string[],
  compare: boolean,
): { program: MpcProgram; values: Record<string, bigint> } {
  const builder = queryProgram();
  const values: Record<string, bigint> = {};
  parties.forEach((p, i) => {
    builder.input(`in${i}`, p);
    values[`in${i}`] = BigInt(1000 + i);
  });
  const out = parties[parties.length - 1]!;
  return { program: compare ? builder.sum().compare(2000n).output(out) : builder.sum().output(out), values };
}

const stepOf = (m: InFlightMessage): MpcStepName | undefined => {
  try {
    return decodeMpcMessage(m.bytes).step;
  } catch {
    return undefined;
  }
};

/** Every listed party failed with one of `codes`; when `party` is given, the error blames it. */
function expectFailures(
  outcomes: Map<string, PartyOutcome>,
  parties: readonly string[],
  codes: MpcErrorCode[],
  blamed?: string,
): void {
  for (const p of parties) {
    const o = outcomes.get(p)!;
    expect(o.ok, `${p} should have failed`).toBe(false);
    if (o.ok) continue;
    expect(isMpcError(o.error), `${p}: ${String(o.error)}`).toBe(true);
    const err = o.error as { code: MpcErrorCode; context: { party?: string } };
    expect(codes).toContain(err.code);
    if (blamed !== undefined) expect(err.context.party).toBe(blamed);
  }
}

/** No party obtained an output. */
function expectNoOutput(outcomes: Map<string, PartyOutcome>): void {
  for (const o of outcomes.values()) if (o.ok) expect(o.result.output).toBeUndefined();
}

describe.each([3, 4, 5])('faults with n = %i', (n) => {
  const parties = partyNames(n);
  const victim = 'P1';
  const honest = parties.filter((p) => p !== victim);

  it('a party that crashes mid-comparison: MPC_PARTY_DROPPED (or MPC_TIMEOUT) at every honest party, no output', async () => {
    const { program: p, values } = program(parties, true);
    const { outcomes } = await simulateSession({
      computeParties: parties,
      program: p,
      values,
      prepare: (net) =>
        net.intercept((m) => {
          // Crash as the victim starts round 3 (opening the masked value).
          if (m.from === victim && stepOf(m) === 'open-masked') net.crash(victim);
          return m.bytes;
        }),
    });
    expectFailures(outcomes, honest, ['MPC_PARTY_DROPPED', 'MPC_TIMEOUT'], victim);
    expectNoOutput(outcomes);
  });

  it('a party that falls silent: MPC_TIMEOUT naming it at every honest party, no output', async () => {
    const { program: p, values } = program(parties, true);
    const { outcomes } = await simulateSession({
      computeParties: parties,
      program: p,
      values,
      timeoutMs: 800,
      prepare: (net) =>
        net.intercept((m) => {
          if (m.from === victim && stepOf(m) === 'multiply') net.crash(victim, { notify: false });
          return m.bytes;
        }),
    });
    expectFailures(outcomes, honest, ['MPC_TIMEOUT'], victim);
    expectNoOutput(outcomes);
  });

  it('a holder whose share does not match its commitment: MPC_INCONSISTENT_SHARE naming it everywhere', async () => {
    const { program: p, values } = program(parties, false);
    const { outcomes } = await simulateSession({
      computeParties: parties,
      program: p,
      values,
      prepare: (net) =>
        net.intercept((m) => {
          if (m.from !== victim || m.to !== 'P0' || stepOf(m) !== 'input') return m.bytes;
          const msg = decodeMpcMessage(m.bytes);
          msg.payload[0] = fadd(msg.payload[0]!, 1n);
          return encodeMpcMessage(msg);
        }),
    });
    expectFailures(outcomes, honest, ['MPC_INCONSISTENT_SHARE'], victim);
    const atReceiver = outcomes.get('P0')!;
    if (!atReceiver.ok)
      expect((atReceiver.error as { context: object }).context).toMatchObject({ input: 'in1' });
    expectNoOutput(outcomes);
  });

  it('a party opening an inconsistent share: MPC_INCONSISTENT_SHARE, naming it when n ≥ t + 3', async () => {
    const { program: p, values } = program(parties, true);
    const { outcomes } = await simulateSession({
      computeParties: parties,
      program: p,
      values,
      prepare: (net) =>
        net.intercept((m) => {
          if (m.from !== victim || stepOf(m) !== 'open-masked') return m.bytes;
          const msg = decodeMpcMessage(m.bytes);
          msg.payload[0] = fadd(msg.payload[0]!, 1n);
          return encodeMpcMessage(msg);
        }),
    });
    const t = Math.floor((n - 1) / 2);
    expectFailures(outcomes, honest, ['MPC_INCONSISTENT_SHARE'], n >= t + 3 ? victim : undefined);
    if (n < t + 3) {
      const o = outcomes.get('P0')!;
      if (!o.ok)
        expect((o.error as { context: { candidates?: string[] } }).context.candidates).toEqual(parties);
    }
    expectNoOutput(outcomes);
  });
});

describe('malformed messages', () => {
  const parties = partyNames(4);
  const { program: p, values } = program(parties, true);

  type Tamper = (m: InFlightMessage, net: InMemoryNetwork) => Uint8Array | null;
  const cases: Array<[string, MpcStepName, Tamper]> = [
    ['random garbage', 'deal', () => new Uint8Array([1, 2, 3, 4, 5])],
    ['a truncated message', 'open-squares', (m) => m.bytes.subarray(0, m.bytes.length - 3)],
    [
      'an element ≥ r',
      'multiply',
      (m) => {
        const copy = m.bytes.slice();
        copy.fill(0xff, 40, 72);
        return copy;
      },
    ],
    [
      "another session's tag",
      'deal',
      (m) => {
        const msg = decodeMpcMessage(m.bytes);
        return encodeMpcMessage({ ...msg, sessionTag: new Uint8Array(32).fill(7) });
      },
    ],
    [
      'a forged sender index',
      'open-masked',
      (m) => encodeMpcMessage({ ...decodeMpcMessage(m.bytes), sender: 2 }),
    ],
    [
      'a wrong receiver index',
      'open-masked',
      (m) => {
        const msg = decodeMpcMessage(m.bytes);
        return encodeMpcMessage({ ...msg, receiver: (msg.receiver + 1) % 4 });
      },
    ],
    [
      'a payload of the wrong length',
      'open-squares',
      (m) => {
        const msg = decodeMpcMessage(m.bytes);
        return encodeMpcMessage({ ...msg, payload: [...msg.payload, 1n] });
      },
    ],
    [
      'a round past the schedule',
      'deal',
      (m) => encodeMpcMessage({ ...decodeMpcMessage(m.bytes), round: 500 }),
    ],
    [
      'a step that does not belong to the round',
      'deal',
      (m) => encodeMpcMessage({ ...decodeMpcMessage(m.bytes), step: 'output' }),
    ],
    [
      'a duplicate',
      'multiply',
      (m, net) => {
        // Deliver the original and then the same message again, as if replayed by the sender.
        const transport = net.endpoint(m.from);
        setImmediate(() => transport.send(m.to, m.bytes));
        return m.bytes;
      },
    ],
  ];

  it.each(cases)(
    '%s → MPC_MALFORMED_MESSAGE naming the sender, abort everywhere, no crash',
    async (_name, step, tamper) => {
      let tampered = 0;
      const { outcomes } = await simulateSession({
        computeParties: parties,
        program: p,
        values,
        prepare: (net) =>
          net.intercept((m) => {
            if (m.from !== 'P1' || m.to !== 'P0' || stepOf(m) !== step || tampered > 0) return m.bytes;
            tampered++;
            net.intercept(undefined); // tamper once; the duplicate re-send must pass untouched
            return tamper(m, net);
          }),
      });
      expect(tampered).toBe(1);
      const atP0 = outcomes.get('P0')!;
      expect(atP0.ok).toBe(false);
      if (!atP0.ok) {
        expect(isMpcError(atP0.error, 'MPC_MALFORMED_MESSAGE')).toBe(true);
        expect((atP0.error as { context: { party?: string } }).context.party).toBe('P1');
      }
      expectFailures(outcomes, ['P2', 'P3'], ['MPC_MALFORMED_MESSAGE'], 'P1');
      expectNoOutput(outcomes);
    },
  );

  it('messages from outside the session are ignored', async () => {
    const { outcomes } = await simulateSession({
      computeParties: parties,
      program: p,
      values,
      prepare: (net) => {
        const intruder = net.endpoint('INTRUDER');
        for (const target of parties) intruder.send(target, new Uint8Array([0xde, 0xad]));
      },
    });
    const out = outcomes.get('P3')!;
    expect(out.ok && out.result.output).toEqual({ kind: 'verdict', value: true, threshold: 2000n });
  });

  it('an input-binding check that rejects a holder aborts with MPC_INCONSISTENT_SHARE naming it', async () => {
    const { createInMemoryNetwork, runMpcSession } = await import('../../src/mpc/index.ts');
    const { seededRandomness, testCommitment } = await import('./helpers.ts');
    const network = createInMemoryNetwork();
    const sum = queryProgram().input('a', 'P0').input('b', 'P1').input('c', 'P2').sum().output('P2');
    const runs = partyNames(3).map((party, i) =>
      runMpcSession(
        {
          sessionId: 'binding',
          self: party,
          computeParties: partyNames(3),
          program: sum,
          inputs: { [['a', 'b', 'c'][i]!]: 5n },
        },
        {
          transport: network.endpoint(party),
          randomness: seededRandomness(party),
          commitment: testCommitment,
          // The gateway's proof check fails for P1's input.
          inputBinding: ({ holder }) => holder !== 'P1',
        },
      ).then(
        (result) => ({ ok: true as const, result }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    );
    const settled = await Promise.all(runs);
    for (const [i, s] of settled.entries()) {
      if (i === 1) continue; // P1 is the accused; it may fail with any code
      expect(s.ok).toBe(false);
      if (!s.ok) {
        expect(isMpcError(s.error, 'MPC_INCONSISTENT_SHARE')).toBe(true);
        expect((s.error as { context: { party?: string } }).context.party).toBe('P1');
      }
    }
  });
});

describe('lost messages', () => {
  it('a message lost on the way: MPC_TIMEOUT naming the silent sender', async () => {
    const parties = partyNames(3);
    const { program: p, values } = program(parties, false);
    const { outcomes } = await simulateSession({
      computeParties: parties,
      program: p,
      values,
      timeoutMs: 500,
      prepare: (net) =>
        net.intercept((m) => (m.from === 'P0' && m.to === 'P2' && stepOf(m) === 'output' ? null : m.bytes)),
    });
    // The output party times out; the others, waiting for its confirmation, learn it from its ABORT.
    expectFailures(outcomes, parties, ['MPC_TIMEOUT'], 'P0');
    expectNoOutput(outcomes);
  });
});
