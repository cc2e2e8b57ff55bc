// The BN254 extension tower as generated WebAssembly kernels on memory operands (see params.ts for the
// tower): Fp2 (Karatsuba, 3 base multiplications), Fp6 (Karatsuba, 6 Fp2 multiplications), Fp12
// (Karatsuba, 3 Fp6; squaring by the complex method, 2 Fp6), the sparse product by a line (13 Fp2),
// inverses and the Frobenius maps. Every kernel is safe when its output aliases an input.
import { type Addr, kernel, offset, type StaticMemory } from '../wasm/calls.ts';
import { type FunctionBuilder, type ModuleBuilder, Op } from '../wasm/emitter.ts';
import { ELEMENT_BYTES, emitFp2Mul, type FieldFunctions } from '../wasm/field.ts';
import { P } from './params.ts';

export const FP = ELEMENT_BYTES;
export const FP2 = 2 * FP;
export const FP6 = 3 * FP2;
export const FP12 = 2 * FP6;

/** Constant addresses the runtime fills in at start-up (Montgomery form unless noted). */
export interface TowerConstants {
  zero: number;
  one: number;
  /** 1/2 in Fp. */
  half: number;
  /** Frobenius coefficients: 3 × 6 Fp2 (see params.FROBENIUS). */
  frobenius: number;
}

export interface Fp2Functions {
  add: FunctionBuilder;
  sub: FunctionBuilder;
  neg: FunctionBuilder;
  mul: FunctionBuilder;
  sqr: FunctionBuilder;
  /** r = a·s for s in Fp. */
  mulFp: FunctionBuilder;
  mulXi: FunctionBuilder;
  conj: FunctionBuilder;
  copy: FunctionBuilder;
  inv: FunctionBuilder;
  eq: FunctionBuilder;
  isZero: FunctionBuilder;
}

export interface Tower {
  fp: FieldFunctions & { neg: FunctionBuilder; inv: FunctionBuilder };
  fp2: Fp2Functions;
  fp6: Record<
    'add' | 'sub' | 'neg' | 'mul' | 'mulBy01' | 'mulFp2' | 'mulV' | 'copy' | 'inv',
    FunctionBuilder
  >;
  fp12: Record<
    'mul' | 'sqr' | 'conj' | 'inv' | 'copy' | 'one' | 'eq' | 'mulLine' | 'frob1' | 'frob2' | 'frob3',
    FunctionBuilder
  >;
  constants: TowerConstants;
}

/** Emits the tower over the base field `fp` (already in the module). */
export function emitTower(mod: ModuleBuilder, mem: StaticMemory, base: FieldFunctions): Tower {
  const constants: TowerConstants = {
    zero: mem.alloc(FP),
    one: mem.alloc(FP),
    half: mem.alloc(FP),
    frobenius: mem.alloc(18 * FP2),
  };
  const def = (name: string, arity: number, body: Parameters<typeof kernel>[4]) =>
    kernel(mod, mem, name, arity, body);

  // ---- Fp extras ----
  const fpNeg = def('fp_neg', 2, (k, [r, a]) => {
    k.call(base.sub, r!, constants.zero, a!);
  });
  // a^(p-2), left to right, unrolled for the fixed exponent.
  const fpInv = def('fp_inv', 2, (k, [r, a]) => {
    const x = k.tmp(FP);
    const acc = k.tmp(FP);
    k.call(base.copy, x, a!).call(base.copy, acc, a!);
    const e = P - 2n;
    for (let i = e.toString(2).length - 2; i >= 0; i--) {
      k.call(base.sqr, acc, acc);
      if ((e >> BigInt(i)) & 1n) k.call(base.mul, acc, acc, x);
    }
    k.call(base.copy, r!, acc);
  });
  const fp = { ...base, neg: fpNeg, inv: fpInv };

  // ---- Fp2 = Fp[u]/(u² + 1) ----
  const c1 = (a: Addr) => offset(a, FP);
  const fp2Add = def('fp2_add', 3, (k, [r, a, b]) => {
    k.call(fp.add, r!, a!, b!).call(fp.add, c1(r!), c1(a!), c1(b!));
  });
  const fp2Sub = def('fp2_sub', 3, (k, [r, a, b]) => {
    k.call(fp.sub, r!, a!, b!).call(fp.sub, c1(r!), c1(a!), c1(b!));
  });
  const fp2Neg = def('fp2_neg', 2, (k, [r, a]) => {
    k.call(fp.sub, r!, constants.zero, a!).call(fp.sub, c1(r!), constants.zero, c1(a!));
  });
  const fp2Copy = def('fp2_copy', 2, (k, [r, a]) => {
    k.call(fp.copy, r!, a!).call(fp.copy, c1(r!), c1(a!));
  });
  const fp2Conj = def('fp2_conj', 2, (k, [r, a]) => {
    k.call(fp.copy, r!, a!).call(fp.sub, c1(r!), constants.zero, c1(a!));
  });
  // (a0 + a1u)(b0 + b1u) = a0b0 - a1b1 + (a0b1 + a1b0)u, with lazy reduction (see emitFp2Mul).
  const fp2Mul = emitFp2Mul(mod, base.constants, 'fp2');
  // (a0 + a1u)² = (a0 + a1)(a0 - a1) + 2a0a1·u
  const fp2Sqr = def('fp2_sqr', 2, (k, [r, a]) => {
    const [s, d, t] = [k.tmp(FP), k.tmp(FP), k.tmp(FP)];
    k.call(fp.addLazy, s, a!, c1(a!))
      .call(fp.sub, d, a!, c1(a!))
      .call(fp.mul, t, a!, c1(a!))
      .call(fp.mul, r!, s, d)
      .call(fp.add, c1(r!), t, t);
  });
  const fp2MulFp = def('fp2_mul_fp', 3, (k, [r, a, s]) => {
    const t = k.tmp(FP);
    k.call(fp.mul, t, a!, s!).call(fp.mul, c1(r!), c1(a!), s!).call(fp.copy, r!, t);
  });
  // (a0 + a1u)(9 + u) = 9a0 - a1 + (9a1 + a0)u
  const fp2MulXi = def('fp2_mul_xi', 2, (k, [r, a]) => {
    const [n0, n1] = [k.tmp(FP), k.tmp(FP)];
    const nine = (dst: number, src: Addr) => {
      k.call(fp.add, dst, src, src)
        .call(fp.add, dst, dst, dst)
        .call(fp.add, dst, dst, dst)
        .call(fp.add, dst, dst, src);
    };
    nine(n0, a!);
    nine(n1, c1(a!));
    k.call(fp.sub, n0, n0, c1(a!)).call(fp.add, n1, n1, a!).call(fp.copy, r!, n0).call(fp.copy, c1(r!), n1);
  });
  // 1/(a0 + a1u) = (a0 - a1u)/(a0² + a1²)
  const fp2Inv = def('fp2_inv', 2, (k, [r, a]) => {
    const [n, t] = [k.tmp(FP), k.tmp(FP)];
    k.call(fp.sqr, n, a!)
      .call(fp.sqr, t, c1(a!))
      .call(fp.add, n, n, t)
      .call(fp.inv, n, n)
      .call(fp.mul, t, c1(a!), n)
      .call(fp.mul, r!, a!, n)
      .call(fp.sub, c1(r!), constants.zero, t);
  });
  const fp2Eq = kernel(
    mod,
    mem,
    'fp2_eq',
    2,
    (k, [a, b]) => {
      k.call(fp.eq, a!, b!).call(fp.eq, c1(a!), c1(b!));
      k.f.op(Op.i32And);
    },
    true,
  );
  const fp2IsZero = kernel(
    mod,
    mem,
    'fp2_is_zero',
    1,
    (k, [a]) => {
      k.call(fp.isZero, a!).call(fp.isZero, c1(a!));
      k.f.op(Op.i32And);
    },
    true,
  );
  const fp2: Fp2Functions = {
    add: fp2Add,
    sub: fp2Sub,
    neg: fp2Neg,
    mul: fp2Mul,
    sqr: fp2Sqr,
    mulFp: fp2MulFp,
    mulXi: fp2MulXi,
    conj: fp2Conj,
    copy: fp2Copy,
    inv: fp2Inv,
    eq: fp2Eq,
    isZero: fp2IsZero,
  };

  // ---- Fp6 = Fp2[v]/(v³ - ξ) ----
  const e6 = (a: Addr, i: number) => offset(a, i * FP2);
  const each3 = (name: string, fn: FunctionBuilder, arity: 2 | 3) =>
    def(name, arity, (k, [r, a, b]) => {
      for (let i = 0; i < 3; i++) {
        if (arity === 3) k.call(fn, e6(r!, i), e6(a!, i), e6(b!, i));
        else k.call(fn, e6(r!, i), e6(a!, i));
      }
    });
  const fp6Add = each3('fp6_add', fp2.add, 3);
  const fp6Sub = each3('fp6_sub', fp2.sub, 3);
  const fp6Neg = each3('fp6_neg', fp2.neg, 2);
  const fp6Copy = each3('fp6_copy', fp2.copy, 2);
  const fp6Mul = def('fp6_mul', 3, (k, [r, a, b]) => {
    const [v0, v1, v2, s, t, c0, cc1] = [
      k.tmp(FP2),
      k.tmp(FP2),
      k.tmp(FP2),
      k.tmp(FP2),
      k.tmp(FP2),
      k.tmp(FP2),
      k.tmp(FP2),
    ];
    const A = (i: number) => e6(a!, i);
    const B = (i: number) => e6(b!, i);
    k.call(fp2.mul, v0, A(0), B(0)).call(fp2.mul, v1, A(1), B(1)).call(fp2.mul, v2, A(2), B(2));
    // c0 = v0 + ξ((a1 + a2)(b1 + b2) - v1 - v2)
    k.call(fp2.add, s, A(1), A(2)).call(fp2.add, t, B(1), B(2)).call(fp2.mul, s, s, t);
    k.call(fp2.sub, s, s, v1).call(fp2.sub, s, s, v2).call(fp2.mulXi, s, s).call(fp2.add, c0, s, v0);
    // c1 = (a0 + a1)(b0 + b1) - v0 - v1 + ξv2
    k.call(fp2.add, s, A(0), A(1)).call(fp2.add, t, B(0), B(1)).call(fp2.mul, s, s, t);
    k.call(fp2.sub, s, s, v0).call(fp2.sub, s, s, v1).call(fp2.mulXi, t, v2).call(fp2.add, cc1, s, t);
    // c2 = (a0 + a2)(b0 + b2) - v0 - v2 + v1
    k.call(fp2.add, s, A(0), A(2)).call(fp2.add, t, B(0), B(2)).call(fp2.mul, s, s, t);
    k.call(fp2.sub, s, s, v0).call(fp2.sub, s, s, v2).call(fp2.add, e6(r!, 2), s, v1);
    k.call(fp2.copy, r!, c0).call(fp2.copy, e6(r!, 1), cc1);
  });
  // a·(b0 + b1·v): the shape of a line's coefficients.
  const fp6MulBy01 = def('fp6_mul_by_01', 4, (k, [r, a, b0, b1]) => {
    const [v0, v1, s, t, c0, cc1] = [k.tmp(FP2), k.tmp(FP2), k.tmp(FP2), k.tmp(FP2), k.tmp(FP2), k.tmp(FP2)];
    const A = (i: number) => e6(a!, i);
    k.call(fp2.mul, v0, A(0), b0!).call(fp2.mul, v1, A(1), b1!);
    // c0 = ξ((a1 + a2)b1 - v1) + v0
    k.call(fp2.add, s, A(1), A(2)).call(fp2.mul, s, s, b1!).call(fp2.sub, s, s, v1).call(fp2.mulXi, s, s);
    k.call(fp2.add, c0, s, v0);
    // c1 = (a0 + a1)(b0 + b1) - v0 - v1
    k.call(fp2.add, s, A(0), A(1)).call(fp2.add, t, b0!, b1!).call(fp2.mul, s, s, t);
    k.call(fp2.sub, s, s, v0).call(fp2.sub, cc1, s, v1);
    // c2 = (a0 + a2)b0 - v0 + v1
    k.call(fp2.add, s, A(0), A(2))
      .call(fp2.mul, s, s, b0!)
      .call(fp2.sub, s, s, v0)
      .call(fp2.add, e6(r!, 2), s, v1);
    k.call(fp2.copy, r!, c0).call(fp2.copy, e6(r!, 1), cc1);
  });
  const fp6MulFp2 = def('fp6_mul_fp2', 3, (k, [r, a, s]) => {
    const x = k.tmp(FP2);
    k.call(fp2.copy, x, s!);
    for (let i = 0; i < 3; i++) k.call(fp2.mul, e6(r!, i), e6(a!, i), x);
  });
  // v·(a0 + a1v + a2v²) = ξa2 + a0v + a1v²
  const fp6MulV = def('fp6_mul_v', 2, (k, [r, a]) => {
    const t = k.tmp(FP2);
    k.call(fp2.mulXi, t, e6(a!, 2)).call(fp2.copy, e6(r!, 2), e6(a!, 1)).call(fp2.copy, e6(r!, 1), a!);
    k.call(fp2.copy, r!, t);
  });
  const fp6Inv = def('fp6_inv', 2, (k, [r, a]) => {
    const [A, B, C, t, u] = [k.tmp(FP2), k.tmp(FP2), k.tmp(FP2), k.tmp(FP2), k.tmp(FP2)];
    const a0 = a!;
    const a1 = e6(a!, 1);
    const a2 = e6(a!, 2);
    k.call(fp2.sqr, A, a0).call(fp2.mul, t, a1, a2).call(fp2.mulXi, t, t).call(fp2.sub, A, A, t);
    k.call(fp2.sqr, B, a2).call(fp2.mulXi, B, B).call(fp2.mul, t, a0, a1).call(fp2.sub, B, B, t);
    k.call(fp2.sqr, C, a1).call(fp2.mul, t, a0, a2).call(fp2.sub, C, C, t);
    // F = a0·A + ξ(a2·B + a1·C)
    k.call(fp2.mul, t, a2, B).call(fp2.mul, u, a1, C).call(fp2.add, t, t, u).call(fp2.mulXi, t, t);
    k.call(fp2.mul, u, a0, A).call(fp2.add, t, t, u).call(fp2.inv, t, t);
    k.call(fp2.mul, r!, A, t).call(fp2.mul, e6(r!, 1), B, t).call(fp2.mul, e6(r!, 2), C, t);
  });
  const fp6 = {
    add: fp6Add,
    sub: fp6Sub,
    neg: fp6Neg,
    mul: fp6Mul,
    mulBy01: fp6MulBy01,
    mulFp2: fp6MulFp2,
    mulV: fp6MulV,
    copy: fp6Copy,
    inv: fp6Inv,
  };

  // ---- Fp12 = Fp6[w]/(w² - v) ----
  const h1 = (a: Addr) => offset(a, FP6);
  const fp12Copy = def('fp12_copy', 2, (k, [r, a]) => {
    k.call(fp6.copy, r!, a!).call(fp6.copy, h1(r!), h1(a!));
  });
  const fp12One = def('fp12_one', 1, (k, [r]) => {
    for (let i = 0; i < FP12 / FP; i++) k.call(fp.copy, offset(r!, i * FP), constants.zero);
    k.call(fp.copy, r!, constants.one);
  });
  const fp12Conj = def('fp12_conj', 2, (k, [r, a]) => {
    k.call(fp6.copy, r!, a!).call(fp6.neg, h1(r!), h1(a!));
  });
  const fp12Mul = def('fp12_mul', 3, (k, [r, a, b]) => {
    const [t0, t1, s, u] = [k.tmp(FP6), k.tmp(FP6), k.tmp(FP6), k.tmp(FP6)];
    k.call(fp6.mul, t0, a!, b!).call(fp6.mul, t1, h1(a!), h1(b!));
    k.call(fp6.add, s, a!, h1(a!)).call(fp6.add, u, b!, h1(b!)).call(fp6.mul, s, s, u);
    k.call(fp6.sub, s, s, t0).call(fp6.sub, h1(r!), s, t1);
    k.call(fp6.mulV, t1, t1).call(fp6.add, r!, t0, t1);
  });
  // (a0 + a1w)² = (a0 + a1)(a0 + va1) - a0a1 - v·a0a1 + 2a0a1·w
  const fp12Sqr = def('fp12_sqr', 2, (k, [r, a]) => {
    const [t, s, u] = [k.tmp(FP6), k.tmp(FP6), k.tmp(FP6)];
    k.call(fp6.mul, t, a!, h1(a!)).call(fp6.add, s, a!, h1(a!));
    k.call(fp6.mulV, u, h1(a!)).call(fp6.add, u, a!, u).call(fp6.mul, s, s, u);
    k.call(fp6.sub, s, s, t).call(fp6.mulV, u, t).call(fp6.sub, r!, s, u).call(fp6.add, h1(r!), t, t);
  });
  // 1/(a0 + a1w) = (a0 - a1w)/(a0² - v·a1²)
  const fp12Inv = def('fp12_inv', 2, (k, [r, a]) => {
    const [t, u] = [k.tmp(FP6), k.tmp(FP6)];
    k.call(fp6.mul, t, a!, a!).call(fp6.mul, u, h1(a!), h1(a!)).call(fp6.mulV, u, u).call(fp6.sub, t, t, u);
    k.call(fp6.inv, t, t)
      .call(fp6.mul, r!, a!, t)
      .call(fp6.mul, h1(r!), h1(a!), t)
      .call(fp6.neg, h1(r!), h1(r!));
  });
  // f·(a + b·w + c·w³) with a = A·yP, b = B·xP, c = C for the line (A, B, C) and P = (xP, yP).
  const fp12MulLine = def('fp12_mul_line', 3, (k, [f, line, p]) => {
    const [a, b, t0, t1, s] = [k.tmp(FP2), k.tmp(FP2), k.tmp(FP6), k.tmp(FP6), k.tmp(FP6)];
    const c = offset(line!, 2 * FP2);
    k.call(fp2.mulFp, a, line!, offset(p!, FP)).call(fp2.mulFp, b, offset(line!, FP2), p!);
    k.call(fp6.mulFp2, t0, f!, a).call(fp6.mulBy01, t1, h1(f!), b, c);
    k.call(fp6.add, s, f!, h1(f!)).call(fp2.add, a, a, b).call(fp6.mulBy01, s, s, a, c);
    k.call(fp6.sub, s, s, t0).call(fp6.sub, h1(f!), s, t1);
    k.call(fp6.mulV, t1, t1).call(fp6.add, f!, t0, t1);
  });
  // Coefficient of w^i: even i in the first Fp6, odd i in the second.
  const coeff = (a: Addr, i: number) => offset(a, i % 2 === 0 ? (i / 2) * FP2 : FP6 + ((i - 1) / 2) * FP2);
  const frob = (j: 1 | 2 | 3) =>
    def(`fp12_frob${j}`, 2, (k, [r, a]) => {
      const t = k.tmp(FP2);
      for (let i = 0; i < 6; i++) {
        if (j === 2) k.call(fp2.copy, t, coeff(a!, i));
        else k.call(fp2.conj, t, coeff(a!, i));
        k.call(fp2.mul, coeff(r!, i), t, constants.frobenius + ((j - 1) * 6 + i) * FP2);
      }
    });
  const fp12Eq = kernel(
    mod,
    mem,
    'fp12_eq',
    2,
    (k, [a, b]) => {
      for (let i = 0; i < FP12 / FP2; i++) {
        k.call(fp2.eq, offset(a!, i * FP2), offset(b!, i * FP2));
        if (i > 0) k.f.op(Op.i32And);
      }
    },
    true,
  );
  const fp12 = {
    mul: fp12Mul,
    sqr: fp12Sqr,
    conj: fp12Conj,
    inv: fp12Inv,
    copy: fp12Copy,
    one: fp12One,
    eq: fp12Eq,
    mulLine: fp12MulLine,
    frob1: frob(1),
    frob2: frob(2),
    frob3: frob(3),
  };
  return { fp, fp2, fp6, fp12, constants };
}
