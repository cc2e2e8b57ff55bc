/**
 * One gateway started with `startGateway` on 127.0.0.1 (port 0) against a LocalLedger: configuration
 * errors, the OpenAPI document, problem+json for every failure, the operator token, the peer binding,
 * dataset commit over HTTP, and the query route's refusals (malformed, stale, foreign, unauthorised).
 */
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CircuitProverPool, defaultPoseidon } from '@privgate/circuits';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PoseidonPool } from '../../src/commitments/index.ts';
import { loadConfig, parseConfig } from '../../src/config.ts';
import { GatewayError } from '../../src/errors.ts';
import { LedgerAccount, type LocalLedger } from '../../src/ledger-client/index.ts';
import { PeerDirectory } from '../../src/mpc-transport/index.ts';
import { authorizeQuery, newRequestNonce } from '../../src/query/index.ts';
import {
  GatewayStatusSchema,
  PeerBindingJsonSchema,
  type RunningGateway,
  resolveSettings,
  startGateway,
  tokensEqual,
} from '../../src/server/index.ts';
import { problemOf } from '../http/harness.ts';
import { AGENCIES, GATEWAYS, openTestLedger, tempDir, testSigner } from '../query/consortium.ts';
import { usccOf } from '../query/synthetic.ts';
import { gatewayConfig, getJson, OPERATOR_TOKEN, operator, post, writeTestKeyFile } from './fixtures.ts';

function configError(fn: () => unknown): GatewayError<'CONFIG_INVALID'> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).code).toBe('CONFIG_INVALID');
    return err as GatewayError<'CONFIG_INVALID'>;
  }
  throw new Error('expected CONFIG_INVALID');
}

async function configRejection(promise: Promise<unknown>): Promise<GatewayError<'CONFIG_INVALID'>> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayError);
  expect((err as GatewayError).code).toBe('CONFIG_INVALID');
  return err as GatewayError<'CONFIG_INVALID'>;
}

const dir = tempDir('server-app');
let ledger: LocalLedger;
let provers: CircuitProverPool;
let poseidon: PoseidonPool;
let gateway: RunningGateway;

beforeAll(async () => {
  ledger = await openTestLedger(join(dir.path, 'ledger'));
  provers = await CircuitProverPool.create({ workers: 1 });
  poseidon = await PoseidonPool.create({ workers: 0 });
  gateway = await startGateway(
    gatewayConfig(dir.path, GATEWAYS.tax, { limits: { jsonBodyBytes: 2048, recordsBodyBytes: 64 * 1024 } }),
    { ledger, provers, poseidon, hasher: await defaultPoseidon() },
  );
});

afterAll(async () => {
  await gateway?.close();
  await provers?.close();
  await poseidon?.close();
  await ledger?.close();
  dir.remove();
});

describe('configuration of a running gateway', () => {
  it('keeps a minimal configuration as it was and reads the new fields from the environment', () => {
    expect(Object.keys(parseConfig({ ministryId: 'taxation' })).sort()).toEqual([
      'dataDir',
      'limits',
      'listen',
      'logLevel',
      'ministryId',
    ]);
    const config = loadConfig({
      env: {
        PRIVGATE_MINISTRY_ID: 'taxation',
        PRIVGATE_ORG_ID: 'gw-tax',
        PRIVGATE_LEDGER_URLS: 'http://127.0.0.1:7201, http://127.0.0.1:7202',
        PRIVGATE_PEERS: 'gw-bank=http://127.0.0.1:9002,gw-customs=http://127.0.0.1:9003',
        PRIVGATE_P2P_LISTEN: '/ip4/0.0.0.0/tcp/7300',
        PRIVGATE_PROVER_WORKERS: '2',
      },
    });
    expect(config.orgId).toBe('gw-tax');
    expect(config.ledger).toEqual({ urls: ['http://127.0.0.1:7201', 'http://127.0.0.1:7202'] });
    expect(config.peers).toEqual([
      { orgId: 'gw-bank', url: 'http://127.0.0.1:9002' },
      { orgId: 'gw-customs', url: 'http://127.0.0.1:9003' },
    ]);
    expect(config.p2p?.listen).toEqual(['/ip4/0.0.0.0/tcp/7300']);
    expect(config.provers?.workers).toBe(2);
  });

  it('names every invalid new field with the source of its value', () => {
    const err = configError(() =>
      loadConfig({
        env: {
          PRIVGATE_MINISTRY_ID: 'taxation',
          PRIVGATE_PEERS: 'gw-bank',
          PRIVGATE_LEDGER_URLS: 'ftp://ledger',
          PRIVGATE_SUBJECT_KEY: 'abc',
          PRIVGATE_OPERATOR_TOKEN: 'short',
        },
      }),
    );
    const byPath = new Map(err.context.errors.map((e) => [e.path, e.in]));
    expect(byPath.get('peers.0.url')).toBe('env PRIVGATE_PEERS');
    expect(byPath.get('ledger.urls.0')).toBe('env PRIVGATE_LEDGER_URLS');
    expect(byPath.get('subjectKey')).toBe('env PRIVGATE_SUBJECT_KEY');
    expect(byPath.get('operatorToken')).toBe('env PRIVGATE_OPERATOR_TOKEN');
    // A secret's value never appears in the message.
    expect(err.message).not.toContain('short');
    const both = configError(() =>
      parseConfig({
        ministryId: 'taxation',
        ledger: { urls: ['http://127.0.0.1:7201'], local: { dir: 'x', genesisFile: 'g' } },
        peers: [
          { orgId: 'gw-bank', url: 'http://127.0.0.1:1' },
          { orgId: 'gw-bank', url: 'http://127.0.0.1:2' },
        ],
        timeouts: { authorisationMaxAgeMs: 3_600_000 },
      }),
    );
    expect(both.context.errors.map((e) => e.path).sort()).toEqual([
      'ledger',
      'peers',
      'timeouts.authorisationMaxAgeMs',
    ]);
  });

  it('reports every missing secret at once, and refuses keys of another org or readable by others', async () => {
    const missing = await configRejection(
      resolveSettings(parseConfig({ ministryId: 'gw-tax', dataDir: join(dir.path, 'm') })),
    );
    expect(missing.context.errors.map((e) => e.path).sort()).toEqual(['keyFile', 'ledger', 'subjectKey']);

    const foreign = await configRejection(
      resolveSettings(
        gatewayConfig(dir.path, 'gw-x', { keyFile: writeTestKeyFile(dir.path, GATEWAYS.bank) }),
        {
          ledgerInjected: true,
        },
      ),
    );
    expect(foreign.message).toContain(`holds the key of ${GATEWAYS.bank}, not of gw-x`);

    const openConfig = gatewayConfig(dir.path, 'gw-open');
    chmodSync(openConfig.keyFile!, 0o644);
    const open = await configRejection(resolveSettings(openConfig, { ledgerInjected: true }));
    expect(open.message).toMatch(/chmod 600/);

    const self = await configRejection(
      resolveSettings(
        gatewayConfig(dir.path, 'gw-self', { peers: [{ orgId: 'gw-self', url: 'http://127.0.0.1:1' }] }),
        {
          ledgerInjected: true,
        },
      ),
    );
    expect(self.context.errors[0]?.path).toBe('peers.0.orgId');
  });

  it('creates the operator token and the libp2p key once (0600), then reuses them', async () => {
    const config = gatewayConfig(dir.path, 'gw-gen', { operatorToken: undefined });
    const first = await resolveSettings(config, { ledgerInjected: true });
    const second = await resolveSettings(config, { ledgerInjected: true });
    const tokenFile = join(config.dataDir, 'operator.token');
    expect(first.operatorTokenCreated).toBe(tokenFile);
    expect(second.operatorTokenCreated).toBeUndefined();
    expect(second.operatorToken).toBe(first.operatorToken);
    expect(first.operatorToken.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(first.operatorToken);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(config.dataDir, 'peer.key')).mode & 0o777).toBe(0o600);
    expect(Buffer.from(second.peerKey).equals(Buffer.from(first.peerKey))).toBe(true);
  });

  it('refuses to start for an organisation the ledger does not know as a gateway with this key', async () => {
    const agency = await configRejection(
      startGateway(gatewayConfig(dir.path, AGENCIES.credit), { ledger, provers, poseidon }),
    );
    expect(agency.message).toContain('does not hold the gateway role');
    const stranger = await configRejection(
      startGateway(gatewayConfig(dir.path, 'gw-stranger'), { ledger, provers, poseidon }),
    );
    expect(stranger.message).toContain('is not registered on the ledger');
  });
});

describe('one gateway over HTTP', () => {
  it('answers liveness without credentials, and the status with the operator token', async () => {
    const health = await fetch(`${gateway.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const status = GatewayStatusSchema.parse(await (await getJson(`${gateway.url}/v1/status`)).json());
    expect(status).toMatchObject({
      orgId: GATEWAYS.tax,
      chainId: ledger.chainId,
      peerId: gateway.peerId,
      ledger: { reachable: true },
      peers: [],
      queries: { running: 0 },
    });
  });

  it('documents every route in OpenAPI 3.1, every reference resolving', async () => {
    const doc = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    // Every registered route is documented, and only those.
    expect(operations.sort()).toEqual(
      gateway.registry.routes
        .map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`)
        .sort(),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'GET /healthz',
        'GET /v1/peer-binding',
        'GET /v1/status',
        'POST /v1/datasets',
        'GET /v1/datasets',
        'GET /v1/datasets/{name}',
        'POST /v1/datasets/{name}/records',
        'POST /v1/datasets/{name}/commit',
        'POST /v1/queries',
        'GET /v1/queries/{id}',
        'GET /v1/queries/{id}/events',
      ]),
    );
    const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref.slice(22, -1));
    const query = doc.paths['/v1/queries']!.post!;
    expect(Object.keys(query.responses).sort()).toEqual([
      '200',
      '400',
      '403',
      '413',
      '415',
      '422',
      '500',
      '502',
      '503',
      '504',
    ]);
    expect(JSON.stringify(query.responses['403'])).toContain('QUERY_AUTHORISATION_STALE');
    expect(doc.components.schemas).toHaveProperty('QuerySubmission');
    expect(doc.components.schemas).toHaveProperty('QueryAnswer');
    expect((doc.paths['/v1/status']!.get as Record<string, unknown>)['x-privgate-role']).toBe('operator');
    expect((doc.paths['/v1/queries']!.post as Record<string, unknown>)['x-privgate-role']).toBeUndefined();
  });

  it('serves a peer binding that verifies against the ledger, and nothing else does', async () => {
    const json = PeerBindingJsonSchema.parse(await (await fetch(`${gateway.url}/v1/peer-binding`)).json());
    expect(json).toMatchObject({ chainId: ledger.chainId, orgId: GATEWAYS.tax, peerId: gateway.peerId });
    expect(json.addrs[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/[0-9]+/);
    const binding = { ...json, signature: Uint8Array.from(Buffer.from(json.signature, 'hex')) };
    const directory = new PeerDirectory(ledger);
    await directory.add(binding);
    expect(directory.orgOf(gateway.peerId)).toBe(GATEWAYS.tax);
    await expect(
      new PeerDirectory(ledger).add({ ...binding, addrs: ['/ip4/10.0.0.66/tcp/1'] }),
    ).rejects.toMatchObject({ code: 'TRANSPORT_BINDING_INVALID' });
  });

  it('requires the operator token on operator routes, compared in constant time', async () => {
    const none = await fetch(`${gateway.url}/v1/datasets`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await problemOf(none)).code).toBe('UNAUTHENTICATED');
    for (const authorization of [
      `Bearer ${OPERATOR_TOKEN}x`,
      `Bearer ${OPERATOR_TOKEN.slice(0, -1)}`,
      'Bearer a',
      `Basic ${OPERATOR_TOKEN}`,
      OPERATOR_TOKEN,
    ]) {
      const wrong = await getJson(`${gateway.url}/v1/status`, { authorization });
      expect(wrong.status).toBe(401);
      expect((await problemOf(wrong)).code).toBe('UNAUTHENTICATED');
    }
    expect((await getJson(`${gateway.url}/v1/datasets`)).status).toBe(200);
    expect(tokensEqual(OPERATOR_TOKEN, OPERATOR_TOKEN)).toBe(true);
    expect(tokensEqual(`${OPERATOR_TOKEN} `, OPERATOR_TOKEN)).toBe(false);
    expect(tokensEqual('', OPERATOR_TOKEN)).toBe(false);
  });

  it('answers problem+json for malformed and oversized bodies, wrong media types and unknown routes', async () => {
    const malformed = await post(`${gateway.url}/v1/datasets`, '{"name": ');
    expect(malformed.status).toBe(400);
    expect((await problemOf(malformed)).code).toBe('BODY_MALFORMED');
    const oversized = await post(`${gateway.url}/v1/queries`, { request: 'x'.repeat(4096) }, {});
    expect(oversized.status).toBe(413);
    expect(await problemOf(oversized)).toMatchObject({ code: 'BODY_TOO_LARGE', limitBytes: 2048 });
    const text = await post(`${gateway.url}/v1/queries`, 'hello', {}, 'text/plain');
    expect(text.status).toBe(415);
    expect((await problemOf(text)).code).toBe('MEDIA_TYPE_UNSUPPORTED');
    const invalid = await post(`${gateway.url}/v1/queries`, { request: {}, authorization: 'zz' }, {});
    expect(invalid.status).toBe(400);
    const problem = await problemOf(invalid);
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect((problem.errors as { path: string }[]).map((e) => e.path)).toContain('authorization');
    for (const [method, path] of [
      ['GET', '/nope'],
      ['DELETE', '/v1/datasets'],
    ] as const) {
      const unknown = await fetch(`${gateway.url}${path}`, { method });
      expect(unknown.status).toBe(404);
      expect(await problemOf(unknown)).toMatchObject({ code: 'ROUTE_NOT_FOUND', method, path });
    }
    const badId = await getJson(`${gateway.url}/v1/queries/xyz`);
    expect(badId.status).toBe(400);
    const unknownQuery = await getJson(`${gateway.url}/v1/queries/${'ab'.repeat(32)}`);
    expect(unknownQuery.status).toBe(404);
    expect((await problemOf(unknownQuery)).code).toBe('UNKNOWN_QUERY');
  });

  it('commits and anchors a dataset over HTTP', async () => {
    const declared = await post(`${gateway.url}/v1/datasets`, {
      name: 'tax.arrears',
      subject: 'enterprise',
      fields: [
        { name: 'enterprise', type: 'uscc' },
        { name: 'amount', type: 'decimal', scale: 2, unit: 'CNY' },
      ],
    });
    expect(declared.status).toBe(201);
    const lines = [1, 2, 3]
      .map((i) => JSON.stringify({ enterprise: usccOf(i), amount: `${i}00.05` }))
      .join('\n');
    const imported = await post(
      `${gateway.url}/v1/datasets/tax.arrears/records`,
      lines,
      operator,
      'application/x-ndjson',
    );
    expect(imported.status).toBe(200);
    const unauthenticated = await post(`${gateway.url}/v1/datasets/tax.arrears/commit`, '', {});
    expect(unauthenticated.status).toBe(401);
    const committed = await post(`${gateway.url}/v1/datasets/tax.arrears/commit`, '');
    expect(committed.status).toBe(200);
    const report = (await committed.json()) as { version: number; count: number; txId: string; root: string };
    expect(report).toMatchObject({ version: 1, count: 3 });
    const head = await ledger.datasetHead('tax.arrears');
    expect(head?.owner).toBe(GATEWAYS.tax);
    const anchored = await ledger.datasetVersion('tax.arrears', 1);
    expect(`0x${Buffer.from(anchored!.poseidonRoot).toString('hex')}`).toBe(report.root);
    expect(Buffer.from(anchored!.txId).toString('hex')).toBe(report.txId);
    const status = GatewayStatusSchema.parse(await (await getJson(`${gateway.url}/v1/status`)).json());
    expect(status.datasets).toEqual([
      { name: 'tax.arrears', recordCount: 3, latestVersion: 1, anchoredTxId: report.txId },
    ]);
    const unknown = await post(`${gateway.url}/v1/datasets/tax.nothing/commit`, '');
    expect(unknown.status).toBe(404);
    expect((await problemOf(unknown)).code).toBe('DATASET_UNKNOWN');
  });

  it('refuses foreign, stale, future-dated and unauthorised query authorisations; the ledger opens nothing', async () => {
    const request = () => ({
      agency: AGENCIES.credit,
      policyId: 'no-such-policy',
      subject: usccOf(1),
      depth: 0,
      metrics: [{ dataset: 'tax.arrears' }],
      disclosure: { mode: 'aggregate' as const },
      purpose: 'credit assessment',
      nonce: newRequestNonce(),
    });
    const submit = (body: unknown) => post(`${gateway.url}/v1/queries`, body, {});
    const trailOf = async (r: ReturnType<typeof request>, account: LedgerAccount) => {
      const { queryIdOf, parseQueryRequest } = await import('../../src/query/index.ts');
      account.resync();
      return ledger.auditTrail(queryIdOf(parseQueryRequest(r)));
    };

    const garbage = await submit({ request: request(), authorization: 'ab'.repeat(40) });
    expect(garbage.status).toBe(400);
    expect((await problemOf(garbage)).code).toBe('QUERY_INVALID');

    const minute = 60_000;
    for (const [offset, message] of [
      [-6 * minute, /s old/],
      [2 * minute, /in the future/],
    ] as const) {
      const agency = new LedgerAccount(
        AGENCIES.credit,
        testSigner(AGENCIES.credit),
        ledger,
        () => Date.now() + offset,
      );
      const r = request();
      const stale = await submit({
        request: r,
        authorization: Buffer.from(await authorizeQuery(r, agency)).toString('hex'),
      });
      expect(stale.status).toBe(403);
      const problem = await problemOf(stale);
      expect(problem).toMatchObject({
        code: 'QUERY_AUTHORISATION_STALE',
        maxAgeMs: 300_000,
        maxSkewMs: 30_000,
      });
      expect(problem.detail).toMatch(message);
      expect(await trailOf(r, agency)).toEqual([]);
    }

    const agency = new LedgerAccount(AGENCIES.credit, testSigner(AGENCIES.credit), ledger);
    const signed = request();
    const other = request();
    const mismatch = await submit({
      request: other,
      authorization: Buffer.from(await authorizeQuery(signed, agency)).toString('hex'),
    });
    expect(mismatch.status).toBe(400);
    expect((await problemOf(mismatch)).code).toBe('QUERY_INVALID');
    expect(await trailOf(signed, agency)).toEqual([]);

    const r = request();
    const denied = await submit({
      request: r,
      authorization: Buffer.from(await authorizeQuery(r, agency)).toString('hex'),
    });
    expect(denied.status).toBe(403);
    expect(await problemOf(denied)).toMatchObject({
      code: 'QUERY_UNAUTHORISED',
      ledgerCode: 'POLICY_DENIED',
    });
    expect(await trailOf(r, agency)).toEqual([]);
  });
});
