/**
 * Benchmarks of the ledger's application layer (output format: /work/shared/BENCHMARKS.md).
 *
 *   npx tsx ledger/bench/app.ts [--quick] [--json]
 *
 * ledger.apply       250-byte SM2-signed transactions (dataset anchors from 64 gateways) through the
 *                    whole application path: mempool admission with batch verification on a 2-worker
 *                    accelerator → reap → execute (propose) → atomic commit (fsync) → mempool update.
 *                    Baseline: the same path verifying each signature alone with `verifySm2` on the main
 *                    thread (no batching, no workers).
 * ledger.nullifiers  invoice nullifiers/s through batched transactions (1,024 per tx, 64 txs per block)
 *                    on a store pre-filled with 10^7 nullifiers (5·10^5 with --quick), same path as
 *                    above. Baseline: the same store opened without the Bloom pre-filter, so every
 *                    fresh nullifier costs a LevelDB read. The pre-fill goes through the store's own
 *                    commit path in blocks of 200,000 writes (synthetic blocks: state writes, no txs).
 *
 * Candidate and baseline run interleaved (A B A B …) after a warm-up; figures are medians.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Accelerator,
  createAccelerator,
  Sm2Signer,
  type Sm2VerifyRequest,
  sm3,
  verifySm2,
} from '@privgate/accel';
import { LedgerChain } from '../src/block/chain.ts';
import { encodeBlock, txRootOf } from '../src/block/codec.ts';
import { datasetAnchorPayload } from '../src/contracts/dataset-directory.ts';
import type { GenesisDocument } from '../src/contracts/genesis.ts';
import type { ProofVerifier } from '../src/contracts/interface.ts';
import { nullifierBatchPayload } from '../src/contracts/nullifier-registry.ts';
import { encodeValue, nullifierKey } from '../src/contracts/tables.ts';
import { Mempool } from '../src/mempool/mempool.ts';
import { StateStore, type StateStoreInit } from '../src/state/store.ts';
import { utf8 } from '../src/tx/bytes.ts';
import { signTx, TxKind } from '../src/tx/codec.ts';

const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const CHAIN_ID = 'privgate-bench';
const GATEWAYS = 64;

type Verify = Pick<Accelerator, 'sm2VerifyBatch'>;

/** The baseline verifier: every signature alone, on the calling thread. */
const perTxVerify: Verify = {
  sm2VerifyBatch: async (items: readonly Sm2VerifyRequest[]) =>
    items.map((i) => {
      try {
        return verifySm2(i.message, i.signature, i.publicKey);
      } catch {
        return false;
      }
    }),
};

/** No transaction here carries a proof; a verifier that is asked anyway fails loudly. */
const noProofs: ProofVerifier = {
  verifyBatch: async () => {
    throw new Error('no proofs in this benchmark');
  },
};

const signer = (name: string) => new Sm2Signer(sm3(utf8(`bench-key/${name}`)));
const validator = signer('val-1');
const gateways = Array.from({ length: GATEWAYS }, (_, i) => ({
  id: `gateway-${String(i).padStart(2, '0')}`,
  signer: signer(`gw-${i}`),
}));

function genesis(timestamp: number): GenesisDocument {
  return {
    chainId: CHAIN_ID,
    timestamp,
    orgs: [
      { id: 'val-1', publicKey: validator.publicKey, roles: ['validator'] },
      ...gateways.map((g) => ({ id: g.id, publicKey: g.signer.publicKey, roles: ['gateway' as const] })),
    ],
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const round3 = (x: number): number => Number(x.toPrecision(3));

interface Node {
  store: StateStore;
  chain: LedgerChain;
  mempool: Mempool;
  close(): Promise<void>;
}

async function openNode(
  dir: string,
  verify: Verify,
  init: StateStoreInit,
  genesisTime: number,
): Promise<Node> {
  const store = await StateStore.open(dir, init);
  const mempool = new Mempool(
    { chainId: CHAIN_ID, maxTxs: 1_000_000, maxBytes: 1 << 30 },
    { store, accel: verify, proofVerifier: noProofs },
  );
  const chain = new LedgerChain(
    { chainId: CHAIN_ID },
    { store, accel: verify, proofVerifier: noProofs, preverified: mempool },
  );
  if (store.height === -1) await chain.initGenesis(genesis(genesisTime));
  return { store, chain, mempool, close: () => store.close() };
}

async function admit(node: Node, txs: readonly Uint8Array[]): Promise<void> {
  const admitted = await node.mempool.add(txs);
  const refused = admitted.find((a) => !a.ok);
  if (refused && !refused.ok) throw new Error(`admission refused: ${refused.code} ${refused.error.message}`);
}

/**
 * Admission → reap → propose → commit → update, `blockTxs` at a time. The next chunk's admission (its
 * signatures verified on the accelerator's workers) runs while the current block executes and commits,
 * as it does in a node where transactions keep arriving during block production.
 * @returns transactions committed.
 */
async function pipeline(node: Node, txs: readonly Uint8Array[], blockTxs: number): Promise<number> {
  const chunks: Uint8Array[][] = [];
  for (let at = 0; at < txs.length; at += blockTxs) chunks.push(txs.slice(at, at + blockTxs));
  let committed = 0;
  let admitting = admit(node, chunks[0] ?? []);
  for (let k = 0; k < chunks.length; k++) {
    await admitting;
    const reaped = await node.mempool.reapParsed(16 << 20, blockTxs);
    admitting = k + 1 < chunks.length ? admit(node, chunks[k + 1]!) : Promise.resolve();
    const timestamp = Math.max(Date.now(), node.store.head!.timestamp + 1);
    const proposed = await node.chain.propose({ proposer: 'val-1', timestamp, txs: reaped });
    if (proposed.excluded.length > 0) throw new Error(`excluded: ${proposed.excluded[0]!.error.message}`);
    await node.chain.commit(proposed);
    await node.mempool.update({ txs: proposed.block.txs, txIds: proposed.execution.txIds });
    committed += proposed.block.txs.length;
  }
  await admitting;
  return committed;
}

function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `privgate-bench-${label}-`));
}

// --- ledger.apply ---------------------------------------------------------------------------------

/** 250-byte dataset anchors, nonces 1.. per gateway, round-robin over the gateways. */
function anchorTxs(count: number, firstNonce: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const g = gateways[i % GATEWAYS]!;
    const nonce = firstNonce + Math.floor(i / GATEWAYS);
    const build = (pad: number) =>
      signTx(
        {
          chainId: CHAIN_ID,
          kind: TxKind.datasetAnchor,
          sender: g.id,
          nonce,
          timestamp: now,
          payload: datasetAnchorPayload({
            dataset: `${g.id}/records-${'x'.repeat(pad)}`,
            schemaHash: sm3(utf8('schema')),
            recordCount: 1_000_000 + i,
            poseidonRoot: new Uint8Array(32),
            version: nonce,
          }),
        },
        g.signer,
      );
    const first = build(20);
    out.push(first.length === 250 ? first : build(20 + 250 - first.length));
  }
  return out;
}

async function benchApply(workers: PromiseLike<unknown> & { accel: Accelerator }): Promise<string[]> {
  const n = quick ? 1024 : 4096;
  const rounds = quick ? 2 : 3;
  const blockTxs = 1024;
  const genesisTime = Date.now() - 60_000;
  const txs = anchorTxs(n, 1);
  const warm = anchorTxs(256, 1);
  const contenders: { name: string; verify: Verify }[] = [
    { name: 'batch', verify: workers.accel },
    { name: 'per-tx', verify: perTxVerify },
  ];
  const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const run = async (verify: Verify, list: readonly Uint8Array[]): Promise<number> => {
    const dir = tempDir('apply');
    const node = await openNode(dir, verify, { sync: true }, genesisTime);
    try {
      const t0 = performance.now();
      const done = await pipeline(node, list, blockTxs);
      return done / ((performance.now() - t0) / 1000);
    } finally {
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
  for (const c of contenders) await run(c.verify, warm);
  for (let r = 0; r < rounds; r++)
    for (const c of contenders) rates.get(c.name)!.push(await run(c.verify, txs));
  const value = median(rates.get('batch')!);
  const baseline = median(rates.get('per-tx')!);
  return [
    JSON.stringify({
      bench: 'ledger.apply',
      backend: 'workers:2',
      unit: 'tx/s',
      value: round3(value),
      baseline: 'verifySm2-per-tx',
      baseline_value: round3(baseline),
      ratio: Number((value / baseline).toFixed(2)),
      n: n * rounds,
      tx_bytes: txs[0]!.length,
      block_txs: blockTxs,
      senders: GATEWAYS,
      fsync: true,
    }),
  ];
}

// --- ledger.nullifiers ----------------------------------------------------------------------------

/** Commits `total` random nullifiers as synthetic blocks (state writes only) through the store. */
async function prefill(store: StateStore, total: number, genesisTime: number): Promise<number> {
  const perBlock = 200_000;
  const value = encodeValue([0]);
  const t0 = performance.now();
  for (let done = 0; done < total; done += perBlock) {
    const count = Math.min(perBlock, total - done);
    const random = randomBytes(32 * count);
    const overlay = store.overlay();
    for (let i = 0; i < count; i++) overlay.append(nullifierKey(random.subarray(32 * i, 32 * i + 32)), value);
    const prepared = await store.prepare(overlay);
    const head = store.head!;
    const block = encodeBlock(
      {
        version: 1,
        chainId: CHAIN_ID,
        height: head.height + 1,
        prevHash: head.blockHash,
        timestamp: genesisTime + head.height + 1,
        proposer: 'val-1',
        txRoot: txRootOf([]),
        stateRoot: prepared.stateRoot,
        txCount: 0,
      },
      [],
    );
    await store.commit(block, [], prepared);
  }
  return (performance.now() - t0) / 1000;
}

function nullifierTxs(txCount: number, firstNonce: (sender: number) => number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const now = Date.now();
  const senders = 16;
  for (let i = 0; i < txCount; i++) {
    const s = i % senders;
    const g = gateways[s]!;
    const random = randomBytes(32 * 1024);
    const nullifiers = Array.from({ length: 1024 }, (_, k) => random.subarray(32 * k, 32 * k + 32));
    out.push(
      signTx(
        {
          chainId: CHAIN_ID,
          kind: TxKind.nullifierBatch,
          sender: g.id,
          nonce: firstNonce(s) + Math.floor(i / senders),
          timestamp: now,
          payload: nullifierBatchPayload(nullifiers),
        },
        g.signer,
      ),
    );
  }
  return out;
}

async function benchNullifiers(workers: { accel: Accelerator }): Promise<string[]> {
  const storeKeys = quick ? 500_000 : 10_000_000;
  const txsPerRound = quick ? 128 : 384;
  const rounds = quick ? 2 : 3;
  const blockTxs = 64;
  const dir = tempDir('nullifiers');
  const genesisTime = Date.now() - 30 * 60_000;
  try {
    let node = await openNode(dir, workers.accel, { sync: true, filteredNamespaces: [] }, genesisTime);
    const prefillSeconds = await prefill(node.store, storeKeys, genesisTime);
    await node.close();
    const nonces = new Array<number>(16).fill(1);
    const rates = new Map<string, number[]>([
      ['bloom', []],
      ['no-bloom', []],
    ]);
    let bloomBuild = 0;
    let bloomBytes = 0;
    const run = async (name: string, txCount: number): Promise<void> => {
      const t0 = performance.now();
      node = await openNode(
        dir,
        workers.accel,
        { sync: true, ...(name === 'bloom' ? {} : { filteredNamespaces: [] }) },
        genesisTime,
      );
      if (name === 'bloom') {
        bloomBuild = (performance.now() - t0) / 1000;
        bloomBytes = node.store.filterBytes;
      }
      const txs = nullifierTxs(txCount, (s) => nonces[s]!);
      for (let s = 0; s < 16; s++) nonces[s]! += Math.ceil((txCount - s) / 16);
      try {
        const t1 = performance.now();
        const committed = await pipeline(node, txs, blockTxs);
        rates.get(name)!.push((committed * 1024) / ((performance.now() - t1) / 1000));
      } finally {
        await node.close();
      }
    };
    await run('bloom', 16);
    await run('no-bloom', 16);
    rates.get('bloom')!.length = 0;
    rates.get('no-bloom')!.length = 0;
    for (let r = 0; r < rounds; r++) {
      await run('bloom', txsPerRound);
      await run('no-bloom', txsPerRound);
    }
    const value = median(rates.get('bloom')!);
    const baseline = median(rates.get('no-bloom')!);
    return [
      JSON.stringify({
        bench: 'ledger.nullifiers',
        backend: 'workers:2',
        unit: 'ops/s',
        value: round3(value),
        baseline: 'no-prefilter',
        baseline_value: round3(baseline),
        ratio: Number((value / baseline).toFixed(2)),
        n: txsPerRound * 1024 * rounds,
        store_keys: storeKeys,
        prefill_s: round3(prefillSeconds),
        prefill_keys_per_s: round3(storeKeys / prefillSeconds),
        bloom_build_s: round3(bloomBuild),
        bloom_mb: round3(bloomBytes / 2 ** 20),
        batch: 1024,
        block_txs: blockTxs,
        fsync: true,
      }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- main -----------------------------------------------------------------------------------------

const accel = createAccelerator({ backend: 'workers', workers: 2 });
try {
  const lines = [
    ...(await benchApply(Object.assign(Promise.resolve(), { accel }))),
    ...(await benchNullifiers({ accel })),
  ];
  if (json) for (const l of lines) process.stdout.write(`${l}\n`);
  else {
    for (const l of lines) {
      const o = JSON.parse(l) as Record<string, unknown>;
      const { bench, unit, value, baseline, baseline_value, ratio, n, ...rest } = o;
      process.stdout.write(
        `${String(bench).padEnd(20)} ${String(value).padStart(10)} ${unit}   ${baseline}: ${baseline_value} ${unit}   ×${ratio}   n=${n}\n` +
          `${''.padEnd(20)} ${JSON.stringify(rest)}\n`,
      );
    }
  }
} finally {
  await accel.close();
}
