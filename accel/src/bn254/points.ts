// Point algorithms driven from JS over the module's kernels (each call does microseconds of work, so
// the crossing is noise): windowed scalar multiplication, Pippenger's bucket MSM, batch conversion to
// affine with one inversion, and the G2 subgroup test.
import { G1_AFFINE_BYTES, G1_BYTES, G2_BYTES } from './curve.ts';
import { SEED } from './params.ts';
import type { Bn254Runtime } from './runtime.ts';
import { FP, FP2 } from './tower.ts';

const WINDOW = 4;

/** Width-w NAF digits of n (odd digits in (-2^(w-1), 2^(w-1)), at most one non-zero in any w), most significant first. */
function wnaf(n: bigint, w: number): number[] {
  const out: number[] = [];
  const full = 1n << BigInt(w);
  let k = n;
  while (k > 0n) {
    if (k & 1n) {
      let d = k % full;
      if (d >= full / 2n) d -= full;
      out.push(Number(d));
      k -= d;
    } else out.push(0);
    k >>= 1n;
  }
  return out.reverse();
}
const SEED_WNAF = wnaf(SEED, 4);

/** Sets the projective G1 point at ptr to infinity (0 : 1 : 0). */
export function g1SetInfinity(rt: Bn254Runtime, ptr: number): void {
  rt.writeFp(ptr, 0n);
  rt.writeFp(ptr + FP, 1n);
  rt.writeFp(ptr + 2 * FP, 0n);
}

/** Projective (x : y : 1) from the affine G1 point at `affine`. */
export function g1FromAffine(rt: Bn254Runtime, dst: number, affine: number): void {
  rt.x.fp_copy(dst, affine);
  rt.x.fp_copy(dst + FP, affine + FP);
  rt.writeFp(dst + 2 * FP, 1n);
}

/** Whether the projective point at ptr is infinity (Z = 0). */
export function g1IsInfinity(rt: Bn254Runtime, ptr: number): boolean {
  return rt.x.fp_is_zero(ptr + 2 * FP) === 1;
}

/** dst = k·P for projective P, k < 2^bits (4-bit fixed window). */
export function g1Mul(rt: Bn254Runtime, dst: number, p: number, k: bigint, bits = 256): void {
  const x = rt.x;
  const mark = rt.mark();
  const table = rt.alloc(16 * G1_BYTES);
  g1SetInfinity(rt, table);
  x.g1_add(table + G1_BYTES, table, p);
  for (let i = 2; i < 16; i++) x.g1_add(table + i * G1_BYTES, table + (i - 1) * G1_BYTES, p);
  const acc = rt.alloc(G1_BYTES);
  g1SetInfinity(rt, acc);
  const windows = Math.ceil(bits / WINDOW);
  for (let w = windows - 1; w >= 0; w--) {
    if (w !== windows - 1) for (let d = 0; d < WINDOW; d++) x.g1_dbl(acc, acc);
    const digit = Number((k >> BigInt(w * WINDOW)) & 15n);
    if (digit !== 0) x.g1_add(acc, acc, table + digit * G1_BYTES);
  }
  new Uint8Array(x.memory.buffer).copyWithin(dst, acc, acc + G1_BYTES);
  rt.release(mark);
}

/**
 * dst (homogeneous) = [a]P + [b]φ(P) for the affine G1 point at `affine` and a, b < 2^64: with
 * φ(P) = [λ]P this is [a + bλ]P at the cost of a 64-bit multiplication (Gallant, Lambert, Vanstone,
 * CRYPTO 2001), by joint 2-bit windows over the 15 points [i]P + [j]φ(P), in Jacobian coordinates.
 * `beta` is the address of β (Montgomery form).
 */
export function g1MulGlv(
  rt: Bn254Runtime,
  dst: number,
  affine: number,
  a: bigint,
  b: bigint,
  beta: number,
): void {
  const x = rt.x;
  const mark = rt.mark();
  const table = rt.alloc(16 * G1_BYTES);
  const at = (i: number, j: number) => table + (4 * i + j) * G1_BYTES;
  const mem = () => new Uint8Array(x.memory.buffer);
  // Infinity (1 : 1 : 0) at [0][0].
  rt.writeFp(at(0, 0), 1n);
  rt.writeFp(at(0, 0) + FP, 1n);
  rt.writeFp(at(0, 0) + 2 * FP, 0n);
  x.fp_copy(at(1, 0), affine);
  x.fp_copy(at(1, 0) + FP, affine + FP);
  rt.writeFp(at(1, 0) + 2 * FP, 1n);
  x.g1j_dbl(at(2, 0), at(1, 0));
  x.g1j_add(at(3, 0), at(2, 0), at(1, 0));
  for (let i = 1; i < 4; i++) {
    // φ in Jacobian coordinates: (β·X : Y : Z).
    mem().copyWithin(at(0, i), at(i, 0), at(i, 0) + G1_BYTES);
    x.fp_mul(at(0, i), at(0, i), beta);
  }
  for (let i = 1; i < 4; i++) for (let j = 1; j < 4; j++) x.g1j_add(at(i, j), at(i, 0), at(0, j));
  const acc = rt.alloc(G1_BYTES);
  mem().copyWithin(acc, at(0, 0), at(0, 0) + G1_BYTES);
  for (let w = 31; w >= 0; w--) {
    if (w !== 31) {
      x.g1j_dbl(acc, acc);
      x.g1j_dbl(acc, acc);
    }
    const i = Number((a >> BigInt(2 * w)) & 3n);
    const j = Number((b >> BigInt(2 * w)) & 3n);
    if (i !== 0 || j !== 0) x.g1j_add(acc, acc, at(i, j));
  }
  x.g1j_to_hom(dst, acc);
  rt.release(mark);
}

/**
 * dst = Σ k_i·P_i over projective points at `points` (stride G1_BYTES), scalars below 2^bits
 * (Pippenger's bucket method with c-bit windows).
 */
export function g1Msm(
  rt: Bn254Runtime,
  dst: number,
  points: number,
  scalars: readonly bigint[],
  bits: number,
): void {
  const x = rt.x;
  const n = scalars.length;
  const c = n < 32 ? 3 : n < 256 ? 5 : n < 4096 ? 7 : 9;
  const mark = rt.mark();
  const buckets = rt.alloc((1 << c) * G1_BYTES);
  const acc = rt.alloc(G1_BYTES);
  const sum = rt.alloc(G1_BYTES);
  const running = rt.alloc(G1_BYTES);
  g1SetInfinity(rt, acc);
  const windows = Math.ceil(bits / c);
  const mask = BigInt((1 << c) - 1);
  const used = new Uint8Array(1 << c);
  for (let w = windows - 1; w >= 0; w--) {
    for (let d = 0; d < c; d++) x.g1_dbl(acc, acc);
    used.fill(0);
    const shift = BigInt(w * c);
    for (let i = 0; i < n; i++) {
      const digit = Number((scalars[i]! >> shift) & mask);
      if (digit === 0) continue;
      const b = buckets + digit * G1_BYTES;
      if (used[digit]) x.g1_add(b, b, points + i * G1_BYTES);
      else {
        new Uint8Array(x.memory.buffer).copyWithin(b, points + i * G1_BYTES, points + (i + 1) * G1_BYTES);
        used[digit] = 1;
      }
    }
    // Σ digit·bucket[digit] as a running sum from the top bucket down.
    g1SetInfinity(rt, running);
    g1SetInfinity(rt, sum);
    for (let d = (1 << c) - 1; d >= 1; d--) {
      if (used[d]) x.g1_add(running, running, buckets + d * G1_BYTES);
      x.g1_add(sum, sum, running);
    }
    x.g1_add(acc, acc, sum);
  }
  new Uint8Array(x.memory.buffer).copyWithin(dst, acc, acc + G1_BYTES);
  rt.release(mark);
}

/**
 * Affine coordinates of `count` projective G1 points (none at infinity) with one inversion
 * (Montgomery's trick): point i at src + i·G1_BYTES → dst + i·G1_AFFINE_BYTES.
 */
export function g1BatchToAffine(rt: Bn254Runtime, src: number, dst: number, count: number): void {
  if (count === 0) return;
  const x = rt.x;
  const mark = rt.mark();
  const prefix = rt.alloc(count * FP);
  const inv = rt.alloc(FP);
  const zi = rt.alloc(FP);
  const z = (i: number) => src + i * G1_BYTES + 2 * FP;
  x.fp_copy(prefix, z(0));
  for (let i = 1; i < count; i++) x.fp_mul(prefix + i * FP, prefix + (i - 1) * FP, z(i));
  x.fp_inv(inv, prefix + (count - 1) * FP);
  for (let i = count - 1; i >= 0; i--) {
    if (i > 0) {
      x.fp_mul(zi, inv, prefix + (i - 1) * FP);
      x.fp_mul(inv, inv, z(i));
    } else x.fp_copy(zi, inv);
    const out = dst + i * G1_AFFINE_BYTES;
    x.fp_mul(out, src + i * G1_BYTES, zi);
    x.fp_mul(out + FP, src + i * G1_BYTES + FP, zi);
  }
  rt.release(mark);
}

/**
 * Whether the twist point (projective, not infinity, on the curve) is in G2, by
 * [x+1]Q + ψ([x]Q) + ψ²([x]Q) = ψ³([2x]Q) (El Housni, Guillevic, Piellard, "Co-factor clearing and
 * subgroup membership testing on pairing-friendly curves", AFRICACRYPT 2022, for BN curves).
 */
export function g2InSubgroup(rt: Bn254Runtime, q: number): boolean {
  const x = rt.x;
  const mark = rt.mark();
  const [a, b, c, r] = [rt.alloc(G2_BYTES), rt.alloc(G2_BYTES), rt.alloc(G2_BYTES), rt.alloc(G2_BYTES)];
  // a = [x]Q in Jacobian coordinates (Q has Z = 1, the same point in either form), by a width-4 NAF over
  // the odd multiples Q, 3Q, 5Q, 7Q; then back to homogeneous coordinates for the complete formulas.
  const table = rt.alloc(4 * G2_BYTES);
  const neg = rt.alloc(G2_BYTES);
  const mem = () => new Uint8Array(x.memory.buffer);
  mem().copyWithin(table, q, q + G2_BYTES);
  x.g2j_dbl(c, q);
  for (let i = 1; i < 4; i++) x.g2j_add(table + i * G2_BYTES, table + (i - 1) * G2_BYTES, c);
  const entry = (d: number): number => {
    const t = table + ((Math.abs(d) - 1) / 2) * G2_BYTES;
    if (d > 0) return t;
    mem().copyWithin(neg, t, t + G2_BYTES);
    x.fp2_neg(neg + FP2, neg + FP2);
    return neg;
  };
  const top = SEED_WNAF[0]!;
  const first = entry(top);
  mem().copyWithin(a, first, first + G2_BYTES);
  for (let i = 1; i < SEED_WNAF.length; i++) {
    x.g2j_dbl(a, a);
    const d = SEED_WNAF[i]!;
    if (d !== 0) x.g2j_add(a, a, entry(d));
  }
  x.g2j_to_hom(a, a);
  x.g2_psi(b, a); // ψ([x]Q)
  x.g2_add(a, a, q); // [x+1]Q
  x.g2_psi(r, b); // ψ²([x]Q)
  x.g2_add(c, r, b);
  x.g2_add(c, c, a);
  x.g2_psi(r, r); // ψ³([x]Q)
  x.g2_dbl(r, r);
  const ok = x.g2_eq(r, c) === 1;
  rt.release(mark);
  return ok;
}

/** Projective (x : y : 1) from affine twist coordinates at `affine`. */
export function g2FromAffine(rt: Bn254Runtime, dst: number, affine: number): void {
  rt.x.fp2_copy(dst, affine);
  rt.x.fp2_copy(dst + FP2, affine + FP2);
  rt.writeFp2(dst + 2 * FP2, [1n, 0n]);
}
