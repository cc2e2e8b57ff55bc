/**
 * The consortium across processes: 4 validators and 4 gateways started by the demo's orchestration
 * (`DemoNetwork`), 200 synthetic enterprises, everything over HTTP and libp2p between processes. The
 * gateways run the production entry behind a test-only wrapper (`hooked-gateway.ts`) that dumps their
 * outbound MPC frames and can switch on a fault drill.
 *
 * Asserted: both disclosure modes equal the clear computation (k = 0 and k = 2); no MPC frame of any
 * gateway carries a figure in the clear; an agency without a policy is refused with nothing on the
 * ledger; the same authorisation posted twice is refused the second time and anchors nothing more; a
 * tampered proof, an inconsistent share and a gateway killed with SIGKILL mid-query each end the query
 * with its typed error and a `failed` audit event on the ledger. The `privgate` CLI (ingest with a bad
 * row, ingest + anchor through a configuration file, a query signed with the agency's key file) works
 * against the same processes.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeMpcMessage, METRIC_DATASETS, type Ministry, queryAnswerFromJson } from '@privgate/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgencyClient, AgencyQuery } from '../../src/client/agency.ts';
import { GatewayProblem } from '../../src/client/gateway-http.ts';
import { DEMO_ORGS, POLICY_AGGREGATE, POLICY_VERDICT, QUERY_PURPOSE } from '../../src/demo/ledger.ts';
import { DemoNetwork } from '../../src/demo/network.ts';
import { runPrivgate, tsEntryArgs, waitFor } from '../../src/demo/processes.ts';
import { clearOutput, groupSubject, outputMatches } from '../../src/demo/queries.ts';

const HOOKED_ENTRY = fileURLToPath(new URL('./hooked-gateway.ts', import.meta.url));
const QUERY_MS = 180_000;

let net: DemoNetwork;
let agency: AgencyClient;
let hooksDir: string;

beforeAll(async () => {
  // The hooks directory lives outside the network directory, which only exists once the network starts.
  hooksDir = join(process.env.TMPDIR ?? '/tmp', `privgate-e2e-hooks-${process.pid}`);
  rmSync(hooksDir, { recursive: true, force: true });
  mkdirSync(hooksDir, { recursive: true, mode: 0o700 });
  net = await DemoNetwork.start({
    enterprises: 200,
    seed: 11,
    handleInterrupts: false,
    keep: process.env.PRIVGATE_E2E_KEEP === '1',
    gatewayEnv: { PRIVGATE_TEST_FAULTS: '1', PRIVGATE_TEST_HOOKS_DIR: hooksDir },
    gatewayArgs: (config) => tsEntryArgs(HOOKED_ENTRY, ['--config', config]),
    mpcRoundMs: 60_000,
    stageMs: 60_000,
  });
  agency = await net.agency(DEMO_ORGS.agency.id);
}, 240_000);

afterAll(async () => {
  await net?.close();
  rmSync(hooksDir, { recursive: true, force: true });
  // Nothing of the network outlives it.
  for (const s of net?.supervisor.services ?? []) expect(s.running()).toBe(false);
});

const drill = (ministry: Ministry, name: string) =>
  writeFileSync(join(hooksDir, `${net.gateways[ministry].orgId}.drill`), name);
const noDrill = (ministry: Ministry) =>
  rmSync(join(hooksDir, `${net.gateways[ministry].orgId}.drill`), { force: true });

const queryIdBytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const trailKinds = async (queryId: string) =>
  (await net.ledgerClient.auditTrail(queryIdBytes(queryId))).map((e) => e.kind);

/** Every frame every gateway dumped so far, decoded. */
function framePayloads(): { from: string; payload: bigint[] }[] {
  const out: { from: string; payload: bigint[] }[] = [];
  for (const g of Object.values(net.gateways)) {
    const file = join(hooksDir, `${g.orgId}.frames.jsonl`);
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line === '') continue;
      const { frame } = JSON.parse(line) as { frame: string };
      out.push({
        from: g.orgId,
        payload: decodeMpcMessage(Uint8Array.from(Buffer.from(frame, 'hex'))).payload,
      });
    }
  }
  return out;
}

/** Runs a query that must fail; returns its problem (whose context names the query id). */
async function expectFailure(entry: Ministry, query: AgencyQuery): Promise<GatewayProblem> {
  const err = await agency.ask(net.gateways[entry].client, query, { verify: false }).then(
    () => {
      throw new Error('the query was answered');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayProblem);
  return err as GatewayProblem;
}

/** The failure is `code`, and the ledger's trail of its query is opened → failed with that reason. */
async function failedTrail(problem: GatewayProblem, code: string): Promise<void> {
  expect(problem.code).toBe(code);
  const queryId = problem.context.queryId;
  expect(typeof queryId).toBe('string');
  const trail = await net.ledgerClient.auditTrail(queryIdBytes(queryId as string));
  expect(trail.map((e) => e.kind)).toEqual(['opened', 'failed']);
  expect((trail[1] as { reason: string }).reason.startsWith(code)).toBe(true);
}

const all = METRIC_DATASETS.map((dataset) => ({ dataset }));
let answeredAuthorisation: { request: unknown; authorization: string; queryId: string } | undefined;

describe('queries across processes equal the clear computation', () => {
  it(
    'k = 0, aggregate, entered at the state bank',
    async () => {
      const query: AgencyQuery = {
        policyId: POLICY_AGGREGATE,
        subject: net.data.enterprises[42]!,
        depth: 0,
        metrics: all,
        disclosure: { mode: 'aggregate' },
        purpose: QUERY_PURPOSE,
      };
      const { request, authorization } = await agency.authorize(query);
      const json = await net.gateways.bank.client.submitQuery<{ queryId: string }>(request, authorization);
      answeredAuthorisation = { request, authorization, queryId: json.queryId };
      const answer = queryAnswerFromJson(json);
      const { expected } = clearOutput(net.data, query);
      expect(answer.output).toEqual({ kind: 'aggregate', value: (expected as { value: bigint }).value });
      expect(await agency.check(answer)).toEqual({ valid: true });
      expect(await trailKinds(answer.queryId)).toEqual(['opened', 'answered']);
    },
    QUERY_MS,
  );

  it(
    'k = 2, verdict, entered at customs: the agency learns only aggregate ≥ threshold',
    async () => {
      const subject = groupSubject(net.data);
      const metrics = [{ dataset: 'tax.arrears', weight: '3' }, { dataset: 'bank.loans' }];
      const probe: AgencyQuery = {
        policyId: POLICY_VERDICT,
        subject,
        depth: 2,
        metrics,
        disclosure: { mode: 'verdict', threshold: '0' },
        purpose: QUERY_PURPOSE,
      };
      const { related, expected } = clearOutput(net.data, probe);
      expect(related.length).toBeGreaterThan(1);
      const aggregate = (expected as { aggregate: bigint }).aggregate;
      const query = { ...probe, disclosure: { mode: 'verdict' as const, threshold: aggregate.toString() } };
      const result = await agency.ask(net.gateways.customs.client, query);
      expect(outputMatches(result, clearOutput(net.data, query).expected)).toBe(true);
      expect(result.answer.output).toEqual({ kind: 'verdict', value: true, threshold: aggregate });
      expect(result.answer.bundle.record.subjectCount).toBe(related.length);
      expect(result.check).toEqual({ valid: true });
      expect(await trailKinds(result.queryId)).toEqual(['opened', 'answered']);
    },
    QUERY_MS,
  );

  it('no MPC frame of any gateway carries a figure in the clear', () => {
    const secrets = new Set<bigint>();
    for (const d of METRIC_DATASETS)
      for (const v of net.data.metrics[d]!.values()) if (v > 1000n) secrets.add(v);
    const frames = framePayloads();
    expect(new Set(frames.map((f) => f.from)).size).toBe(4);
    const payload = frames.flatMap((f) => f.payload);
    expect(payload.length).toBeGreaterThan(100);
    expect(payload.filter((x) => secrets.has(x))).toEqual([]);
  });
});

describe('refusals', () => {
  it(
    'an agency without a policy is refused by the ledger; nothing of the query is on the ledger',
    async () => {
      const other = await net.agency(DEMO_ORGS.otherAgency.id);
      const query: AgencyQuery = {
        policyId: POLICY_AGGREGATE,
        subject: net.data.enterprises[50]!,
        depth: 0,
        metrics: [{ dataset: 'tax.arrears' }],
        disclosure: { mode: 'aggregate' },
        purpose: QUERY_PURPOSE,
      };
      const err = await other
        .ask(net.gateways.bank.client, query, { verify: false })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GatewayProblem);
      expect(err).toMatchObject({
        code: 'QUERY_UNAUTHORISED',
        status: 403,
        context: { ledgerCode: 'POLICY_DENIED' },
      });
      expect(await trailKinds((err as GatewayProblem).context.queryId as string)).toEqual([]);
    },
    QUERY_MS,
  );

  it(
    'the same authorisation posted twice is refused the second time and anchors nothing more',
    async () => {
      const first = answeredAuthorisation!;
      expect(first).toBeDefined();
      const before = await net.ledgerClient.auditTrail(queryIdBytes(first.queryId));
      const err = await net.gateways.tax.client
        .submitQuery(first.request, first.authorization)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GatewayProblem);
      const problem = err as GatewayProblem;
      expect(problem.status).toBeGreaterThanOrEqual(400);
      expect(problem.status).toBeLessThan(500);
      expect(['QUERY_UNAUTHORISED', 'QUERY_INVALID', 'QUERY_AUTHORISATION_STALE']).toContain(problem.code);
      const after = await net.ledgerClient.auditTrail(queryIdBytes(first.queryId));
      expect(after).toEqual(before);
      expect(after.map((e) => e.kind)).toEqual(['opened', 'answered']);
    },
    QUERY_MS,
  );
});

describe('the privgate CLI against the running consortium', () => {
  it(
    'ingest refuses a bad row with its line and field, and imports nothing',
    async () => {
      const tax = net.gateways.tax;
      const before = await tax.client.status<{ datasets: { name: string; recordCount: number }[] }>();
      const file = join(hooksDir, 'bad-arrears.csv');
      writeFileSync(
        file,
        `enterprise,amount\r\n${net.data.enterprises[0]},1.00\r\n${net.data.enterprises[1]},2.00\r\n${net.data.enterprises[2]},-5\r\n`,
      );
      const r = await runPrivgate([
        'ingest',
        '--dataset',
        'tax.arrears',
        '--file',
        file,
        '--gateway',
        tax.url,
        '--token-file',
        tax.tokenFile,
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /IMPORT_BAD_ROW: tax\.arrears: line 4, field amount: .*\(nothing was imported\)/,
      );
      const after = await tax.client.status<{ datasets: { name: string; recordCount: number }[] }>();
      expect(after.datasets.find((d) => d.name === 'tax.arrears')).toEqual(
        before.datasets.find((d) => d.name === 'tax.arrears'),
      );
    },
    QUERY_MS,
  );

  it(
    'ingest --declare and anchor through a gateway configuration file',
    async () => {
      const tax = net.gateways.tax;
      const declaration = join(hooksDir, 'refunds.json');
      writeFileSync(
        declaration,
        JSON.stringify({
          name: 'tax.refunds',
          subject: 'enterprise',
          fields: [
            { name: 'enterprise', type: 'uscc' },
            { name: 'amount', type: 'decimal', scale: 2, unit: 'CNY' },
          ],
        }),
      );
      const file = join(hooksDir, 'refunds.jsonl');
      writeFileSync(
        file,
        net.data.enterprises
          .slice(0, 3)
          .map((e, i) => `${JSON.stringify({ enterprise: e, amount: `${i + 1}.50` })}\n`)
          .join(''),
      );
      const ingest = await runPrivgate([
        'ingest',
        '--dataset',
        'tax.refunds',
        '--file',
        file,
        '--declare',
        declaration,
        '--config',
        tax.configPath,
        '--json',
      ]);
      expect(ingest.code, ingest.stderr).toBe(0);
      expect(JSON.parse(ingest.stdout)).toMatchObject({
        dataset: 'tax.refunds',
        imported: 3,
        recordCount: 3,
      });
      const anchor = await runPrivgate([
        'anchor',
        '--dataset',
        'tax.refunds',
        '--config',
        tax.configPath,
        '--json',
      ]);
      expect(anchor.code, anchor.stderr).toBe(0);
      const report = JSON.parse(anchor.stdout) as { version: number; count: number; txId: string };
      expect(report).toMatchObject({ version: 1, count: 3 });
      const head = await net.ledgerClient.datasetHead('tax.refunds');
      expect(head).toMatchObject({ owner: tax.orgId, latestVersion: 1 });
    },
    QUERY_MS,
  );

  it(
    'query signs with the agency key file and answers the clear verdict (k = 0, entered at market regulation)',
    async () => {
      const subject = net.data.enterprises[43]!;
      const metrics = [{ dataset: 'tax.arrears' }, { dataset: 'bank.loans', weight: '2' }];
      const probe: AgencyQuery = {
        policyId: POLICY_VERDICT,
        subject,
        depth: 0,
        metrics,
        disclosure: { mode: 'verdict', threshold: '0' },
        purpose: QUERY_PURPOSE,
      };
      const aggregate = (clearOutput(net.data, probe).expected as { aggregate: bigint }).aggregate;
      const threshold = aggregate + 1n;
      const r = await runPrivgate([
        'query',
        '--gateway',
        net.gateways.market.url,
        '--agency-key',
        net.ledger.orgKeyFile(DEMO_ORGS.agency.id),
        '--ledger',
        net.ledger.urls.join(','),
        '--subject',
        subject,
        '--depth',
        '0',
        '--metric',
        'tax.arrears',
        '--metric',
        'bank.loans:2',
        '--disclosure',
        'verdict',
        '--threshold',
        threshold.toString(),
        '--policy',
        POLICY_VERDICT,
        '--purpose',
        QUERY_PURPOSE,
        '--json',
      ]);
      agency.account.resync(); // the CLI used one of the agency's nonces
      expect(r.code, r.stderr).toBe(0);
      const answer = JSON.parse(r.stdout) as { queryId: string; output: unknown; check: unknown };
      expect(answer.output).toEqual({ kind: 'verdict', value: false, threshold: threshold.toString() });
      expect(answer.check).toEqual({ valid: true });
      expect(await trailKinds(answer.queryId)).toEqual(['opened', 'answered']);
    },
    QUERY_MS,
  );
});

describe('faults end the query with a typed error and a failed audit event', () => {
  const base = (i: number): AgencyQuery => ({
    policyId: POLICY_AGGREGATE,
    subject: net.data.enterprises[i]!,
    depth: 0,
    metrics: [{ dataset: 'tax.arrears' }, { dataset: 'customs.penalties' }],
    disclosure: { mode: 'aggregate' },
    purpose: QUERY_PURPOSE,
  });

  it(
    'a tampered proof',
    async () => {
      drill('customs', 'tamper-proof');
      try {
        await failedTrail(await expectFailure('bank', base(60)), 'QUERY_PROOF_INVALID');
      } finally {
        noDrill('customs');
      }
    },
    QUERY_MS,
  );

  it(
    'an inconsistent share',
    async () => {
      drill('customs', 'inconsistent-share');
      try {
        await failedTrail(await expectFailure('bank', base(61)), 'QUERY_INCONSISTENT_SHARE');
      } finally {
        noDrill('customs');
      }
    },
    QUERY_MS,
  );

  it(
    'a gateway killed with SIGKILL mid-query',
    async () => {
      drill('customs', 'hold-first-frame');
      const holding = join(hooksDir, `${net.gateways.customs.orgId}.holding`);
      const pending = expectFailure('bank', base(62));
      await waitFor(
        () => (existsSync(holding) ? true : undefined),
        120_000,
        'customs holding its first MPC frame',
        50,
      );
      await net.kill('customs');
      expect(net.service('customs')?.running()).toBe(false);
      await failedTrail(await pending, 'QUERY_PARTY_DROPPED');
    },
    QUERY_MS,
  );
});
