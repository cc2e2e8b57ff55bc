/**
 * The gateway's read-only ledger routes answer with the validator API's JSON: the gateway's own
 * HttpLedgerClient, pointed at `<gateway>/ledger`, reads the same records as the LocalLedger behind them;
 * absent records are NOT_FOUND; blocks decode in the console's own reader; and an agency signing through
 * them (the console's AgencySession) produces an authorisation the ledger commits. On validators, blocks
 * are forwarded with their commit certificates.
 */
import type { Server } from 'node:http';
import { join } from 'node:path';
import { sm3 } from '@privgate/accel';
import {
  type Disclosure,
  datasetAnchorPayload,
  governancePayload,
  policyChangeBytes,
  signApproval,
  TxKind,
} from '@privgate/ledger';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgencySession } from '../../console/src/lib/agency.ts';
import { openedQueries, readBlock } from '../../console/src/lib/ledger.ts';
import { admitEveryCaller, problemErrorHandler, RouteRegistry, routeNotFound } from '../../src/http/index.ts';
import { HttpLedgerClient } from '../../src/ledger-client/http-ledger.ts';
import { LedgerAccount, type LocalLedger } from '../../src/ledger-client/index.ts';
import { checkAuthorization } from '../../src/query/request.ts';
import { registerLedgerProxyRoutes } from '../../src/server/ledger-proxy.ts';
import { usccOf } from '../../src/synthetic/index.ts';
import { startValidators, type Validators } from '../ledger-client/validators.ts';
import {
  AGENCIES,
  CHAIN_ID,
  GATEWAYS,
  openTestLedger,
  tempDir,
  testSigner,
  VALIDATOR,
} from '../query/consortium.ts';

const POLICY = 'proxy-test-policy';
const dir = tempDir('ledger-proxy');
let ledger: LocalLedger;
let server: Server;
let origin: string;
let client: HttpLedgerClient;
let policyTxId: Uint8Array;

beforeAll(async () => {
  ledger = await openTestLedger(join(dir.path, 'ledger'));
  // A policy names anchored datasets only: gw-tax anchors version 1 of its arrears.
  await new LedgerAccount(GATEWAYS.tax, testSigner(GATEWAYS.tax), ledger).submit(
    TxKind.datasetAnchor,
    datasetAnchorPayload({
      dataset: 'tax.arrears',
      schemaHash: sm3(Uint8Array.of(1)),
      recordCount: 3,
      poseidonRoot: new Uint8Array(32).fill(7),
      version: 1,
    }),
  );
  const validator = new LedgerAccount(VALIDATOR, testSigner(VALIDATOR), ledger);
  const change = policyChangeBytes(CHAIN_ID, 0, {
    policyId: POLICY,
    agency: AGENCIES.credit,
    queryKind: 'credit-penetration',
    datasets: ['tax.arrears'],
    purpose: 'testing the ledger routes',
    disclosure: 2 as Disclosure,
    maxQueries: 10,
    windowMs: 60_000,
    enabled: true,
  });
  policyTxId = (
    await validator.submit(
      TxKind.policySet,
      governancePayload(change, [
        { orgId: VALIDATOR, signature: signApproval(change, testSigner(VALIDATOR)) },
      ]),
    )
  ).id;
  const registry = new RouteRegistry({ requireCaller: admitEveryCaller, jsonBodyBytes: 1 << 16 });
  registerLedgerProxyRoutes(registry, { ledger });
  const app = express();
  app.use(registry.router);
  app.use(routeNotFound());
  app.use(problemErrorHandler());
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  client = await HttpLedgerClient.connect({ urls: [`${origin}/ledger`] });
});

afterAll(async () => {
  await client?.close();
  if (server !== undefined) await new Promise((r) => server.close(r));
  await ledger?.close();
  dir.remove();
});

describe('the gateway’s read-only ledger routes', () => {
  it('serve the validator API’s JSON: HttpLedgerClient reads what the LocalLedger holds', async () => {
    expect(client.chainId).toBe(CHAIN_ID);
    expect(await client.identity(GATEWAYS.tax)).toEqual(await ledger.identity(GATEWAYS.tax));
    expect(await client.policy(POLICY)).toEqual(await ledger.policy(POLICY));
    expect(await client.vkey('share_binding')).toEqual(await ledger.vkey('share_binding'));
    expect(await client.lastNonce(VALIDATOR)).toBe(1);
    const tx = await client.transaction(policyTxId);
    expect(tx).toEqual(await ledger.transaction(policyTxId));
  });

  it('answer NOT_FOUND for what the ledger does not hold', async () => {
    expect(await client.identity('nobody')).toBeUndefined();
    expect(await client.policy('no-such-policy')).toBeUndefined();
    expect(await client.datasetHead('no.dataset')).toBeUndefined();
    expect(await client.datasetVersion('no.dataset', 1)).toBeUndefined();
    expect(await client.transaction(sm3(Uint8Array.of(1)))).toBeUndefined();
    expect(await client.auditTrail(sm3(Uint8Array.of(2)))).toEqual([]);
    const res = await fetch(`${origin}/ledger/v1/blocks/999999`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('refuse malformed parameters and writes', async () => {
    const bad = await fetch(`${origin}/ledger/v1/tx/not-hex`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
    const post = await fetch(`${origin}/ledger/v1/tx`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(404);
    expect(((await post.json()) as { code: string }).code).toBe('ROUTE_NOT_FOUND');
  });

  it('serve blocks the console decodes itself', async () => {
    const latest = await readBlock('latest', CHAIN_ID, origin);
    expect(latest?.height).toBe(ledger.height);
    const policyBlock = await readBlock(latest!.height, CHAIN_ID, origin);
    expect(policyBlock?.txs.map((t) => [t.id, t.kind, t.sender])).toEqual([
      [Buffer.from(policyTxId).toString('hex'), 'policySet', VALIDATOR],
    ]);
    await expect(readBlock(0, 'another-chain', origin)).rejects.toThrow(/another-chain/);
  });

  it('carry an agency’s console-signed authorisation to a ledger that commits it', async () => {
    const signer = testSigner(AGENCIES.credit);
    const key = {
      id: AGENCIES.credit,
      signer,
      publicKeyHex: Buffer.from(signer.publicKey).toString('hex'),
      sealed: false,
    };
    const session = new AgencySession(key, client);
    const query = {
      policyId: POLICY,
      subject: usccOf(1),
      depth: 1,
      metrics: [{ dataset: 'tax.arrears' }],
      disclosure: { mode: 'verdict' as const, threshold: '5' },
      purpose: 'testing the ledger routes',
    };
    // A malformed subject is refused before anything is signed.
    await expect(session.sign({ ...query, subject: 'not-a-credit-code' })).rejects.toMatchObject({
      code: 'QUERY_INVALID',
    });
    const signed = await session.sign(query);
    const bytes = Uint8Array.from(Buffer.from(signed.authorization, 'hex'));
    expect(checkAuthorization(signed.request, bytes, CHAIN_ID).nonce).toBe(1);
    await ledger.submit(bytes);
    const trail = await client.auditTrail(Uint8Array.from(Buffer.from(signed.queryId, 'hex')));
    expect(trail).toMatchObject([{ kind: 'opened', requester: AGENCIES.credit, policyId: POLICY }]);
    expect(trail[0]?.txId).toEqual(sm3(bytes));
    const block = await readBlock('latest', CHAIN_ID, origin);
    expect(openedQueries(block!)).toMatchObject([{ queryId: signed.queryId, requester: AGENCIES.credit }]);
  });
});

describe('the ledger routes of a gateway on validators', () => {
  let validators: Validators;
  let upstream: HttpLedgerClient;
  let proxied: Server;
  let base: string;

  beforeAll(async () => {
    validators = await startValidators();
    upstream = await HttpLedgerClient.connect({ urls: validators.urls });
    const registry = new RouteRegistry({ requireCaller: admitEveryCaller, jsonBodyBytes: 1 << 16 });
    registerLedgerProxyRoutes(registry, { ledger: upstream });
    const app = express();
    app.use(registry.router);
    app.use(problemErrorHandler());
    proxied = app.listen(0, '127.0.0.1');
    await new Promise((r) => proxied.once('listening', r));
    base = `http://127.0.0.1:${(proxied.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await upstream?.close();
    if (proxied !== undefined) await new Promise((r) => proxied.close(r));
    await validators?.close();
  });

  it('forward blocks with their commit certificates, and read records through the client', async () => {
    const status = (await (await fetch(`${base}/ledger/v1/status`)).json()) as {
      chainId: string;
      height: number;
    };
    expect(status.chainId).toBe(CHAIN_ID);
    expect(status.height).toBeGreaterThanOrEqual(0);
    const block = await readBlock(status.height, CHAIN_ID, base);
    expect(block?.height).toBe(status.height);
    expect(block?.certified).toBe(status.height > 0);
    const genesis = await readBlock(0, CHAIN_ID, base);
    expect(genesis?.header.height).toBe(0);
    const client = await HttpLedgerClient.connect({ urls: [`${base}/ledger`] });
    expect(await client.identity(GATEWAYS.bank)).toEqual(await upstream.identity(GATEWAYS.bank));
    await client.close();
  });
});
