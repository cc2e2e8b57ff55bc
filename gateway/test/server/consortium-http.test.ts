/**
 * Four gateways started with `startGateway` in one test process, each with its own store, libp2p host
 * and HTTP server, against one LocalLedger (one prover pool shared, as a test economy). They find each
 * other through `GET /v1/peer-binding`; data is declared, imported and committed over HTTP; an agency's
 * signed queries run over HTTP in both disclosure modes and equal the clear computation; a replayed
 * authorisation is refused with nothing anchored twice; progress is visible at the entry gateway and at
 * holders; closing the entry gateway lets its query in flight finish.
 */
import { CircuitProverPool, defaultPoseidon, type PoseidonHasher, verifyProof } from '@privgate/circuits';
import {
  type Disclosure,
  governancePayload,
  policyChangeBytes,
  signApproval,
  TxKind,
} from '@privgate/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PoseidonPool } from '../../src/commitments/index.ts';
import { ContributionVerifier } from '../../src/contribution/index.ts';
import { LedgerAccount, type LocalLedger } from '../../src/ledger-client/index.ts';
import {
  authorizeQuery,
  type CreditPenetrationRequestInput,
  checkProofBundle,
  newRequestNonce,
  parseQueryRequest,
  queryIdOf,
} from '../../src/query/index.ts';
import {
  GatewayStatusSchema,
  QUERY_PROOF_CIRCUITS,
  QueryAnswerJsonSchema,
  QueryProgressSchema,
  queryAnswerFromJson,
  type RunningGateway,
  startGateway,
} from '../../src/server/index.ts';
import { problemOf } from '../http/harness.ts';
import {
  AGENCIES,
  CHAIN_ID,
  GATEWAYS,
  openTestLedger,
  tempDir,
  testSigner,
  VALIDATOR,
} from '../query/consortium.ts';
import { METRIC_DATASETS, type SyntheticData, syntheticData } from '../query/synthetic.ts';
import { freePorts, gatewayConfig, getJson, operator, post } from './fixtures.ts';

type Key = keyof typeof GATEWAYS;
const KEYS = Object.keys(GATEWAYS) as Key[];
const OWNERSHIP = 'market.ownership';
const REGISTRY = 'market.enterprises';
const HOLDERS: Record<(typeof METRIC_DATASETS)[number], Key> = {
  'tax.arrears': 'tax',
  'customs.penalties': 'customs',
  'bank.loans': 'bank',
  'fx.violations': 'bank',
};
const PURPOSE = 'credit assessment of a loan applicant';
const QUERY_TIMEOUT = 120_000;

const dir = tempDir('server-consortium');
let ledger: LocalLedger;
let provers: CircuitProverPool;
let poseidon: PoseidonPool;
let hasher: PoseidonHasher;
let data: SyntheticData;
const gateways = {} as Record<Key, RunningGateway>;
let agency: LedgerAccount;

const fen = (v: bigint) => `${v / 100n}.${(v % 100n).toString().padStart(2, '0')}`;

async function ok(response: Promise<Response>): Promise<unknown> {
  const r = await response;
  if (!r.ok) throw new Error(`${r.status}: ${await r.text()}`);
  return r.json();
}

async function loadDataset(g: RunningGateway, declaration: unknown, rows: Record<string, string>[]) {
  await ok(post(`${g.url}/v1/datasets`, declaration));
  const body = rows.map((r) => JSON.stringify(r)).join('\n');
  await ok(
    post(
      `${g.url}/v1/datasets/${(declaration as { name: string }).name}/records`,
      body,
      operator,
      'application/x-ndjson',
    ),
  );
  await ok(post(`${g.url}/v1/datasets/${(declaration as { name: string }).name}/commit`, ''));
}

beforeAll(async () => {
  ledger = await openTestLedger(`${dir.path}/ledger`);
  [provers, poseidon, hasher] = await Promise.all([
    CircuitProverPool.create({ workers: 2, preload: QUERY_PROOF_CIRCUITS }),
    PoseidonPool.create({ workers: 0 }),
    defaultPoseidon(),
  ]);
  const ports = await freePorts(KEYS.length);
  const urlOf = (k: Key) => `http://127.0.0.1:${ports[KEYS.indexOf(k)]}`;
  await Promise.all(
    KEYS.map(async (k) => {
      const config = gatewayConfig(dir.path, GATEWAYS[k], {
        listen: { host: '127.0.0.1', port: ports[KEYS.indexOf(k)] },
        peers: KEYS.filter((o) => o !== k).map((o) => ({ orgId: GATEWAYS[o], url: urlOf(o) })),
        ownershipDataset: OWNERSHIP,
        ...(k === 'market' ? { resolver: { ownedField: 'owned', registryDataset: REGISTRY } } : {}),
        timeouts: { mpcRoundMs: 20_000, stageMs: 60_000, peerRetryMaxMs: 1000 },
      });
      gateways[k] = await startGateway(config, { ledger, provers, poseidon, hasher });
    }),
  );
  await Promise.all(KEYS.map((k) => gateways[k].waitForPeers(undefined, 30_000)));

  data = syntheticData(40);
  const enterprise = { name: 'enterprise', type: 'uscc' };
  await loadDataset(
    gateways.market,
    {
      name: REGISTRY,
      subject: 'enterprise',
      fields: [enterprise, { name: 'registered_capital', type: 'int64', unit: 'CNY' }],
    },
    data.enterprises.map((e, i) => ({ enterprise: e, registered_capital: String(1_000_000 + i) })),
  );
  await loadDataset(
    gateways.market,
    {
      name: OWNERSHIP,
      subject: 'owner',
      fields: [
        { name: 'owner', type: 'uscc' },
        { name: 'owned', type: 'uscc' },
        { name: 'share_bp', type: 'int64', unit: 'basis points' },
      ],
    },
    data.edges.map((e) => ({ owner: e.owner, owned: e.owned, share_bp: String(e.shareBp) })),
  );
  for (const [dataset, key] of Object.entries(HOLDERS)) {
    await loadDataset(
      gateways[key],
      {
        name: dataset,
        subject: 'enterprise',
        fields: [enterprise, { name: 'amount', type: 'decimal', scale: 2, unit: 'CNY' }],
      },
      [...data.metrics[dataset]!].map(([e, v]) => ({ enterprise: e, amount: fen(v) })),
    );
  }

  const validator = new LedgerAccount(VALIDATOR, testSigner(VALIDATOR), ledger);
  for (const [policyId, disclosure] of [
    ['aggregate', 1],
    ['verdict', 2],
  ] as const) {
    const change = policyChangeBytes(CHAIN_ID, 0, {
      policyId,
      agency: AGENCIES.credit,
      queryKind: 'credit-penetration',
      datasets: [...METRIC_DATASETS].sort(),
      purpose: PURPOSE,
      disclosure: disclosure as Disclosure,
      maxQueries: 1000,
      windowMs: 60_000,
      enabled: true,
    });
    await validator.submit(
      TxKind.policySet,
      governancePayload(change, [
        { orgId: VALIDATOR, signature: signApproval(change, testSigner(VALIDATOR)) },
      ]),
    );
  }
  agency = new LedgerAccount(AGENCIES.credit, testSigner(AGENCIES.credit), ledger);
}, 180_000);

afterAll(async () => {
  await Promise.all(KEYS.map((k) => gateways[k]?.close()));
  await provers?.close();
  await poseidon?.close();
  await ledger?.close();
  dir.remove();
});

/** A subject with figures in every metric dataset. */
function richSubject(): string {
  return (
    data.enterprises.find((e) => METRIC_DATASETS.every((d) => data.metrics[d]!.get(e)! > 0n)) ??
    data.enterprises.find((e) => METRIC_DATASETS.some((d) => data.metrics[d]!.get(e)! > 0n))!
  );
}

function clearSum(subject: string): bigint {
  return METRIC_DATASETS.reduce((sum, d) => sum + data.metrics[d]!.get(subject)!, 0n);
}

async function signedBody(request: Omit<CreditPenetrationRequestInput, 'agency' | 'nonce'>) {
  const full = { ...request, agency: AGENCIES.credit, nonce: newRequestNonce() };
  const authorization = Buffer.from(await authorizeQuery(full, agency)).toString('hex');
  return {
    body: { request: full, authorization },
    queryId: Buffer.from(queryIdOf(parseQueryRequest(full))).toString('hex'),
  };
}

const metrics = METRIC_DATASETS.map((dataset) => ({ dataset }));
let firstAnswer: { body: unknown; queryId: string } | undefined;

describe('four gateway processes’ worth of composition, over HTTP', () => {
  it('find each other through their signed peer bindings', async () => {
    for (const k of KEYS) {
      const status = GatewayStatusSchema.parse(await ok(getJson(`${gateways[k].url}/v1/status`)));
      expect(status.peers.map((p) => [p.orgId, p.known, p.peerId]).sort()).toEqual(
        KEYS.filter((o) => o !== k)
          .map((o) => [GATEWAYS[o], true, gateways[o].peerId])
          .sort(),
      );
      expect(gateways[k].directory.bindings()).toHaveLength(3);
    }
  });

  it(
    'answers an aggregate query equal to the clear sum, with a bundle that checks against the ledger',
    async () => {
      const subject = richSubject();
      const signed = await signedBody({
        policyId: 'aggregate',
        subject,
        depth: 0,
        metrics,
        disclosure: { mode: 'aggregate' },
        purpose: PURPOSE,
      });
      const json = QueryAnswerJsonSchema.parse(
        await ok(post(`${gateways.tax.url}/v1/queries`, signed.body, {})),
      );
      expect(json.queryId).toBe(signed.queryId);
      expect(json.output).toEqual({ kind: 'aggregate', value: clearSum(subject).toString() });
      const answer = queryAnswerFromJson(json);
      const verifier = new ContributionVerifier({ ledger, verify: verifyProof });
      expect(await checkProofBundle(answer, { ledger, verifier })).toEqual({ valid: true });
      expect(
        (
          await checkProofBundle(
            { ...answer, output: { kind: 'aggregate', value: 1n + (answer.output.value as bigint) } },
            { ledger, verifier },
          )
        ).valid,
      ).toBe(false);
      const trail = await ledger.auditTrail(Buffer.from(signed.queryId, 'hex'));
      expect(trail.map((e) => e.kind)).toEqual(['opened', 'answered']);
      firstAnswer = signed;
    },
    QUERY_TIMEOUT,
  );

  it(
    'answers a verdict query with only aggregate ≥ threshold',
    async () => {
      const subject = richSubject();
      const threshold = clearSum(subject);
      const signed = await signedBody({
        policyId: 'verdict',
        subject,
        depth: 0,
        metrics,
        disclosure: { mode: 'verdict', threshold: threshold.toString() },
        purpose: PURPOSE,
      });
      const json = QueryAnswerJsonSchema.parse(
        await ok(post(`${gateways.customs.url}/v1/queries`, signed.body, {})),
      );
      expect(json.output).toEqual({ kind: 'verdict', value: true, threshold: threshold.toString() });
      const aggregateUnderVerdictPolicy = await signedBody({
        policyId: 'verdict',
        subject,
        depth: 0,
        metrics,
        disclosure: { mode: 'aggregate' },
        purpose: PURPOSE,
      });
      const refused = await post(`${gateways.customs.url}/v1/queries`, aggregateUnderVerdictPolicy.body, {});
      expect(refused.status).toBe(403);
      expect((await problemOf(refused)).code).toBe('QUERY_UNAUTHORISED');
      agency.resync();
    },
    QUERY_TIMEOUT,
  );

  it('refuses a replayed authorisation, at any gateway, with nothing anchored twice', async () => {
    expect(firstAnswer).toBeDefined();
    const height = ledger.height;
    for (const g of [gateways.tax, gateways.bank]) {
      const replay = await post(`${g.url}/v1/queries`, firstAnswer!.body, {});
      expect(replay.status).toBe(403);
      expect(await problemOf(replay)).toMatchObject({ code: 'QUERY_UNAUTHORISED', ledgerCode: 'TX_REPLAY' });
    }
    expect(ledger.height).toBe(height);
    const trail = await ledger.auditTrail(Buffer.from(firstAnswer!.queryId, 'hex'));
    expect(trail.map((e) => e.kind)).toEqual(['opened', 'answered']);
  });

  it('shows a query’s progress at the entry gateway and at holders, also as server-sent events', async () => {
    const id = firstAnswer!.queryId;
    const entry = QueryProgressSchema.parse(await ok(getJson(`${gateways.tax.url}/v1/queries/${id}`)));
    expect(entry).toMatchObject({ role: 'entry', outcome: 'answered', stage: 'answered' });
    const stages = entry.events.map((e) => e.stage);
    for (const s of [
      'opened',
      'resolved',
      'session',
      'proved',
      'computed',
      'verified',
      'answered',
    ] as const) {
      expect(stages).toContain(s);
    }
    expect(stages.indexOf('opened')).toBeLessThan(stages.indexOf('computed'));
    expect(stages.at(-1)).toBe('answered');
    const bank = QueryProgressSchema.parse(await ok(getJson(`${gateways.bank.url}/v1/queries/${id}`)));
    expect(bank.role).toBe('participant');
    expect(
      bank.events
        .filter((e) => e.stage === 'proved')
        .map((e) => e.details.dataset)
        .sort(),
    ).toEqual(['bank.loans', 'fx.violations']);
    expect(bank.events.map((e) => e.stage)).toContain('computed');
    expect((await getJson(`${gateways.bank.url}/v1/queries/${id}`, {})).status).toBe(401);

    const stream = await getJson(`${gateways.tax.url}/v1/queries/${id}/events`);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await stream.text();
    const events = text
      .split('\n\n')
      .filter((block) => block.startsWith('event: stage'))
      .map((block) => JSON.parse(block.split('\ndata: ')[1]!) as { stage: string });
    expect(events.map((e) => e.stage)).toEqual(stages);
  });

  it(
    'closing the entry gateway lets its query in flight finish, then stops serving',
    async () => {
      const subject = richSubject();
      const signed = await signedBody({
        policyId: 'aggregate',
        subject,
        depth: 0,
        metrics,
        disclosure: { mode: 'aggregate' },
        purpose: PURPOSE,
      });
      const pending = post(`${gateways.bank.url}/v1/queries`, signed.body, {});
      while (gateways.bank.progress.get(signed.queryId) === undefined)
        await new Promise((r) => setTimeout(r, 20));
      const closed = gateways.bank.close();
      const response = await pending;
      expect(response.status).toBe(200);
      expect(((await response.json()) as { output: unknown }).output).toEqual({
        kind: 'aggregate',
        value: clearSum(subject).toString(),
      });
      await closed;
      await expect(fetch(`${gateways.bank.url}/healthz`)).rejects.toThrow();
    },
    QUERY_TIMEOUT,
  );
});
