// The worker-thread backend: batches are split across a pool of threads and shipped as transferable
// buffers. SM2 work is sharded by key, so each signer's decoded point, Z and table live in one thread
// (a 256-signer stream builds 256 tables in all, not 256 per thread).
import { sm3MerkleNode } from '../sm3/index.ts';
import { type PackedBytes, packBytes, packedItem, transferList, unpackFixed } from './codec.ts';
import type { Accelerator, Sm2SignRequest, Sm2VerifyRequest } from './interface.ts';
import { type MerklePlan, planMerkleSubtrees } from './merkle-plan.ts';
import { packSignRequests, packVerifyRequests } from './requests.ts';
import { shardByKey } from './shard.ts';
import { WorkerPool } from './workers/pool.ts';

/** Options of the workers backend. */
export interface WorkersOptions {
  /** Threads; default `os.availableParallelism()`. */
  size?: number;
  /** Batches smaller than this go to one thread whole (splitting costs more than it saves). */
  minItemsPerThread?: number;
}

/** Creates the worker-thread backend. */
export function createWorkersAccelerator(options: WorkersOptions = {}): Accelerator {
  const pool = new WorkerPool(options.size);
  const minPerThread = options.minItemsPerThread ?? 64;

  const chunks = (count: number): [number, number][] => {
    const parts = Math.max(1, Math.min(pool.size, Math.floor(count / minPerThread)));
    if (parts === 1) return [[0, count]];
    const out: [number, number][] = [];
    for (let p = 0; p < parts; p++)
      out.push([Math.floor((p * count) / parts), Math.floor(((p + 1) * count) / parts)]);
    return out;
  };
  const firstWorker = (parts: number): number => (parts === 1 ? pool.leastBusy() : 0);

  async function sm3Batch(messages: readonly Uint8Array[]): Promise<Uint8Array[]> {
    const ranges = chunks(messages.length);
    const base = firstWorker(ranges.length);
    const parts = await Promise.all(
      ranges.map(([a, b], i) => {
        const packed = packBytes(messages.slice(a, b));
        return pool.run((base + i) % pool.size, { op: 'sm3', messages: packed }, transferList(packed));
      }),
    );
    return parts.flatMap((r) => unpackFixed(r.bytes!, 32));
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
    close: () => pool.close(),
  };
}
