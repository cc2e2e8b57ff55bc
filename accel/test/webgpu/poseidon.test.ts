// Poseidon on the GPU (poseidon.wgsl.ts): the hashes equal circomlibjs's `poseidon([a, b])` on edge and
// random inputs, and Merkle roots equal the cpu backend's (empty trees, odd levels, deep trees).
import { afterAll, describe, expect, it } from 'vitest';
import { createCpuAccelerator } from '../../src/engine/cpu.ts';
import { BN254_FR, poseidon2BatchGpu, poseidonMerkleRootGpu } from '../../src/webgpu/index.ts';
import { openTestGpu, randomBelow } from './gpu-fixture.ts';

const gpu = await openTestGpu();
const r = BN254_FR.p;

// circomlibjs ships no types; this is the part of it the test uses.
interface Circomlibjs {
  buildPoseidon(): Promise<((inputs: bigint[]) => Uint8Array) & { F: { toObject(e: Uint8Array): bigint } }>;
}
const CIRCOMLIBJS = 'circomlibjs';

afterAll(() => gpu.release());

describe.skipIf(!gpu.rt)(`webgpu Poseidon batch${gpu.skip}`, () => {
  it('equals circomlibjs on edge cases and 200 random pairs', async () => {
    const poseidon = await ((await import(CIRCOMLIBJS)) as Circomlibjs).buildPoseidon();
    const inputs: [bigint, bigint][] = [
      [0n, 0n],
      [1n, 2n],
      [r - 1n, r - 1n],
      [0n, r - 1n],
      [(1n << 253n) - 1n, 1n << 128n],
    ];
    for (let i = 0; i < 200; i++) inputs.push([randomBelow(r), randomBelow(r)]);
    const got = await poseidon2BatchGpu(gpu.rt!, inputs);
    expect(got).toEqual(inputs.map((x) => poseidon.F.toObject(poseidon(x))));
    // The well-known value of Poseidon(1, 2) (circomlib's test vector).
    expect(got[1]).toBe(7853200120776062878684798364095072458815029376092732009249414926327459813530n);
  });

  it('rejects inputs outside [0, r) with RangeError; an empty batch answers nothing', async () => {
    await expect(poseidon2BatchGpu(gpu.rt!, [[r, 0n]])).rejects.toThrow(RangeError);
    await expect(poseidon2BatchGpu(gpu.rt!, [[0n, -1n]])).rejects.toThrow(RangeError);
    await expect(poseidon2BatchGpu(gpu.rt!, [[1n] as unknown as [bigint, bigint]])).rejects.toThrow(
      RangeError,
    );
    expect(await poseidon2BatchGpu(gpu.rt!, [])).toEqual([]);
  });
});

describe.skipIf(!gpu.rt)(`webgpu Poseidon Merkle root${gpu.skip}`, () => {
  const cpu = createCpuAccelerator();
  afterAll(() => cpu.close());

  const leavesOf = (n: number) => {
    const bytes = crypto.getRandomValues(new Uint8Array(32 * n));
    for (let i = 0; i < n; i++) bytes[32 * i + 31] = bytes[32 * i + 31]! & 0x1f; // below 2^253 < r
    return bytes;
  };

  it('equals the cpu backend for 0..9, 31, 64 and 100 leaves at several depths', async () => {
    for (const [n, depth] of [
      [0, 1],
      [0, 5],
      [1, 1],
      [1, 4],
      [2, 1],
      [3, 2],
      [5, 3],
      [7, 6],
      [8, 3],
      [9, 20],
      [31, 5],
      [64, 6],
      [100, 10],
    ] as const) {
      const leaves = leavesOf(n);
      expect(await poseidonMerkleRootGpu(gpu.rt!, leaves, depth), `n = ${n}, depth = ${depth}`).toEqual(
        await cpu.poseidonMerkleRoot(leaves, depth),
      );
    }
  });

  it('a leaf at or above r is reduced, as the cpu backend does', async () => {
    const leaves = leavesOf(4);
    leaves.fill(0xff, 32, 64);
    expect(await poseidonMerkleRootGpu(gpu.rt!, leaves, 2)).toEqual(await cpu.poseidonMerkleRoot(leaves, 2));
  });

  it('rejects bad depths, ragged leaves and too many leaves with RangeError', async () => {
    await expect(poseidonMerkleRootGpu(gpu.rt!, leavesOf(1), 0)).rejects.toThrow(RangeError);
    await expect(poseidonMerkleRootGpu(gpu.rt!, leavesOf(1), 33)).rejects.toThrow(RangeError);
    await expect(poseidonMerkleRootGpu(gpu.rt!, new Uint8Array(33), 3)).rejects.toThrow(RangeError);
    await expect(poseidonMerkleRootGpu(gpu.rt!, leavesOf(5), 2)).rejects.toThrow(RangeError);
  });
});
