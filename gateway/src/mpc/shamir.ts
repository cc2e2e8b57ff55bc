/**
 * Shamir secret sharing over F_r (Shamir, "How to share a secret", CACM 1979) with the evaluation points
 * of @privgate/circuits' ShareBinding: party i (0-based) holds f(x_i), x_i = i + 1, where
 * f(x) = secret + c_1·x + … + c_d·x^d. Same coefficient order as `shamirShare` there, so a sharing made
 * here is the one ShareBinding proves, bit for bit.
 */
import { fadd, finv, fmod, fmul, fsub } from './field.ts';
import { type MpcRandomness, randomFieldElement } from './randomness.ts';

/** Evaluation point of party `index` (0-based): x_i = i + 1. */
export function evaluationPoint(index: number): bigint {
  return BigInt(index + 1);
}

/** The honest-majority threshold t = ⌊(n − 1)/2⌋: any t parties learn nothing, 2t + 1 ≤ n. */
export function thresholdFor(parties: number): number {
  return Math.floor((parties - 1) / 2);
}

/** A sharing with the polynomial that made it (the dealer keeps the coefficients for ShareBinding). */
export interface ShamirSharing {
  degree: number;
  shares: bigint[];
  /** c_1 … c_d: f(x) = secret + c_1·x + … + c_d·x^d. */
  coefficients: bigint[];
}

/**
 * Shares of `secret` from given coefficients: shares[i] = f(i + 1).
 * @throws {RangeError} for fewer than 1 party.
 */
export function shamirSharesFrom(secret: bigint, coefficients: readonly bigint[], parties: number): bigint[] {
  if (!Number.isInteger(parties) || parties < 1) throw new RangeError('parties must be a positive integer');
  const shares = new Array<bigint>(parties);
  for (let i = 0; i < parties; i++) {
    const x = evaluationPoint(i);
    // Horner from the highest coefficient down to the secret.
    let y = 0n;
    for (let j = coefficients.length - 1; j >= 0; j--) y = fmul(fadd(y, coefficients[j]!), x);
    shares[i] = fadd(y, secret);
  }
  return shares;
}

/**
 * Shares `secret` among `parties` with a uniformly random polynomial of degree `degree`.
 * @throws {RangeError} for a degree outside [0, parties).
 */
export function shamirShare(
  secret: bigint,
  parties: number,
  degree: number,
  rng: MpcRandomness,
): ShamirSharing {
  if (!Number.isInteger(degree) || degree < 0 || degree >= parties) {
    throw new RangeError(`degree must be in [0, ${parties - 1}], got ${degree}`);
  }
  const coefficients = Array.from({ length: degree }, () => randomFieldElement(rng));
  return { degree, shares: shamirSharesFrom(secret, coefficients, parties), coefficients };
}

/**
 * Lagrange basis values L_j(x) for the points of the parties in `indices`: f(x) = Σ L_j(x)·f(x_{indices[j]})
 * for every f of degree < indices.length.
 * @throws {RangeError} for duplicate indices.
 */
export function lagrangeCoefficients(indices: readonly number[], x = 0n): bigint[] {
  const xs = indices.map(evaluationPoint);
  if (new Set(xs).size !== xs.length) throw new RangeError('party indices must be distinct');
  return xs.map((xj, j) => {
    let num = 1n;
    let den = 1n;
    for (let k = 0; k < xs.length; k++) {
      if (k === j) continue;
      num = fmul(num, fsub(x, xs[k]!));
      den = fmul(den, fsub(xj, xs[k]!));
    }
    return fmul(num, finv(den));
  });
}

/**
 * Reconstructs the secret from any shares given as (party index, share); correct when more shares than
 * the degree are given.
 * @throws {RangeError} for duplicate indices.
 */
export function reconstructSecret(shares: ReadonlyArray<{ index: number; share: bigint }>): bigint {
  const lambda = lagrangeCoefficients(shares.map((s) => s.index));
  let secret = 0n;
  for (let j = 0; j < shares.length; j++) secret = fadd(secret, fmul(lambda[j]!, fmod(shares[j]!.share)));
  return secret;
}

/** Outcome of checking n shares against one polynomial of degree d. */
export type ConsistencyResult =
  | { consistent: true; secret: bigint }
  /** `blamed`: the single party whose removal makes the rest consistent, when it is unique (n ≥ d + 3). */
  | { consistent: false; blamed?: number };

/**
 * Checks and reconstructs n shares of a degree-d sharing: interpolates through the first d + 1 points and
 * checks the others lie on the same polynomial. Precomputes its Lagrange matrices once per (n, d).
 */
export class ShareOpener {
  readonly parties: number;
  readonly degree: number;
  private readonly atZero: bigint[];
  /** atPoint[k − d − 1][j] = L_j(x_k) over the first d + 1 points, for the redundant parties k > d. */
  private readonly atPoint: bigint[][];

  /** @throws {RangeError} when there are not more than `degree` parties. */
  constructor(parties: number, degree: number) {
    if (!Number.isInteger(degree) || degree < 0 || degree >= parties) {
      throw new RangeError(`degree must be in [0, ${parties - 1}], got ${degree}`);
    }
    this.parties = parties;
    this.degree = degree;
    const base = Array.from({ length: degree + 1 }, (_, j) => j);
    this.atZero = lagrangeCoefficients(base);
    this.atPoint = [];
    for (let k = degree + 1; k < parties; k++)
      this.atPoint.push(lagrangeCoefficients(base, evaluationPoint(k)));
  }

  /** Whether an inconsistency can be detected at all (n ≥ d + 2). */
  get detects(): boolean {
    return this.parties >= this.degree + 2;
  }

  /** Checks that all n shares (indexed by party) lie on one degree-d polynomial and returns its secret. */
  open(shares: readonly bigint[]): ConsistencyResult {
    if (shares.length !== this.parties) throw new RangeError(`expected ${this.parties} shares`);
    if (!this.onBasePolynomial(shares)) return { consistent: false, blamed: this.blame(shares) };
    let secret = 0n;
    for (let j = 0; j <= this.degree; j++) secret = fadd(secret, fmul(this.atZero[j]!, shares[j]!));
    return { consistent: true, secret };
  }

  private onBasePolynomial(shares: readonly bigint[]): boolean {
    for (let k = this.degree + 1; k < this.parties; k++) {
      const row = this.atPoint[k - this.degree - 1]!;
      let y = 0n;
      for (let j = 0; j <= this.degree; j++) y = fadd(y, fmul(row[j]!, shares[j]!));
      if (y !== shares[k]) return false;
    }
    return true;
  }

  // The unique party without which the other shares are consistent; undefined when there is none or
  // several (with n = d + 2 every single removal leaves d + 1 points, which always fit).
  private blame(shares: readonly bigint[]): number | undefined {
    const fits: number[] = [];
    for (let skip = 0; skip < this.parties; skip++) {
      const rest = shares.map((_, i) => i).filter((i) => i !== skip);
      const base = rest.slice(0, this.degree + 1);
      const consistent = rest.slice(this.degree + 1).every((k) => {
        const row = lagrangeCoefficients(base, evaluationPoint(k));
        let y = 0n;
        for (let j = 0; j < base.length; j++) y = fadd(y, fmul(row[j]!, shares[base[j]!]!));
        return y === shares[k];
      });
      if (consistent) fits.push(skip);
    }
    return fits.length === 1 ? fits[0] : undefined;
  }
}
