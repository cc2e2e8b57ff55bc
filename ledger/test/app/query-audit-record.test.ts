/**
 * The query record on the ledger: a result may carry the record it commits to (bounded, UTF-8 JSON of
 * the right query, hashing to the result commitment), every audit event names its transaction, and the
 * proofs a result references must be about that query.
 */
import { sm3 } from '@privgate/accel';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datasetAnchorPayload } from '../../src/contracts/dataset-directory.ts';
import { policyChangeBytes } from '../../src/contracts/policy-registry.ts';
import { proofSubmissionPayload } from '../../src/contracts/proof-submission.ts';
import {
  auditPayload,
  MAX_QUERY_RECORD_BYTES,
  queryRecordDigest,
} from '../../src/contracts/query-audit-log.ts';
import { auditEventKey, Disclosure } from '../../src/contracts/tables.ts';
import { auditTrailJson } from '../../src/node/state-queries.ts';
import { toHex } from '../../src/tx/bytes.ts';
import { TxKind } from '../../src/tx/codec.ts';
import {
  approved,
  CHAIN_ID,
  digest,
  field,
  MULTIPLIER_PROOFS,
  MULTIPLIER_VKEY,
  ORGS,
  terminateSnarkjs,
} from './harness.ts';
import { Scenario } from './scenario.ts';

let s: Scenario;
beforeEach(async () => {
  s = await Scenario.start();
});
afterEach(async () => {
  await s.close();
});
afterAll(terminateSnarkjs);

const policy = {
  policyId: 'tax-credit-check',
  agency: 'agency-tax',
  queryKind: 'credit-penetration',
  datasets: ['tax-records'],
  purpose: 'credit risk assessment',
  disclosure: Disclosure.aggregate,
  maxQueries: 100,
  windowMs: 60_000,
  enabled: true,
};

const open = (queryId: Uint8Array) =>
  auditPayload({
    op: 'open',
    queryId,
    policyId: policy.policyId,
    queryKind: policy.queryKind,
    datasets: ['tax-records'],
    purpose: policy.purpose,
  });

const proof = (context: Uint8Array | null, i = 0) =>
  proofSubmissionPayload({
    circuit: 'multiplier',
    vkeyHash: sm3(MULTIPLIER_VKEY),
    proof: MULTIPLIER_PROOFS[i]!.proof,
    publicSignals: MULTIPLIER_PROOFS[i]!.publicSignals,
    context,
  });

const recordOf = (queryId: Uint8Array, extra: Record<string, unknown> = {}): Uint8Array =>
  new TextEncoder().encode(JSON.stringify({ queryId: toHex(queryId), v: 1, ...extra }));

const result = (
  queryId: Uint8Array,
  record: Uint8Array,
  proofIds: Uint8Array[] = [],
  commitment?: Uint8Array,
) =>
  auditPayload({
    op: 'result',
    queryId,
    resultCommitment: commitment ?? queryRecordDigest(record),
    proofIds,
    record,
  });

/** Opens a query; returns its id and the opening transaction's id. */
async function opened(label: string): Promise<{ q: Uint8Array; openTx: Uint8Array }> {
  const q = digest(label);
  const p = await s.ok(s.send(ORGS.ag1, TxKind.queryAudit, open(q)));
  return { q, openTx: p.execution.txIds[0]! };
}

beforeEach(async () => {
  await s.ok(
    s.send(
      ORGS.gw1,
      TxKind.datasetAnchor,
      datasetAnchorPayload({
        dataset: 'tax-records',
        schemaHash: digest('schema'),
        recordCount: 10,
        poseidonRoot: field('root'),
        version: 1,
      }),
    ),
  );
  await s.ok(s.send(ORGS.gw1, TxKind.policySet, approved(policyChangeBytes(CHAIN_ID, 0, policy), [])));
});

describe('query record in the result', () => {
  it('stores the record and the writing transactions, and the node trail shows them', async () => {
    const { q, openTx } = await opened('q-valid');
    const p = await s.ok(s.send(ORGS.gw1, TxKind.proofSubmit, proof(q)));
    const proofId = p.execution.txIds[0]!;
    const record = recordOf(q, { datasets: [{ dataset: 'tax-records', root: '0x01' }] });
    const r = await s.ok(s.send(ORGS.gw1, TxKind.queryAudit, result(q, record, [proofId])));
    const resultTx = r.execution.txIds[0]!;

    const trail = await auditTrailJson(s.store, q);
    expect(trail).toMatchObject([
      { kind: 'opened', requester: 'agency-tax', txId: toHex(openTx) },
      {
        kind: 'answered',
        gateway: 'gw-1',
        resultCommitment: toHex(queryRecordDigest(record)),
        proofIds: [toHex(proofId)],
        txId: toHex(resultTx),
        record: toHex(record),
      },
    ]);
  });

  it('still accepts a result without a record, and names the failing transaction of a failure', async () => {
    const a = await opened('q-old');
    await s.ok(
      s.send(
        ORGS.gw1,
        TxKind.queryAudit,
        auditPayload({ op: 'result', queryId: a.q, resultCommitment: digest('r'), proofIds: [] }),
      ),
    );
    const [, answered] = await auditTrailJson(s.store, a.q);
    expect(answered).toMatchObject({ kind: 'answered', resultCommitment: toHex(digest('r')) });
    expect(answered).not.toHaveProperty('record');

    const b = await opened('q-failed');
    const f = await s.ok(
      s.send(ORGS.gw2, TxKind.queryAudit, auditPayload({ op: 'failed', queryId: b.q, reason: 'timeout' })),
    );
    expect((await auditTrailJson(s.store, b.q))[1]).toEqual({
      kind: 'failed',
      gateway: 'gw-2',
      reason: 'timeout',
      height: s.store.height,
      timestamp: s.time,
      txId: toHex(f.execution.txIds[0]!),
    });
  });

  it('refuses an oversized record', async () => {
    const { q } = await opened('q-big');
    const pad = 'x'.repeat(MAX_QUERY_RECORD_BYTES);
    const big = recordOf(q, { pad }).subarray(0, MAX_QUERY_RECORD_BYTES + 1);
    expect(big.length).toBe(MAX_QUERY_RECORD_BYTES + 1);
    await expect(s.validate([s.attempt(ORGS.gw1, TxKind.queryAudit, result(q, big))])).rejects.toMatchObject({
      code: 'TX_MALFORMED',
      message: expect.stringMatching(/audit\.record: \d+ bytes outside/),
    });
    await s.refuse([s.attempt(ORGS.gw1, TxKind.queryAudit, result(q, big))], 'TX_MALFORMED');
    // A record just under the bound is accepted.
    const fits = recordOf(q, { pad: 'x'.repeat(MAX_QUERY_RECORD_BYTES - 100) });
    expect(fits.length).toBeLessThanOrEqual(MAX_QUERY_RECORD_BYTES);
    await s.ok(s.send(ORGS.gw1, TxKind.queryAudit, result(q, fits)));
    expect(await s.store.get(auditEventKey(q, 1))).toBeDefined();
  });

  it('refuses malformed records and a commitment that is not the record digest', async () => {
    const { q } = await opened('q-malformed');
    const utf8 = (t: string) => new TextEncoder().encode(t);
    const cases: [string, Uint8Array, Uint8Array?][] = [
      ['not UTF-8 JSON', utf8('{"v":1,')],
      ['not UTF-8 JSON', Uint8Array.of(0x7b, 0xff, 0x7d)],
      ['not a JSON object', utf8(`["${toHex(q)}"]`)],
      ['not a version 1 record', recordOf(q, { v: 2 })],
      ['the record is for another query', recordOf(digest('someone else'))],
      [
        'the result commitment is not the record digest',
        recordOf(q),
        queryRecordDigest(recordOf(q, { x: 1 })),
      ],
    ];
    for (const [reason, record, commitment] of cases) {
      await expect(
        s.validate([s.attempt(ORGS.gw1, TxKind.queryAudit, result(q, record, [], commitment))]),
        reason,
      ).rejects.toMatchObject({ code: 'TX_MALFORMED', context: { reason } });
    }
    await s.refuse(
      [s.attempt(ORGS.gw1, TxKind.queryAudit, result(q, recordOf(q), [], digest('other')))],
      'TX_MALFORMED',
    );
  });

  it('refuses proofs about another query or about none, and repeated proof ids', async () => {
    const { q } = await opened('q-proofs');
    const p = await s.ok(
      s.send(ORGS.gw1, TxKind.proofSubmit, proof(digest('another query'), 0)),
      s.send(ORGS.gw1, TxKind.proofSubmit, proof(null, 1)),
      s.send(ORGS.gw1, TxKind.proofSubmit, proof(q, 2)),
    );
    const [foreign, none, own] = p.execution.txIds as [Uint8Array, Uint8Array, Uint8Array];
    const record = recordOf(q);
    await s.refuse(
      [s.attempt(ORGS.gw1, TxKind.queryAudit, result(q, record, [own, foreign]))],
      'PROOF_WRONG_QUERY',
    );
    await s.refuse([s.attempt(ORGS.gw1, TxKind.queryAudit, result(q, record, [none]))], 'PROOF_WRONG_QUERY');
    await s.refuse([s.attempt(ORGS.gw1, TxKind.queryAudit, result(q, record, [own, own]))], 'TX_MALFORMED');
    await s.ok(s.send(ORGS.gw1, TxKind.queryAudit, result(q, record, [own])));
  });
});
