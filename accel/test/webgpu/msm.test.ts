// BN254 G1 MSM on the GPU (msm.wgsl.ts) against @noble/curves' pippenger: random inputs, and the cases
// a bucket method gets wrong first — zero scalars, r − 1, the same point many times (doubling inside a
// bucket), P and −P cancelling, points at infinity, digits crossing limb boundaries, window sizes.
import { pippenger } from '@noble/curves/abstract/curve.js';
import { bn254 } from '@noble/curves/bn254.js';
import { afterAll, describe, expect, it } from 'vitest';
import { type G1Affine, msmG1Gpu, msmShape, packG1Points, packScalars } from '../../src/webgpu/index.ts';
import { openTestGpu, randomBelow } from './gpu-fixture.ts';

const gpu = await openTestGpu();
const Point = bn254.G1.Point;
type P = InstanceType<typeof Point>;
const r = Point.Fn.ORDER;

function randomPoints(n: number): P[] {
  // A few random multiples, then cheap combinations of them (noble's multiply is the slow part).
  const base = Array.from({ length: Math.min(n, 8) }, () => Point.BASE.multiply(randomBelow(r - 1n) + 1n));
  const out: P[] = [];
  for (let i = 0; i < n; i++)
    out.push(i < base.length ? base[i]! : out[i - base.length]!.add(base[i % base.length]!));
  return out;
}

function reference(points: P[], scalars: bigint[]): G1Affine {
  return pippenger(Point, points, scalars).toAffine();
}

async function msm(points: P[], scalars: bigint[], windowBits?: number): Promise<G1Affine> {
  return msmG1Gpu(
    gpu.rt!,
    packG1Points(points.map((q) => q.toAffine())),
    packScalars(scalars),
    windowBits === undefined ? {} : { windowBits },
  );
}

describe.skipIf(!gpu.rt)(`webgpu BN254 G1 MSM${gpu.skip}`, () => {
  afterAll(() => gpu.release());

  it('random points and scalars (n = 1, 2, 37, 300) equal pippenger', async () => {
    for (const n of [1, 2, 37, 300]) {
      const pts = randomPoints(n);
      const sc = pts.map(() => randomBelow(r));
      expect(await msm(pts, sc), `n = ${n}`).toEqual(reference(pts, sc));
    }
  });

  it('edge scalars and repeated points: 0, 1, r − 1, 2^k, one point many times, P and −P', async () => {
    const [a, b] = randomPoints(2) as [P, P];
    const pts = [a, a, a, a, b, b.negate(), a, b, a, b, ...Array.from({ length: 20 }, () => a)];
    const sc = [0n, 1n, r - 1n, 1n << 253n, 5n, 5n, (1n << 128n) - 1n, r - 2n, 2n, 3n, ...Array(20).fill(7n)];
    expect(await msm(pts, sc)).toEqual(reference(pts, sc));
  });

  it('a sum that is the identity answers (0, 0), as do an empty input and all-zero scalars', async () => {
    const [a] = randomPoints(1) as [P];
    const k = randomBelow(r);
    expect(await msm([a, a.negate()], [k, k])).toEqual({ x: 0n, y: 0n });
    expect(await msm([a, a], [k, r - k])).toEqual({ x: 0n, y: 0n });
    expect(await msm([], [])).toEqual({ x: 0n, y: 0n });
    expect(await msm([a, a], [0n, 0n])).toEqual({ x: 0n, y: 0n });
  });

  it('points at infinity, given as (0, 0), are skipped', async () => {
    const pts = randomPoints(5);
    const sc = pts.map(() => randomBelow(r));
    const packed = packG1Points([...pts.map((q) => q.toAffine()), { x: 0n, y: 0n }]);
    const got = await msmG1Gpu(gpu.rt!, packed, packScalars([...sc, 12345n]));
    expect(got).toEqual(reference(pts, sc));
  });

  it('window sizes from 2 to 10 bits agree (digits straddling 32-bit limbs, one and many segments)', async () => {
    const pts = randomPoints(40);
    const sc = pts.map(() => randomBelow(r));
    const want = reference(pts, sc);
    for (const c of [2, 3, 9, 10]) expect(await msm(pts, sc, c), `c = ${c}`).toEqual(want);
    expect(msmShape(1 << 16)).toMatchObject({ c: 13, windows: 20, buckets: 4096, segments: 256 });
    expect(msmShape(1 << 20).c).toBe(16);
  });

  it('a point off the curve is a RangeError naming its index; bad scalars and counts are rejected', async () => {
    const pts = randomPoints(3).map((q) => q.toAffine());
    const bad = [...pts, { x: pts[0]!.x, y: (pts[0]!.y + 1n) % Point.Fp.ORDER }];
    await expect(msmG1Gpu(gpu.rt!, packG1Points(bad), packScalars([1n, 2n, 3n, 4n]))).rejects.toThrow(
      /points\[3\]/,
    );
    expect(() => packScalars([r])).toThrow(RangeError);
    expect(() => packG1Points([{ x: Point.Fp.ORDER, y: 1n }])).toThrow(RangeError);
    await expect(msmG1Gpu(gpu.rt!, packG1Points(pts), packScalars([1n]))).rejects.toThrow(RangeError);
    // The device is still usable after a rejected batch.
    expect(await msm([Point.BASE], [3n])).toEqual(Point.BASE.multiply(3n).toAffine());
  });
});
