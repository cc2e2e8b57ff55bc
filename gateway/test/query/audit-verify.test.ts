/**
 * An auditor verifies answered queries from the ledger alone: four gateways on real libp2p, one
 * LocalLedger, real Groth16 proofs anchored as proof transactions. Every answered query passes every
 * check; a failed one reports its failure; and each kind of doctored ledger answer is caught by the check
 * that names it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/datasets/index.ts';
import type { AuditEvent, LedgerClient } from '../../src/ledger-client/index.ts';
import {
  formatQueryAuditReport,
  type QueryAnswer,
  type QueryAuditReport,
  type QueryRecord,
  recordBytes,
  recordDigest,
  verifyQueryFromLedger,
} from '../../src/query/index.ts';
import { POLICY_AGGREGATE, POLICY_VERDICT, PURPOSE, startTestNetwork, type TestNetwork } from './network.ts';
import { relatedInClear, usccOf } from './synthetic.ts';

const QUERY_TIMEOUT = 400_000;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

let net: TestNetwork;
/** Answered at the start, shared by the cases below. */
let aggregate: QueryAnswer;
let verdict: QueryAnswer;
let failedQueryId: string;

const verify = (
  c: Parameters<TestNetwork['provers']['verify']>[0],
  p: Parameters<TestNetwork['provers']['verify']>[1],
  s: readonly string[],
) => net.provers.verify(c, p, s);
const audit = (ledger: LedgerClient, queryId: string) => verifyQueryFromLedger(ledger, queryId, { verify });
const failing = (r: QueryAuditReport) => r.checks.filter((c) => !c.ok);
const names = (r: QueryAuditReport) =>
  failing(r).map((c) => (c.subject === undefined ? c.check : `${c.check} [${c.subject}]`));

/**
 * BOUNDARY DOUBLE: a LedgerClient that forwards to the real ledger but alters some of its answers, as a
 * doctored validator (or a tampered HTTP response) would. The ledger itself refuses such a state, so
 * this is the only way to present it to the auditor.
 */
function doctored(ledger: LedgerClient, override: Partial<LedgerClient>): LedgerClient {
  return {
    chainId: ledger.chainId,
    submit: (tx) => ledger.submit(tx),
    lastNonce: (org) => ledger.lastNonce(org),
    identity: (org) => ledger.identity(org),
    datasetHead: (d) => ledger.datasetHead(d),
    datasetVersion: (d, v) => ledger.datasetVersion(d, v),
    policy: (p) => ledger.policy(p),
    vkey: (c) => ledger.vkey(c),
    auditTrail: (q) => ledger.auditTrail(q),
    transaction: (id) => ledger.transaction(id),
    close: async () => {},
    ...override,
  };
}

/** A doctored trail: the answered event changed by `change`. */
function withAnswer(
  change: (answered: Extract<AuditEvent, { kind: 'answered' }>) => void,
): Partial<LedgerClient> {
  return {
    auditTrail: async (q) => {
      const trail = await net.ledger.auditTrail(q);
      const answered = trail[1];
      if (answered?.kind === 'answered') change(answered);
      return trail;
    },
  };
}

async function answeredEvent(queryId: string) {
  const [, answered] = await net.ledger.auditTrail(unhex(queryId));
  if (answered?.kind !== 'answered') throw new Error('not answered');
  return answered;
}

beforeAll(async () => {
  net = await startTestNetwork({ enterprises: 50, mpcRoundTimeoutMs: 30_000, stageTimeoutMs: 120_000 });
  // A subject with a few related parties, so datasets have several proof chunks.
  let subject = usccOf(7);
  for (const s of net.data.enterprises) {
    const n = relatedInClear(net.data, s, 2).length;
    if (n >= 3 && n <= 4) {
      subject = s;
      break;
    }
  }
  aggregate = await net.ask(net.gateways.bank, net.agencies.credit, {
    policyId: POLICY_AGGREGATE,
    subject,
    depth: 2,
    metrics: [{ dataset: 'tax.arrears' }, { dataset: 'customs.penalties', weight: '2' }],
    disclosure: { mode: 'aggregate' },
    purpose: PURPOSE,
  });
  verdict = await net.ask(net.gateways.tax, net.agencies.credit, {
    policyId: POLICY_VERDICT,
    subject: usccOf(3),
    depth: 0,
    metrics: [{ dataset: 'tax.arrears' }, { dataset: 'bank.loans' }],
    disclosure: { mode: 'verdict', threshold: '1000' },
    purpose: PURPOSE,
  });
  const failed = await net
    .ask(net.gateways.bank, net.agencies.credit, {
      policyId: POLICY_AGGREGATE,
      subject: usccOf(999_999),
      depth: 0,
      metrics: [{ dataset: 'tax.arrears' }],
      disclosure: { mode: 'aggregate' },
      purpose: PURPOSE,
    })
    .then(
      () => undefined,
      (e: unknown) => e as { code: string },
    );
  expect(failed?.code).toBe('QUERY_SUBJECT_UNKNOWN');
  const logs = await net.gateways.bank.store.listQueryLog({ limit: 1000 });
  failedQueryId = String(logs[logs.length - 1]!.details.queryId);
  for (const [name, a] of [
    ['aggregate', aggregate],
    ['verdict', verdict],
  ] as const) {
    const proofs = (await answeredEvent(a.queryId)).proofIds.length;
    console.info(`${name}: ${proofs} proof txs anchored with the answer, timings (ms)`, a.timings);
  }
}, QUERY_TIMEOUT);

afterAll(async () => {
  await net?.close();
});

describe('an auditor verifies queries from the ledger alone', () => {
  it('the answer carries its record and names every proof, each a proof tx about the query', async () => {
    for (const a of [aggregate, verdict]) {
      const answered = await answeredEvent(a.queryId);
      expect(hex(answered.record!)).toBe(hex(recordBytes(a.bundle.record)));
      expect(hex(answered.resultCommitment)).toBe(hex(recordDigest(a.bundle.record)));
      const proofs = a.bundle.contributions.flatMap((c) => [...c.inclusion, ...c.binding]);
      expect(answered.proofIds).toHaveLength(proofs.length);
      expect(answered.txId).toBeDefined();
    }
    expect(aggregate.bundle.record.subjectCount).toBeGreaterThanOrEqual(3);
  });

  it(
    'an answered aggregate passes every check',
    async () => {
      const report = await audit(net.ledger, aggregate.queryId);
      expect(names(report)).toEqual([]);
      expect(report).toMatchObject({ outcome: 'answered', verdict: 'PASS', queryId: aggregate.queryId });
      const proofs = (await answeredEvent(aggregate.queryId)).proofIds.length;
      expect(report.checks.filter((c) => c.check === 'proof.groth16')).toHaveLength(proofs);
      expect(report.checks.filter((c) => c.check === 'proof.root')).toHaveLength(proofs / 2);
      for (const check of [
        'opened.tx',
        'opened.policy',
        'answered.tx',
        'record.digest',
        'record.attestation',
      ])
        expect(report.checks.map((c) => c.check)).toContain(check);
      const parties = new Set(aggregate.bundle.record.transcripts.map((t) => t.party));
      expect(
        new Set(report.checks.filter((c) => c.check === 'transcript.signature').map((c) => c.subject)),
      ).toEqual(parties);
    },
    QUERY_TIMEOUT,
  );

  it(
    'an answered verdict passes every check',
    async () => {
      const report = await audit(net.ledger, verdict.queryId);
      console.info(formatQueryAuditReport(report));
      expect(names(report)).toEqual([]);
      expect(report).toMatchObject({ outcome: 'answered', verdict: 'PASS' });
      expect(report.checks.filter((c) => c.check === 'dataset.proofDigest')).toHaveLength(2);
    },
    QUERY_TIMEOUT,
  );

  it('a failed query reports its failure event', async () => {
    const report = await audit(net.ledger, failedQueryId);
    expect(report.outcome).toBe('failed');
    expect(report.failure).toMatchObject({
      gateway: 'gw-bank',
      reason: expect.stringMatching(/^QUERY_SUBJECT_UNKNOWN/),
    });
    expect(names(report)).toEqual([]);
    expect(report.checks.map((c) => c.check)).toEqual([
      'opened.event',
      'opened.tx',
      'opened.agency',
      'opened.policy',
      'failed.tx',
      'failed.gateway',
    ]);
  });

  it('an unknown query is a typed error; a malformed id an argument error', async () => {
    await expect(audit(net.ledger, 'ab'.repeat(32))).rejects.toMatchObject({
      code: 'AUDIT_QUERY_UNKNOWN',
      context: { queryId: 'ab'.repeat(32) },
    });
    await expect(audit(net.ledger, 'not-a-query-id')).rejects.toBeInstanceOf(TypeError);
  });
});

describe('a doctored ledger answer is caught and named', () => {
  it('tampered record bytes (another result commitment inside the record)', async () => {
    const ledger = doctored(
      net.ledger,
      withAnswer((answered) => {
        const record = JSON.parse(Buffer.from(answered.record!).toString('utf8')) as QueryRecord;
        record.resultCommitment = 'ee'.repeat(32);
        answered.record = new TextEncoder().encode(canonicalJson(record));
      }),
    );
    const report = await audit(ledger, aggregate.queryId);
    expect(report.verdict).toBe('FAIL');
    expect(names(report)).toEqual(['answered.tx', 'record.digest']);
  });

  it('a proof whose public root is not the anchored root of the record’s version', async () => {
    // The first inclusion proofs of the two datasets swapped: each is a valid proof about this query,
    // against the other dataset's root.
    const chunks = (await answeredEvent(aggregate.queryId)).proofIds.length / 4;
    const ledger = doctored(
      net.ledger,
      withAnswer((answered) => {
        const ids = answered.proofIds;
        [ids[0], ids[2 * chunks]] = [ids[2 * chunks]!, ids[0]!];
      }),
    );
    const report = await audit(ledger, aggregate.queryId);
    const roots = failing(report).filter((c) => c.check === 'proof.root');
    expect(roots.map((c) => c.subject)).toEqual(['tax.arrears inclusion#0', 'customs.penalties inclusion#0']);
    expect(roots[0]!.detail).toMatch(/≠ the anchored root/);
    // The proofs themselves are sound and about this query.
    for (const check of ['proof.groth16', 'proof.context', 'proof.vkey', 'proof.tx'])
      expect(failing(report).map((c) => c.check)).not.toContain(check);
  });

  it('a transcript with a bad signature, even in a record the commitment is recomputed for', async () => {
    const record = aggregate.bundle.record;
    const [first, second] = record.transcripts as [
      QueryRecord['transcripts'][0],
      QueryRecord['transcripts'][0],
    ];
    const ledger = doctored(
      net.ledger,
      withAnswer((answered) => {
        const forged: QueryRecord = {
          ...record,
          transcripts: [{ ...first, signature: second.signature }, ...record.transcripts.slice(1)],
        };
        answered.record = recordBytes(forged);
        answered.resultCommitment = recordDigest(forged);
      }),
    );
    const report = await audit(ledger, aggregate.queryId);
    expect(names(report)).toEqual(['answered.tx', `transcript.signature [${first.party}]`]);
    expect(failing(report)[1]!.detail).toMatch(/does not verify with .*registered key/);
  });

  it('a proof transaction of another query', async () => {
    // The verdict query's first tax.arrears inclusion proof: valid, same dataset version, other query.
    const donor = (await answeredEvent(verdict.queryId)).proofIds[0]!;
    const ledger = doctored(
      net.ledger,
      withAnswer((answered) => {
        answered.proofIds[0] = donor;
      }),
    );
    const report = await audit(ledger, aggregate.queryId);
    const context = failing(report).find((c) => c.check === 'proof.context');
    expect(context).toMatchObject({
      subject: 'tax.arrears inclusion#0',
      detail: `the proof is about query ${verdict.queryId.slice(0, 12)}…`,
    });
    expect(failing(report).map((c) => c.check)).not.toContain('proof.groth16');
    expect(names(report)).toContain('answered.tx');
  });

  it('a proof transaction whose bytes were altered', async () => {
    const target = (await answeredEvent(verdict.queryId)).proofIds[1]!;
    const ledger = doctored(net.ledger, {
      transaction: async (id) => {
        const tx = await net.ledger.transaction(id);
        if (tx === undefined || hex(id) !== hex(target)) return tx;
        const bytes = Uint8Array.from(tx.bytes);
        bytes[bytes.length - 200]! ^= 1;
        return { ...tx, bytes };
      },
    });
    const report = await audit(ledger, verdict.queryId);
    expect(failing(report)).toEqual([
      expect.objectContaining({
        check: 'proof.tx',
        subject: 'tax.arrears binding#0',
        detail: expect.stringMatching(/do not hash to its id/),
      }),
      expect.objectContaining({ check: 'dataset.subjects', subject: 'tax.arrears' }),
      expect.objectContaining({ check: 'dataset.binding', subject: 'tax.arrears' }),
      expect.objectContaining({ check: 'dataset.proofDigest', subject: 'tax.arrears' }),
    ]);
  });
});
