// The worker-thread backend: batches are split across a pool of threads and shipped as transferable
// buffers. SM2 work is sharded by key, so each signer's decoded point, Z and table live in one thread
// (a 256-signer stream builds 256 tables in all, not 256 per thread).
import { sm3MerkleNode } from '../sm3/index.ts';
import {
  checkBytesBatch,
  type PackedBytes,
  packBytes,
  packBytesRange,
  packedItem,
  transferList,
  unpackFixed,
} from './codec.ts';
import type { Accelerator, Sm2SignRequest, Sm2VerifyRequest } from './interface.ts';
import { type MerklePlan, planMerkleSubtrees } from './merkle-plan.ts';
import { packSignRequests, packVerifyRequests } from './requests.ts';
import { shardByKey } from './shard.ts';
import { packIntoArena, SharedArenas, SM3_ARENA_MAX_BYTES, sm3ArenaLayout } from './sm3-shared.ts';
import { WorkerPool } from './workers/pool.ts';
import { workersGroth16Verify, workersPoseidonHash, workersPoseidonMerkle } from './zk-workers.ts';

/** Options of the workers backend. */
export interface WorkersOptions {
  /** Threads; default `os.availableParallelism()`. */
  size?: number;
  /** Batches smaller than this go to one thread whole (splitting costs more than it saves). */
  minItemsPerThread?: number;
}

// Target size of one SM3 piece: big enough that a round trip to a thread is noise, small enough that
// its bytes stay in cache and the first thread starts early.
const SM3_PIECE_BYTES = 1 << 20;
// Shared arenas kept between SM3 batches (a 2^17 × 64-byte batch needs 12.6 MiB).
const SM3_ARENAS_KEPT_BYTES = 1 << 26;

/**
 * Cuts `count` messages of `total` bytes into contiguous `[start, end)` pieces of about equal cost
 * (bytes plus one block per message, the padding): two or more per thread, a multiple of `threads`,
 * as long as each piece keeps at least `minItems` messages.
 */
function sm3Pieces(
  messages: readonly Uint8Array[],
  total: number,
  threads: number,
  minItems: number,
): [number, number][] {
  const count = messages.length;
  if (threads <= 1) return [[0, count]];
  const cost = total + 64 * count;
  const wanted = threads * Math.max(2, Math.ceil(cost / SM3_PIECE_BYTES / threads));
  const n = Math.max(1, Math.min(wanted, Math.floor(count / Math.max(1, minItems))));
  if (n === 1) return [[0, count]];
  const target = cost / n;
  const out: [number, number][] = [];
  let start = 0;
  let acc = 0;
  for (let i = 0; i < count; i++) {
    acc += messages[i]!.length + 64;
    if (acc >= target * (out.length + 1) && out.length < n - 1 && i + 1 - start >= minItems) {
      out.push([start, i + 1]);
      start = i + 1;
    }
  }
  out.push([start, count]);
  return out;
}

/** Creates the worker-thread backend. */
export function createWorkersAccelerator(options: WorkersOptions = {}): Accelerator {
  const pool = new WorkerPool(options.size);
  const minPerThread = options.minItemsPerThread ?? 64;

  const arenas = new SharedArenas(SM3_ARENAS_KEPT_BYTES);
  const firstWorker = (parts: number): number => (parts === 1 ? pool.leastBusy() : 0);

  // SM3 batches are cut into pieces of about SM3_PIECE_BYTES (at least two per thread when there is
  // enough work), so threads start hashing while later pieces are still being packed, and the result
  // views are made while they hash: the calling thread's packing and unpacking overlap the hashing
  // instead of adding to it. Pieces go through a reused shared arena (sm3-shared.ts); a batch too big for
  // one goes as transferable buffers.
  async function sm3Batch(messages: readonly Uint8Array[]): Promise<Uint8Array[]> {
    const total = checkBytesBatch(messages);
    const count = messages.length;
    const threads = count < minPerThread * 2 ? 1 : pool.size;
    const pieces = sm3Pieces(messages, total, threads, minPerThread);
    const base = firstWorker(pieces.length);
    const out = new Uint8Array(count * 32);
    const layout = sm3ArenaLayout(count, total);
    if (layout.bytes > SM3_ARENA_MAX_BYTES) {
      const jobs = pieces.map(([a, b], i) => {
        const packed = packBytesRange(messages, a, b);
        return pool
          .run((base + i) % pool.size, { op: 'sm3', messages: packed }, transferList(packed))
          .then((r) => out.set(r.bytes!, a * 32));
      });
      const views = unpackFixed(out, 32);
      await Promise.all(jobs);
      return views;
    }
    const arena = arenas.take(layout.bytes);
    const digests = new Uint8Array(arena, layout.digestsAt, 32 * count);
    new Uint32Array(arena, 0, 1)[0] = 0;
    let at = 0;
    const jobs = pieces.map(([a, b], i) => {
      at = packIntoArena(arena, layout, messages, a, b, at);
      return pool
        .run((base + i) % pool.size, {
          op: 'sm3-shared',
          buffer: arena,
          count,
          dataBytes: total,
          start: a,
          end: b,
        })
        .then(() => out.set(digests.subarray(a * 32, b * 32), a * 32));
    });
    const views = unpackFixed(out, 32);
    // The arena is reused only once no thread can still be writing into it.
    await Promise.allSettled(jobs);
    arenas.give(arena);
    await Promise.all(jobs);
    return views;
  }

  async function sm3MerkleRoot(leaves: readonly Uint8Array[]): Promise<Uint8Array> {
    const parts = leaves.length < minPerThread * 2 ? 1 : pool.size;
    const plan = planMerkleSubtrees(leaves.length, parts);
    const roots = new Map<MerklePlan, Uint8Array>();
    const base = firstWorker(parts);
    let w = 0;
    const jobs: Promise<void>[] = [];
    const visit = (node: MerklePlan): void => {
      if (node.kind === 'split') {
        visit(node.left);
        visit(node.right);
        return;
      }
      const packed = packBytes(leaves.slice(node.start, node.end));
      const worker = (base + w++) % pool.size;
      jobs.push(
        pool.run(worker, { op: 'merkle', leaves: packed }, transferList(packed)).then((r) => {
          roots.set(node, r.bytes!);
        }),
      );
    };
    visit(plan);
    await Promise.all(jobs);
    const combine = (node: MerklePlan): Uint8Array =>
      node.kind === 'split' ? sm3MerkleNode(combine(node.left), combine(node.right)) : roots.get(node)!;
    return combine(plan);
  }

  async function sm2VerifyBatch(items: readonly Sm2VerifyRequest[]): Promise<boolean[]> {
    const packed = packVerifyRequests(items); // validates every item before anything is sent
    const shards = shardByKey(items.length, (i) => packedItem(packed.publicKeys, i), pool.size, minPerThread);
    const results = new Array<boolean>(items.length);
    const base = firstWorker(shards.length);
    await Promise.all(
      shards.map(async (indices, s) => {
        const pick = (p: PackedBytes) => packBytes(indices.map((i) => packedItem(p, i)));
        const req = {
          op: 'sm2-verify' as const,
          publicKeys: pick(packed.publicKeys),
          messages: pick(packed.messages),
          signatures: pick(packed.signatures),
          userIds: pick(packed.userIds),
        };
        const res = await pool.run(
          (base + s) % pool.size,
          req,
          transferList(req.publicKeys, req.messages, req.signatures, req.userIds),
        );
        indices.forEach((idx, k) => {
          results[idx] = res.bytes![k] === 1;
        });
      }),
    );
    return results;
  }

  async function sm2SignBatch(items: readonly Sm2SignRequest[]): Promise<Uint8Array[]> {
    const packed = packSignRequests(items);
    const shards = shardByKey(
      items.length,
      (i) => packedItem(packed.privateKeys, i),
      pool.size,
      minPerThread,
    );
    const results = new Array<Uint8Array>(items.length);
    const base = firstWorker(shards.length);
    try {
      await Promise.all(
        shards.map(async (indices, s) => {
          const pick = (p: PackedBytes) => packBytes(indices.map((i) => packedItem(p, i)));
          const req = {
            op: 'sm2-sign' as const,
            privateKeys: pick(packed.privateKeys),
            messages: pick(packed.messages),
            userIds: pick(packed.userIds),
            formats: Uint8Array.from(indices, (i) => packed.formats[i]!),
          };
          const res = await pool.run(
            (base + s) % pool.size,
            req,
            transferList(req.privateKeys, req.messages, req.userIds),
          );
          indices.forEach((idx, k) => {
            results[idx] = packedItem(res.packed!, k);
          });
        }),
      );
    } finally {
      packed.privateKeys.data.fill(0);
    }
    return results;
  }

  return {
    backend: 'workers',
    parallelism: pool.size,
    sm3Batch,
    sm3MerkleRoot,
    sm2VerifyBatch,
    sm2SignBatch,
    poseidonHashBatch: (arity, inputs) => workersPoseidonHash(pool, arity, inputs),
    poseidonMerkleRoot: (leaves, depth) => workersPoseidonMerkle(pool, leaves, depth),
    groth16VerifyBatch: (vkey, items) => workersGroth16Verify(pool, vkey, items),
    close: () => pool.close(),
  };
}
