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
import { type Addr, kernel, offset, type StaticMemory } from '../wasm/calls.ts';
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
  };
  const fp2Ops: FieldOps = {
    size: FP2,
    mul: fp2.mul,
    sqr: fp2.sqr,
    add: fp2.add,
    sub: fp2.sub,
    copy: fp2.copy,
    eq: fp2.eq,
  };
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
    constants,
  };
}
