// poseidonMerkleRoot against a plain tree built with circomlibjs's Poseidon (the tree of merkle.circom:
// missing leaves 0, empty subtrees hashed up from 0), for sizes around powers of two and partly filled
// trees, on every backend (the workers backend joins subtree roots computed in different threads).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Accelerator,
  createAccelerator,
  createCpuAccelerator,
  createWorkersAccelerator,
  packFieldElements,
  unpackFieldElements,
} from '../../src/index.ts';
import { circomlibPoseidon, random256 } from './helpers.ts';

let hash: (inputs: bigint[]) => bigint;
beforeAll(async () => {
  hash = await circomlibPoseidon();
});

/** The tree of depth `depth` over `leaves`, naively. */
function naiveRoot(leaves: readonly bigint[], depth: number): bigint {
  let zero = 0n;
  let level = [...leaves];
  for (let l = 0; l < depth; l++) {
    if (level.length % 2 === 1) level.push(zero);
    const next: bigint[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(hash([level[i]!, level[i + 1]!]));
    level = next;
    zero = hash([zero, zero]);
  }
  return level[0] ?? zero;
}

const bigLeaves = Array.from({ length: 5000 }, () => random256() >> 4n);
let bigRoot: bigint | undefined;

const backends: [string, () => Accelerator][] = [
  ['cpu', () => createCpuAccelerator()],
  ['workers:2', () => createWorkersAccelerator({ size: 2 })],
  ['auto (createAccelerator)', () => createAccelerator({ backend: 'auto', workers: 2 })],
];

for (const [name, factory] of backends) {
  describe(`poseidonMerkleRoot (${name})`, () => {
    let accel: Accelerator;
    beforeAll(() => {
      accel = factory();
    });
    afterAll(() => accel.close());

    it('equals the naive tree for sizes 0, 1, 2, 3, 7, 8 at depths 1..4', async () => {
      for (const depth of [1, 2, 3, 4]) {
        for (const n of [0, 1, 2, 3, 7, 8].filter((k) => k <= 2 ** depth)) {
          const leaves = Array.from({ length: n }, (_, i) => BigInt(i + 1) * 1_000_003n);
          const [root] = unpackFieldElements(
            await accel.poseidonMerkleRoot(packFieldElements(leaves), depth),
          );
          expect(root, `depth ${depth}, ${n} leaves`).toBe(naiveRoot(leaves, depth));
        }
      }
    });

    it('equals the naive tree for 5,000 random leaves at depth 20 (split across threads)', async () => {
      const [root] = unpackFieldElements(await accel.poseidonMerkleRoot(packFieldElements(bigLeaves), 20));
      bigRoot ??= naiveRoot(bigLeaves, 20);
      expect(root).toBe(bigRoot);
    });

    it('refuses more leaves than the tree holds, a bad depth, and ragged leaves', async () => {
      await expect(accel.poseidonMerkleRoot(new Uint8Array(5 * 32), 2)).rejects.toThrow(RangeError);
      await expect(accel.poseidonMerkleRoot(new Uint8Array(32), 0)).rejects.toThrow(RangeError);
      await expect(accel.poseidonMerkleRoot(new Uint8Array(33), 4)).rejects.toThrow(RangeError);
    });
  });
}
