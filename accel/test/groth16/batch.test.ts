// Behaviour of groth16VerifyBatch beyond single verdicts: bisection finds exactly the bad items wherever
// they sit, keys are validated (typed error) and cached by content, and batch bounds are enforced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccelError,
  type Accelerator,
  createCpuAccelerator,
  createWorkersAccelerator,
  type Groth16VerificationKey,
  type Groth16VerifyItem,
  MAX_GROTH16_ITEMS,
} from '../../src/index.ts';
import { g1Json, g1Of, rerandomize, tweak, twistPointOutsideG2, vectors } from './helpers.ts';

const { vkey, proofs } = vectors.threshold;

const spoil = (item: Groth16VerifyItem) =>
  tweak(item, (c) => {
    c.publicSignals[0] = (BigInt(c.publicSignals[0]!) + 1n).toString();
  });

const backends: [string, () => Accelerator][] = [
  ['cpu', () => createCpuAccelerator()],
  ['workers:2', () => createWorkersAccelerator({ size: 2 })],
];

for (const [name, factory] of backends) {
  describe(`groth16VerifyBatch behaviour (${name})`, () => {
    let accel: Accelerator;
    let good: Groth16VerifyItem[];
    beforeAll(() => {
      accel = factory();
      good = Array.from({ length: 12 }, (_, i) => rerandomize(vkey, proofs[i % proofs.length]!));
    });
    afterAll(() => accel.close());

    it('bisection returns exactly the valid items for bad items anywhere', async () => {
      const patterns = [[0], [11], [3, 4, 5], [0, 2, 4, 6, 8, 10], Array.from({ length: 12 }, (_, i) => i)];
      for (const bad of patterns) {
        const items = good.map((it, i) => (bad.includes(i) ? spoil(it) : it));
        expect(await accel.groth16VerifyBatch(vkey, items)).toEqual(good.map((_, i) => !bad.includes(i)));
      }
    });

    it('answers [] for an empty batch and a single item alone', async () => {
      expect(await accel.groth16VerifyBatch(vkey, [])).toEqual([]);
      expect(await accel.groth16VerifyBatch(vkey, [good[0]!])).toEqual([true]);
      expect(await accel.groth16VerifyBatch(vkey, [spoil(good[0]!)])).toEqual([false]);
    });

    it('refuses invalid keys with GROTH16_INVALID_VKEY', async () => {
      const bad: [string, unknown][] = [
        ['not an object', 'vkey'],
        ['another protocol', { ...vkey, protocol: 'plonk' }],
        ['another curve', { ...vkey, curve: 'bls12381' }],
        ['IC count ≠ nPublic + 1', { ...vkey, nPublic: vkey.nPublic + 1 }],
        ['alpha off the curve', { ...vkey, vk_alpha_1: ['1', '5', '1'] }],
        ['gamma outside G2', { ...vkey, vk_gamma_2: twistPointOutsideG2() }],
        ['delta malformed', { ...vkey, vk_delta_2: [['1', '2']] }],
      ];
      for (const [what, key] of bad) {
        const err = await accel.groth16VerifyBatch(key as Groth16VerificationKey, [proofs[0]!]).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, what).toBeInstanceOf(AccelError);
        expect((err as AccelError).code, what).toBe('GROTH16_INVALID_VKEY');
      }
    });

    it('keys are cached by content: a changed IC point changes the verdicts', async () => {
      expect(await accel.groth16VerifyBatch(vkey, [good[1]!])).toEqual([true]);
      const changed = structuredClone(vkey) as Groth16VerificationKey & { IC: string[][] };
      changed.IC[1] = g1Json(g1Of(vkey.IC[1]!).double());
      expect(await accel.groth16VerifyBatch(changed, [good[1]!])).toEqual([false]);
      expect(await accel.groth16VerifyBatch(vkey, [good[1]!])).toEqual([true]);
    });

    it(`refuses more than ${MAX_GROTH16_ITEMS} items`, async () => {
      const items = new Array<Groth16VerifyItem>(MAX_GROTH16_ITEMS + 1).fill(proofs[0]!);
      await expect(accel.groth16VerifyBatch(vkey, items)).rejects.toThrow(/more than/);
    });
  });
}
