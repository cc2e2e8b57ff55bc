// Poseidon on the GPU (poseidon.wgsl.ts) against circomlibjs: the hashes equal its `poseidon([a, b])`
// on edge and random inputs.
import { afterAll, describe, expect, it } from 'vitest';
import { BN254_FR, poseidon2BatchGpu } from '../../src/webgpu/index.ts';
import { openTestGpu, randomBelow } from './gpu-fixture.ts';

const gpu = await openTestGpu();
const r = BN254_FR.p;

// circomlibjs ships no types; this is the part of it the test uses.
interface Circomlibjs {
  buildPoseidon(): Promise<((inputs: bigint[]) => Uint8Array) & { F: { toObject(e: Uint8Array): bigint } }>;
}
const CIRCOMLIBJS = 'circomlibjs';

describe.skipIf(!gpu.rt)(`webgpu Poseidon batch${gpu.skip}`, () => {
  afterAll(() => gpu.release());

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
