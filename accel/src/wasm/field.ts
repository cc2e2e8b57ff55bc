// Montgomery arithmetic modulo a prime below 2^255, generated as WebAssembly for that modulus.
//
// Representation: 9 limbs of 29 bits ("unsaturated", each limb stored as a u32 in 36 bytes), so a
// column of the 9×9 schoolbook product plus the reduction's 9 terms stays below 2^63 in an i64 and no
// carry is handled until the column is done (the product-scanning form of Montgomery multiplication,
// Koç, Acar and Kaliski, "Analyzing and comparing Montgomery multiplication algorithms", 1996, FIPS).
// R = 2^261. Because 8p < R, a product of inputs below 8p comes out below 2p without a final
// subtraction, so values are kept "almost reduced" in [0, 2p) and only made canonical when read out.
import { type FunctionBuilder, I32, I64, type ModuleBuilder, Op } from './emitter.ts';

export const LIMBS = 9;
export const LIMB_BITS = 29;
export const ELEMENT_BYTES = LIMBS * 4;
const MASK = (1n << BigInt(LIMB_BITS)) - 1n;

/** Splits a non-negative integer below 2^261 into 9 limbs of 29 bits. */
export function toLimbs(x: bigint): bigint[] {
  const out: bigint[] = [];
  let v = x;
  for (let i = 0; i < LIMBS; i++) {
    out.push(v & MASK);
    v >>= BigInt(LIMB_BITS);
  }
  if (v !== 0n) throw new RangeError('toLimbs: value too large');
  return out;
}

/** Constants of a modulus for the generated code and for conversions in JS. */
export interface FieldConstants {
  p: bigint;
  /** Limbs of p and of 2p. */
  pLimbs: bigint[];
  p2Limbs: bigint[];
  /** -p^-1 mod 2^29. */
  n0: bigint;
  /** R mod p, R^2 mod p (R = 2^261). */
  r1: bigint;
  r2: bigint;
}

/** Derives the constants of modulus p (odd, below 2^255). */
export function fieldConstants(p: bigint): FieldConstants {
  if (p % 2n === 0n || p >= 1n << 255n) throw new RangeError('fieldConstants: p must be odd and below 2^255');
  const base = 1n << BigInt(LIMB_BITS);
  // Newton iteration for p^-1 mod 2^29.
  let inv = 1n;
  for (let i = 0; i < 6; i++) inv = (inv * (2n - p * inv)) % base;
  const n0 = (((base - inv) % base) + base) % base;
  const R = 1n << BigInt(LIMBS * LIMB_BITS);
  return {
    p,
    pLimbs: toLimbs(p),
    p2Limbs: toLimbs(2n * p),
    n0,
    r1: R % p,
    r2: (R * R) % p,
  };
}

/** The exported arithmetic of one field, as function handles inside a module under construction. */
export interface FieldFunctions {
  constants: FieldConstants;
  /** r = a·b·R^-1, for a, b < 8p; r < 2p. Pointers may alias. */
  mul: FunctionBuilder;
  /** r = a²·R^-1. */
  sqr: FunctionBuilder;
  /** r = a + b, reduced into [0, 2p). */
  add: FunctionBuilder;
  /** r = a - b, reduced into [0, 2p). */
  sub: FunctionBuilder;
  /** r = a + b with no reduction (below 4p): only for feeding a multiplication. */
  addLazy: FunctionBuilder;
  /** r = canonical a (in [0, p)). */
  reduce: FunctionBuilder;
  /** 1 if a ≡ 0, else 0. */
  isZero: FunctionBuilder;
  /** 1 if a ≡ b, else 0. */
  eq: FunctionBuilder;
  copy: FunctionBuilder;
  /** r = 0 / r = R mod p (Montgomery one). */
  zero: FunctionBuilder;
  one: FunctionBuilder;
}

type Emit = (f: FunctionBuilder) => void;

/**
 * Emits m = (acc·n0) mod 2^29 into local `m` and acc ← (acc + m·p0) >> 29 (arithmetic when `signed`).
 * When p ≡ 1 + 2^28 (mod 2^29), as for BN254's r, n0 = 2^28 - 1 and both products are shifts.
 */
function emitReductionStep(
  f: FunctionBuilder,
  c: FieldConstants,
  acc: number,
  m: number,
  signed: boolean,
): void {
  const special = c.pLimbs[0] === (1n << 28n) + 1n;
  if (special) {
    f.get(acc).i64(28).shl64().get(acc).sub64().i64(MASK).and64().set(m);
    f.get(acc).get(m).add64().get(m).i64(28).shl64().add64();
  } else {
    f.get(acc).i64(c.n0).mul64().i64(MASK).and64().set(m);
    f.get(acc).get(m).i64(c.pLimbs[0]!).mul64().add64();
  }
  f.i64(LIMB_BITS);
  if (signed) f.shrS64();
  else f.shrU64();
  f.set(acc);
}

/** Loads limb i of the element at pointer local `ptr`. */
const limb =
  (ptr: number, i: number): Emit =>
  (f) => {
    f.get(ptr).load32u(4 * i);
  };

/**
 * Emits the Montgomery product (or square when `a === b` and `square`) of limbs held in locals,
 * storing the 9 result limbs at pointer local `r`.
 */
function emitMontgomery(
  f: FunctionBuilder,
  c: FieldConstants,
  a: number[],
  b: number[],
  r: number | number[],
  square: boolean,
) {
  // The result goes to memory at pointer local r, or into the 9 locals r.
  const put = (i: number, value: () => void) => {
    if (typeof r === 'number') {
      f.get(r);
      value();
      f.store32(4 * i);
    } else {
      value();
      f.set(r[i]!);
    }
  };
  const m = f.locals(I64, LIMBS);
  const acc = f.local(I64);
  const mask = MASK;
  const addProducts = (k: number, lo: number, hi: number) => {
    // Σ a_i·b_{k-i} for i in [lo, hi]
    if (square) {
      // a_i·a_j twice for i < j, once for i = j.
      let any = false;
      for (let i = lo; i <= hi; i++) {
        const j = k - i;
        if (i >= j) break;
        f.get(a[i]!).get(a[j]!).mul64();
        if (any) f.add64();
        any = true;
      }
      if (any) {
        f.i64(1).shl64(); // ×2
        f.get(acc).add64().set(acc);
      }
      if (k % 2 === 0 && k / 2 >= lo && k / 2 <= hi) {
        f.get(a[k / 2]!)
          .get(a[k / 2]!)
          .mul64()
          .get(acc)
          .add64()
          .set(acc);
      }
    } else {
      for (let i = lo; i <= hi; i++)
        f.get(acc)
          .get(a[i]!)
          .get(b[k - i]!)
          .mul64()
          .add64()
          .set(acc);
    }
  };
  const addReduction = (k: number, lo: number, hi: number) => {
    for (let i = lo; i <= hi; i++) {
      const pj = c.pLimbs[k - i]!;
      if (pj === 0n) continue;
      f.get(acc).get(m[i]!).i64(pj).mul64().add64().set(acc);
    }
  };
  f.i64(0).set(acc);
  for (let k = 0; k < LIMBS; k++) {
    addProducts(k, 0, k);
    addReduction(k, 0, k - 1);
    // m_k = acc·n0 mod 2^29; then acc + m_k·p_0 ≡ 0 mod 2^29.
    emitReductionStep(f, c, acc, m[k]!, false);
  }
  for (let k = LIMBS; k < 2 * LIMBS - 1; k++) {
    addProducts(k, k - LIMBS + 1, LIMBS - 1);
    addReduction(k, k - LIMBS + 1, LIMBS - 1);
    put(k - LIMBS, () => f.get(acc).i64(mask).and64());
    f.get(acc).i64(LIMB_BITS).shrU64().set(acc);
  }
  put(LIMBS - 1, () => f.get(acc));
}

/**
 * Adds `${prefix}_dot(r, s, c, n)`: r = Σ_{j<n} s_j·c_j·R^-1 over two arrays of n consecutive elements
 * (s_j < 2p, c_j < p, n ≤ 17), with one Montgomery reduction for the whole sum: the products are
 * accumulated in 18 column registers, normalised every third product so no column overflows 64 bits.
 * The result is below 2p because n·2p·p/R + p < 2p for n ≤ 17 (p < 2^254, R = 2^261).
 */
export function emitDot(mod: ModuleBuilder, c: FieldConstants, prefix: string): FunctionBuilder {
  const f = mod.func(`${prefix}_dot`, [I32, I32, I32, I32]);
  const [r, s, k, n] = [0, 1, 2, 3];
  const cols = f.locals(I64, 2 * LIMBS);
  const a = f.locals(I64, LIMBS);
  const b = f.locals(I64, LIMBS);
  const group = f.local(I32);
  for (const col of cols) f.i64(0).set(col);
  f.i32(3).set(group);
  f.block();
  const normalize = () => {
    for (let i = 0; i < cols.length - 1; i++) {
      f.get(cols[i + 1]!)
        .get(cols[i]!)
        .i64(LIMB_BITS)
        .shrU64()
        .add64()
        .set(cols[i + 1]!);
      f.get(cols[i]!).i64(MASK).and64().set(cols[i]!);
    }
  };
  f.loop();
  for (let i = 0; i < LIMBS; i++) {
    f.get(s)
      .load32u(4 * i)
      .set(a[i]!);
    f.get(k)
      .load32u(4 * i)
      .set(b[i]!);
  }
  for (let i = 0; i < LIMBS; i++) {
    for (let j = 0; j < LIMBS; j++) {
      f.get(cols[i + j]!)
        .get(a[i]!)
        .get(b[j]!)
        .mul64()
        .add64()
        .set(cols[i + j]!);
    }
  }
  f.get(s).i32(ELEMENT_BYTES).add32().set(s);
  f.get(k).i32(ELEMENT_BYTES).add32().set(k);
  f.get(n).i32(1).sub32().tee(n).op(Op.i32Eqz).brIf(1); // done: leave the enclosing block
  f.get(group).i32(1).sub32().tee(group).op(Op.i32Eqz).if();
  normalize();
  f.i32(3).set(group);
  f.end();
  f.br(0);
  f.end(); // loop
  f.end(); // block
  emitReduceColumns(f, c, cols, r, false);
  return f;
}

/**
 * Montgomery reduction of an 18-column sum held in locals `cols` (each column below 2^62 in magnitude,
 * the value non-negative and below p·R·2), storing the 9 result limbs at pointer local `r`. With `signed`,
 * columns may be negative (carries by arithmetic shift); the value itself must still be non-negative.
 */
export function emitReduceColumns(
  f: FunctionBuilder,
  c: FieldConstants,
  cols: number[],
  r: number,
  signed: boolean,
) {
  const m = f.locals(I64, LIMBS);
  const acc = f.local(I64);
  const shift = () => (signed ? f.shrS64() : f.shrU64());
  f.i64(0).set(acc);
  for (let col = 0; col < 2 * LIMBS; col++) {
    f.get(acc).get(cols[col]!).add64().set(acc);
    for (let i = Math.max(0, col - LIMBS + 1); i < Math.min(col, LIMBS); i++) {
      const pj = c.pLimbs[col - i]!;
      if (pj !== 0n) f.get(acc).get(m[i]!).i64(pj).mul64().add64().set(acc);
    }
    if (col < LIMBS) {
      emitReductionStep(f, c, acc, m[col]!, signed);
    } else {
      f.get(r)
        .get(acc)
        .i64(MASK)
        .and64()
        .store32(4 * (col - LIMBS));
      f.get(acc).i64(LIMB_BITS);
      shift();
      f.set(acc);
    }
  }
}

/**
 * Adds `${prefix}_mul(r, a, b)` for Fp2 = Fp[u]/(u² + 1) on 72-byte elements (c0 then c1), inputs below 2p:
 * c0 = REDC(a0·b0 - a1·b1 + 4p²) and c1 = REDC(a0·b1 + a1·b0), four products accumulated in columns and
 * two reductions, with no modular additions or subtractions (Karatsuba would save a product but pay
 * three reduced subtractions). Outputs are below 2p (8p²/R + p < 2p).
 */
export function emitFp2Mul(mod: ModuleBuilder, c: FieldConstants, prefix: string): FunctionBuilder {
  const f = mod.func(`${prefix}_mul`, [I32, I32, I32]);
  const [r, pa, pb] = [0, 1, 2];
  const a0 = loadLimbs(f, pa);
  const a1 = f.locals(I64, LIMBS);
  const b0 = loadLimbs(f, pb);
  const b1 = f.locals(I64, LIMBS);
  for (let i = 0; i < LIMBS; i++) {
    f.get(pa)
      .load32u(ELEMENT_BYTES + 4 * i)
      .set(a1[i]!);
    f.get(pb)
      .load32u(ELEMENT_BYTES + 4 * i)
      .set(b1[i]!);
  }
  const cols = f.locals(I64, 2 * LIMBS);
  // Column form of 4p², so c0's sum stays non-negative (a1·b1 < 4p²).
  let k = 4n * c.p * c.p;
  for (let i = 0; i < 2 * LIMBS; i++) {
    f.i64(k & MASK).set(cols[i]!);
    k >>= BigInt(LIMB_BITS);
  }
  for (let i = 0; i < LIMBS; i++) {
    for (let j = 0; j < LIMBS; j++) {
      f.get(cols[i + j]!)
        .get(a0[i]!)
        .get(b0[j]!)
        .mul64()
        .add64();
      f.get(a1[i]!)
        .get(b1[j]!)
        .mul64()
        .sub64()
        .set(cols[i + j]!);
    }
  }
  const c1cols = f.locals(I64, 2 * LIMBS);
  for (const col of c1cols) f.i64(0).set(col);
  for (let i = 0; i < LIMBS; i++) {
    for (let j = 0; j < LIMBS; j++) {
      f.get(c1cols[i + j]!)
        .get(a0[i]!)
        .get(b1[j]!)
        .mul64()
        .add64();
      f.get(a1[i]!)
        .get(b0[j]!)
        .mul64()
        .add64()
        .set(c1cols[i + j]!);
    }
  }
  // Every input limb is in locals now, so writing r (even if it aliases a or b) is safe.
  emitReduceColumns(f, c, cols, r, true);
  const r1 = f.local(I32);
  f.get(r).i32(ELEMENT_BYTES).add32().set(r1);
  emitReduceColumns(f, c, c1cols, r1, false);
  return f;
}

/**
 * Adds `${prefix}_pow5(r, a)`: r = a⁵ (Montgomery; a < 8p) with the limbs kept in locals between the two
 * squarings and the product (Poseidon's S-box).
 */
export function emitPow5(mod: ModuleBuilder, c: FieldConstants, prefix: string): FunctionBuilder {
  const f = mod.func(`${prefix}_pow5`, [I32, I32]);
  const x = loadLimbs(f, 1);
  const x2 = f.locals(I64, LIMBS);
  const x4 = f.locals(I64, LIMBS);
  emitMontgomery(f, c, x, x, x2, true);
  emitMontgomery(f, c, x2, x2, x4, true);
  emitMontgomery(f, c, x4, x, 0, false);
  return f;
}

/**
 * Adds `${prefix}_mul_add(s, d, x)`: s ← s + d·x·R⁻¹, reduced into [0, 2p) (s < 2p; d, x < 8p): a product
 * and a modular addition with the product's limbs kept in locals.
 */
export function emitMulAdd(mod: ModuleBuilder, c: FieldConstants, prefix: string): FunctionBuilder {
  const f = mod.func(`${prefix}_mul_add`, [I32, I32, I32]);
  const d = loadLimbs(f, 1);
  const x = loadLimbs(f, 2);
  const t = f.locals(I64, LIMBS);
  emitMontgomery(f, c, d, x, t, false);
  // u = s + t - 2p with signed carries; add 2p back when negative.
  const u = f.locals(I64, LIMBS);
  const carry = f.local(I64);
  f.i64(0).set(carry);
  for (let i = 0; i < LIMBS; i++) {
    f.get(0)
      .load32u(4 * i)
      .get(t[i]!)
      .add64()
      .get(carry)
      .add64()
      .i64(c.p2Limbs[i]!)
      .sub64()
      .set(carry);
    f.get(carry).i64(MASK).and64().set(u[i]!);
    f.get(carry).i64(LIMB_BITS).shrS64().set(carry);
  }
  emitAddMaskedAndStore(f, u, c.p2Limbs, carry, 0);
  return f;
}

/** Loads the 9 limbs of pointer local `ptr` into fresh locals. */
function loadLimbs(f: FunctionBuilder, ptr: number): number[] {
  const out = f.locals(I64, LIMBS);
  for (let i = 0; i < LIMBS; i++) {
    limb(ptr, i)(f);
    f.set(out[i]!);
  }
  return out;
}

/**
 * Emits r = s + (K & mask) with carries, where s is in locals and K constant limbs, mask a local
 * holding 0 or -1: the branch-free "add back 2p if negative".
 */
function emitAddMaskedAndStore(f: FunctionBuilder, s: number[], k: bigint[], mask: number, r: number) {
  const carry = f.local(I64);
  f.i64(0).set(carry);
  for (let i = 0; i < LIMBS; i++) {
    f.get(s[i]!).get(carry).add64();
    if (k[i] !== 0n) f.i64(k[i]!).get(mask).and64().add64();
    f.set(carry);
    f.get(r)
      .get(carry)
      .i64(MASK)
      .and64()
      .store32(4 * i);
    f.get(carry).i64(LIMB_BITS).shrS64().set(carry);
  }
}

/**
 * Adds the field `prefix` (e.g. "fp") to the module: `${prefix}_mul`, `_sqr`, `_add`, … on pointers to
 * 36-byte elements in Montgomery form.
 */
export function emitField(mod: ModuleBuilder, p: bigint, prefix: string): FieldFunctions {
  const c = fieldConstants(p);

  const mul = mod.func(`${prefix}_mul`, [I32, I32, I32]);
  {
    const a = loadLimbs(mul, 1);
    const b = loadLimbs(mul, 2);
    emitMontgomery(mul, c, a, b, 0, false);
  }
  const sqr = mod.func(`${prefix}_sqr`, [I32, I32]);
  {
    const a = loadLimbs(sqr, 1);
    emitMontgomery(sqr, c, a, a, 0, true);
  }

  // add: s = a + b; d = s - 2p; r = d < 0 ? s : d.
  const add = mod.func(`${prefix}_add`, [I32, I32, I32]);
  {
    const f = add;
    const d = f.locals(I64, LIMBS);
    const carry = f.local(I64);
    f.i64(0).set(carry);
    for (let i = 0; i < LIMBS; i++) {
      limb(1, i)(f);
      limb(2, i)(f);
      f.add64().get(carry).add64().i64(c.p2Limbs[i]!).sub64().set(carry);
      f.get(carry).i64(MASK).and64().set(d[i]!);
      f.get(carry).i64(LIMB_BITS).shrS64().set(carry);
    }
    emitAddMaskedAndStore(f, d, c.p2Limbs, carry, 0);
  }

  // sub: d = a - b; r = d < 0 ? d + 2p : d.
  const sub = mod.func(`${prefix}_sub`, [I32, I32, I32]);
  {
    const f = sub;
    const d = f.locals(I64, LIMBS);
    const carry = f.local(I64);
    f.i64(0).set(carry);
    for (let i = 0; i < LIMBS; i++) {
      limb(1, i)(f);
      limb(2, i)(f);
      f.sub64().get(carry).add64().set(carry);
      f.get(carry).i64(MASK).and64().set(d[i]!);
      f.get(carry).i64(LIMB_BITS).shrS64().set(carry);
    }
    emitAddMaskedAndStore(f, d, c.p2Limbs, carry, 0);
  }

  const addLazy = mod.func(`${prefix}_add_lazy`, [I32, I32, I32]);
  {
    const f = addLazy;
    const carry = f.local(I64);
    f.i64(0).set(carry);
    for (let i = 0; i < LIMBS; i++) {
      limb(1, i)(f);
      limb(2, i)(f);
      f.add64().get(carry).add64().set(carry);
      f.get(0)
        .get(carry)
        .i64(MASK)
        .and64()
        .store32(4 * i);
      f.get(carry).i64(LIMB_BITS).shrU64().set(carry);
    }
  }

  // reduce: from [0, 2p) to [0, p): d = a - p; r = d < 0 ? a : d.
  const reduce = mod.func(`${prefix}_reduce`, [I32, I32]);
  {
    const f = reduce;
    const d = f.locals(I64, LIMBS);
    const carry = f.local(I64);
    f.i64(0).set(carry);
    for (let i = 0; i < LIMBS; i++) {
      limb(1, i)(f);
      f.get(carry).add64().i64(c.pLimbs[i]!).sub64().set(carry);
      f.get(carry).i64(MASK).and64().set(d[i]!);
      f.get(carry).i64(LIMB_BITS).shrS64().set(carry);
    }
    emitAddMaskedAndStore(f, d, c.pLimbs, carry, 0);
  }

  const copy = mod.func(`${prefix}_copy`, [I32, I32]);
  for (let i = 0; i < LIMBS; i++)
    copy
      .get(0)
      .get(1)
      .i32Load(4 * i)
      .i32Store(4 * i);

  const zero = mod.func(`${prefix}_zero`, [I32]);
  for (let i = 0; i < LIMBS; i++)
    zero
      .get(0)
      .i32(0)
      .i32Store(4 * i);

  const one = mod.func(`${prefix}_one`, [I32]);
  {
    const limbs = toLimbs(c.r1);
    for (let i = 0; i < LIMBS; i++)
      one
        .get(0)
        .i32(Number(limbs[i]!))
        .i32Store(4 * i);
  }

  // isZero: a ≡ 0 iff a ∈ {0, p} (a < 2p).
  const isZero = mod.func(`${prefix}_is_zero`, [I32], [I32]);
  {
    const f = isZero;
    const z = f.local(I64);
    const e = f.local(I64);
    f.i64(0).set(z).i64(0).set(e);
    for (let i = 0; i < LIMBS; i++) {
      limb(0, i)(f);
      f.get(z).or64().set(z);
      limb(0, i)(f);
      f.i64(c.pLimbs[i]!).xor64().get(e).or64().set(e);
    }
    f.get(z).eqz64().get(e).eqz64().op(Op.i32Or);
  }

  // eq: a - b ≡ 0 (mod p).
  const eq = mod.func(`${prefix}_eq`, [I32, I32], [I32]);
  {
    const f = eq;
    const d = f.locals(I64, LIMBS);
    const carry = f.local(I64);
    f.i64(0).set(carry);
    for (let i = 0; i < LIMBS; i++) {
      limb(0, i)(f);
      limb(1, i)(f);
      f.sub64().get(carry).add64().set(carry);
      f.get(carry).i64(MASK).and64().set(d[i]!);
      f.get(carry).i64(LIMB_BITS).shrS64().set(carry);
    }
    // a - b ∈ (-2p, 2p): zero mod p iff it is -p, 0 or p. Add 2p if negative, giving [0, 2p): 0 or p.
    const s = f.locals(I64, LIMBS);
    const c2 = f.local(I64);
    f.i64(0).set(c2);
    for (let i = 0; i < LIMBS; i++) {
      f.get(d[i]!).get(c2).add64();
      if (c.p2Limbs[i] !== 0n) f.i64(c.p2Limbs[i]!).get(carry).and64().add64();
      f.set(c2);
      f.get(c2).i64(MASK).and64().set(s[i]!);
      f.get(c2).i64(LIMB_BITS).shrS64().set(c2);
    }
    const z = f.local(I64);
    const e = f.local(I64);
    f.i64(0).set(z).i64(0).set(e);
    for (let i = 0; i < LIMBS; i++) {
      f.get(s[i]!).get(z).or64().set(z);
      f.get(s[i]!).i64(c.pLimbs[i]!).xor64().get(e).or64().set(e);
    }
    f.get(z).eqz64().get(e).eqz64().op(Op.i32Or);
  }

  return { constants: c, mul, sqr, add, sub, addLazy, reduce, isZero, eq, copy, zero, one };
}
