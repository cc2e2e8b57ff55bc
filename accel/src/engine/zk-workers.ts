// The workers backend's Poseidon and Groth16: hashes split into contiguous ranges (one per thread), a
// Merkle tree split into aligned subtrees whose roots the calling thread joins, and a proof batch split
// so each thread checks its share as a batch of its own (its own Miller loops, final exponentiation and
// bisection: one final exponentiation per thread costs ≈ 1 ms, far less than shipping Fp12 values back).

import { itemToWire, keyToWire } from '../groth16/wire.ts';
import { zeroNodes } from '../poseidon/merkle.ts';
import type { Groth16VerificationKey, Groth16VerifyItem } from './interface.ts';
import type { WorkerPool } from './workers/pool.ts';
import { checkGroth16Items, merkleLeafCount, poseidonBatchCount, threadPoseidon } from './zk-kernels.ts';

/** Below these sizes a batch goes to one thread whole. */
const MIN_HASHES_PER_THREAD = 256;
const MIN_LEAVES_PER_THREAD = 1024;
const MIN_PROOFS_PER_THREAD = 8;

function ranges(count: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p < parts; p++) {
    const a = Math.floor((p * count) / parts);
    const b = Math.floor(((p + 1) * count) / parts);
    if (b > a) out.push([a, b]);
  }
  return out;
}

export async function workersPoseidonHash(
  pool: WorkerPool,
  arity: number,
  inputs: Uint8Array,
): Promise<Uint8Array> {
  const count = poseidonBatchCount(arity, inputs);
  const parts = Math.max(1, Math.min(pool.size, Math.floor(count / MIN_HASHES_PER_THREAD)));
  const base = parts === 1 ? pool.leastBusy() : 0;
  const stride = 32 * arity;
  const out = new Uint8Array(count * 32);
  await Promise.all(
    ranges(count, parts).map(async ([a, b], i) => {
      const slice = inputs.slice(a * stride, b * stride);
      const res = await pool.run((base + i) % pool.size, { op: 'poseidon', arity, inputs: slice }, [
        slice.buffer as ArrayBuffer,
      ]);
      out.set(res.bytes!, a * 32);
    }),
  );
  return out;
}

export async function workersPoseidonMerkle(
  pool: WorkerPool,
  leaves: Uint8Array,
  depth: number,
): Promise<Uint8Array> {
  const count = merkleLeafCount(leaves, depth);
  if (count < 2 * MIN_LEAVES_PER_THREAD || pool.size === 1) {
    const copy = leaves.slice();
    const res = await pool.run(pool.leastBusy(), { op: 'poseidon-merkle', leaves: copy, depth }, [
      copy.buffer as ArrayBuffer,
    ]);
    return res.bytes!;
  }
  // 2^k aligned subtrees (about 4 per thread, so a partly filled tree still spreads), each of height
  // depth - k; empty ones are known zero nodes.
  const k = Math.min(depth, Math.ceil(Math.log2(4 * pool.size)));
  const span = 2 ** (depth - k);
  const engine = threadPoseidon();
  const zeros = zeroNodes(engine, depth);
  const roots: Uint8Array[] = Array.from({ length: 2 ** k }, () => zeros[depth - k]!);
  const jobs: Promise<void>[] = [];
  let w = 0;
  for (let part = 0; part * span < count; part++) {
    const slice = leaves.slice(part * span * 32, Math.min(count, (part + 1) * span) * 32);
    jobs.push(
      pool
        .run(w++ % pool.size, { op: 'poseidon-merkle', leaves: slice, depth: depth - k }, [
          slice.buffer as ArrayBuffer,
        ])
        .then((res) => {
          roots[part] = res.bytes!;
        }),
    );
  }
  await Promise.all(jobs);
  // The top k levels: 2^k - 1 hashes on this thread.
  let level: Uint8Array = new Uint8Array(roots.length * 32);
  roots.forEach((r, i) => level.set(r, i * 32));
  while (level.length > 32) level = engine.hashPacked(2, level, level.length / 64);
  return level;
}

export async function workersGroth16Verify(
  pool: WorkerPool,
  vkey: Groth16VerificationKey,
  items: readonly Groth16VerifyItem[],
): Promise<boolean[]> {
  checkGroth16Items(items);
  const key = keyToWire(vkey); // a bad key fails here, before anything is sent
  const parts = Math.max(1, Math.min(pool.size, Math.floor(items.length / MIN_PROOFS_PER_THREAD)));
  const base = parts === 1 ? pool.leastBusy() : 0;
  const results = new Array<boolean>(items.length);
  await Promise.all(
    ranges(items.length, parts).map(async ([a, b], i) => {
      const res = await pool.run((base + i) % pool.size, {
        op: 'groth16-verify',
        vkey: key,
        items: items.slice(a, b).map(itemToWire),
      });
      for (let j = a; j < b; j++) results[j] = res.bytes![j - a] === 1;
    }),
  );
  return results;
}
