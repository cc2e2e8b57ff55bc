/**
 * `privgate audit verify` through the real CLI against four in-process validators' HTTP APIs: a failed
 * query passes (its failure reported), an answer whose record does not follow the schema fails with that
 * check named, an unknown query fails, and the exit codes say so. (Fully answered queries, with real
 * proofs, are verified in `gateway/test/query/audit-verify.test.ts`; this suite is about the command.)
 */
import { sm3 } from '@privgate/accel';
import { HttpLedgerClient, LedgerAccount } from '@privgate/gateway';
import {
  auditPayload,
  Disclosure,
  datasetAnchorPayload,
  governancePayload,
  policyChangeBytes,
  queryRecordDigest,
  TxKind,
} from '@privgate/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startValidators, type Validators } from '../../../gateway/test/ledger-client/validators.ts';
import { AGENCIES, CHAIN_ID, GATEWAYS, testSigner } from '../../../gateway/test/query/consortium.ts';
import { runPrivgate } from '../../src/demo/processes.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const queryId = (label: string) => sm3(new TextEncoder().encode(label));

let validators: Validators;
let ledger: HttpLedgerClient;
const failedId = queryId('cli-failed');
const answeredId = queryId('cli-answered');

beforeAll(async () => {
  validators = await startValidators();
  ledger = await HttpLedgerClient.connect({ urls: [...validators.urls], chainId: CHAIN_ID });
  const tax = new LedgerAccount(GATEWAYS.tax, testSigner(GATEWAYS.tax), ledger);
  const agency = new LedgerAccount(AGENCIES.credit, testSigner(AGENCIES.credit), ledger);
  const root = sm3(new TextEncoder().encode('root'));
  root[0] = 0;
  await tax.submit(
    TxKind.datasetAnchor,
    datasetAnchorPayload({
      dataset: 'tax.arrears',
      schemaHash: sm3(new TextEncoder().encode('schema')),
      recordCount: 10,
      poseidonRoot: root,
      version: 1,
    }),
  );
  // The owner of every dataset it names sets a policy on its own.
  const policy = {
    policyId: 'cli-policy',
    agency: AGENCIES.credit,
    queryKind: 'credit-penetration',
    datasets: ['tax.arrears'],
    purpose: 'credit assessment',
    disclosure: Disclosure.aggregate,
    maxQueries: 100,
    windowMs: 60_000,
    enabled: true,
  };
  await tax.submit(TxKind.policySet, governancePayload(policyChangeBytes(CHAIN_ID, 0, policy), []));
  const open = (q: Uint8Array) =>
    auditPayload({
      op: 'open',
      queryId: q,
      policyId: policy.policyId,
      queryKind: policy.queryKind,
      datasets: policy.datasets,
      purpose: policy.purpose,
    });
  await agency.submit(TxKind.queryAudit, open(failedId));
  await tax.submit(
    TxKind.queryAudit,
    auditPayload({ op: 'failed', queryId: failedId, reason: 'QUERY_SUBJECT_UNKNOWN: not registered' }),
  );
  // A record the ledger accepts (right query, right digest) but that is no query record.
  const record = new TextEncoder().encode(JSON.stringify({ queryId: hex(answeredId), v: 1 }));
  await agency.submit(TxKind.queryAudit, open(answeredId));
  await tax.submit(
    TxKind.queryAudit,
    auditPayload({
      op: 'result',
      queryId: answeredId,
      resultCommitment: queryRecordDigest(record),
      proofIds: [],
      record,
    }),
  );
}, 120_000);

afterAll(async () => {
  await ledger?.close();
  await validators?.close();
});

describe('privgate audit verify', () => {
  it('a failed query: every check passes, the failure is reported, exit 0', async () => {
    const run = await runPrivgate(['audit', 'verify', hex(failedId), '--url', validators.urls.join(',')]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe(`query ${hex(failedId)} on ${CHAIN_ID}: failed`);
    expect(lines.slice(1, -1).map((l) => l.split(':')[0])).toEqual([
      'PASS  opened.event',
      'PASS  opened.tx',
      'PASS  opened.agency',
      'PASS  opened.policy',
      'PASS  failed.tx',
      'PASS  failed.gateway',
    ]);
    expect(lines.at(-1)).toBe(
      'VERDICT: PASS (6/6 checks passed; query failed on the ledger: QUERY_SUBJECT_UNKNOWN: not registered)',
    );
  }, 60_000);

  it('an answer whose record is not a query record: the check is named, exit 1; --json too', async () => {
    const [run, json] = await Promise.all([
      runPrivgate(['audit', 'verify', hex(answeredId), '--url', validators.urls[1]!]),
      runPrivgate(['audit', 'verify', hex(answeredId), '--url', validators.urls[2]!, '--json']),
    ]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('PASS  answered.tx: ');
    expect(run.stdout).toMatch(/^FAIL {2}record\.present: the record does not follow the schema/m);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(
      /^VERDICT: FAIL \(\d+\/\d+ checks passed; query answered\)$/,
    );

    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ queryId: hex(answeredId), outcome: 'answered', verdict: 'FAIL' });
    expect(
      report.checks.filter((c: { ok: boolean }) => !c.ok).map((c: { check: string }) => c.check),
    ).toEqual(['record.present']);
  }, 60_000);

  it('an unknown query fails with exit 1; a malformed id is a usage error', async () => {
    const [unknown, bad] = await Promise.all([
      runPrivgate(['audit', 'verify', 'ab'.repeat(32), '--url', validators.urls[0]!]),
      runPrivgate(['audit', 'verify', 'xyz', '--url', validators.urls[0]!]),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('VERDICT: FAIL (unknown query)');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/queryId/);
  }, 60_000);
});
