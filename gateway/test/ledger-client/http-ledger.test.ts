// HttpLedgerClient against a real consortium ledger: four validators in this process (SM2, LevelDB,
// Tendermint) with their HTTP APIs on 127.0.0.1. Every transaction is also sent to a LocalLedger opened
// on the same genesis, and every read must give the same value (heights and block times aside, which
// belong to each ledger's own blocks). Failover is tested with real validators whose API is stopped;
// broken and hostile answers come from tiny node:http servers in this file, which are legitimate test
// doubles of the boundary: the real node does not send garbage on purpose.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sm3 } from '@privgate/accel';
import {
  auditPayload,
  type CborValue,
  Disclosure,
  datasetAnchorPayload,
  governancePayload,
  policyChangeBytes,
  signTx,
  TxKind,
} from '@privgate/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditEvent,
  type CommittedTx,
  HttpLedgerClient,
  LedgerAccount,
  LocalLedger,
} from '../../src/ledger-client/index.ts';
import { AGENCIES, CHAIN_ID, GATEWAYS, QUERY_CIRCUITS, tempDir, testSigner } from '../query/consortium.ts';
import { startValidators, type Validators } from './validators.ts';

let validators: Validators;
let http: HttpLedgerClient;
let local: LocalLedger;
const localDir = tempDir('http-ledger-twin');

beforeAll(async () => {
  validators = await startValidators();
  http = await HttpLedgerClient.connect({ urls: validators.urls });
  local = await LocalLedger.open({
    chainId: CHAIN_ID,
    dir: localDir.path,
    genesis: validators.document,
    sync: false,
  });
}, 30_000);

afterAll(async () => {
  await http?.close();
  await local?.close();
  await validators?.close();
  localDir.remove();
});

const nonces = new Map<string, number>();
/** A transaction of `sender` with its next nonce (`reuse` signs with the last one again). */
function tx(sender: string, kind: TxKind, payload: readonly CborValue[], reuse = false): Uint8Array {
  const nonce = (nonces.get(sender) ?? 0) + (reuse ? 0 : 1);
  nonces.set(sender, nonce);
  return signTx(
    { chainId: CHAIN_ID, kind, sender, nonce, timestamp: Date.now(), payload },
    testSigner(sender),
  );
}
const anchor = (dataset: string, version: number) =>
  datasetAnchorPayload({
    dataset,
    schemaHash: new Uint8Array(32).fill(1),
    recordCount: 3 + version,
    poseidonRoot: new Uint8Array(32).fill(2),
    version,
  });
const outcome = (p: Promise<unknown>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (err: { code?: string; context?: unknown }) => ({
      ok: false as const,
      code: err.code,
      context: err.context,
    }),
  );

/** A node:http server answering as `handle` says; `requests` counts what it received. */
async function fakeNode(
  handle: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<{ url: string; requests: string[]; close: () => Promise<void>; server: Server }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
const json = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const statusOk = (req: IncomingMessage, res: ServerResponse): boolean => {
  if (req.url !== '/v1/status') return false;
  json(res, 200, { chainId: CHAIN_ID, nodeId: 'fake' });
  return true;
};
/** A URL nothing listens on (a server bound, then closed). */
async function deadUrl(): Promise<string> {
  const fake = await fakeNode(() => {});
  await fake.close();
  return fake.url;
}

describe('HttpLedgerClient against the validators', () => {
  it('learns the chain, and refuses a node of another chain', async () => {
    expect(http.chainId).toBe(CHAIN_ID);
    expect(http.urls).toEqual(validators.urls);
    await expect(
      HttpLedgerClient.connect({ urls: [validators.urls[0]!], chainId: 'another-chain' }),
    ).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    await expect(HttpLedgerClient.connect({ urls: [] })).rejects.toThrow(TypeError);
    await expect(HttpLedgerClient.connect({ urls: ['ftp://x'] })).rejects.toThrow(TypeError);
    await expect(HttpLedgerClient.connect({ urls: validators.urls, pollMs: 60_000 })).rejects.toThrow(
      RangeError,
    );
  });

  it('commits what a LocalLedger commits, refuses what it refuses, and reads the same values', async () => {
    const tax = GATEWAYS.tax;
    const agency = AGENCIES.credit;
    const q1 = new Uint8Array(32).fill(0x51);
    const q2 = new Uint8Array(32).fill(0x52);
    const policy = {
      policyId: 'p-http',
      agency,
      queryKind: 'credit-penetration',
      datasets: ['gw-tax/records', 'tax.a'],
      purpose: 'credit review',
      disclosure: Disclosure.verdict,
      maxQueries: 10,
      windowMs: 60_000,
      enabled: true,
    };
    const open = (queryId: Uint8Array) =>
      auditPayload({
        op: 'open',
        queryId,
        policyId: policy.policyId,
        queryKind: policy.queryKind,
        datasets: ['tax.a'],
        purpose: policy.purpose,
      });
    // The owner of every dataset a policy names sets it alone (no approvals).
    const change = policyChangeBytes(CHAIN_ID, 0, policy);
    const sequence = [
      tx(tax, TxKind.datasetAnchor, anchor('tax.a', 1)),
      tx(tax, TxKind.datasetAnchor, anchor('gw-tax/records', 1)),
      tx(tax, TxKind.policySet, governancePayload(change, [])),
      tx(agency, TxKind.queryAudit, open(q1)),
      tx(
        tax,
        TxKind.queryAudit,
        auditPayload({
          op: 'result',
          queryId: q1,
          resultCommitment: new Uint8Array(32).fill(7),
          proofIds: [],
        }),
      ),
      tx(agency, TxKind.queryAudit, open(q2)),
      tx(tax, TxKind.queryAudit, auditPayload({ op: 'failed', queryId: q2, reason: 'a gateway was down' })),
    ];
    const remote: CommittedTx[] = [];
    const twin: CommittedTx[] = [];
    for (const bytes of sequence) {
      const [r, l] = await Promise.all([http.submit(bytes), local.submit(bytes)]);
      expect(r.idHex).toBe(Buffer.from(sm3(bytes)).toString('hex'));
      expect(r.id).toEqual(l.id);
      remote.push(r);
      twin.push(l);
    }
    expect(remote.map((c) => c.height)).toEqual([...remote.map((c) => c.height)].sort((a, b) => a - b));

    // Refused by contracts while the block is built: the same code and reason from both.
    const refused = [
      tx(tax, TxKind.datasetAnchor, anchor('tax.a', 1)),
      tx(
        agency,
        TxKind.queryAudit,
        auditPayload({
          op: 'open',
          queryId: new Uint8Array(32).fill(0x53),
          policyId: 'no-such-policy',
          queryKind: policy.queryKind,
          datasets: ['tax.a'],
          purpose: policy.purpose,
        }),
      ),
    ];
    for (const [i, bytes] of refused.entries()) {
      const [r, l] = await Promise.all([outcome(http.submit(bytes)), outcome(local.submit(bytes))]);
      expect(r).toMatchObject({ ok: false, code: 'LEDGER_TX_REJECTED' });
      expect(r).toEqual(l);
      expect((r as { context: { ledgerCode: string } }).context.ledgerCode).toBe(
        ['DATASET_VERSION_STALE', 'POLICY_DENIED'][i],
      );
    }

    for (const org of [tax, agency, GATEWAYS.bank, 'nobody', 'not an id!']) {
      expect(await http.lastNonce(org)).toBe(await local.lastNonce(org));
    }
    expect(await http.lastNonce(tax)).toBe(5);
    for (const org of [tax, agency, 'validator-1', 'nobody', '']) {
      expect(await http.identity(org)).toEqual(await local.identity(org));
    }
    expect((await http.identity('validator-1'))?.roles).toEqual(['validator']);
    for (const dataset of ['tax.a', 'gw-tax/records', 'tax.none']) {
      expect(await http.datasetHead(dataset)).toEqual(await local.datasetHead(dataset));
    }
    const [rv, lv] = [await http.datasetVersion('tax.a', 1), await local.datasetVersion('tax.a', 1)];
    expect(lv).toMatchObject({ height: twin[0]!.height, timestamp: twin[0]!.blockTime, txId: twin[0]!.id });
    expect(rv).toEqual({ ...lv, height: remote[0]!.height, timestamp: remote[0]!.blockTime });
    expect(await http.datasetVersion('gw-tax/records', 2)).toBeUndefined();
    expect(await http.datasetVersion('tax.a', -1)).toBeUndefined();
    expect(await http.policy('p-http')).toEqual(await local.policy('p-http'));
    expect(await http.policy('p-http')).toMatchObject({ disclosure: Disclosure.verdict, version: 1 });
    expect(await http.policy('no-such-policy')).toBeUndefined();
    for (const circuit of [...QUERY_CIRCUITS, 'no_such_circuit']) {
      expect(await http.vkey(circuit)).toEqual(await local.vkey(circuit));
    }
    expect(await http.vkey(QUERY_CIRCUITS[0]!)).toBeDefined();

    // Audit events carry their block's height and time: those of each ledger's own commit.
    const at = (events: AuditEvent[], commits: CommittedTx[]) =>
      events.map((e, k) => ({ ...e, height: commits[k]!.height, timestamp: commits[k]!.blockTime }));
    for (const [queryId, opened, closed] of [
      [q1, 3, 4],
      [q2, 5, 6],
    ] as const) {
      const [r, l] = [await http.auditTrail(queryId), await local.auditTrail(queryId)];
      expect(l).toEqual(at(l, [twin[opened]!, twin[closed]!]));
      expect(r).toEqual(at(l, [remote[opened]!, remote[closed]!]));
    }
    expect((await http.auditTrail(q1)).map((e) => e.kind)).toEqual(['opened', 'answered']);
    expect(await http.auditTrail(new Uint8Array(32).fill(0x53))).toEqual([]);
    expect(await http.auditTrail(new Uint8Array(5))).toEqual([]);

    for (const [k, bytes] of sequence.entries()) {
      const [r, l] = [await http.transaction(remote[k]!.id), await local.transaction(twin[k]!.id)];
      expect(r).toEqual({ height: remote[k]!.height, index: remote[k]!.index, bytes });
      expect(l?.bytes).toEqual(bytes);
    }
    expect(await http.transaction(sm3(refused[0]!))).toBeUndefined();
    expect(await http.transaction(new Uint8Array(32))).toBeUndefined();
  }, 30_000);

  it('serves a LedgerAccount: concurrent submissions get consecutive nonces', async () => {
    const customs = new LedgerAccount(GATEWAYS.customs, testSigner(GATEWAYS.customs), http);
    const commits = await Promise.all(
      [1, 2, 3].map((v) => customs.submit(TxKind.datasetAnchor, anchor('customs.flows', v))),
    );
    expect(new Set(commits.map((c) => c.idHex)).size).toBe(3);
    expect(await http.lastNonce(GATEWAYS.customs)).toBe(3);
    expect(await http.datasetHead('customs.flows')).toMatchObject({ latestVersion: 3, versionCount: 3 });
    for (const [k, c] of commits.entries()) {
      const stored = await http.transaction(c.id);
      expect(stored).toMatchObject({ height: c.height, index: c.index });
      expect((await http.datasetVersion('customs.flows', k + 1))?.txId).toEqual(c.id);
    }
  }, 20_000);

  it('reports the same bytes sent again as committed, and refuses a replay without changing state', async () => {
    const market = GATEWAYS.market;
    const first = tx(market, TxKind.datasetAnchor, anchor('market.registry', 1));
    const committed = await http.submit(first);
    // A retry of the same bytes (after a failover, say) is the same commit, not a failure.
    expect(await http.submit(first)).toEqual(committed);
    // Both copies in flight at once: one is admitted, the other a duplicate; both see the commit.
    const second = tx(market, TxKind.datasetAnchor, anchor('market.registry', 2));
    const [a, b] = await Promise.all([http.submit(second), http.submit(second)]);
    expect(a).toEqual(b);
    expect(a.height).toBeGreaterThan(committed.height);
    // Other bytes with a used nonce: a replay.
    const replay = tx(market, TxKind.datasetAnchor, anchor('market.registry', 3), true);
    const refused = await outcome(http.submit(replay));
    expect(refused).toMatchObject({
      ok: false,
      code: 'LEDGER_TX_REJECTED',
      context: { ledgerCode: 'TX_REPLAY', txId: Buffer.from(sm3(replay)).toString('hex') },
    });
    expect(await http.lastNonce(market)).toBe(2);
    expect(await http.datasetHead('market.registry')).toMatchObject({ latestVersion: 2 });
    expect(await http.transaction(sm3(replay))).toBeUndefined();
  }, 20_000);

  it('refuses forged and malformed transactions at admission', async () => {
    const bank = GATEWAYS.bank;
    const before = await http.lastNonce(bank);
    const forged = signTx(
      {
        chainId: CHAIN_ID,
        kind: TxKind.datasetAnchor,
        sender: bank,
        nonce: before + 1,
        timestamp: Date.now(),
        payload: anchor('bank.loans', 1),
      },
      testSigner('intruder'),
    );
    expect(await outcome(http.submit(forged))).toMatchObject({
      ok: false,
      code: 'LEDGER_TX_REJECTED',
      context: { ledgerCode: 'TX_BAD_SIGNATURE' },
    });
    // The signature is the last 96 bytes, r ‖ s ‖ y1: change r.
    const tampered = tx(bank, TxKind.datasetAnchor, anchor('bank.loans', 1));
    tampered[tampered.length - 90]! ^= 1;
    expect(await outcome(http.submit(tampered))).toMatchObject({
      ok: false,
      context: { ledgerCode: 'TX_BAD_SIGNATURE' },
    });
    expect(await outcome(http.submit(Uint8Array.of(0x82, 0x01)))).toMatchObject({
      ok: false,
      context: { ledgerCode: 'TX_MALFORMED' },
    });
    await expect(http.submit(new Uint8Array(0))).rejects.toThrow(TypeError);
    expect(await http.lastNonce(bank)).toBe(before);
    expect(await http.datasetHead('bank.loans')).toBeUndefined();
    nonces.set(bank, before);
  });
});

describe('HttpLedgerClient failover', () => {
  it('skips a dead first URL and a busy node, and fails over when a validator’s API stops', async () => {
    const busy = await fakeNode((req, res) => {
      if (statusOk(req, res)) return;
      res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' });
      res.end(
        JSON.stringify({
          type: 'x',
          title: 'Mempool full',
          status: 503,
          detail: 'busy',
          code: 'MEMPOOL_FULL',
          instance: '/v1/tx',
        }),
      );
    });
    const client = await HttpLedgerClient.connect({
      urls: [await deadUrl(), busy.url, validators.urls[2]!, validators.urls[3]!],
    });
    try {
      const bank = new LedgerAccount(GATEWAYS.bank, testSigner(GATEWAYS.bank), client);
      const first = await bank.submit(TxKind.datasetAnchor, anchor('bank.loans', 1));
      expect(busy.requests.length).toBeGreaterThan(0);
      expect(await client.datasetHead('bank.loans')).toMatchObject({ latestVersion: 1 });
      // Validator 3's API goes away (the validator keeps voting): the client moves to validator 4.
      await validators.stopHttp(2);
      const second = await bank.submit(TxKind.datasetAnchor, anchor('bank.loans', 2));
      expect(second.height).toBeGreaterThan(first.height);
      expect(await client.lastNonce(GATEWAYS.bank)).toBe(2);
      expect((await client.transaction(first.id))?.height).toBe(first.height);
    } finally {
      await client.close();
      await busy.close();
    }
  }, 20_000);

  it('reads only from a node that has its last commit', async () => {
    // A node that answers everything but has not committed what this client last saw: its (stale)
    // account would say nonce 0.
    const behind = await fakeNode((req, res) => {
      if (statusOk(req, res)) return;
      if (req.url?.startsWith('/v1/tx/')) {
        json(res, 404, { status: 404, code: 'NOT_FOUND', detail: 'not found' }, 'application/problem+json');
      } else json(res, 200, { id: GATEWAYS.bank, nonce: 0, registered: true });
    });
    const client = await HttpLedgerClient.connect({ urls: [validators.urls[3]!, behind.url] });
    try {
      const bank = new LedgerAccount(GATEWAYS.bank, testSigner(GATEWAYS.bank), client);
      await bank.submit(TxKind.datasetAnchor, anchor('bank.loans', 3));
      expect(await client.lastNonce(GATEWAYS.bank)).toBe(3);
      await validators.stopHttp(3);
      expect(await outcome(client.lastNonce(GATEWAYS.bank))).toMatchObject({
        ok: false,
        code: 'LEDGER_UNAVAILABLE',
        context: { reason: expect.stringMatching(/behind height/) },
      });
      expect(behind.requests.some((r) => r.startsWith('GET /v1/accounts/'))).toBe(false);
    } finally {
      await client.close();
      await behind.close();
    }
  }, 20_000);

  it('is LEDGER_UNAVAILABLE at once when no validator answers', async () => {
    await expect(
      HttpLedgerClient.connect({ urls: [await deadUrl(), await deadUrl()] }),
    ).rejects.toMatchObject({
      code: 'LEDGER_UNAVAILABLE',
    });
    const fake = await fakeNode((req, res) => statusOk(req, res) || json(res, 404, 'x', 'text/plain'));
    const client = await HttpLedgerClient.connect({ urls: [fake.url, await deadUrl()] });
    await fake.close();
    const bytes = tx(AGENCIES.rogue, TxKind.datasetAnchor, anchor('bank.x', 1));
    await expect(client.submit(bytes)).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    await expect(client.lastNonce(GATEWAYS.bank)).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    await client.close();
    await expect(client.identity(GATEWAYS.bank)).rejects.toMatchObject({
      code: 'LEDGER_UNAVAILABLE',
      context: { reason: 'the client is closed' },
    });
  });

  it('does not fail over on a refusal: a 4xx is the ledger’s verdict', async () => {
    const refusing = await fakeNode((req, res) => {
      if (statusOk(req, res)) return;
      json(
        res,
        422,
        {
          type: 'x',
          title: 'Policy denied',
          status: 422,
          detail: 'policy refuses the query',
          code: 'POLICY_DENIED',
          reason: 'no such policy',
        },
        'application/problem+json',
      );
    });
    const client = await HttpLedgerClient.connect({ urls: [refusing.url, validators.urls[1]!] });
    try {
      const bytes = tx(AGENCIES.rogue, TxKind.datasetAnchor, anchor('bank.y', 1));
      expect(await outcome(client.submit(bytes))).toMatchObject({
        ok: false,
        code: 'LEDGER_TX_REJECTED',
        context: {
          ledgerCode: 'POLICY_DENIED',
          reason: 'policy refuses the query',
          details: { reason: 'no such policy' },
        },
      });
      expect(await http.transaction(sm3(bytes))).toBeUndefined();
    } finally {
      await client.close();
      await refusing.close();
    }
  });
});

describe('HttpLedgerClient against broken or hostile nodes', () => {
  it('turns every malformed answer into LEDGER_UNAVAILABLE', async () => {
    let answer: (req: IncomingMessage, res: ServerResponse, body: string) => void = () => {};
    const fake = await fakeNode((req, res, body) => statusOk(req, res) || answer(req, res, body));
    const client = await HttpLedgerClient.connect({
      urls: [fake.url],
      chainId: CHAIN_ID,
      requestTimeoutMs: 1000,
      maxResponseBytes: 64 * 1024,
    });
    const bytes = tx(AGENCIES.rogue, TxKind.datasetAnchor, anchor('bank.z', 1));
    const idHex = Buffer.from(sm3(bytes)).toString('hex');
    const cases: [RegExp, (req: IncomingMessage, res: ServerResponse) => void][] = [
      [/not JSON/, (_q, res) => json(res, 200, '{"id": "gw-')],
      [
        /malformed answer \(publicKey/,
        (_q, res) =>
          json(res, 200, { id: 'gw-bank', publicKey: 'zz', roles: ['king'], name: null, version: 1 }),
      ],
      [/over the 65536-byte limit/, (_q, res) => json(res, 200, { pad: 'x'.repeat(200_000) })],
      [
        /over the 65536-byte limit/,
        (_q, res) => {
          // No content-length: the limit holds while the body streams in.
          res.writeHead(200, { 'content-type': 'application/json' });
          for (let i = 0; i < 100; i++) res.write('x'.repeat(1000));
          res.end();
        },
      ],
      [/answered as "text\/html"/, (_q, res) => json(res, 200, '<html></html>', 'text/html')],
      [/HTTP 400 without a problem document/, (_q, res) => json(res, 400, 'bad', 'text/plain')],
      [
        /redirect/,
        (_q, res) => {
          res.writeHead(302, { location: validators.urls[0]! });
          res.end();
        },
      ],
      [/HTTP 500/, (_q, res) => json(res, 500, { code: 'INTERNAL' }, 'application/problem+json')],
      [/no answer within 1000 ms/, () => {}],
      [/fetch failed/, (req) => req.socket.destroy()],
    ];
    try {
      for (const [reason, handle] of cases) {
        answer = handle;
        const r = await outcome(client.identity(GATEWAYS.bank));
        expect(r).toMatchObject({ ok: false, code: 'LEDGER_UNAVAILABLE', context: { reason } });
      }
      // Submission: an acknowledgement for other bytes, then a "commit" of other bytes.
      answer = (_q, res) => json(res, 202, { id: 'ab'.repeat(32), status: 'pending' });
      expect(await outcome(client.submit(bytes))).toMatchObject({ ok: false, code: 'LEDGER_UNAVAILABLE' });
      answer = (req, res) =>
        req.method === 'POST'
          ? json(res, 202, { id: idHex, status: 'pending' })
          : json(res, 200, { id: idHex, status: 'committed', height: 5, index: 0, blockTime: 1, tx: 'abcd' });
      expect(await outcome(client.submit(bytes))).toMatchObject({ ok: false, code: 'LEDGER_UNAVAILABLE' });
      // A transaction answered for another id.
      answer = (_q, res) => json(res, 200, { id: 'cd'.repeat(32), status: 'pending' });
      expect(await outcome(client.transaction(sm3(bytes)))).toMatchObject({
        ok: false,
        code: 'LEDGER_UNAVAILABLE',
      });
    } finally {
      await client.close();
      await fake.close();
    }
    await expect(HttpLedgerClient.connect({ urls: [fake.url] })).rejects.toMatchObject({
      code: 'LEDGER_UNAVAILABLE',
    });
    const garbled = await fakeNode((_q, res) => json(res, 200, '[1,2'));
    await expect(HttpLedgerClient.connect({ urls: [garbled.url] })).rejects.toMatchObject({
      code: 'LEDGER_UNAVAILABLE',
    });
    await garbled.close();
  });

  it('sends a transaction again to a node that lost it', async () => {
    const bytes = tx(AGENCIES.rogue, TxKind.datasetAnchor, anchor('bank.v', 1));
    const idHex = Buffer.from(sm3(bytes)).toString('hex');
    let posts = 0;
    // First admitted then forgotten (a restart), admitted again, then committed.
    const forgetful = await fakeNode((req, res) => {
      if (statusOk(req, res)) return;
      if (req.method === 'POST') {
        posts++;
        json(res, 202, { id: idHex, status: 'pending' });
      } else if (posts < 2) {
        json(res, 404, { status: 404, code: 'NOT_FOUND', detail: 'not found' }, 'application/problem+json');
      } else {
        json(res, 200, {
          id: idHex,
          status: 'committed',
          height: 9,
          index: 2,
          blockTime: 1234,
          tx: Buffer.from(bytes).toString('hex'),
        });
      }
    });
    const client = await HttpLedgerClient.connect({ urls: [forgetful.url], pollMs: 100 });
    try {
      expect(await client.submit(bytes)).toEqual({
        id: sm3(bytes),
        idHex,
        height: 9,
        index: 2,
        blockTime: 1234,
      });
      expect(posts).toBe(2);
    } finally {
      await client.close();
      await forgetful.close();
    }
  });

  it('gives LEDGER_TIMEOUT when the commit does not come in time', async () => {
    const bytes = tx(AGENCIES.rogue, TxKind.datasetAnchor, anchor('bank.w', 1));
    const idHex = Buffer.from(sm3(bytes)).toString('hex');
    const pending = await fakeNode((req, res) => {
      if (statusOk(req, res)) return;
      json(res, req.method === 'POST' ? 202 : 200, { id: idHex, status: 'pending' });
    });
    const client = await HttpLedgerClient.connect({ urls: [pending.url], commitTimeoutMs: 500, pollMs: 100 });
    try {
      expect(await outcome(client.submit(bytes))).toMatchObject({
        ok: false,
        code: 'LEDGER_TIMEOUT',
        context: { txId: idHex },
      });
      expect(pending.requests.filter((r) => r.startsWith('GET /v1/tx/')).length).toBeGreaterThan(1);
    } finally {
      await client.close();
      await pending.close();
    }
  });
});
