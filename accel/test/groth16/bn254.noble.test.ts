// The BN254 WebAssembly layer against @noble/curves: complete point formulas (with doubling, inverse
// and infinity cases), the Miller loop (bit for bit), the pairing (ours is the exact reduced pairing;
// noble's is its power 2x(6x²+3x+1), which it uses to save work), bilinearity, and the G2 subgroup test.
import { bn254 } from '@noble/curves/bn254.js';
import { describe, expect, it } from 'vitest';
import { G1_AFFINE_BYTES, G1_BYTES, G2_BYTES } from '../../src/bn254/curve.ts';
import { Pairing } from '../../src/bn254/pairing.ts';
import { type Fp2Value, GLV_BETA, GLV_LAMBDA, P, R, SEED } from '../../src/bn254/params.ts';
import { g1Msm, g1Mul, g1MulGlv, g2FromAffine, g2InSubgroup } from '../../src/bn254/points.ts';
import { Bn254Runtime } from '../../src/bn254/runtime.ts';
import { FP, FP2, FP12 } from '../../src/bn254/tower.ts';
import { randomScalar, twistPointOutsideG2 } from './helpers.ts';

const { Fp12, Fp2 } = bn254.fields;
type G1 = InstanceType<typeof bn254.G1.Point>;
type G2 = InstanceType<typeof bn254.G2.Point>;
const G1P = bn254.G1.Point;
const G2P = bn254.G2.Point;

const rt = new Bn254Runtime();
const x = rt.x;
const pairing = new Pairing(rt);

const inv = (a: bigint) => {
  let r = 1n;
  let b = a % P;
  for (let e = P - 2n; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % P;
    b = (b * b) % P;
  }
  return r;
};
const tuple = (v: { c0: bigint; c1: bigint }): Fp2Value => [v.c0, v.c1];

/** Writes a G1 point in projective form with a non-trivial Z. */
function putG1(ptr: number, p: G1, z = 5n): void {
  if (p.is0()) {
    rt.writeFp(ptr, 0n);
    rt.writeFp(ptr + FP, 1n);
    rt.writeFp(ptr + 2 * FP, 0n);
    return;
  }
  const a = p.toAffine();
  rt.writeFp(ptr, a.x * z);
  rt.writeFp(ptr + FP, a.y * z);
  rt.writeFp(ptr + 2 * FP, z);
}
function getG1(ptr: number): string {
  const z = rt.readFp(ptr + 2 * FP);
  if (z === 0n) return 'infinity';
  const zi = inv(z);
  return `${(rt.readFp(ptr) * zi) % P},${(rt.readFp(ptr + FP) * zi) % P}`;
}
const nobleG1 = (p: G1) => (p.is0() ? 'infinity' : `${p.toAffine().x},${p.toAffine().y}`);

function putG2(ptr: number, q: G2): void {
  if (q.is0()) {
    rt.writeFp2(ptr, [0n, 0n]);
    rt.writeFp2(ptr + FP2, [1n, 0n]);
    rt.writeFp2(ptr + 2 * FP2, [0n, 0n]);
    return;
  }
  const a = q.toAffine();
  const z = Fp2.fromBigTuple([3n, 2n]);
  rt.writeFp2(ptr, tuple(Fp2.mul(a.x, z)));
  rt.writeFp2(ptr + FP2, tuple(Fp2.mul(a.y, z)));
  rt.writeFp2(ptr + 2 * FP2, tuple(z));
}
function getG2(ptr: number): string {
  const z = Fp2.fromBigTuple(rt.readFp2(ptr + 2 * FP2) as [bigint, bigint]);
  if (Fp2.is0(z)) return 'infinity';
  const zi = Fp2.inv(z);
  const X = Fp2.mul(Fp2.fromBigTuple(rt.readFp2(ptr) as [bigint, bigint]), zi);
  const Y = Fp2.mul(Fp2.fromBigTuple(rt.readFp2(ptr + FP2) as [bigint, bigint]), zi);
  return `${X.c0},${X.c1},${Y.c0},${Y.c1}`;
}
const nobleG2 = (q: G2) => {
  if (q.is0()) return 'infinity';
  const a = q.toAffine();
  return `${a.x.c0},${a.x.c1},${a.y.c0},${a.y.c1}`;
};

function readFp12(ptr: number): string[] {
  return Array.from({ length: 12 }, (_, i) => rt.readFp(ptr + i * FP).toString());
}
function nobleFp12(f: ReturnType<typeof Fp12.mul>): string[] {
  const out: bigint[] = [];
  for (const half of [f.c0, f.c1]) for (const c of [half.c0, half.c1, half.c2]) out.push(c.c0, c.c1);
  return out.map(String);
}

/** Our pairing of P and Q (both not infinity). */
function pair(p: G1, q: G2, out: number): void {
  const mark = rt.mark();
  const pp = rt.alloc(G1_AFFINE_BYTES);
  rt.writeFp(pp, p.toAffine().x);
  rt.writeFp(pp + FP, p.toAffine().y);
  const a = q.toAffine();
  const batch = pairing.layout([[tuple(a.x), tuple(a.y)]], pp);
  pairing.millerLoop(out, batch, []);
  pairing.finalExponentiation(out, out);
  rt.release(mark);
}

describe('BN254 points', () => {
  it('G1 complete addition and doubling equal noble, including P + P, P - P and infinity', () => {
    const mark = rt.mark();
    const [a, b, c] = [rt.alloc(G1_BYTES), rt.alloc(G1_BYTES), rt.alloc(G1_BYTES)];
    const p7 = G1P.BASE.multiply(7n);
    const cases: [G1, G1][] = [
      [G1P.BASE.multiply(randomScalar()), G1P.BASE.multiply(randomScalar())],
      [p7, p7],
      [p7, p7.negate()],
      [p7, G1P.ZERO],
      [G1P.ZERO, p7],
      [G1P.ZERO, G1P.ZERO],
    ];
    for (const [p, q] of cases) {
      putG1(a, p);
      putG1(b, q, 11n);
      x.g1_add(c, a, b);
      expect(getG1(c)).toBe(nobleG1(p.add(q)));
      x.g1_dbl(c, a);
      expect(getG1(c)).toBe(nobleG1(p.double()));
    }
    rt.release(mark);
  });

  it('G2 complete addition and doubling equal noble', () => {
    const mark = rt.mark();
    const [a, b, c] = [rt.alloc(G2_BYTES), rt.alloc(G2_BYTES), rt.alloc(G2_BYTES)];
    const q7 = G2P.BASE.multiply(7n);
    const cases: [G2, G2][] = [
      [G2P.BASE.multiply(randomScalar()), G2P.BASE.multiply(randomScalar())],
      [q7, q7],
      [q7, q7.negate()],
      [q7, G2P.ZERO],
      [G2P.ZERO, q7],
    ];
    for (const [p, q] of cases) {
      putG2(a, p);
      putG2(b, q);
      x.g2_add(c, a, b);
      expect(getG2(c)).toBe(nobleG2(p.add(q)));
      x.g2_dbl(c, a);
      expect(getG2(c)).toBe(nobleG2(p.double()));
    }
    rt.release(mark);
  });

  it('Jacobian addition (complete by branching) and doubling equal noble, for G1 and G2', () => {
    const mark = rt.mark();
    const [a, b, c] = [rt.alloc(G2_BYTES), rt.alloc(G2_BYTES), rt.alloc(G2_BYTES)];
    // Jacobian from affine with a non-trivial Z: (x·z², y·z³, z).
    const jac1 = (ptr: number, p: G1, z = 3n) => {
      if (p.is0()) {
        rt.writeFp(ptr, 1n);
        rt.writeFp(ptr + FP, 1n);
        rt.writeFp(ptr + 2 * FP, 0n);
        return;
      }
      const { x: px, y: py } = p.toAffine();
      rt.writeFp(ptr, px * z * z);
      rt.writeFp(ptr + FP, py * z * z * z);
      rt.writeFp(ptr + 2 * FP, z);
    };
    const p7 = G1P.BASE.multiply(7n);
    for (const [p, q] of [
      [G1P.BASE.multiply(randomScalar()), G1P.BASE.multiply(randomScalar())],
      [p7, p7],
      [p7, p7.negate()],
      [p7, G1P.ZERO],
      [G1P.ZERO, p7],
    ] as [G1, G1][]) {
      jac1(a, p);
      jac1(b, q, 5n);
      x.g1j_add(c, a, b);
      x.g1j_to_hom(c, c);
      expect(getG1(c)).toBe(nobleG1(p.add(q)));
      x.g1j_dbl(c, a);
      x.g1j_to_hom(c, c);
      expect(getG1(c)).toBe(nobleG1(p.double()));
    }
    const q7 = G2P.BASE.multiply(7n);
    for (const [p, q] of [
      [q7, G2P.BASE.multiply(randomScalar())],
      [q7, q7],
      [q7, q7.negate()],
      [G2P.ZERO, q7],
    ] as [G2, G2][]) {
      // Homogeneous input with Z = 1 is also Jacobian; infinity (0 : 1 : 0) has Z = 0 in both.
      const affine = (ptr: number, g: G2) => {
        if (g.is0()) return putG2(ptr, g);
        const t = g.toAffine();
        rt.writeFp2(ptr, tuple(t.x));
        rt.writeFp2(ptr + FP2, tuple(t.y));
        rt.writeFp2(ptr + 2 * FP2, [1n, 0n]);
      };
      affine(a, p);
      affine(b, q);
      x.g2j_add(c, a, b);
      x.g2j_to_hom(c, c);
      expect(getG2(c)).toBe(nobleG2(p.add(q)));
    }
    rt.release(mark);
  });

  it('the GLV endomorphism is [λ] and [a]P + [b]φ(P) equals [a + bλ]P', () => {
    const mark = rt.mark();
    expect((GLV_BETA ** 3n - 1n) % P).toBe(0n);
    expect((GLV_LAMBDA * GLV_LAMBDA + GLV_LAMBDA + 1n) % R).toBe(0n);
    const [beta, pp, out] = [rt.alloc(FP), rt.alloc(G1_AFFINE_BYTES), rt.alloc(G1_BYTES)];
    rt.writeFp(beta, GLV_BETA);
    const base = G1P.BASE.multiply(randomScalar());
    rt.writeFp(pp, base.toAffine().x);
    rt.writeFp(pp + FP, base.toAffine().y);
    const half = () => crypto.getRandomValues(new BigUint64Array(1))[0]!;
    for (const [a, b] of [
      [half(), half()],
      [1n, 0n],
      [0n, 1n],
      [(1n << 64n) - 1n, (1n << 64n) - 1n],
    ] as [bigint, bigint][]) {
      g1MulGlv(rt, out, pp, a, b, beta);
      expect(getG1(out)).toBe(nobleG1(base.multiply((a + b * GLV_LAMBDA) % R)));
    }
    rt.release(mark);
  });

  it('scalar multiplication and MSM equal noble', () => {
    const mark = rt.mark();
    const base = G1P.BASE.multiply(randomScalar());
    const [p, out] = [rt.alloc(G1_BYTES), rt.alloc(G1_BYTES)];
    putG1(p, base);
    for (const k of [0n, 1n, 2n, 15n, 16n, R - 1n, randomScalar()]) {
      g1Mul(rt, out, p, k, 254);
      expect(getG1(out)).toBe(nobleG1(k === 0n ? G1P.ZERO : base.multiply(k)));
    }
    const n = 40;
    const points = Array.from({ length: n }, () => G1P.BASE.multiply(randomScalar()));
    const scalars = points.map((_, i) => (i === 3 ? 0n : randomScalar() >> 126n));
    const arr = rt.alloc(n * G1_BYTES);
    points.forEach((q, i) => putG1(arr + i * G1_BYTES, q));
    g1Msm(rt, out, arr, scalars, 128);
    const want = points.reduce(
      (acc, q, i) => (scalars[i] === 0n ? acc : acc.add(q.multiply(scalars[i]!))),
      G1P.ZERO,
    );
    expect(getG1(out)).toBe(nobleG1(want));
    rt.release(mark);
  });

  it('the G2 subgroup test accepts G2 points and refuses twist points outside G2', () => {
    const mark = rt.mark();
    const q = rt.alloc(G2_BYTES);
    const check = (coords: readonly (readonly string[])[]) => {
      rt.writeFp2(q, [BigInt(coords[0]![0]!), BigInt(coords[0]![1]!)]);
      rt.writeFp2(q + FP2, [BigInt(coords[1]![0]!), BigInt(coords[1]![1]!)]);
      expect(x.g2_on_curve(q)).toBe(1);
      g2FromAffine(rt, q, q);
      return g2InSubgroup(rt, q);
    };
    for (let i = 0; i < 3; i++) {
      const g = G2P.BASE.multiply(randomScalar()).toAffine();
      expect(
        check([
          [`${g.x.c0}`, `${g.x.c1}`],
          [`${g.y.c0}`, `${g.y.c1}`],
        ]),
      ).toBe(true);
    }
    const outside = twistPointOutsideG2();
    // noble agrees that the point is on the twist but not torsion-free.
    const n = G2P.fromAffine({
      x: Fp2.fromBigTuple([BigInt(outside[0]![0]!), BigInt(outside[0]![1]!)]),
      y: Fp2.fromBigTuple([BigInt(outside[1]![0]!), BigInt(outside[1]![1]!)]),
    });
    expect(() => n.assertValidity()).toThrow();
    expect(check(outside)).toBe(false);
    // ψ acts as [p] = [6x²] on G2.
    const g = G2P.BASE.multiply(7n);
    putG2(q, g);
    x.g2_psi(q, q);
    expect(getG2(q)).toBe(nobleG2(g.multiply(6n * SEED * SEED)));
    rt.release(mark);
  });
});

describe('BN254 pairing', () => {
  it('the Miller loop equals noble bit for bit; the pairing is noble^(1/(2x(6x²+3x+1)))', () => {
    const mark = rt.mark();
    const p = G1P.BASE.multiply(randomScalar());
    const q = G2P.BASE.multiply(randomScalar());
    const f = rt.alloc(FP12);
    const pp = rt.alloc(G1_AFFINE_BYTES);
    rt.writeFp(pp, p.toAffine().x);
    rt.writeFp(pp + FP, p.toAffine().y);
    const a = q.toAffine();
    pairing.millerLoop(f, pairing.layout([[tuple(a.x), tuple(a.y)]], pp), []);
    const ml = bn254.millerLoopBatch([
      [bn254.utils.calcPairingPrecomputes(q), p.toAffine().x, p.toAffine().y],
    ]);
    expect(readFp12(f)).toEqual(nobleFp12(ml));
    pairing.finalExponentiation(f, f);
    const m = 2n * SEED * (6n * SEED * SEED + 3n * SEED + 1n);
    pairing.pow(f, f, m % R);
    expect(readFp12(f)).toEqual(nobleFp12(bn254.pairing(p, q)));
    rt.release(mark);
  });

  it('is bilinear, non-degenerate, of order r, and the same with fixed-point lines', () => {
    const mark = rt.mark();
    const [e1, e2, one] = [rt.alloc(FP12), rt.alloc(FP12), rt.alloc(FP12)];
    x.fp12_one(one);
    const p = G1P.BASE.multiply(randomScalar());
    const q = G2P.BASE.multiply(randomScalar());
    const [a, b] = [randomScalar(), randomScalar()];
    pair(p.multiply(a), q.multiply(b), e1);
    pair(p, q, e2);
    expect(x.fp12_eq(e2, one)).toBe(0);
    pairing.pow(e2, e2, (a * b) % R);
    expect(x.fp12_eq(e1, e2)).toBe(1);
    pairing.pow(e1, e1, R);
    expect(x.fp12_eq(e1, one)).toBe(1);
    // pow2 = a^e1 · b^e2.
    pair(p, q, e1);
    const [u, v, w] = [rt.alloc(FP12), rt.alloc(FP12), rt.alloc(FP12)];
    pairing.pow(u, e1, 3n);
    pairing.pow2(v, e1, 1234567n, u, 89n);
    pairing.pow(w, e1, 1234567n + 3n * 89n);
    expect(x.fp12_eq(v, w)).toBe(1);
    // Fixed lines: e(P, Q) through precomputed lines equals the batch path.
    pair(p, q, e1);
    const lines = pairing.fixedLines([tuple(q.toAffine().x), tuple(q.toAffine().y)]);
    const pp = rt.alloc(G1_AFFINE_BYTES);
    rt.writeFp(pp, p.toAffine().x);
    rt.writeFp(pp + FP, p.toAffine().y);
    pairing.millerLoop(e2, undefined, [[lines, pp]]);
    pairing.finalExponentiation(e2, e2);
    expect(x.fp12_eq(e1, e2)).toBe(1);
    rt.release(mark);
  });
});
