// Four validators as separate processes on 127.0.0.1 (`privgate ledger start`), driven over HTTP only:
// a stream of transactions, `kill -9` of one validator while the others keep committing, its restart and
// catch-up by block sync, then the end state — nothing committed is lost, every node holds the same
// blocks and state roots at the same heights, and `privgate audit chain` passes. Bad input over HTTP is
// refused with its typed code and changes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sm2Signer, sm3 } from '@privgate/accel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CborValue } from '../../src/codec/canonical.ts';
import { datasetAnchorPayload } from '../../src/contracts/dataset-directory.ts';
import type { Groth16Proof } from '../../src/contracts/interface.ts';
import { nullifierBatchPayload } from '../../src/contracts/nullifier-registry.ts';
import { proofSubmissionPayload } from '../../src/contracts/proof-submission.ts';
import { readKeyFile } from '../../src/node/key-file.ts';
import { localPaths } from '../../src/node/local-network.ts';
import { signTx, TxKind } from '../../src/tx/codec.ts';
import { http, ProcessNetwork, runCli, waitFor } from './processes.ts';

const FIXTURES = fileURLToPath(new URL('../app/fixtures/', import.meta.url));
const VKEY = readFileSync(join(FIXTURES, 'multiplier.vkey.json'));
const PROOFS: { proof: Groth16Proof; publicSignals: string[] }[] = JSON.parse(
  readFileSync(join(FIXTURES, 'multiplier.proofs.json'), 'utf8'),
);
const CHAIN = 'privgate-local';
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const idOf = (tx: Uint8Array): string => hex(sm3(tx));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Sender {
  nonce = 0;
  constructor(
    readonly id: string,
    readonly signer: Sm2Signer,
  ) {}
  sign(kind: number, payload: readonly CborValue[], nonce = this.nonce + 1): Uint8Array {
    return signTx(
      { chainId: CHAIN, kind: kind as TxKind, sender: this.id, nonce, timestamp: Date.now(), payload },
      this.signer,
    );
  }
  next(kind: number, payload: readonly CborValue[]): Uint8Array {
    return this.sign(kind, payload, ++this.nonce);
  }
}

let net: ProcessNetwork;
const senders: Record<string, Sender> = {};
const accepted: string[] = [];
let committedBeforeKill: { id: string; height: number; index: number }[] = [];

function anchorTx(s: Sender): Uint8Array {
  const version = s.nonce + 1;
  return s.next(
    TxKind.datasetAnchor,
    datasetAnchorPayload({
      dataset: `${s.id}/records`,
      schemaHash: sm3(Buffer.from('schema')),
      recordCount: version,
      poseidonRoot: new Uint8Array(32),
      version,
    }),
  );
}

/** Posts a batch to one of `targets`, retrying on another if that node does not answer. */
async function submit(txs: Uint8Array[], targets: string[]): Promise<void> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const id = targets[(Math.random() * targets.length) | 0]!;
    try {
      const r = await http(`${net.url(id)}/v1/txs`, { body: { txs: txs.map(hex) } });
      expect(r.status).toBe(200);
      expect(r.body.rejected, JSON.stringify(r.body.results.find((x: { code?: string }) => x.code))).toBe(0);
      for (const t of txs) accepted.push(idOf(t));
      return;
    } catch (err) {
      if (attempt === 7) throw err;
      await sleep(200);
    }
  }
}

/** A stream of anchors from gw-1 and gw-2 for `ms`, batches of 8 every ~100 ms. */
async function stream(ms: number, targets: string[]): Promise<void> {
  const end = Date.now() + ms;
  let k = 0;
  while (Date.now() < end) {
    const s = k++ % 2 === 0 ? senders['gw-1']! : senders['gw-2']!;
    await submit(
      Array.from({ length: 8 }, () => anchorTx(s)),
      targets,
    );
    await sleep(100);
  }
}

async function heights(ids = net.ids): Promise<number[]> {
  return Promise.all(ids.map(async (id) => (await net.status(id))?.height ?? -1));
}

/** Where a transaction is committed on `node`, or undefined. */
async function location(node: string, id: string): Promise<{ height: number; index: number } | undefined> {
  const r = await http(`${net.url(node)}/v1/tx/${id}`);
  return r.status === 200 && r.body.status === 'committed'
    ? { height: r.body.height, index: r.body.index }
    : undefined;
}

async function expectProblem(
  res: Promise<{ status: number; body: { code: string; type: string; [extension: string]: unknown } }>,
  status: number,
  code: string,
) {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.code).toBe(code);
  expect(r.body.type).toBe(`https://privgate.dev/problems/${code}`);
  return r.body;
}

describe('4 validator processes on 127.0.0.1', () => {
  beforeAll(async () => {
    net = await ProcessNetwork.init(4, [
      '--seed',
      'e2e',
      '--org',
      'gw-1:gateway',
      '--org',
      'gw-2:gateway',
      '--org',
      'gw-3:gateway',
      '--vkey',
      `multiplier=${join(FIXTURES, 'multiplier.vkey.json')}`,
      '--empty-block-ms',
      '300',
      '--propose-timeout-ms',
      '1500',
      '--vote-timeout-ms',
      '500',
    ]);
    for (const id of ['gw-1', 'gw-2', 'gw-3']) {
      const k = readKeyFile(localPaths.orgKey(net.dir, id));
      senders[id] = new Sender(id, new Sm2Signer(k.sm2PrivateKey));
    }
    for (const id of net.ids) net.start(id);
    await waitFor(async () => (await heights()).every((h) => h >= 2), 60_000, 'all validators committing');
  }, 90_000);

  afterAll(async () => {
    await net?.close();
  }, 30_000);

  it('commits a stream of transactions submitted to any validator', async () => {
    await stream(3000, net.ids);
    const first = accepted.slice(0, 40);
    await waitFor(
      async () => (await Promise.all(first.map((id) => location('validator-1', id)))).every(Boolean),
      30_000,
      'first transactions committed',
    );
    committedBeforeKill = await Promise.all(
      first.map(async (id) => ({ id, ...(await location('validator-2', id))! })),
    );
  }, 60_000);

  it('keeps committing while one validator is killed with SIGKILL', async () => {
    // Clients of validator-4 are already elsewhere when it dies (what it admitted is gossiped by then).
    await sleep(300);
    await net.signal('validator-4', 'SIGKILL');
    const live = ['validator-1', 'validator-2', 'validator-3'];
    const [h0] = await heights(['validator-1']);
    await stream(3000, live);
    await waitFor(
      async () => (await heights(live)).every((h) => h >= h0! + 4),
      30_000,
      'progress with 3 of 4',
    );
  }, 60_000);

  it('restarts the killed validator, which catches up by block sync', async () => {
    net.start('validator-4');
    await waitFor(() => net.status('validator-4'), 30_000, 'validator-4 answering');
    await stream(2000, net.ids);
    const target = Math.max(...(await heights(['validator-1', 'validator-2', 'validator-3'])));
    await waitFor(
      async () => ((await heights(['validator-4']))[0]! >= target ? true : undefined),
      60_000,
      'catch-up',
    );
    const status = await net.status('validator-4');
    expect(status.counters.blocksSynced).toBeGreaterThan(0);
  }, 90_000);

  it('loses no committed transaction, and every node holds the same chain and state', async () => {
    // Every accepted transaction ends up committed, on every node, at the same place.
    for (const node of net.ids) {
      await waitFor(
        async () => {
          const locs = await Promise.all(accepted.map((id) => location(node, id)));
          return locs.every(Boolean) || undefined;
        },
        60_000,
        `all ${accepted.length} accepted transactions committed on ${node}`,
      );
    }
    for (const before of committedBeforeKill) {
      for (const node of net.ids)
        expect(await location(node, before.id)).toEqual({ height: before.height, index: before.index });
    }
    const top = Math.min(...(await heights()));
    expect(top).toBeGreaterThan(10);
    for (let h = 1; h <= top; h++) {
      const blocks = await Promise.all(net.ids.map((id) => http(`${net.url(id)}/v1/blocks/${h}`)));
      const hashes = new Set(blocks.map((b) => b.body.hash));
      const roots = new Set(blocks.map((b) => b.body.header.stateRoot));
      expect(hashes.size, `block hashes at ${h}`).toBe(1);
      expect(roots.size, `state roots at ${h}`).toBe(1);
      expect(blocks[0]!.body.certificate.precommits.length).toBeGreaterThanOrEqual(3);
    }
  }, 120_000);

  it('refuses bad input over HTTP with its typed code, and applies nothing of it', async () => {
    const gw3 = senders['gw-3']!;
    const v1 = net.url('validator-1');
    const v2 = net.url('validator-2');
    const refused: string[] = [];
    const post = (url: string, tx: Uint8Array) => {
      refused.push(idOf(tx));
      return http(`${url}/v1/tx`, { body: { tx: hex(tx) } });
    };

    // A committed nullifier batch and a valid proof first (they must go through).
    const n1 = sm3(Buffer.from('nullifier-1'));
    const n2 = sm3(Buffer.from('nullifier-2'));
    const good = [
      gw3.next(TxKind.nullifierBatch, nullifierBatchPayload([n1, n2])),
      gw3.next(
        TxKind.proofSubmit,
        proofSubmissionPayload({
          circuit: 'multiplier',
          vkeyHash: sm3(VKEY),
          proof: PROOFS[0]!.proof,
          publicSignals: PROOFS[0]!.publicSignals,
          context: null,
        }),
      ),
    ];
    for (const tx of good) {
      const r = await http(`${v2}/v1/tx`, {
        body: { tx: Buffer.from(tx).toString('base64'), encoding: 'base64' },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      expect(r.body.id).toBe(idOf(tx));
    }
    const committed = await http(`${v1}/v1/tx/${idOf(good[1]!)}?waitMs=20000`);
    expect(committed.body.status).toBe('committed');
    await waitFor(
      async () => (await location('validator-1', idOf(good[0]!))) ?? undefined,
      20_000,
      'nullifiers committed',
    );
    const nullifierBefore = (await http(`${v1}/v1/nullifiers/${hex(n2)}`)).body;
    expect(nullifierBefore.seen).toBe(true);
    const rootBefore = (await net.status('validator-1')).stateRoot;

    // Forged signature: a valid transaction with one byte of r flipped.
    const forged = gw3.sign(TxKind.nullifierBatch, nullifierBatchPayload([sm3(Buffer.from('forged'))]));
    forged[forged.length - 90]! ^= 0x01;
    await expectProblem(post(v1, forged), 422, 'TX_BAD_SIGNATURE');
    // Unknown signer: well signed, by an organisation the ledger does not know.
    const ghost = new Sender('ghost-org', new Sm2Signer(sm3(Buffer.from('ghost'))));
    await expectProblem(
      post(v1, ghost.next(TxKind.nullifierBatch, nullifierBatchPayload([n1]))),
      422,
      'TX_UNKNOWN_SENDER',
    );
    // Replay of a committed transaction.
    const replay = await http(`${v1}/v1/tx`, {
      body: { tx: (await http(`${v1}/v1/tx/${accepted[0]}`)).body.tx },
    });
    expect(replay.status).toBe(409);
    expect(replay.body.code).toBe('TX_REPLAY');
    // Invalid proof: a real proof with a public signal changed.
    const badProof = gw3.sign(
      TxKind.proofSubmit,
      proofSubmissionPayload({
        circuit: 'multiplier',
        vkeyHash: sm3(VKEY),
        proof: PROOFS[1]!.proof,
        publicSignals: [String(BigInt(PROOFS[1]!.publicSignals[0]!) + 1n), PROOFS[1]!.publicSignals[1]!],
        context: null,
      }),
    );
    await expectProblem(post(v2, badProof), 422, 'PROOF_INVALID');
    // Duplicate nullifier: n2 is committed; and one repeated inside a batch.
    const dup = await expectProblem(
      post(v1, gw3.sign(TxKind.nullifierBatch, nullifierBatchPayload([sm3(Buffer.from('fresh')), n2]))),
      409,
      'NULLIFIER_SEEN',
    );
    expect(dup.nullifier).toBe(hex(n2));
    const n3 = sm3(Buffer.from('nullifier-3'));
    await expectProblem(
      post(v2, gw3.sign(TxKind.nullifierBatch, nullifierBatchPayload([n3, n3]))),
      409,
      'NULLIFIER_SEEN',
    );
    // Oversized: a body over the limit, and a transaction over its kind's limit inside an acceptable body.
    await expectProblem(
      http(`${v1}/v1/tx`, { raw: JSON.stringify({ tx: 'ab'.repeat(600_000) }) }),
      413,
      'BODY_TOO_LARGE',
    );
    const huge = new Uint8Array(70 * 1024).fill(7);
    huge[0] = 0x88;
    await expectProblem(http(`${v1}/v1/tx`, { body: { tx: hex(huge) } }), 413, 'TX_OVERSIZED');
    // Malformed bodies and transactions.
    await expectProblem(http(`${v1}/v1/tx`, { raw: '{"tx": "00' }), 400, 'BODY_MALFORMED');
    await expectProblem(http(`${v1}/v1/tx`, { body: { tx: 42 } }), 400, 'REQUEST_INVALID');
    await expectProblem(http(`${v1}/v1/tx`, { body: { tx: 'not hex!' } }), 400, 'REQUEST_INVALID');
    await expectProblem(http(`${v1}/v1/tx`, { body: { tx: '8201' } }), 400, 'TX_MALFORMED');
    await expectProblem(
      http(`${v1}/v1/tx`, { raw: 'x', contentType: 'text/plain' }),
      415,
      'MEDIA_TYPE_UNSUPPORTED',
    );
    await expectProblem(http(`${v1}/v1/txs`, { body: { txs: [] } }), 400, 'REQUEST_INVALID');

    // Nothing of it was applied: after more blocks, no refused id is known anywhere, the nullifier record
    // is unchanged, n3 and the forged batch's nullifier were never registered, and gw-3's nonce counts
    // only its two good transactions.
    const [h] = await heights(['validator-1']);
    await waitFor(
      async () => (await heights()).every((x) => x >= h! + 2) || undefined,
      30_000,
      'more blocks',
    );
    for (const node of net.ids) {
      for (const id of refused) expect((await http(`${net.url(node)}/v1/tx/${id}`)).status).toBe(404);
      expect((await http(`${net.url(node)}/v1/nullifiers/${hex(n2)}`)).body).toEqual(nullifierBefore);
      expect((await http(`${net.url(node)}/v1/nullifiers/${hex(n3)}`)).body.seen).toBe(false);
      expect((await http(`${net.url(node)}/v1/accounts/gw-3`)).body.nonce).toBe(2);
      expect((await http(`${net.url(node)}/v1/accounts/ghost-org`)).body.registered).toBe(false);
    }
    expect(rootBefore).toMatch(/^[0-9a-f]{64}$/);
  }, 90_000);

  it('serves blocks as server-sent events', async () => {
    const res = await fetch(`${net.url('validator-3')}/v1/blocks/stream?from=1`);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toMatch(/^id: 1\nevent: block\ndata: \{"height":1,/);
  });

  it('passes `privgate audit chain` against the trusted genesis file', async () => {
    const audit = await runCli([
      'audit',
      'chain',
      '--url',
      net.url('validator-4'),
      '--genesis',
      localPaths.genesis(net.dir),
    ]);
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
    expect(audit.stdout).toContain('genesis from a trusted file');
    expect(audit.stdout).toMatch(/SM2 signatures verified: (\d+)/);
    expect(Number(/SM2 signatures verified: (\d+)/.exec(audit.stdout)![1])).toBeGreaterThanOrEqual(
      accepted.length,
    );
    expect(audit.stdout).toContain('VERDICT: PASS');
  }, 120_000);

  it('stops a validator cleanly on SIGTERM', async () => {
    expect(await net.signal('validator-1', 'SIGTERM')).toBe(0);
  }, 30_000);
});
