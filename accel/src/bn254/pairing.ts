// The optimal ate pairing on BN254 (Vercauteren, "Optimal pairings", IEEE TIT 2010): a Miller loop over
// the NAF of 6x + 2 followed by the lines through π(Q) and -π²(Q), then the final exponentiation
// (p¹² - 1)/r split into the easy part (p⁶ - 1)(p² + 1) and the hard part (p⁴ - p² + 1)/r =
// λ0 + λ1·p + λ2·p² + λ3·p³ computed with three exponentiations by x (Scott, Benger, Charlemagne,
// Dominguez Perez, Kachisa, "On the final exponentiation for calculating pairings on ordinary elliptic
// curves", Pairing 2009).
//
// The loop is a multi-Miller loop: one Fp12 accumulator and one squaring per step for all pairs of a
// batch, each pair adding only its line evaluation. Pairs whose G2 point is fixed (a verification key's
// γ and δ) use lines computed once.
import { G1_AFFINE_BYTES, G2_AFFINE_BYTES, G2_BYTES, LINE_BYTES } from './curve.ts';
import { ATE_LOOP, type Fp2Value, naf, SEED } from './params.ts';
import type { Bn254Runtime } from './runtime.ts';
import { FP2, FP12 } from './tower.ts';

/** NAF digits of 6x + 2, most significant first, without the leading 1. */
const LOOP_DIGITS = naf(ATE_LOOP).reverse().slice(1);
/** Bits of x, most significant first, without the leading 1. */
const SEED_BITS = SEED.toString(2).slice(1);

/** Lines of a fixed G2 point, in the order the loop uses them. */
export interface FixedLines {
  base: number;
  count: number;
}

/** The G2 sides of a batch laid out for the loop kernels: n pairs with G1 points at `p`. */
export interface PairBatch {
  n: number;
  /** Running points T_i (projective). */
  t: number;
  /** Q_i, -Q_i, π(Q_i), -π²(Q_i) (affine). */
  q: number;
  negQ: number;
  q1: number;
  negQ2: number;
  /** G1 points P_i (affine). */
  p: number;
}

export class Pairing {
  readonly #rt: Bn254Runtime;

  constructor(rt: Bn254Runtime) {
    this.#rt = rt;
  }

  /** Allocates and fills the G2 side of a batch from affine twist points (none at infinity). */
  layout(qs: readonly (readonly [Fp2Value, Fp2Value])[], pPtr: number): PairBatch {
    const rt = this.#rt;
    const n = qs.length;
    const b: PairBatch = {
      n,
      t: rt.alloc(n * G2_BYTES),
      q: rt.alloc(n * G2_AFFINE_BYTES),
      negQ: rt.alloc(n * G2_AFFINE_BYTES),
      q1: rt.alloc(n * G2_AFFINE_BYTES),
      negQ2: rt.alloc(n * G2_AFFINE_BYTES),
      p: pPtr,
    };
    const tmp = rt.alloc(G2_BYTES);
    qs.forEach(([qx, qy], i) => {
      const q = b.q + i * G2_AFFINE_BYTES;
      rt.writeFp2(q, qx);
      rt.writeFp2(q + FP2, qy);
      this.#fillSide(b, i, tmp);
    });
    return b;
  }

  /** Fills T_i, -Q_i, π(Q_i), -π²(Q_i) from Q_i already at b.q. */
  #fillSide(b: PairBatch, i: number, tmp: number): void {
    const x = this.#rt.x;
    const q = b.q + i * G2_AFFINE_BYTES;
    const t = b.t + i * G2_BYTES;
    x.fp2_copy(t, q);
    x.fp2_copy(t + FP2, q + FP2);
    this.#one2(t + 2 * FP2);
    const nq = b.negQ + i * G2_AFFINE_BYTES;
    x.fp2_copy(nq, q);
    x.fp2_neg(nq + FP2, q + FP2);
    // π(Q) on affine coordinates through a projective temporary with Z = 1.
    x.fp2_copy(tmp, q);
    x.fp2_copy(tmp + FP2, q + FP2);
    this.#one2(tmp + 2 * FP2);
    x.g2_psi(tmp, tmp);
    const q1 = b.q1 + i * G2_AFFINE_BYTES;
    x.fp2_copy(q1, tmp);
    x.fp2_copy(q1 + FP2, tmp + FP2);
    x.g2_psi(tmp, tmp);
    const q2 = b.negQ2 + i * G2_AFFINE_BYTES;
    x.fp2_copy(q2, tmp);
    x.fp2_neg(q2 + FP2, tmp + FP2);
  }

  #one2(ptr: number): void {
    this.#rt.writeFp2(ptr, [1n, 0n]);
  }

  /** Lines of the fixed affine point q, for `millerLoop`'s `fixed` pairs. */
  fixedLines(q: readonly [Fp2Value, Fp2Value]): FixedLines {
    const rt = this.#rt;
    const x = rt.x;
    const count = LOOP_DIGITS.length + LOOP_DIGITS.filter((d) => d !== 0).length + 2;
    const base = rt.alloc(count * LINE_BYTES);
    const mark = rt.mark();
    const pDummy = rt.alloc(G1_AFFINE_BYTES);
    const b = this.layout([q], pDummy);
    let k = 0;
    for (const d of LOOP_DIGITS) {
      x.g2_dbl_line(b.t, base + k++ * LINE_BYTES);
      if (d === 1) x.g2_add_line(b.t, b.q, base + k++ * LINE_BYTES);
      else if (d === -1) x.g2_add_line(b.t, b.negQ, base + k++ * LINE_BYTES);
    }
    x.g2_add_line(b.t, b.q1, base + k++ * LINE_BYTES);
    x.g2_add_line(b.t, b.negQ2, base + k++ * LINE_BYTES);
    rt.release(mark);
    return { base, count };
  }

  /**
   * f = Π Miller(P_i, Q_i) over the batch and the fixed pairs (lines, affine G1 point address), without
   * the final exponentiation. The batch's running points T_i are consumed.
   */
  millerLoop(f: number, batch: PairBatch | undefined, fixed: readonly [FixedLines, number][]): void {
    const x = this.#rt.x;
    x.fp12_one(f);
    let k = 0;
    let first = true;
    const fixedStep = () => {
      for (const [lines, p] of fixed) x.fp12_mul_line(f, lines.base + k * LINE_BYTES, p);
      k++;
    };
    for (const d of LOOP_DIGITS) {
      if (!first) x.fp12_sqr(f, f);
      first = false;
      if (batch && batch.n > 0) x.miller_dbl(f, batch.t, batch.p, batch.n);
      fixedStep();
      if (d !== 0) {
        if (batch && batch.n > 0) x.miller_add(f, batch.t, d === 1 ? batch.q : batch.negQ, batch.p, batch.n);
        fixedStep();
      }
    }
    if (batch && batch.n > 0) {
      x.miller_add(f, batch.t, batch.q1, batch.p, batch.n);
      x.miller_add(f, batch.t, batch.negQ2, batch.p, batch.n);
    }
    fixedStep();
    fixedStep();
  }

  /** r = a^x (x the BN seed), square and multiply. */
  #powSeed(r: number, a: number, tmp: number): void {
    const x = this.#rt.x;
    x.fp12_copy(tmp, a);
    x.fp12_copy(r, a);
    for (const bit of SEED_BITS) {
      x.fp12_sqr(r, r);
      if (bit === '1') x.fp12_mul(r, r, tmp);
    }
  }

  /** r = f^((p¹² - 1)/r). */
  finalExponentiation(out: number, f: number): void {
    const rt = this.#rt;
    const x = rt.x;
    const mark = rt.mark();
    const e = () => rt.alloc(FP12);
    const [a, b, fu, fu2, fu3, y0, y1, y2, y3, y4, y5, y6, t0, t1, tmp] = Array.from(
      { length: 15 },
      e,
    ) as number[] as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    // Easy part: a = f^(p⁶ - 1), then a ← a^(p² + 1).
    x.fp12_inv(b, f);
    x.fp12_conj(a, f);
    x.fp12_mul(a, a, b);
    x.fp12_frob2(b, a);
    x.fp12_mul(a, a, b);
    // Hard part.
    this.#powSeed(fu, a, tmp);
    this.#powSeed(fu2, fu, tmp);
    this.#powSeed(fu3, fu2, tmp);
    x.fp12_frob1(y0, a);
    x.fp12_frob2(tmp, a);
    x.fp12_mul(y0, y0, tmp);
    x.fp12_frob3(tmp, a);
    x.fp12_mul(y0, y0, tmp);
    x.fp12_conj(y1, a);
    x.fp12_frob2(y2, fu2);
    x.fp12_frob1(y3, fu);
    x.fp12_conj(y3, y3);
    x.fp12_frob1(y4, fu2);
    x.fp12_mul(y4, y4, fu);
    x.fp12_conj(y4, y4);
    x.fp12_conj(y5, fu2);
    x.fp12_frob1(y6, fu3);
    x.fp12_mul(y6, y6, fu3);
    x.fp12_conj(y6, y6);
    // y0·y1²·y2⁶·y3¹²·y4¹⁸·y5³⁰·y6³⁶ by the vectorial addition chain.
    x.fp12_sqr(t0, y6);
    x.fp12_mul(t0, t0, y4);
    x.fp12_mul(t0, t0, y5);
    x.fp12_mul(t1, y3, y5);
    x.fp12_mul(t1, t1, t0);
    x.fp12_mul(t0, t0, y2);
    x.fp12_sqr(t1, t1);
    x.fp12_mul(t1, t1, t0);
    x.fp12_sqr(t1, t1);
    x.fp12_mul(t0, t1, y1);
    x.fp12_mul(t1, t1, y0);
    x.fp12_sqr(t0, t0);
    x.fp12_mul(out, t0, t1);
    rt.release(mark);
  }

  /** r = a^e1 · b^e2 for non-negative exponents, sharing the squarings (Shamir's trick). */
  pow2(r: number, a: number, e1: bigint, b: number, e2: bigint): void {
    const rt = this.#rt;
    const x = rt.x;
    const mark = rt.mark();
    const [ta, tb, tab] = [rt.alloc(FP12), rt.alloc(FP12), rt.alloc(FP12)];
    x.fp12_copy(ta, a);
    x.fp12_copy(tb, b);
    x.fp12_mul(tab, a, b);
    x.fp12_one(r);
    const bits = Math.max(e1.toString(2).length, e2.toString(2).length);
    for (let i = bits - 1; i >= 0; i--) {
      x.fp12_sqr(r, r);
      const u = (e1 >> BigInt(i)) & 1n;
      const v = (e2 >> BigInt(i)) & 1n;
      if (u && v) x.fp12_mul(r, r, tab);
      else if (u) x.fp12_mul(r, r, ta);
      else if (v) x.fp12_mul(r, r, tb);
    }
    rt.release(mark);
  }

  /** r = a^e for a non-negative exponent (square and multiply; a in GT). */
  pow(r: number, a: number, e: bigint): void {
    const rt = this.#rt;
    const x = rt.x;
    const mark = rt.mark();
    const base = rt.alloc(FP12);
    x.fp12_copy(base, a);
    x.fp12_one(r);
    for (const bit of e.toString(2)) {
      x.fp12_sqr(r, r);
      if (bit === '1') x.fp12_mul(r, r, base);
    }
    rt.release(mark);
  }
}
