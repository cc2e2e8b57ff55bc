// BN254 (alt_bn128, EIP-196/197) parameters, and the constants derived from them with bigints once at
// start-up: the tower Fp2 = Fp[u]/(u²+1), Fp6 = Fp2[v]/(v³-ξ), Fp12 = Fp6[w]/(w²-v), ξ = 9+u, the
// D-type twist E': y² = x³ + 3/ξ, and the Frobenius coefficients ξ^(k(p^j-1)/6).

/** Base field modulus. */
export const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
/** Group order (scalar field). */
export const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** The BN seed x: p = 36x⁴ + 36x³ + 24x² + 6x + 1. */
export const SEED = 4965661367192848881n;
/** Ate loop parameter 6x + 2. */
export const ATE_LOOP = 6n * SEED + 2n;

/** An element of Fp2 as [c0, c1] = c0 + c1·u. */
export type Fp2Value = readonly [bigint, bigint];

const mod = (x: bigint, m: bigint = P) => ((x % m) + m) % m;

export function powMod(base: bigint, exp: bigint, m: bigint = P): bigint {
  let r = 1n;
  let b = mod(base, m);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

export const fp2 = {
  mul: (a: Fp2Value, b: Fp2Value): Fp2Value => [
    mod(a[0] * b[0] - a[1] * b[1]),
    mod(a[0] * b[1] + a[1] * b[0]),
  ],
  add: (a: Fp2Value, b: Fp2Value): Fp2Value => [mod(a[0] + b[0]), mod(a[1] + b[1])],
  sub: (a: Fp2Value, b: Fp2Value): Fp2Value => [mod(a[0] - b[0]), mod(a[1] - b[1])],
  conj: (a: Fp2Value): Fp2Value => [a[0], mod(-a[1])],
  inv(a: Fp2Value): Fp2Value {
    const n = powMod(mod(a[0] * a[0] + a[1] * a[1]), P - 2n);
    return [mod(a[0] * n), mod(-a[1] * n)];
  },
  pow(a: Fp2Value, e: bigint): Fp2Value {
    let r: Fp2Value = [1n, 0n];
    let b = a;
    let k = e;
    while (k > 0n) {
      if (k & 1n) r = fp2.mul(r, b);
      b = fp2.mul(b, b);
      k >>= 1n;
    }
    return r;
  },
};

/** ξ = 9 + u, the non-residue of the sextic twist. */
export const XI: Fp2Value = [9n, 1n];
/** b' = 3/ξ, the twist's curve coefficient. */
export const TWIST_B: Fp2Value = fp2.mul([3n, 0n], fp2.inv(XI));

/**
 * Frobenius coefficients: FROBENIUS[j - 1][i] = ξ^(i(p^j - 1)/6) for j = 1, 2, 3 and i = 0..5, so
 * (c·w^i)^(p^j) = conj^j(c)·FROBENIUS[j-1][i]·w^i.
 */
export const FROBENIUS: Fp2Value[][] = [1, 2, 3].map((j) => {
  const pj = P ** BigInt(j);
  return [0, 1, 2, 3, 4, 5].map((i) => fp2.pow(XI, (BigInt(i) * (pj - 1n)) / 6n));
});

/** The twist endomorphism ψ(x, y) = (conj(x)·ξ^((p-1)/3), conj(y)·ξ^((p-1)/2)). */
export const PSI_X: Fp2Value = fp2.pow(XI, (P - 1n) / 3n);
export const PSI_Y: Fp2Value = fp2.pow(XI, (P - 1n) / 2n);

/**
 * The GLV endomorphism of G1: φ(x, y) = (β·x, y) = [λ](x, y), with β a cube root of unity in Fp and λ one
 * in Fr (λ² + λ + 1 ≡ 0 mod r); this pair is checked against scalar multiplication in the tests.
 */
export const GLV_BETA = 2203960485148121921418603742825762020974279258880205651966n;
export const GLV_LAMBDA = 4407920970296243842393367215006156084916469457145843978461n;

/** Non-adjacent form of n, least significant digit first. */
export function naf(n: bigint): number[] {
  const out: number[] = [];
  let k = n;
  while (k > 0n) {
    if (k & 1n) {
      const d = 2 - Number(k & 3n); // 1 if k ≡ 1 (mod 4), -1 if k ≡ 3
      out.push(d);
      k -= BigInt(d);
    } else out.push(0);
    k >>= 1n;
  }
  return out;
}
