// Points of BN254's G1 (over Fp) and of the twist E'(Fp2) carrying G2, as WebAssembly kernels:
//
// - complete addition and doubling in homogeneous projective coordinates for a = 0 (Renes, Costello,
//   Batina, "Complete addition formulas for prime order elliptic curves", EUROCRYPT 2016, Algorithms 7
//   and 9), which need no special case for doubling or the point at infinity (Z = 0);
// - the Miller loop's doubling and addition steps on the twist with their line coefficients (Costello,
//   Lange, Naehrig, "Faster pairing computations on curves with high-degree twists", PKC 2010; the
//   D-type twist line l = -H·yP + 3J·xP·w + I·w³ as in Aranha et al., EUROCRYPT 2011), and loops that
//   apply one step to every pair of a batch, multiplying all their lines into one Fp12 accumulator;
// - the twist endomorphism ψ (for the G2 subgroup test) and on-curve tests of affine points.
import { type Addr, type Kernel, kernel, offset, type StaticMemory } from '../wasm/calls.ts';
import { type FunctionBuilder, I32, type ModuleBuilder, Op } from '../wasm/emitter.ts';
import { FP, FP2, type Tower } from './tower.ts';

export const G1_BYTES = 3 * FP;
export const G2_BYTES = 3 * FP2;
/** A line (A, B, C): l = A·yP + B·xP·w + C·w³. */
export const LINE_BYTES = 3 * FP2;
/** An affine G1 point (x, y) and an affine twist point. */
export const G1_AFFINE_BYTES = 2 * FP;
export const G2_AFFINE_BYTES = 2 * FP2;

export interface CurveConstants {
  g1B: number;
  g1B3: number;
  g2B: number;
  g2B3: number;
  psiX: number;
  psiY: number;
}

export interface Curve {
  g1Add: FunctionBuilder;
  g1Dbl: FunctionBuilder;
  g1OnCurve: FunctionBuilder;
  g1Eq: FunctionBuilder;
  g2Eq: FunctionBuilder;
  g2Add: FunctionBuilder;
  g2Dbl: FunctionBuilder;
  g2OnCurve: FunctionBuilder;
  g2Psi: FunctionBuilder;
  dblLine: FunctionBuilder;
  addLine: FunctionBuilder;
  millerDbl: FunctionBuilder;
  millerAdd: FunctionBuilder;
  g1jDbl: FunctionBuilder;
  g1jAdd: FunctionBuilder;
  g1jToHom: FunctionBuilder;
  g2jDbl: FunctionBuilder;
  g2jAdd: FunctionBuilder;
  g2jToHom: FunctionBuilder;
  /** Fp2's one (written by the runtime). */
  g2One: number;
  constants: CurveConstants;
}

interface FieldOps {
  size: number;
  mul: FunctionBuilder;
  sqr: FunctionBuilder;
  add: FunctionBuilder;
  sub: FunctionBuilder;
  copy: FunctionBuilder;
  eq: FunctionBuilder;
  isZero: FunctionBuilder;
}

export function emitCurve(mod: ModuleBuilder, mem: StaticMemory, tower: Tower): Curve {
  const { fp, fp2, fp12 } = tower;
  const constants: CurveConstants = {
    g1B: mem.alloc(FP),
    g1B3: mem.alloc(FP),
    g2B: mem.alloc(FP2),
    g2B3: mem.alloc(FP2),
    psiX: mem.alloc(FP2),
    psiY: mem.alloc(FP2),
  };
  const def = (name: string, arity: number, body: Parameters<typeof kernel>[4]) =>
    kernel(mod, mem, name, arity, body);

  const complete = (prefix: string, F: FieldOps, b3: number) => {
    const n = F.size;
    const X = (p: Addr) => p;
    const Y = (p: Addr) => offset(p, n);
    const Z = (p: Addr) => offset(p, 2 * n);
    // RCB16 Algorithm 7: complete addition, a = 0.
    const add = def(`${prefix}_add`, 3, (k, [r, p, q]) => {
      const [t0, t1, t2, t3, t4, x3, y3, z3] = Array.from({ length: 8 }, () => k.tmp(n)) as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      k.call(F.mul, t0, X(p!), X(q!)).call(F.mul, t1, Y(p!), Y(q!)).call(F.mul, t2, Z(p!), Z(q!));
      k.call(F.add, t3, X(p!), Y(p!)).call(F.add, t4, X(q!), Y(q!)).call(F.mul, t3, t3, t4);
      k.call(F.add, t4, t0, t1).call(F.sub, t3, t3, t4).call(F.add, t4, Y(p!), Z(p!));
      k.call(F.add, x3, Y(q!), Z(q!)).call(F.mul, t4, t4, x3).call(F.add, x3, t1, t2);
      k.call(F.sub, t4, t4, x3).call(F.add, x3, X(p!), Z(p!)).call(F.add, y3, X(q!), Z(q!));
      k.call(F.mul, x3, x3, y3).call(F.add, y3, t0, t2).call(F.sub, y3, x3, y3);
      k.call(F.add, x3, t0, t0).call(F.add, t0, x3, t0).call(F.mul, t2, t2, b3);
      k.call(F.add, z3, t1, t2).call(F.sub, t1, t1, t2).call(F.mul, y3, y3, b3);
      k.call(F.mul, x3, t4, y3).call(F.mul, t2, t3, t1).call(F.sub, x3, t2, x3);
      k.call(F.mul, y3, y3, t0).call(F.mul, t1, t1, z3).call(F.add, y3, t1, y3);
      k.call(F.mul, t0, t0, t3).call(F.mul, z3, z3, t4).call(F.add, z3, z3, t0);
      k.call(F.copy, X(r!), x3).call(F.copy, Y(r!), y3).call(F.copy, Z(r!), z3);
    });
    // RCB16 Algorithm 9: doubling, a = 0.
    const dbl = def(`${prefix}_dbl`, 2, (k, [r, p]) => {
      const [t0, t1, t2, x3, y3, z3] = Array.from({ length: 6 }, () => k.tmp(n)) as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      k.call(F.sqr, t0, Y(p!)).call(F.add, z3, t0, t0).call(F.add, z3, z3, z3);
      k.call(F.add, z3, z3, z3).call(F.mul, t1, Y(p!), Z(p!)).call(F.sqr, t2, Z(p!));
      k.call(F.mul, t2, t2, b3).call(F.mul, x3, t2, z3).call(F.add, y3, t0, t2);
      k.call(F.mul, z3, t1, z3).call(F.add, t1, t2, t2).call(F.add, t2, t1, t2);
      k.call(F.sub, t0, t0, t2).call(F.mul, y3, t0, y3).call(F.add, y3, x3, y3);
      k.call(F.mul, t1, X(p!), Y(p!)).call(F.mul, x3, t0, t1).call(F.add, x3, x3, x3);
      k.call(F.copy, X(r!), x3).call(F.copy, Y(r!), y3).call(F.copy, Z(r!), z3);
    });
    // Projective equality: X1·Z2 = X2·Z1 and Y1·Z2 = Y2·Z1 (infinity is (0 : Y : 0) with Y ≠ 0).
    const eq = kernel(
      mod,
      mem,
      `${prefix}_eq`,
      2,
      (k, [p, q]) => {
        const [l, r] = [k.tmp(n), k.tmp(n)];
        k.call(F.mul, l, X(p!), Z(q!)).call(F.mul, r, X(q!), Z(p!)).call(F.eq, l, r);
        k.call(F.mul, l, Y(p!), Z(q!)).call(F.mul, r, Y(q!), Z(p!)).call(F.eq, l, r);
        k.f.op(Op.i32And);
      },
      true,
    );
    return { add, dbl, eq };
  };
  const onCurve = (prefix: string, F: FieldOps, b: number) =>
    kernel(
      mod,
      mem,
      `${prefix}_on_curve`,
      1,
      (k, [p]) => {
        const [l, r] = [k.tmp(F.size), k.tmp(F.size)];
        k.call(F.sqr, l, offset(p!, F.size)).call(F.sqr, r, p!).call(F.mul, r, r, p!).call(F.add, r, r, b);
        k.call(F.eq, l, r);
      },
      true,
    );

  const fpOps: FieldOps = {
    size: FP,
    mul: fp.mul,
    sqr: fp.sqr,
    add: fp.add,
    sub: fp.sub,
    copy: fp.copy,
    eq: fp.eq,
    isZero: fp.isZero,
  };
  const fp2Ops: FieldOps = {
    size: FP2,
    mul: fp2.mul,
    sqr: fp2.sqr,
    add: fp2.add,
    sub: fp2.sub,
    copy: fp2.copy,
    eq: fp2.eq,
    isZero: fp2.isZero,
  };
  // Jacobian coordinates (x = X/Z², y = Y/Z³) for scalar multiplication: doubling "dbl-2009-l" (2M + 5S)
  // and addition "add-2007-bl" (11M + 5S) from the Explicit-Formulas Database, made complete by branching
  // (either input at infinity, P = Q, P = -Q), so adversarial points cannot reach an exceptional case.
  // The curves have no point of order 2, so doubling needs no branch (infinity stays Z = 0).
  const jacobian = (prefix: string, F: FieldOps, one: number) => {
    const n = F.size;
    const X = (p: Addr) => p;
    const Y = (p: Addr) => offset(p, n);
    const Z = (p: Addr) => offset(p, 2 * n);
    const copyPoint = (k: Kernel, r: Addr, p: Addr) => {
      k.call(F.copy, X(r), X(p)).call(F.copy, Y(r), Y(p)).call(F.copy, Z(r), Z(p));
    };
    const dbl = def(`${prefix}j_dbl`, 2, (k, [r, p]) => {
      const [a, b, c, d, e, f, t] = Array.from({ length: 7 }, () => k.tmp(n)) as number[] as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      k.call(F.sqr, a, X(p!)).call(F.sqr, b, Y(p!)).call(F.sqr, c, b);
      k.call(F.add, d, X(p!), b)
        .call(F.sqr, d, d)
        .call(F.sub, d, d, a)
        .call(F.sub, d, d, c)
        .call(F.add, d, d, d);
      k.call(F.add, e, a, a).call(F.add, e, e, a).call(F.sqr, f, e);
      k.call(F.mul, t, Y(p!), Z(p!)).call(F.add, Z(r!), t, t); // Z3 = 2YZ (X, Y already read)
      k.call(F.add, t, d, d).call(F.sub, X(r!), f, t); // X3 = F - 2D
      k.call(F.sub, t, d, X(r!)).call(F.mul, t, e, t);
      k.call(F.add, c, c, c).call(F.add, c, c, c).call(F.add, c, c, c).call(F.sub, Y(r!), t, c); // Y3 = E(D - X3) - 8C
    });
    const add = def(`${prefix}j_add`, 3, (k, [r, p, q]) => {
      const [z1z1, z2z2, u1, u2, s1, s2, h, rr, i, j, v, t] = Array.from({ length: 12 }, () =>
        k.tmp(n),
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
      ];
      const f = k.f;
      k.call(F.isZero, Z(p!));
      f.if();
      copyPoint(k, r!, q!);
      f.op(Op.return).end();
      k.call(F.isZero, Z(q!));
      f.if();
      copyPoint(k, r!, p!);
      f.op(Op.return).end();
      k.call(F.sqr, z1z1, Z(p!)).call(F.sqr, z2z2, Z(q!));
      k.call(F.mul, u1, X(p!), z2z2).call(F.mul, u2, X(q!), z1z1);
      k.call(F.mul, s1, Y(p!), Z(q!)).call(F.mul, s1, s1, z2z2);
      k.call(F.mul, s2, Y(q!), Z(p!)).call(F.mul, s2, s2, z1z1);
      k.call(F.sub, h, u2, u1).call(F.sub, rr, s2, s1);
      k.call(F.isZero, h);
      f.if();
      k.call(F.isZero, rr);
      f.if();
      k.call(dbl, r!, p!); // P = Q
      f.otherwise();
      k.call(F.copy, X(r!), one).call(F.copy, Y(r!), one).call(F.sub, Z(r!), one, one); // P = -Q: infinity
      f.end();
      f.op(Op.return).end();
      k.call(F.add, i, h, h)
        .call(F.sqr, i, i)
        .call(F.mul, j, h, i)
        .call(F.add, rr, rr, rr)
        .call(F.mul, v, u1, i);
      // Z3 first: it reads Z1 and Z2, which r may alias.
      k.call(F.add, t, Z(p!), Z(q!))
        .call(F.sqr, t, t)
        .call(F.sub, t, t, z1z1)
        .call(F.sub, t, t, z2z2)
        .call(F.mul, Z(r!), t, h);
      k.call(F.sqr, t, rr).call(F.sub, t, t, j).call(F.sub, t, t, v).call(F.sub, X(r!), t, v); // X3 = r² - J - 2V
      k.call(F.sub, t, v, X(r!)).call(F.mul, t, rr, t).call(F.mul, s1, s1, j).call(F.add, s1, s1, s1);
      k.call(F.sub, Y(r!), t, s1); // Y3 = r(V - X3) - 2·S1·J
    });
    // Homogeneous (X·Z : Y : Z³) of a Jacobian point (infinity stays Z = 0).
    const toHom = def(`${prefix}j_to_hom`, 2, (k, [r, p]) => {
      const [z3, t] = [k.tmp(n), k.tmp(n)];
      k.call(F.sqr, z3, Z(p!)).call(F.mul, z3, z3, Z(p!)).call(F.mul, t, X(p!), Z(p!));
      k.call(F.copy, Y(r!), Y(p!)).call(F.copy, X(r!), t).call(F.copy, Z(r!), z3);
    });
    return { dbl, add, toHom };
  };
  const g1j = jacobian('g1', fpOps, tower.constants.one);
  const g2one = mem.alloc(FP2);
  const g2j = jacobian('g2', fp2Ops, g2one);

  const g1 = complete('g1', fpOps, constants.g1B3);
  const g2 = complete('g2', fp2Ops, constants.g2B3);
  const g1OnCurve = onCurve('g1', fpOps, constants.g1B);
  const g2OnCurve = onCurve('g2', fp2Ops, constants.g2B);

  // ψ(X : Y : Z) = (conj(X)·ψx : conj(Y)·ψy : conj(Z)).
  const g2Psi = def('g2_psi', 2, (k, [r, p]) => {
    k.call(fp2.conj, r!, p!).call(fp2.mul, r!, r!, constants.psiX);
    k.call(fp2.conj, offset(r!, FP2), offset(p!, FP2)).call(
      fp2.mul,
      offset(r!, FP2),
      offset(r!, FP2),
      constants.psiY,
    );
    k.call(fp2.conj, offset(r!, 2 * FP2), offset(p!, 2 * FP2));
  });

  // T ← 2T, line of the tangent at T (homogeneous coordinates on the twist).
  const dblLine = def('g2_dbl_line', 2, (k, [t, line]) => {
    const [a, b, c, e, f, g, h, j, s] = Array.from({ length: 9 }, () => k.tmp(FP2)) as number[] as [
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
    const X = t!;
    const Y = offset(t!, FP2);
    const Z = offset(t!, 2 * FP2);
    k.call(fp2.mul, a, X, Y).call(fp2.mulFp, a, a, tower.constants.half); // A = XY/2
    k.call(fp2.sqr, b, Y).call(fp2.sqr, c, Z); // B = Y², C = Z²
    k.call(fp2.mul, e, c, constants.g2B3); // E = 3b'C
    k.call(fp2.add, f, e, e).call(fp2.add, f, f, e); // F = 3E
    k.call(fp2.add, g, b, f).call(fp2.mulFp, g, g, tower.constants.half); // G = (B + F)/2
    k.call(fp2.add, h, Y, Z).call(fp2.sqr, h, h).call(fp2.add, s, b, c).call(fp2.sub, h, h, s); // H = (Y+Z)² - B - C
    k.call(fp2.sqr, j, X); // J = X²
    // Line (before T changes): A = -H, B = 3J, C = I = E - B.
    k.call(fp2.neg, line!, h).call(fp2.add, s, j, j).call(fp2.add, offset(line!, FP2), s, j);
    k.call(fp2.sub, offset(line!, 2 * FP2), e, b);
    // X3 = A(B - F), Y3 = G² - 3E², Z3 = B·H
    k.call(fp2.sub, s, b, f).call(fp2.mul, X, a, s);
    k.call(fp2.sqr, e, e)
      .call(fp2.add, s, e, e)
      .call(fp2.add, s, s, e)
      .call(fp2.sqr, g, g)
      .call(fp2.sub, Y, g, s);
    k.call(fp2.mul, Z, b, h);
  });

  // T ← T + Q (Q affine), line through T and Q.
  const addLine = def('g2_add_line', 3, (k, [t, q, line]) => {
    const [theta, lambda, c, d, e, f, g, h, s] = Array.from({ length: 9 }, () => k.tmp(FP2)) as number[] as [
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
    const X = t!;
    const Y = offset(t!, FP2);
    const Z = offset(t!, 2 * FP2);
    const xQ = q!;
    const yQ = offset(q!, FP2);
    k.call(fp2.mul, theta, yQ, Z).call(fp2.sub, theta, Y, theta); // θ = Y - yQ·Z
    k.call(fp2.mul, lambda, xQ, Z).call(fp2.sub, lambda, X, lambda); // λ = X - xQ·Z
    // Line: A = λ, B = -θ, C = θ·xQ - λ·yQ
    k.call(fp2.copy, line!, lambda).call(fp2.neg, offset(line!, FP2), theta);
    k.call(fp2.mul, c, theta, xQ)
      .call(fp2.mul, d, lambda, yQ)
      .call(fp2.sub, offset(line!, 2 * FP2), c, d);
    k.call(fp2.sqr, c, theta).call(fp2.sqr, d, lambda).call(fp2.mul, e, lambda, d); // C = θ², D = λ², E = λ³
    k.call(fp2.mul, f, Z, c).call(fp2.mul, g, X, d); // F = Z·C, G = X·D
    k.call(fp2.add, h, e, f).call(fp2.sub, h, h, g).call(fp2.sub, h, h, g); // H = E + F - 2G
    k.call(fp2.mul, X, lambda, h); // X3 = λH
    k.call(fp2.sub, s, g, h).call(fp2.mul, s, theta, s).call(fp2.mul, c, Y, e).call(fp2.sub, Y, s, c); // Y3
    k.call(fp2.mul, Z, Z, e); // Z3 = Z·E
  });

  // Loops over a batch: for each i, step T_i (and Q_i), multiply the line at P_i into f.
  const lineScratch = mem.alloc(LINE_BYTES);
  const batchLoop = (name: string, withQ: boolean) => {
    const f = mod.func(name, withQ ? [I32, I32, I32, I32, I32] : [I32, I32, I32, I32], [], true);
    const [acc, t, q, p, n] = withQ ? [0, 1, 2, 3, 4] : [0, 1, -1, 2, 3];
    f.block();
    f.get(n).op(Op.i32Eqz).brIf(0);
    f.loop();
    f.get(t);
    if (withQ) f.get(q);
    f.i32(lineScratch).call(withQ ? addLine : dblLine);
    f.get(acc).i32(lineScratch).get(p).call(fp12.mulLine);
    f.get(t).i32(G2_BYTES).add32().set(t);
    if (withQ) f.get(q).i32(G2_AFFINE_BYTES).add32().set(q);
    f.get(p).i32(G1_AFFINE_BYTES).add32().set(p);
    f.get(n).i32(1).sub32().tee(n).brIf(0);
    f.end();
    f.end();
    return f;
  };
  const millerDbl = batchLoop('miller_dbl', false);
  const millerAdd = batchLoop('miller_add', true);

  return {
    g1Add: g1.add,
    g1Dbl: g1.dbl,
    g1OnCurve,
    g1Eq: g1.eq,
    g2Eq: g2.eq,
    g2Add: g2.add,
    g2Dbl: g2.dbl,
    g2OnCurve,
    g2Psi,
    dblLine,
    addLine,
    millerDbl,
    millerAdd,
    g1jDbl: g1j.dbl,
    g1jAdd: g1j.add,
    g1jToHom: g1j.toHom,
    g2jDbl: g2j.dbl,
    g2jAdd: g2j.add,
    g2jToHom: g2j.toHom,
    g2One: g2one,
    constants,
  };
}
