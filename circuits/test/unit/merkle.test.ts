import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeMerkleRoot,
  createCircomlibPoseidon,
  DEFAULT_TREE_DEPTH,
  type PoseidonHasher,
  PoseidonMerkleTree,
  zeroHashes,
} from '../../src/index.ts';

const hasher = await createCircomlibPoseidon();

/** Naive full-tree reference: hash every level of 2^depth leaves. */
function naiveRoot(h: PoseidonHasher, leaves: bigint[], depth: number): bigint {
  let level = [...leaves, ...new Array<bigint>(2 ** depth - leaves.length).fill(0n)];
  for (let d = 0; d < depth; d++) {
    const next: bigint[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(h.hash([level[i]!, level[i + 1]!]));
    level = next;
  }
  return level[0]!;
}

describe('PoseidonMerkleTree', () => {
  it('has the empty-subtree root when empty, at the default depth 20', () => {
    const tree = PoseidonMerkleTree.create({ hasher });
    expect(tree.depth).toBe(DEFAULT_TREE_DEPTH);
    expect(tree.root).toBe(zeroHashes(hasher, 20)[20]);
    expect(tree.size).toBe(0);
  });

  it('matches a naive full-tree hash for small trees', async () => {
    for (const count of [1, 2, 3, 5, 8]) {
      const leaves = Array.from({ length: count }, (_, i) => BigInt(i * 7 + 1));
      const tree = await PoseidonMerkleTree.build(leaves, { hasher, depth: 3 });
      expect(tree.root).toBe(naiveRoot(hasher, leaves, 3));
    }
  });

  it('gives paths that recompute the root, siblings from the leaf up, index bits LSB first', async () => {
    const leaves = Array.from({ length: 11 }, (_, i) => BigInt(1000 + i));
    const tree = await PoseidonMerkleTree.build(leaves, { hasher, depth: 5 });
    for (let i = 0; i < 16; i++) {
      const path = tree.path(i);
      expect(path.pathIndices).toEqual([0, 1, 2, 3, 4].map((b) => (i >> b) & 1));
      expect(path.leaf).toBe(i < 11 ? leaves[i] : 0n);
      expect(computeMerkleRoot(hasher, path.leaf, path.siblings, path.pathIndices)).toBe(tree.root);
    }
    // Level-0 sibling of index 4 is leaf 5.
    expect(tree.path(4).siblings[0]).toBe(leaves[5]);
  });

  it('incremental appends and updates equal a fresh build (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.bigInt({ min: 1n, max: 1n << 200n }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(15), fc.bigInt({ min: 0n, max: 1n << 200n })), { maxLength: 4 }),
        async (leaves, updates) => {
          const incremental = PoseidonMerkleTree.create({ hasher, depth: 4 });
          for (const leaf of leaves) incremental.append(leaf);
          const final = [...leaves];
          for (const [index, leaf] of updates) {
            incremental.update(index, leaf);
            while (final.length <= index) final.push(0n);
            final[index] = leaf;
          }
          const built = await PoseidonMerkleTree.build(final, { hasher, depth: 4 });
          expect(incremental.root).toBe(built.root);
          expect(incremental.size).toBe(built.size);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('uses a batch hashPairs engine when the hasher has one', async () => {
    let batches = 0;
    const batching: PoseidonHasher = {
      hash: (inputs) => hasher.hash(inputs),
      hashPairs: async (left, right) => {
        batches++;
        return left.map((l, i) => hasher.hash([l, right[i]!]));
      },
    };
    const leaves = [1n, 2n, 3n, 4n, 5n];
    const tree = await PoseidonMerkleTree.build(leaves, { hasher: batching, depth: 4 });
    expect(batches).toBe(4);
    expect(tree.root).toBe((await PoseidonMerkleTree.build(leaves, { hasher, depth: 4 })).root);
  });

  it('rejects bad depths, indices and leaves', async () => {
    expect(() => PoseidonMerkleTree.create({ hasher, depth: 0 })).toThrow(RangeError);
    expect(() => PoseidonMerkleTree.create({ hasher, depth: 33 })).toThrow(RangeError);
    const tree = PoseidonMerkleTree.create({ hasher, depth: 2 });
    expect(() => tree.update(4, 1n)).toThrow(RangeError);
    expect(() => tree.path(-1)).toThrow(RangeError);
    expect(() => tree.update(0, -1n)).toThrow(RangeError);
    await expect(PoseidonMerkleTree.build([1n, 2n, 3n, 4n, 5n], { hasher, depth: 2 })).rejects.toThrow(
      RangeError,
    );
  });

  it('handles indices beyond 2^31 in a depth-32 tree', () => {
    const tree = PoseidonMerkleTree.create({ hasher, depth: 32 });
    const index = 2 ** 32 - 1;
    tree.update(index, 42n);
    const path = tree.path(index);
    expect(path.pathIndices.every((b) => b === 1)).toBe(true);
    expect(computeMerkleRoot(hasher, 42n, path.siblings, path.pathIndices)).toBe(tree.root);
  });
});
