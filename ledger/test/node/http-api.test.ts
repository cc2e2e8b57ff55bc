// The node's HTTP API against a real in-process cluster (4 validators, SM2, LevelDB): submission in
// both encodings, batch results, lookups with inclusion proofs, blocks, state queries, and RFC 9457
// problems for every kind of refusal.
import { Sm2Signer, sm3 } from '@privgate/accel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTxInclusion } from '../../src/block/inclusion.ts';
import { datasetAnchorPayload } from '../../src/contracts/dataset-directory.ts';
import { type NodeHttpServer, startHttpServer } from '../../src/node/http-server.ts';
import { fromHex, toHex } from '../../src/tx/bytes.ts';
import { signTx, TxKind } from '../../src/tx/codec.ts';
import { anchors, type Cluster, startCluster, until } from './cluster.ts';

let cluster: Cluster;
let server: NodeHttpServer;

async function call(
  path: string,
  init: { body?: unknown; raw?: string; method?: string; type?: string } = {},
) {
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const res = await fetch(`${server.url}${path}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    ...(body === undefined ? {} : { body, headers: { 'content-type': init.type ?? 'application/json' } }),
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: text ? JSON.parse(text) : undefined,
  };
}

beforeAll(async () => {
  cluster = await startCluster(4);
  server = await startHttpServer(
    cluster.node(0),
    { host: '127.0.0.1', port: 0 },
    { maxBodyBytes: 64 * 1024 },
  );
  await until(() => cluster.node(0).store.height >= 1, 20_000, 'first block');
}, 60_000);

afterAll(async () => {
  await server?.close();
  await cluster?.close();
});

describe('node HTTP API', () => {
  it('admits a transaction (hex or base64), then serves it with a verifiable inclusion proof', async () => {
    const [a, b] = anchors(cluster.net, 2, 1);
    const r1 = await call('/v1/tx', { body: { tx: toHex(a!) } });
    expect(r1).toMatchObject({ status: 202, body: { id: toHex(sm3(a!)), status: 'pending' } });
    const r2 = await call('/v1/tx', { body: { tx: Buffer.from(b!).toString('base64'), encoding: 'base64' } });
    expect(r2.status).toBe(202);
    const got = await call(`/v1/tx/${toHex(sm3(b!))}?waitMs=20000`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ status: 'committed', sender: 'gw-1', nonce: 2, kind: 4, tx: toHex(b!) });
    const proof = got.body.proof;
    const ok = verifyTxInclusion(
      {
        txId: fromHex(proof.txId),
        height: proof.height,
        index: proof.index,
        header: fromHex(proof.header),
        path: proof.path.map(fromHex),
      },
      fromHex(got.body.blockHash),
    );
    expect(ok).toBe(true);
    const block = await call(`/v1/blocks/${got.body.height}`);
    expect(block.body.txIds).toContain(toHex(sm3(b!)));
    expect(block.body.certificate.precommits.length).toBeGreaterThanOrEqual(3);
    const byHash = await call(`/v1/blocks/by-hash/${block.body.hash}`);
    expect(byHash.body.height).toBe(got.body.height);
    expect((await call('/v1/blocks/latest')).status).toBe(200);
  }, 60_000);

  it('answers a batch with one result per transaction', async () => {
    const txs = anchors(cluster.net, 3, 3);
    const r = await call('/v1/txs', {
      body: { txs: [toHex(txs[0]!), toHex(txs[0]!), '8201', toHex(txs[1]!)] },
    });
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(2);
    expect(r.body.results.map((x: { code?: string }) => x.code ?? 'ok')).toEqual([
      'ok',
      'TX_DUPLICATE',
      'TX_MALFORMED',
      'ok',
    ]);
  });

  it('serves state queries', async () => {
    await until(async () => (await call('/v1/accounts/gw-1')).body.nonce >= 2, 20_000, 'nonce 2');
    const id = await call('/v1/identities/gw-1');
    expect(id.body).toMatchObject({ id: 'gw-1', roles: ['gateway'], version: 1 });
    expect(id.body.publicKey).toMatch(/^04[0-9a-f]{128}$/);
    const v = await call('/v1/identities/validator-1');
    expect(v.body.roles).toEqual(['validator']);
    const ds = await call(`/v1/datasets/${encodeURIComponent('gw-1/records')}`);
    expect(ds.body).toMatchObject({ dataset: 'gw-1/records', owner: 'gw-1' });
    const ver = await call(`/v1/datasets/${encodeURIComponent('gw-1/records')}/versions/1`);
    expect(ver.body).toMatchObject({ version: 1, anchoredBy: 'gw-1' });
    expect((await call(`/v1/nullifiers/${'00'.repeat(32)}`)).body).toEqual({
      nullifier: '00'.repeat(32),
      seen: false,
      height: null,
    });
    expect((await call(`/v1/queries/${'11'.repeat(32)}/audit`)).body).toEqual({ events: [] });
    expect((await call('/v1/accounts/nobody')).body).toEqual({ id: 'nobody', nonce: 0, registered: false });
    const status = await call('/v1/status');
    expect(status.body).toMatchObject({ nodeId: 'validator-1', chainId: 'privgate-cluster' });
    expect(status.body.peers).toHaveLength(3);
    expect((await call('/v1/genesis')).body.validators).toHaveLength(4);
  }, 30_000);

  it('answers refusals as RFC 9457 problems with stable codes', async () => {
    const problem = async (
      p: Promise<{ status: number; type: string; body: Record<string, unknown> }>,
      status: number,
      code: string,
    ) => {
      const r = await p;
      expect(r.status).toBe(status);
      expect(r.type).toBe('application/problem+json');
      expect(r.body).toMatchObject({ status, code, type: `https://privgate.dev/problems/${code}` });
      return r.body;
    };
    await problem(call(`/v1/tx/${'ab'.repeat(32)}`), 404, 'NOT_FOUND');
    await problem(call('/v1/tx/xyz'), 400, 'REQUEST_INVALID');
    await problem(call('/v1/blocks/999999'), 404, 'NOT_FOUND');
    await problem(call('/v1/blocks/-1'), 400, 'REQUEST_INVALID');
    await problem(call('/v1/nope'), 404, 'ROUTE_NOT_FOUND');
    await problem(call('/v1/status', { method: 'DELETE' }), 405, 'METHOD_NOT_ALLOWED');
    await problem(
      call('/v1/tx', { raw: JSON.stringify({ tx: 'ab'.repeat(40_000) }) }),
      413,
      'BODY_TOO_LARGE',
    );
    await problem(call('/v1/tx', { raw: '{' }), 400, 'BODY_MALFORMED');
    await problem(call('/v1/tx', { body: { tx: 'ab', extra: 1 } }), 400, 'REQUEST_INVALID');
    await problem(
      call('/v1/tx', { raw: 'ab', type: 'application/octet-stream' }),
      415,
      'MEDIA_TYPE_UNSUPPORTED',
    );
    const replay = await problem(
      call('/v1/tx', { body: { tx: toHex(anchors(cluster.net, 1, 1)[0]!) } }),
      409,
      'TX_REPLAY',
    );
    expect(replay.detail).toMatch(/nonce 1 of gw-1/);
    const wrongChain = anchors(cluster.net, 1, 50, 'another-chain')[0]!;
    await problem(call('/v1/tx', { body: { tx: toHex(wrongChain) } }), 400, 'TX_WRONG_CHAIN');
    await problem(
      call('/v1/tx', { body: { tx: toHex(anchors(cluster.net, 1, 5000)[0]!) } }),
      409,
      'TX_NONCE_GAP',
    );
  }, 30_000);

  it('reports a transaction the ledger refused when executing it, with the ledger’s code', async () => {
    await until(async () => (await call('/v1/accounts/gw-1')).body.nonce >= 4, 20_000, 'nonce 4');
    const nonce = (await call('/v1/accounts/gw-1')).body.nonce + 1;
    const gw = cluster.net.orgs.find((o) => o.id === 'gw-1')!;
    // Version 1 of gw-1/records is anchored already: admitted (signature, nonce), refused by the contract.
    const stale = signTx(
      {
        chainId: cluster.net.genesis.chainId,
        kind: TxKind.datasetAnchor,
        sender: 'gw-1',
        nonce,
        timestamp: Date.now(),
        payload: datasetAnchorPayload({
          dataset: 'gw-1/records',
          schemaHash: new Uint8Array(32).fill(1),
          recordCount: 1,
          poseidonRoot: new Uint8Array(32),
          version: 1,
        }),
      },
      new Sm2Signer(gw.sm2PrivateKey),
    );
    expect((await call('/v1/tx', { body: { tx: toHex(stale) } })).status).toBe(202);
    const got = await call(`/v1/tx/${toHex(sm3(stale))}?waitMs=20000`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: toHex(sm3(stale)),
      status: 'rejected',
      code: 'DATASET_VERSION_STALE',
    });
    expect(got.body.detail).toMatch(/version/);
    expect((await call('/v1/accounts/gw-1')).body.nonce).toBe(nonce - 1);
    // Without waiting, the answer is the same.
    expect((await call(`/v1/tx/${toHex(sm3(stale))}`)).body.status).toBe('rejected');
  }, 30_000);
});
