// Batched Groth16 verification (one engine per thread). A proof (A, B, C) with signals s is valid when
//   e(A, B) = e(α, β) · e(X, γ) · e(C, δ),  X = IC₀ + Σ_j s_j·IC_j.
// A batch is checked at once with independent random 128-bit r_i (Bellare, Garay, Rabin, "Fast batch
// verification for modular exponentiation and digital signatures", EUROCRYPT 1998, small exponents test),
// drawn as r_i = a_i + b_i·λ with a_i, b_i uniform 64-bit and λ the GLV eigenvalue of G1: 2^128 distinct
// values (the lattice of (u, v) with u ≡ vλ has no vector shorter than ≈ 2^127), and r_i·A_i costs a
// 64-bit double multiplication [a_i]A_i + [b_i]φ(A_i):
//   Π_i e(r_i·A_i, B_i) · e(-Σ r_i·X_i, γ) · e(-Σ r_i·C_i, δ) = e(α, β)^(Σ r_i)
// which costs one Miller loop per proof (sharing one Fp12 squaring per step across all of them), two with
// precomputed lines for γ and δ, one final exponentiation and a GT power of the precomputed e(α, β).
// Σ r_i·X_i is one MSM over the key's IC points: (Σ r_i)·IC₀ + Σ_j (Σ_i r_i·s_ij)·IC_j. A batch that fails
// is split in halves until the failing proofs are found, so every item gets its own answer; a wrong
// batch passes with probability at most 2^-128 per check.
import { G1_AFFINE_BYTES, G1_BYTES, G2_AFFINE_BYTES, G2_BYTES } from '../bn254/curve.ts';
import { type FixedLines, type PairBatch, Pairing } from '../bn254/pairing.ts';
import { GLV_BETA, GLV_LAMBDA, R } from '../bn254/params.ts';
import {
  g1BatchToAffine,
  g1FromAffine,
  g1IsInfinity,
  g1Msm,
  g1MulGlv,
  g1SetInfinity,
  g2FromAffine,
  g2InSubgroup,
} from '../bn254/points.ts';
import { Bn254Runtime } from '../bn254/runtime.ts';
import { FP, FP2, FP12 } from '../bn254/tower.ts';
import { AccelError } from '../errors.ts';
import {
  type DecodedKey,
  type DecodedProof,
  decodeKey,
  decodeProof,
  type G1Value,
  type G2Value,
} from './decode.ts';

/** A key made ready for one runtime: lines of γ and δ, e(α, β), window tables of the IC points. */
interface PreparedKey {
  key: DecodedKey;
  gamma: FixedLines;
  delta: FixedLines;
  alphaBeta: number;
  /** e(α, β)^λ. */
  alphaBetaLambda: number;
  /** IC points, projective, stride G1_BYTES. */
  ic: number;
}

/** A decoded proof's points in module memory; the G2 side laid out for the Miller loop. */
interface Slot {
  index: number;
  proof: DecodedProof;
  /** Affine A and C (unused when at infinity), projective A. */
  a: number;
  c: number;
  /** Position in the master G2 layout, or -1 when A or B is at infinity (the pair is 1). */
  pair: number;
}

/** Keys prepared per runtime before it is rebuilt (each holds ≈ 45 KB of lines). */
const MAX_KEYS = 32;
/** Bits of each half (a_i, b_i) of a randomiser. */
const HALF_BITS = 64;

export class Groth16Engine {
  #rt = new Bn254Runtime();
  #pairing = new Pairing(this.#rt);
  #beta = this.#constant(GLV_BETA);
  #keys = new Map<string, PreparedKey>();
  #byObject = new WeakMap<object, { id: string; prepared: PreparedKey }>();

  /**
   * One verdict per item, each exactly whether that proof is valid for its signals under `vkey`.
   * Malformed items (bad shapes, non-canonical numbers, points off their curve or outside their group,
   * signals ≥ r or of the wrong count) are false.
   * @throws {AccelError} GROTH16_INVALID_VKEY when the key is not a valid snarkjs groth16/bn128 key.
   */
  verifyBatch(vkey: unknown, items: readonly unknown[]): boolean[] {
    const key = this.#prepare(vkey);
    const rt = this.#rt;
    const mark = rt.mark();
    try {
      const results = new Array<boolean>(items.length).fill(false);
      const slots = this.#load(key, items);
      const master = this.#masterLayout(slots);
      this.#bisect(key, slots, master, results);
      return results;
    } finally {
      rt.release(mark);
    }
  }

  #prepare(vkey: unknown): PreparedKey {
    if (typeof vkey === 'object' && vkey !== null) {
      const hit = this.#byObject.get(vkey);
      if (hit && this.#keys.get(hit.id) === hit.prepared) return hit.prepared;
    }
    const key = decodeKey(vkey);
    const id = JSON.stringify([key.nPublic, key.alpha, key.beta, key.gamma, key.delta, key.ic], (_, v) =>
      typeof v === 'bigint' ? v.toString(16) : v,
    );
    let prepared = this.#keys.get(id);
    if (!prepared) {
      if (this.#keys.size >= MAX_KEYS) {
        // The runtime's memory is a bump allocator: start a fresh one rather than track frees.
        this.#rt = new Bn254Runtime();
        this.#pairing = new Pairing(this.#rt);
        this.#beta = this.#constant(GLV_BETA);
        this.#keys.clear();
        this.#byObject = new WeakMap();
      }
      prepared = this.#prepareKey(key);
      this.#keys.set(id, prepared);
    }
    if (typeof vkey === 'object' && vkey !== null) this.#byObject.set(vkey, { id, prepared });
    return prepared;
  }

  #constant(v: bigint): number {
    const ptr = this.#rt.alloc(FP);
    this.#rt.writeFp(ptr, v);
    return ptr;
  }

  #prepareKey(key: DecodedKey): PreparedKey {
    const rt = this.#rt;
    const x = rt.x;
    const bad = (what: string): never => {
      throw new AccelError('GROTH16_INVALID_VKEY', `invalid Groth16 verification key: ${what}`, {
        reason: what,
      });
    };
    const g2Checked = (
      q: G2Value,
      name: string,
    ): readonly [readonly [bigint, bigint], readonly [bigint, bigint]] => {
      if (q === null) return bad(`${name} is the point at infinity`);
      const mark = rt.mark();
      const p = rt.alloc(G2_BYTES);
      rt.writeFp2(p, q[0]);
      rt.writeFp2(p + FP2, q[1]);
      let ok = x.g2_on_curve(p) === 1;
      if (ok) {
        g2FromAffine(rt, p, p);
        ok = g2InSubgroup(rt, p);
      }
      rt.release(mark);
      if (!ok) bad(`${name} is not in G2`);
      return q;
    };
    const beta = g2Checked(key.beta, 'vk_beta_2');
    const gamma = g2Checked(key.gamma, 'vk_gamma_2');
    const delta = g2Checked(key.delta, 'vk_delta_2');
    if (key.alpha === null) bad('vk_alpha_1 is the point at infinity');
    const alpha = rt.alloc(G1_AFFINE_BYTES);
    this.#writeG1(alpha, key.alpha!);
    if (x.g1_on_curve(alpha) !== 1) bad('vk_alpha_1 is not on the curve');
    const ic = rt.alloc(key.ic.length * G1_BYTES);
    key.ic.forEach((p, i) => {
      const dst = ic + i * G1_BYTES;
      if (p === null) {
        g1SetInfinity(rt, dst);
        return;
      }
      this.#writeG1(dst, p);
      if (x.g1_on_curve(dst) !== 1) bad(`IC[${i}] is not on the curve`);
      rt.writeFp(dst + 2 * FP, 1n);
    });
    const gammaLines = this.#pairing.fixedLines(gamma);
    const deltaLines = this.#pairing.fixedLines(delta);
    const alphaBeta = rt.alloc(FP12);
    const mark = rt.mark();
    const batch = this.#pairing.layout([beta], alpha);
    this.#pairing.millerLoop(alphaBeta, batch, []);
    rt.release(mark);
    this.#pairing.finalExponentiation(alphaBeta, alphaBeta);
    const alphaBetaLambda = rt.alloc(FP12);
    this.#pairing.pow(alphaBetaLambda, alphaBeta, GLV_LAMBDA);
    return { key, gamma: gammaLines, delta: deltaLines, alphaBeta, alphaBetaLambda, ic };
  }

  #writeG1(ptr: number, p: readonly [bigint, bigint]): void {
    this.#rt.writeFp(ptr, p[0]);
    this.#rt.writeFp(ptr + FP, p[1]);
  }

  /** Decodes every item and writes the valid ones' points; invalid items get no slot. */
  #load(key: PreparedKey, items: readonly unknown[]): Slot[] {
    const rt = this.#rt;
    const x = rt.x;
    const slots: Slot[] = [];
    const scratch = rt.alloc(G2_BYTES);
    let pairs = 0;
    items.forEach((item, index) => {
      const it = (typeof item === 'object' && item !== null ? item : {}) as {
        proof?: unknown;
        publicSignals?: unknown;
      };
      const proof = decodeProof(it.proof, it.publicSignals, key.key.nPublic);
      if (!proof) return;
      const a = rt.alloc(G1_AFFINE_BYTES);
      const c = rt.alloc(G1_AFFINE_BYTES);
      if (!this.#g1Valid(a, proof.a) || !this.#g1Valid(c, proof.c)) return;
      if (proof.b !== null) {
        rt.writeFp2(scratch, proof.b[0]);
        rt.writeFp2(scratch + FP2, proof.b[1]);
        if (x.g2_on_curve(scratch) !== 1) return;
        g2FromAffine(rt, scratch, scratch);
        if (!g2InSubgroup(rt, scratch)) return;
      }
      slots.push({ index, proof, a, c, pair: proof.a !== null && proof.b !== null ? pairs++ : -1 });
    });
    return slots;
  }

  #g1Valid(ptr: number, p: G1Value): boolean {
    if (p === null) return true;
    this.#writeG1(ptr, p);
    return this.#rt.x.g1_on_curve(ptr) === 1;
  }

  /** The G2 side of every pair (Q, -Q, π(Q), -π²(Q)), computed once and copied into each check. */
  #masterLayout(slots: readonly Slot[]): PairBatch {
    const qs = slots.filter((s) => s.pair >= 0).map((s) => s.proof.b!);
    return this.#pairing.layout(qs, 0);
  }

  #bisect(key: PreparedKey, slots: readonly Slot[], master: PairBatch, results: boolean[]): void {
    if (slots.length === 0) return;
    if (this.#check(key, slots, master)) {
      for (const s of slots) results[s.index] = true;
      return;
    }
    if (slots.length === 1) return;
    const half = slots.length >> 1;
    this.#bisect(key, slots.slice(0, half), master, results);
    this.#bisect(key, slots.slice(half), master, results);
  }

  /** The randomised batch equation over `slots`. */
  #check(key: PreparedKey, slots: readonly Slot[], master: PairBatch): boolean {
    const rt = this.#rt;
    const x = rt.x;
    const mark = rt.mark();
    try {
      const n = slots.length;
      const halves = randomHalves(n);
      const rs = Array.from({ length: n }, (_, i) => (halves[2 * i]! + halves[2 * i + 1]! * GLV_LAMBDA) % R);
      // Scalars of the IC MSM: (Σ r_i, Σ_i r_i·s_i1, …).
      const nPublic = key.key.nPublic;
      const icScalars = new Array<bigint>(nPublic + 1).fill(0n);
      slots.forEach((s, i) => {
        const r = rs[i]!;
        icScalars[0] = icScalars[0]! + r;
        s.proof.signals.forEach((v, j) => {
          icScalars[j + 1] = (icScalars[j + 1]! + r * v) % R;
        });
      });
      icScalars[0] = icScalars[0]! % R;
      let aSum = 0n;
      let bSum = 0n;
      for (let i = 0; i < n; i++) {
        aSum += halves[2 * i]!;
        bSum += halves[2 * i + 1]!;
      }

      // r_i·A_i for the pairs; C points for the MSM.
      const paired = slots.filter((s) => s.pair >= 0);
      const m = paired.length;
      const proj = rt.alloc((m + 2) * G1_BYTES);
      let k = 0;
      slots.forEach((s, i) => {
        if (s.pair < 0) return;
        g1MulGlv(rt, proj + k++ * G1_BYTES, s.a, halves[2 * i]!, halves[2 * i + 1]!, this.#beta);
      });
      // Σ r_i·C_i = Σ a_i·C_i + Σ b_i·φ(C_i): one MSM of 2n points with 64-bit scalars.
      const cPoints = rt.alloc(2 * n * G1_BYTES);
      slots.forEach((s, i) => {
        const c = cPoints + i * G1_BYTES;
        const phi = cPoints + (n + i) * G1_BYTES;
        if (s.proof.c === null) {
          g1SetInfinity(rt, c);
          g1SetInfinity(rt, phi);
          return;
        }
        g1FromAffine(rt, c, s.c);
        g1FromAffine(rt, phi, s.c);
        x.fp_mul(phi, phi, this.#beta);
      });
      const cScalars = [...halves.filter((_, j) => j % 2 === 0), ...halves.filter((_, j) => j % 2 === 1)];
      const xSum = proj + m * G1_BYTES;
      const cSum = proj + (m + 1) * G1_BYTES;
      g1Msm(rt, xSum, key.ic, icScalars, 254);
      g1Msm(rt, cSum, cPoints, cScalars, HALF_BITS);

      // Affine forms, with X and C negated; a sum at infinity drops its pair.
      const fixedPoints: [FixedLines, number][] = [];
      const order: number[] = [];
      for (let k = 0; k < m; k++) order.push(k);
      const xInf = g1IsInfinity(rt, xSum);
      const cInf = g1IsInfinity(rt, cSum);
      if (!xInf) order.push(m);
      if (!cInf) order.push(m + 1);
      const packed = rt.alloc(order.length * G1_BYTES);
      const u8 = () => new Uint8Array(x.memory.buffer);
      order.forEach((k, j) =>
        u8().copyWithin(packed + j * G1_BYTES, proj + k * G1_BYTES, proj + (k + 1) * G1_BYTES),
      );
      const affine = rt.alloc(order.length * G1_AFFINE_BYTES);
      g1BatchToAffine(rt, packed, affine, order.length);
      let j = m;
      if (!xInf) {
        const p = affine + j++ * G1_AFFINE_BYTES;
        x.fp_neg(p + FP, p + FP);
        fixedPoints.push([key.gamma, p]);
      }
      if (!cInf) {
        const p = affine + j++ * G1_AFFINE_BYTES;
        x.fp_neg(p + FP, p + FP);
        fixedPoints.push([key.delta, p]);
      }

      // The G2 sides of the paired proofs, copied from the master layout.
      const batch = this.#subBatch(
        master,
        paired.map((s) => s.pair),
        affine,
      );
      const f = rt.alloc(FP12);
      this.#pairing.millerLoop(f, batch, fixedPoints);
      this.#pairing.finalExponentiation(f, f);
      const target = rt.alloc(FP12);
      // e(α, β)^(Σ r_i) = e(α, β)^(Σ a_i) · (e(α, β)^λ)^(Σ b_i).
      this.#pairing.pow2(target, key.alphaBeta, aSum, key.alphaBetaLambda, bSum);
      return x.fp12_eq(f, target) === 1;
    } finally {
      rt.release(mark);
    }
  }

  #subBatch(master: PairBatch, pairs: readonly number[], p: number): PairBatch {
    const rt = this.#rt;
    const n = pairs.length;
    const b: PairBatch = {
      n,
      t: rt.alloc(n * G2_BYTES),
      q: rt.alloc(n * G2_AFFINE_BYTES),
      negQ: rt.alloc(n * G2_AFFINE_BYTES),
      q1: rt.alloc(n * G2_AFFINE_BYTES),
      negQ2: rt.alloc(n * G2_AFFINE_BYTES),
      p,
    };
    const mem = new Uint8Array(rt.x.memory.buffer);
    pairs.forEach((src, i) => {
      for (const field of ['q', 'negQ', 'q1', 'negQ2'] as const) {
        const from = master[field] + src * G2_AFFINE_BYTES;
        mem.copyWithin(b[field] + i * G2_AFFINE_BYTES, from, from + G2_AFFINE_BYTES);
      }
      g2FromAffine(rt, b.t + i * G2_BYTES, b.q + i * G2_AFFINE_BYTES);
    });
    return b;
  }
}

/** 2n independent 64-bit halves (a_0, b_0, a_1, b_1, …) from crypto.getRandomValues, no pair both zero. */
function randomHalves(n: number): bigint[] {
  const words = new BigUint64Array(2 * n);
  for (let start = 0; start < words.length; start += 8192) {
    crypto.getRandomValues(words.subarray(start, Math.min(words.length, start + 8192)));
  }
  const out = Array.from(words);
  for (let i = 0; i < n; i++) {
    while (out[2 * i] === 0n && out[2 * i + 1] === 0n) {
      const w = crypto.getRandomValues(new BigUint64Array(2));
      out[2 * i] = w[0]!;
      out[2 * i + 1] = w[1]!;
    }
  }
  return out;
}
