// The complete addition formula (bn254-g1.wgsl.ts) in both of its emissions against @noble/curves:
// generic sums, doubling, P + (−P), the identity on either side, and non-normalised inputs (Z ≠ 1).
import { bn254 } from '@noble/curves/bn254.js';
import { afterAll, describe, expect, it } from 'vitest';
import { type G1Projective, g1AddGpu, type KernelStyle } from '../../src/webgpu/index.ts';
import { openTestGpu, randomBelow } from './gpu-fixture.ts';

const gpu = await openTestGpu();
const Point = bn254.G1.Point;
type P = InstanceType<typeof Point>;
const r = Point.Fn.ORDER;
const p = Point.Fp.ORDER;

/** A projective representative of P scaled by a random λ ≠ 0, so Z is not 1. */
function scaled(pt: P): G1Projective {
  const l = randomBelow(p - 1n) + 1n;
  return { X: (pt.X * l) % p, Y: (pt.Y * l) % p, Z: (pt.Z * l) % p };
}

function cases(): [P, P][] {
  const rnd = () => Point.BASE.multiply(randomBelow(r - 1n) + 1n);
  const a = rnd();
  const out: [P, P][] = [
    [a, a],
    [a, a.negate()],
    [Point.ZERO, a],
    [a, Point.ZERO],
    [Point.ZERO, Point.ZERO],
    [Point.BASE, Point.BASE],
  ];
  for (let i = 0; i < 26; i++) out.push([rnd(), rnd()]);
  return out;
}

describe.skipIf(!gpu.rt)(`webgpu BN254 G1 addition${gpu.skip}`, () => {
  afterAll(() => gpu.release());

  for (const style of ['compact', 'straight'] as KernelStyle[]) {
    it(`${style}: P + Q equals noble for sums, doubling, inverses and the identity`, async () => {
      const pairs = cases();
      const got = await g1AddGpu(
        gpu.rt!,
        pairs.map(([a, b]) => [scaled(a), scaled(b)] as const),
        style,
      );
      got.forEach((g, i) => {
        const [a, b] = pairs[i]!;
        expect(new Point(g.X, g.Y, g.Z).equals(a.add(b)), `case ${i}`).toBe(true);
      });
      expect(new Point(got[1]!.X, got[1]!.Y, got[1]!.Z).is0()).toBe(true);
    });
  }
});
