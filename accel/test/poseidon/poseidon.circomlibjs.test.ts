// Poseidon against circomlibjs's buildPoseidon for every arity 1..16: the constants generated from the
// Grain LFSR, the rearranged (sparse) permutation, and the WebAssembly batch kernel, on random inputs and
// edge values (0, r - 1, r, r + 1, 2^256 - 1, which both reduce mod r), on every backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Accelerator,
  BN254_R,
  createCpuAccelerator,
  createWorkersAccelerator,
  MAX_ARITY,
  PoseidonWasm,
  packFieldElements,
  poseidonOptimized,
  poseidonReference,
  unpackFieldElements,
} from '../../src/index.ts';
import { circomlibPoseidon, random256 } from './helpers.ts';

const R = BN254_R;
const EDGES = [0n, 1n, R - 1n, R, R + 1n, (1n << 256n) - 1n];
const arities = Array.from({ length: MAX_ARITY }, (_, i) => i + 1);

/** Packs raw 256-bit values without reducing them (the batch kernel must reduce). */
function packRaw(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 32);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    for (let j = 0; j < 4; j++)
      view.setBigUint64(i * 32 + 8 * j, (v >> BigInt(64 * j)) & 0xffff_ffff_ffff_ffffn, true);
  });
  return out;
}

/** Groups for one arity: edge-value groups first, then random ones. */
function groups(arity: number, random: number): bigint[][] {
  const out: bigint[][] = EDGES.map((_, k) =>
    Array.from({ length: arity }, (_, j) => EDGES[(k + j) % EDGES.length]!),
  );
  for (let i = 0; i < random; i++) out.push(Array.from({ length: arity }, () => random256()));
  return out;
}

let oracle: (inputs: bigint[]) => bigint;
beforeAll(async () => {
  oracle = await circomlibPoseidon();
});

describe('Poseidon implementations ≡ circomlibjs', () => {
  it('the textbook and the rearranged permutations equal circomlibjs for every arity', () => {
    for (const arity of arities) {
      // The bigint forms are slow for wide states: every edge group for the circuits' arities, two otherwise.
      for (const g of groups(arity, 1).slice(arity <= 6 ? 0 : 5)) {
        const want = oracle(g);
        expect(poseidonReference(g), `reference, arity ${arity}`).toBe(want);
        expect(poseidonOptimized(g), `optimised, arity ${arity}`).toBe(want);
      }
    }
  });

  it('the WebAssembly kernel equals circomlibjs for every arity, reducing inputs ≥ r as it does', () => {
    const engine = new PoseidonWasm();
    for (const arity of arities) {
      const gs = groups(arity, 20);
      const out = unpackFieldElements(engine.hashPacked(arity, packRaw(gs.flat()), gs.length));
      expect(out, `arity ${arity}`).toEqual(gs.map((g) => oracle(g)));
    }
  });

  it('refuses a bad arity or ragged input', () => {
    const engine = new PoseidonWasm();
    expect(() => engine.hashPacked(0, new Uint8Array(0), 0)).toThrow(RangeError);
    expect(() => engine.hashPacked(17, new Uint8Array(17 * 32), 1)).toThrow(RangeError);
    expect(() => engine.hashPacked(2, new Uint8Array(63), 1)).toThrow(RangeError);
    expect(() => poseidonReference([])).toThrow(RangeError);
  });
});

const backends: [string, () => Accelerator][] = [
  ['cpu', () => createCpuAccelerator()],
  ['workers:2', () => createWorkersAccelerator({ size: 2 })],
];

for (const [name, factory] of backends) {
  describe(`poseidonHashBatch ≡ circomlibjs (${name})`, () => {
    let accel: Accelerator;
    beforeAll(() => {
      accel = factory();
    });
    afterAll(() => accel.close());

    it("hashes 2,000 random pairs and the circuits' other arities (3, 4, 5, 6)", async () => {
      for (const [arity, count] of [
        [2, 2000],
        [3, 300],
        [4, 300],
        [5, 100],
        [6, 300],
      ] as const) {
        const gs = groups(arity, count);
        const out = unpackFieldElements(await accel.poseidonHashBatch(arity, packRaw(gs.flat())));
        expect(out.length).toBe(gs.length);
        const sample = [
          0,
          1,
          2,
          3,
          4,
          5,
          gs.length >> 1,
          gs.length - 1,
          ...Array.from({ length: 20 }, (_, i) => (i * 97) % gs.length),
        ];
        for (const i of sample) expect(out[i], `arity ${arity}, group ${i}`).toBe(oracle(gs[i]!));
      }
    });

    it('an empty batch is empty; a bad arity or ragged input rejects', async () => {
      expect((await accel.poseidonHashBatch(2, new Uint8Array(0))).length).toBe(0);
      await expect(accel.poseidonHashBatch(0, new Uint8Array(0))).rejects.toThrow(RangeError);
      await expect(accel.poseidonHashBatch(2, new Uint8Array(65))).rejects.toThrow(RangeError);
    });
  });
}

describe('packFieldElements', () => {
  it('reduces like circomlibjs F.e (negative values included) and round-trips', () => {
    const values = [0n, 5n, R - 1n, R, -1n, -R - 3n, (1n << 300n) + 7n];
    expect(unpackFieldElements(packFieldElements(values))).toEqual(values.map((v) => ((v % R) + R) % R));
  });
});
