// Multi-scalar multiplication Σ kᵢ·Pᵢ for 128-bit scalars over an SM2 curve: Pippenger's bucket method
// (Pippenger 1976; Bernstein et al., "Faster batch forgery identification", 2012) with signed c-bit
// digits and batch-affine bucket accumulation: all additions of one pass share one field inversion
// (Montgomery's trick), so an addition costs ~6 multiplications instead of ~12 in projective form.
// It is the left side of SM2 batch verification (batch-verify.ts); the points are public, so nothing
// here is constant-time.
import type { Sm2Curve, Sm2Point } from './curve.ts';

/** An affine point (never the point at infinity). */
export interface AffinePoint {
  x: bigint;
  y: bigint;
}

/** Bits covered by the scalars; callers split wider scalars (see batch-verify.ts). */
export const MSM_SCALAR_BITS = 128;

/** Window size by batch size: balances N additions per window against 2^c bucket-reduction additions. */
function windowBits(count: number): number {
  if (count < 32) return 4;
  if (count < 256) return 6;
  if (count < 2048) return 8;
  if (count < 16384) return 9;
  return 11;
}

/**
 * Computes Σ scalars[i]·points[i].
 * @throws {RangeError} if the lists differ in length or a scalar is outside [0, 2^128).
 */
export function msm128(
  curve: Sm2Curve,
  points: readonly AffinePoint[],
  scalars: readonly bigint[],
): Sm2Point {
  const n = points.length;
  if (scalars.length !== n) throw new RangeError('msm128: points and scalars differ in length');
  const { Point } = curve;
  if (n === 0) return Point.ZERO;
  const c = windowBits(n);
  const windows = Math.ceil((MSM_SCALAR_BITS + 1) / c);
  const digits = signedDigits(scalars, c, windows);
  const half = 1 << (c - 1);
  let acc = Point.ZERO;
  for (let w = windows - 1; w >= 0; w--) {
    for (let k = 0; k < c; k++) acc = acc.double();
    acc = acc.add(windowSum(curve, points, digits, w, windows, half));
  }
  return acc;
}

/** Signed base-2^c digits in [-2^(c-1), 2^(c-1)], least significant first; digits[i * windows + w]. */
function signedDigits(scalars: readonly bigint[], c: number, windows: number): Int32Array {
  const out = new Int32Array(scalars.length * windows);
  const mask = (1 << c) - 1;
  const half = 1 << (c - 1);
  const limbs = new Uint32Array(5);
  for (let i = 0; i < scalars.length; i++) {
    const k = scalars[i]!;
    if (k < 0n || k >> BigInt(MSM_SCALAR_BITS) !== 0n)
      throw new RangeError(`msm128: scalar ${i} is not in [0, 2^128)`);
    for (let l = 0; l < 4; l++) limbs[l] = Number(BigInt.asUintN(32, k >> BigInt(32 * l)));
    limbs[4] = 0;
    let carry = 0;
    for (let w = 0; w < windows; w++) {
      const bit = w * c;
      const limb = bit >>> 5;
      const off = bit & 31;
      // c ≤ 16, so a window spans at most two 32-bit limbs.
      let v = (limbs[limb] ?? 0) >>> off;
      if (off + c > 32) v |= (limbs[limb + 1] ?? 0) << (32 - off);
      let d = (v & mask) + carry;
      carry = 0;
      if (d > half) {
        d -= 1 << c;
        carry = 1;
      }
      out[i * windows + w] = d;
    }
  }
  return out;
}

/** Σ_b b·Bucket_b for one window, buckets filled with batch-affine additions. */
function windowSum(
  curve: Sm2Curve,
  points: readonly AffinePoint[],
  digits: Int32Array,
  w: number,
  windows: number,
  half: number,
): Sm2Point {
  const { p } = curve.params;
  const bx = new Array<bigint>(half + 1);
  const by = new Array<bigint>(half + 1);
  const full = new Uint8Array(half + 1);
  // Slow-path sums (equal x: doubling or cancellation) kept projective.
  const extra = new Array<Sm2Point | undefined>(half + 1);
  let pending: number[] = [];
  for (let i = 0; i < points.length; i++) if (digits[i * windows + w] !== 0) pending.push(i);

  // Each pass touches a bucket at most once, so its additions are independent and can share an inversion.
  const busy = new Uint8Array(half + 1);
  while (pending.length > 0) {
    const next: number[] = [];
    const ops: number[] = []; // point indices that add into a non-empty bucket this pass
    for (const i of pending) {
      const d = digits[i * windows + w]!;
      const b = d < 0 ? -d : d;
      if (busy[b]) {
        next.push(i);
        continue;
      }
      busy[b] = 1;
      const pt = points[i]!;
      const y = d < 0 ? p - pt.y : pt.y;
      if (!full[b]) {
        bx[b] = pt.x;
        by[b] = y;
        full[b] = 1;
      } else if (bx[b] === pt.x) {
        // Same x: the sum is a doubling or the point at infinity; rare, so done projectively.
        const q = curve.Point.fromAffine({ x: pt.x, y });
        const sum = curve.Point.fromAffine({ x: bx[b]!, y: by[b]! })
          .add(q)
          .add(extra[b] ?? curve.Point.ZERO);
        full[b] = 0;
        extra[b] = sum;
      } else {
        ops.push(i);
      }
    }
    if (ops.length > 0) addBatch(curve, points, digits, w, windows, ops, bx, by);
    pending = next;
    busy.fill(0);
  }

  const { Point } = curve;
  let running = Point.ZERO;
  let total = Point.ZERO;
  for (let b = half; b >= 1; b--) {
    if (full[b]) running = running.add(Point.fromAffine({ x: bx[b]!, y: by[b]! }));
    const e = extra[b];
    if (e) running = running.add(e);
    total = total.add(running);
  }
  return total;
}

/** Adds the selected points into their (non-empty, distinct) buckets, sharing one inversion. */
function addBatch(
  curve: Sm2Curve,
  points: readonly AffinePoint[],
  digits: Int32Array,
  w: number,
  windows: number,
  ops: readonly number[],
  bx: bigint[],
  by: bigint[],
): void {
  const { p } = curve.params;
  const m = ops.length;
  const prefix = new Array<bigint>(m);
  let acc = 1n;
  for (let k = 0; k < m; k++) {
    const i = ops[k]!;
    const d = digits[i * windows + w]!;
    const b = d < 0 ? -d : d;
    const dx = points[i]!.x - bx[b]!;
    prefix[k] = acc;
    acc = (acc * (dx < 0n ? dx + p : dx)) % p;
  }
  let inv = curve.Point.Fp.inv(acc);
  for (let k = m - 1; k >= 0; k--) {
    const i = ops[k]!;
    const d = digits[i * windows + w]!;
    const b = d < 0 ? -d : d;
    const pt = points[i]!;
    const x1 = bx[b]!;
    const y1 = by[b]!;
    let dx = pt.x - x1;
    if (dx < 0n) dx += p;
    const invDx = (inv * prefix[k]!) % p;
    inv = (inv * dx) % p;
    const y2 = d < 0 ? p - pt.y : pt.y;
    let dy = y2 - y1;
    if (dy < 0n) dy += p;
    const lambda = (dy * invDx) % p;
    let x3 = (lambda * lambda - x1 - pt.x) % p;
    if (x3 < 0n) x3 += p;
    let y3 = (lambda * (x1 - x3) - y1) % p;
    if (y3 < 0n) y3 += p;
    bx[b] = x3;
    by[b] = y3;
  }
}
