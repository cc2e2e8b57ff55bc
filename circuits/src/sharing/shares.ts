/**
 * Secret sharing over the BN254 scalar field, as ShareBinding checks it: Shamir's scheme (Shamir, "How to
 * share a secret", CACM 1979) of degree t at the points x_i = i + 1, or, for t = 0, additive sharing.
 */
import { assertField, FIELD_MODULUS, inverse, mod, randomFieldElement } from '../field.ts';

/** A sharing of one secret: share i goes to party i. */
export interface Sharing {
  /** Degree of the polynomial; 0 means additive sharing. */
  degree: number;
  shares: bigint[];
  /** f(x) = secret + coefficients[0]·x + … ; empty for additive sharing. */
  coefficients: bigint[];
}

/** Evaluation point of party `index` (0-based) in ShareBinding: x_i = i + 1. */
export function shareEvaluationPoint(index: number): bigint {
  return BigInt(index + 1);
}

/**
 * Shamir-shares `secret` among n parties with a random polynomial of degree t ≥ 1 (any t + 1 shares
 * reconstruct). Pass `coefficients` to make the sharing deterministic (tests, replays).
 * @throws {RangeError} for t outside [1, n) or a wrong number of coefficients.
 */
export function shamirShare(
  secret: bigint,
  parties: number,
  degree: number,
  coefficients?: readonly bigint[],
): Sharing {
  assertField(secret, 'secret');
  checkParties(parties);
  if (!Number.isInteger(degree) || degree < 1 || degree >= parties) {
    throw new RangeError(`degree must be in [1, ${parties - 1}], got ${degree}`);
  }
  const coeffs = coefficients ? [...coefficients] : Array.from({ length: degree }, randomFieldElement);
  if (coeffs.length !== degree) throw new RangeError(`expected ${degree} coefficients, got ${coeffs.length}`);
  coeffs.forEach((c, i) => assertField(c, `coefficients[${i}]`));
  const shares: bigint[] = [];
  for (let i = 0; i < parties; i++) {
    const x = shareEvaluationPoint(i);
    // Horner from the highest coefficient down to the secret.
    let y = 0n;
    for (let j = degree - 1; j >= 0; j--) y = ((y + coeffs[j]!) * x) % FIELD_MODULUS;
    shares.push((y + secret) % FIELD_MODULUS);
  }
  return { degree, shares, coefficients: coeffs };
}

/**
 * Splits `secret` into n random additive shares that sum to it mod r.
 * @throws {RangeError} for fewer than 2 parties.
 */
export function additiveShare(secret: bigint, parties: number, randomShares?: readonly bigint[]): Sharing {
  assertField(secret, 'secret');
  checkParties(parties);
  const shares = randomShares ? [...randomShares] : Array.from({ length: parties - 1 }, randomFieldElement);
  if (shares.length !== parties - 1) throw new RangeError(`expected ${parties - 1} random shares`);
  shares.forEach((s, i) => assertField(s, `randomShares[${i}]`));
  const sum = shares.reduce((acc, s) => acc + s, 0n);
  shares.push(mod(secret - sum));
  return { degree: 0, shares, coefficients: [] };
}

/**
 * Shares with ShareBinding's convention for degree t: additive for t = 0, Shamir otherwise.
 * @throws {RangeError} as `shamirShare` / `additiveShare`.
 */
export function shareSecret(secret: bigint, parties: number, degree: number): Sharing {
  return degree === 0 ? additiveShare(secret, parties) : shamirShare(secret, parties, degree);
}

/**
 * Lagrange interpolation at 0 from shares given as (party index, share); needs t + 1 distinct parties.
 * @throws {RangeError} for duplicate or negative party indices.
 */
export function reconstructShamir(shares: ReadonlyArray<{ index: number; share: bigint }>): bigint {
  const xs = shares.map((s) => shareEvaluationPoint(s.index));
  if (new Set(xs).size !== xs.length || shares.some((s) => s.index < 0)) {
    throw new RangeError('party indices must be distinct and non-negative');
  }
  let secret = 0n;
  for (let i = 0; i < shares.length; i++) {
    let numerator = 1n;
    let denominator = 1n;
    for (let j = 0; j < shares.length; j++) {
      if (i === j) continue;
      numerator = (numerator * xs[j]!) % FIELD_MODULUS;
      denominator = (denominator * mod(xs[j]! - xs[i]!)) % FIELD_MODULUS;
    }
    secret = (secret + shares[i]!.share * numerator * inverse(denominator)) % FIELD_MODULUS;
  }
  return secret;
}

/** Sum of additive shares mod r. */
export function reconstructAdditive(shares: readonly bigint[]): bigint {
  return mod(shares.reduce((acc, s) => acc + s, 0n));
}

function checkParties(parties: number): void {
  if (!Number.isInteger(parties) || parties < 2 || parties > 32) {
    throw new RangeError(`parties must be an integer in [2, 32], got ${parties}`);
  }
}
