// Poseidon and Groth16 work on one thread (the cpu backend's, or a worker's): each thread compiles the
// WebAssembly modules once and keeps prepared verification keys between batches.
import { Groth16Engine } from '../groth16/engine.ts';
import { MAX_ARITY } from '../poseidon/constants.ts';
import { poseidonMerkleRootPacked } from '../poseidon/merkle.ts';
import { PoseidonWasm } from '../poseidon/wasm.ts';
import { MAX_BATCH_ITEMS, MAX_GROTH16_ITEMS } from './interface.ts';

let poseidon: PoseidonWasm | undefined;
let groth16: Groth16Engine | undefined;

/** This thread's Poseidon module. */
export function threadPoseidon(): PoseidonWasm {
  poseidon ??= new PoseidonWasm();
  return poseidon;
}

/**
 * Checks a Poseidon batch's shape; returns the number of hashes.
 * @throws {RangeError} for a bad arity, a ragged input or too many hashes.
 */
export function poseidonBatchCount(arity: number, inputs: Uint8Array): number {
  if (!Number.isInteger(arity) || arity < 1 || arity > MAX_ARITY) {
    throw new RangeError(`poseidonHashBatch: arity must be 1..${MAX_ARITY}, got ${arity}`);
  }
  if (!(inputs instanceof Uint8Array)) throw new TypeError('poseidonHashBatch: inputs must be a Uint8Array');
  const count = inputs.length / (32 * arity);
  if (!Number.isInteger(count))
    throw new RangeError('poseidonHashBatch: inputs are not whole groups of 32-byte elements');
  if (count > MAX_BATCH_ITEMS) throw new RangeError(`poseidonHashBatch: more than ${MAX_BATCH_ITEMS} hashes`);
  return count;
}

/**
 * Checks a Merkle build's shape; returns the number of leaves.
 * @throws {RangeError} for a bad depth, ragged leaves or more leaves than the tree (or a batch) holds.
 */
export function merkleLeafCount(leaves: Uint8Array, depth: number): number {
  if (!Number.isInteger(depth) || depth < 1 || depth > 32) {
    throw new RangeError(`poseidonMerkleRoot: depth must be 1..32, got ${depth}`);
  }
  if (!(leaves instanceof Uint8Array)) throw new TypeError('poseidonMerkleRoot: leaves must be a Uint8Array');
  const count = leaves.length / 32;
  if (!Number.isInteger(count))
    throw new RangeError('poseidonMerkleRoot: leaves are not whole 32-byte elements');
  if (count > 2 ** depth)
    throw new RangeError(`poseidonMerkleRoot: ${count} leaves do not fit depth ${depth}`);
  if (count > MAX_BATCH_ITEMS)
    throw new RangeError(`poseidonMerkleRoot: more than ${MAX_BATCH_ITEMS} leaves`);
  return count;
}

/** Poseidon of each group; 32 bytes per group. */
export function poseidonHashKernel(arity: number, inputs: Uint8Array): Uint8Array {
  const count = poseidonBatchCount(arity, inputs);
  return threadPoseidon().hashPacked(arity, inputs, count);
}

/** Root of a tree of `depth` over the leaves. */
export function poseidonMerkleKernel(leaves: Uint8Array, depth: number): Uint8Array {
  merkleLeafCount(leaves, depth);
  return poseidonMerkleRootPacked(threadPoseidon(), leaves, depth);
}

/**
 * Checks a Groth16 batch's size.
 * @throws {RangeError} for a non-array or more than MAX_GROTH16_ITEMS items.
 */
export function checkGroth16Items(items: unknown): void {
  if (!Array.isArray(items)) throw new TypeError('groth16VerifyBatch: items must be an array');
  if (items.length > MAX_GROTH16_ITEMS) {
    throw new RangeError(`groth16VerifyBatch: more than ${MAX_GROTH16_ITEMS} items`);
  }
}

/** One byte per item, 1 = valid. */
export function groth16VerifyKernel(vkey: unknown, items: readonly unknown[]): Uint8Array {
  checkGroth16Items(items);
  groth16 ??= new Groth16Engine();
  return Uint8Array.from(groth16.verifyBatch(vkey, items), (ok) => (ok ? 1 : 0));
}
