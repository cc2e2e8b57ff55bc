/** Dataset trees: the Poseidon Merkle tree over record leaves, as RecordInclusion proves against. */
import { type DatasetRecord, recordLeaf } from '../poseidon/commitments.ts';
import type { PoseidonHasher } from '../poseidon/interface.ts';
import { DEFAULT_TREE_DEPTH, PoseidonMerkleTree } from './poseidon-merkle-tree.ts';

const YIELD_EVERY = 8_192;

/**
 * Hashes each record into its leaf (record i at index i) and builds the tree. A million records cost a
 * million 4-input and a million 2-input Poseidon hashes: minutes with circomlibjs, so inject a faster
 * hasher for large datasets.
 * @throws {RangeError} when a record is out of range or there are more records than 2^depth.
 */
export async function buildRecordTree(
  hasher: PoseidonHasher,
  records: readonly DatasetRecord[],
  options: { depth?: number; onProgress?: (hashed: number, total: number) => void } = {},
): Promise<PoseidonMerkleTree> {
  const leaves: bigint[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    leaves[i] = recordLeaf(hasher, records[i]!);
    if ((i + 1) % YIELD_EVERY === 0) {
      options.onProgress?.(i + 1, records.length * 2);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return PoseidonMerkleTree.build(leaves, {
    hasher,
    depth: options.depth ?? DEFAULT_TREE_DEPTH,
    ...(options.onProgress
      ? { onProgress: (done, total) => options.onProgress!(records.length + done, records.length + total) }
      : {}),
  });
}
