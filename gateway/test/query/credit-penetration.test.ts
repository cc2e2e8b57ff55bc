/**
 * End to end: four gateways on real libp2p, one LocalLedger, real Groth16 proofs. Queries with k = 0 and
 * k = 2 in both disclosure modes must equal the clear computation; no MPC frame of any gateway carries a
 * figure in the clear; and each failure ends with its typed error and (when the ledger opened the query)
 * a "failed" audit event.
 */
import { shareCommitment, verifyProof } from '@privgate/circuits';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContributionVerifier } from '../../src/contribution/index.ts';
import type { MpcOutput } from '../../src/mpc/index.ts';
import { decodeMpcMessage, prepareInputSharing, systemRandomness } from '../../src/mpc/index.ts';
import { checkProofBundle, type QueryAnswer, recordDigest } from '../../src/query/index.ts';
import { GATEWAYS } from './consortium.ts';
import {
  METRIC_HOLDERS,
  POLICY_AGGREGATE,
  POLICY_VERDICT,
  PURPOSE,
  startTestNetwork,
  type TestNetwork,
} from './network.ts';
import { relatedInClear, usccOf } from './synthetic.ts';

const QUERY_TIMEOUT = 240_000;
let net: TestNetwork;

beforeAll(async () => {
  net = await startTestNetwork({ enterprises: 1000, mpcRoundTimeoutMs: 15_000, stageTimeoutMs: 60_000 });
}, 180_000);

afterAll(async () => {
  await net?.close();
});

const ALL_METRICS = Object.keys(METRIC_HOLDERS);

function clearAggregate(
  subjects: readonly string[],
  metrics: readonly { dataset: string; weight?: string }[],
): bigint {
  let sum = 0n;
  for (const m of metrics)
    for (const s of subjects) sum += BigInt(m.weight ?? '1') * net.data.metrics[m.dataset]!.get(s)!;
  return sum;
}

/** A subject whose depth-2 neighbourhood has between `min` and `max` enterprises. */
function subjectWithRelated(min: number, max: number, from = 100): string {
  for (let i = from; i < net.data.enterprises.length; i++) {
    const s = net.data.enterprises[i]!;
    const n = relatedInClear(net.data, s, 2).length;
    if (n >= min && n <= max) return s;
  }
  throw new Error('no suitable subject');
}

async function trailOf(answerOrQueryId: string) {
  return net.ledger.auditTrail(Uint8Array.from(Buffer.from(answerOrQueryId, 'hex')));
}

/** Every frame any gateway sent during the queries so far, decoded. */
function allFramesPayload(): bigint[] {
  const out: bigint[] = [];
  for (const g of Object.values(net.gateways))
    for (const { frame } of g.sent) out.push(...decodeMpcMessage(frame).payload);
  return out;
}

async function checkAnswered(answer: QueryAnswer): Promise<void> {
  const trail = await trailOf(answer.queryId);
  expect(trail.map((e) => e.kind)).toEqual(['opened', 'answered']);
  const answered = trail[1]!;
  if (answered.kind !== 'answered') throw new Error('unreachable');
  expect(Buffer.from(answered.resultCommitment).toString('hex')).toBe(
    Buffer.from(recordDigest(answer.bundle.record)).toString('hex'),
  );
  expect(answer.bundle.record.transcripts.length).toBeGreaterThanOrEqual(3);
  // The requester's own check of the bundle against the ledger passes; a changed answer does not.
  const verifier = new ContributionVerifier({ ledger: net.ledger, verify: verifyProof });
  expect(await checkProofBundle(answer, { ledger: net.ledger, verifier })).toEqual({ valid: true });
  const forged: MpcOutput =
    answer.output.kind === 'aggregate'
      ? { kind: 'aggregate', value: answer.output.value + 1n }
      : { ...answer.output, value: !answer.output.value };
  expect(
    (await checkProofBundle({ ...answer, output: forged }, { ledger: net.ledger, verifier })).valid,
  ).toBe(false);
  // The bundle's proofs verify on their own, against roots the ledger anchored.
  for (const c of answer.bundle.contributions) {
    const anchored = await net.ledger.datasetVersion(c.dataset, c.version);
    expect(BigInt(`0x${Buffer.from(anchored!.poseidonRoot).toString('hex')}`)).toBe(c.root);
    for (const p of [...c.inclusion, ...c.binding])
      expect(await verifyProof(p.circuit, p.proof, p.publicSignals)).toBe(true);
  }
}

describe('credit-penetration queries', () => {
  it(
    'k = 0, aggregate: equals the clear sum; the bundle checks against the ledger',
    async () => {
      const subject = usccOf(42);
      const metrics = ALL_METRICS.map((dataset) => ({ dataset }));
      const before = allFramesPayload().length;
      const answer = await net.ask(net.gateways.bank, net.agencies.credit, {
        policyId: POLICY_AGGREGATE,
        subject,
        depth: 0,
        metrics,
        disclosure: { mode: 'aggregate' },
        purpose: PURPOSE,
      });
      expect(answer.output).toEqual({ kind: 'aggregate', value: clearAggregate([subject], metrics) });
      expect(answer.bundle.record.subjectCount).toBe(1);
      expect(answer.bundle.contributions.map((c) => c.inclusion.length)).toEqual([1, 1, 1, 1]);
      // One subject: the single-record circuit, not a padded batch.
      expect(answer.bundle.contributions.map((c) => c.inclusion[0]!.circuit)).toEqual(
        Array(4).fill('record_inclusion'),
      );
      expect(allFramesPayload().length).toBeGreaterThan(before);
      await checkAnswered(answer);
      console.info('k=0 aggregate timings', answer.timings);
    },
    QUERY_TIMEOUT,
  );

  it(
    'k = 0, verdict: only aggregate ≥ threshold is revealed, both ways',
    async () => {
      const subject = usccOf(43);
      const metrics = [{ dataset: 'tax.arrears', weight: '3' }, { dataset: 'bank.loans' }];
      const sum = clearAggregate([subject], metrics);
      for (const threshold of [sum, sum + 1n]) {
        const answer = await net.ask(net.gateways.market, net.agencies.credit, {
          policyId: POLICY_VERDICT,
          subject,
          depth: 0,
          metrics,
          disclosure: { mode: 'verdict', threshold: threshold.toString() },
          purpose: PURPOSE,
        });
        expect(answer.output).toEqual({ kind: 'verdict', value: sum >= threshold, threshold });
        await checkAnswered(answer);
      }
    },
    QUERY_TIMEOUT,
  );

  it(
    'k = 2, aggregate and verdict over the related parties equal the clear computation',
    async () => {
      const subject = subjectWithRelated(3, 4);
      const related = relatedInClear(net.data, subject, 2);
      const metrics = ALL_METRICS.map((dataset) => ({ dataset }));
      const sum = clearAggregate(related, metrics);
      const aggregate = await net.ask(net.gateways.bank, net.agencies.credit, {
        policyId: POLICY_AGGREGATE,
        subject,
        depth: 2,
        metrics,
        disclosure: { mode: 'aggregate' },
        purpose: PURPOSE,
      });
      expect(aggregate.output).toEqual({ kind: 'aggregate', value: sum });
      expect(aggregate.bundle.record.subjectCount).toBe(related.length);
      // Chunks of two are batch proofs; an odd last chunk is a single-record proof.
      for (const c of aggregate.bundle.contributions)
        expect(c.inclusion.map((p) => p.circuit)).toEqual(
          Array.from({ length: Math.ceil(related.length / 2) }, (_, i) =>
            related.length - 2 * i === 1 ? 'record_inclusion' : 'record_inclusion_batch',
          ),
        );
      await checkAnswered(aggregate);
      console.info(`k=2 (${related.length} parties) aggregate timings`, aggregate.timings);

      const verdict = await net.ask(net.gateways.tax, net.agencies.credit, {
        policyId: POLICY_AGGREGATE,
        subject,
        depth: 2,
        metrics: [{ dataset: 'customs.penalties' }, { dataset: 'fx.violations', weight: '2' }],
        disclosure: { mode: 'verdict', threshold: '1000000' },
        purpose: PURPOSE,
      });
      const weighted = clearAggregate(related, [
        { dataset: 'customs.penalties' },
        { dataset: 'fx.violations', weight: '2' },
      ]);
      expect(verdict.output).toEqual({
        kind: 'verdict',
        value: weighted >= 1_000_000n,
        threshold: 1_000_000n,
      });
      await checkAnswered(verdict);
    },
    QUERY_TIMEOUT,
  );

  it(
    'concurrent queries at different entry gateways do not disturb each other',
    async () => {
      const metrics = [{ dataset: 'tax.arrears' }, { dataset: 'bank.loans' }];
      // Subjects already queried above: their inclusion proofs are reused, so this test costs little proving.
      const subjects = [usccOf(42), usccOf(43)];
      const answers = await Promise.all(
        subjects.map((subject, i) =>
          net.ask(i === 0 ? net.gateways.bank : net.gateways.tax, net.agencies.credit, {
            policyId: POLICY_AGGREGATE,
            subject,
            depth: 0,
            metrics,
            disclosure: { mode: 'aggregate' },
            purpose: PURPOSE,
          }),
        ),
      );
      answers.forEach((a, i) =>
        expect(a.output).toEqual({ kind: 'aggregate', value: clearAggregate([subjects[i]!], metrics) }),
      );
    },
    QUERY_TIMEOUT,
  );

  it('no MPC message of any gateway carries a figure in the clear', () => {
    // Every nonzero value of every enterprise queried so far, and every aggregate: none may appear.
    const secrets = new Set<bigint>();
    for (const dataset of ALL_METRICS)
      for (const v of net.data.metrics[dataset]!.values()) if (v > 1000n) secrets.add(v);
    const payload = allFramesPayload();
    expect(payload.length).toBeGreaterThan(1000);
    const leaked = payload.filter((x) => secrets.has(x));
    expect(leaked).toEqual([]);
  });
});

describe('failures end with a typed error and a failed audit event', () => {
  const base = {
    policyId: POLICY_AGGREGATE,
    depth: 0,
    metrics: [{ dataset: 'tax.arrears' }, { dataset: 'customs.penalties' }],
    disclosure: { mode: 'aggregate' as const },
    purpose: PURPOSE,
  };

  async function expectFailure(run: Promise<unknown>, code: string): Promise<string> {
    const err = (await run.then(
      () => {
        throw new Error('query succeeded');
      },
      (e: unknown) => e,
    )) as { code: string; context: Record<string, unknown> };
    expect(err.code).toBe(code);
    return code;
  }

  async function lastFailedReason(): Promise<string> {
    const logs = await net.gateways.bank.store.listQueryLog({ limit: 1000 });
    const last = logs[logs.length - 1]!;
    const trail = await trailOf(String(last.details.queryId));
    expect(trail.map((e) => e.kind)).toEqual(['opened', 'failed']);
    return (trail[1] as { reason: string }).reason;
  }

  it('malformed or misattributed control messages are refused', async () => {
    const tax = net.gateways.tax.host;
    await expect(tax.request(GATEWAYS.bank, 'query.session', { bogus: 1 })).rejects.toMatchObject({
      code: 'QUERY_INVALID',
    });
    await expect(
      tax.request(GATEWAYS.bank, 'query.subjects', { queryId: 'ab'.repeat(32), subjects: [usccOf(1)] }),
    ).rejects.toMatchObject({ code: 'QUERY_INVALID', context: { reason: 'not the resolver' } });
    await expect(
      tax.request(GATEWAYS.bank, 'query.contribution', {
        contribution: {
          queryId: 'ab'.repeat(32),
          holder: GATEWAYS.customs,
          dataset: 'customs.penalties',
          version: 1,
          root: 1n,
          fieldId: 1n,
          subjectIds: [],
          inclusion: [],
          binding: [],
        },
      }),
    ).rejects.toMatchObject({ code: 'QUERY_INVALID' });
  });

  it('an unauthorised agency is refused by the ledger itself', async () => {
    const err = await net
      .ask(net.gateways.bank, net.agencies.rogue, { ...base, subject: usccOf(50) })
      .catch((e: unknown) => e as { code: string; context: { ledgerCode?: string } });
    expect(err).toMatchObject({ code: 'QUERY_UNAUTHORISED', context: { ledgerCode: 'POLICY_DENIED' } });
    const logs = await net.gateways.bank.store.listQueryLog({ limit: 1000 });
    const last = logs[logs.length - 1]!;
    expect(last).toMatchObject({ caller: 'agency-rogue', outcome: 'refused' });
    // The ledger refuses the opening atomically: nothing of the query is on the ledger.
    expect(await trailOf(String(last.details.queryId))).toEqual([]);
  });

  it('a disclosure the policy does not allow is refused and logged as failed', async () => {
    await expectFailure(
      net.ask(net.gateways.bank, net.agencies.credit, {
        ...base,
        policyId: POLICY_VERDICT,
        subject: usccOf(51),
      }),
      'QUERY_UNAUTHORISED',
    );
    expect(await lastFailedReason()).toMatch(/^QUERY_UNAUTHORISED/);
  });

  it('an unknown subject', async () => {
    await expectFailure(
      net.ask(net.gateways.bank, net.agencies.credit, { ...base, subject: usccOf(999_999) }),
      'QUERY_SUBJECT_UNKNOWN',
    );
    expect(await lastFailedReason()).toMatch(/^QUERY_SUBJECT_UNKNOWN/);
  });

  it(
    'a holder that cannot contribute; the others stop at once',
    async () => {
      net.gateways.customs.faults.contribution = () => {
        throw new Error('records unavailable');
      };
      try {
        const started = performance.now();
        await expectFailure(
          net.ask(net.gateways.bank, net.agencies.credit, { ...base, subject: usccOf(55) }),
          'QUERY_CONTRIBUTION_FAILED',
        );
        expect(await lastFailedReason()).toMatch(/^QUERY_CONTRIBUTION_FAILED/);
        expect(performance.now() - started).toBeLessThan(30_000);
      } finally {
        delete net.gateways.customs.faults.contribution;
      }
    },
    QUERY_TIMEOUT,
  );

  it(
    'a tampered proof',
    async () => {
      net.gateways.customs.faults.contribution = (built) => {
        const [first, ...rest] = built.contribution.inclusion;
        const forged = { ...first!, proof: { ...first!.proof, pi_a: first!.proof.pi_c } };
        return { ...built, contribution: { ...built.contribution, inclusion: [forged, ...rest] } };
      };
      try {
        await expectFailure(
          net.ask(net.gateways.bank, net.agencies.credit, { ...base, subject: usccOf(52) }),
          'QUERY_PROOF_INVALID',
        );
        expect(await lastFailedReason()).toMatch(/^QUERY_PROOF_INVALID/);
      } finally {
        delete net.gateways.customs.faults.contribution;
      }
    },
    QUERY_TIMEOUT,
  );

  it(
    'an inconsistent share',
    async () => {
      // Customs proves its true value but shares another one (with valid share commitments of its own).
      net.gateways.customs.faults.contribution = (built) => {
        const inputs = { ...built.inputs };
        const id = Object.keys(inputs)[0]!;
        const commit = (s: bigint, b: bigint) => shareCommitment(net.hasher, s, b);
        inputs[id] = prepareInputSharing(inputs[id]!.value + 1n, 3, commit, systemRandomness);
        return { ...built, inputs };
      };
      try {
        await expectFailure(
          net.ask(net.gateways.bank, net.agencies.credit, { ...base, subject: usccOf(53) }),
          'QUERY_INCONSISTENT_SHARE',
        );
        expect(await lastFailedReason()).toMatch(/^QUERY_INCONSISTENT_SHARE/);
      } finally {
        delete net.gateways.customs.faults.contribution;
      }
    },
    QUERY_TIMEOUT,
  );

  it(
    'a gateway that drops out mid-protocol',
    async () => {
      // Customs goes down as it sends its first MPC message.
      net.gateways.customs.faults.intercept = () => {
        void net.gateways.customs.host.stop();
        return undefined;
      };
      await expectFailure(
        net.ask(net.gateways.bank, net.agencies.credit, { ...base, subject: usccOf(54) }),
        'QUERY_PARTY_DROPPED',
      );
      expect(await lastFailedReason()).toMatch(/^QUERY_PARTY_DROPPED/);
    },
    QUERY_TIMEOUT,
  );
});

export { GATEWAYS };
