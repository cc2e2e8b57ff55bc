/**
 * Correlated randomness every compute party deals in round 1, in parallel with the input shares (it does
 * not depend on them, so it costs no extra round). Each random value is the sum of one contribution per
 * compute party, so it is uniform and unknown to any t of them as long as one contributor is honest.
 *
 * DEAL payload for receiver j (all shares are the dealer's polynomials evaluated at x_j = j + 1):
 *   [0]             output mask: a degree-t sharing of 0, added to the result before it goes to the
 *                   output party, so the output party sees a fresh random polynomial through the result
 *   with a comparison of ℓ bits and M = ℓ + BIT_SPARES candidates:
 *   [1]             Mod2m high mask r''_dealer, uniform in [0, 2^(κ + 1)), degree t
 *   [2 .. 2 + M)    squaring-trick candidates a_m, uniform in F_r, degree t
 *   [2 + M .. 2+2M) degree-2t sharings of 0 that re-randomize the opened squares a_m²
 */
import { fadd } from '../field.ts';
import { BIT_SPARES, STATISTICAL_SECURITY } from '../program.ts';
import { type MpcRandomness, randomBelowPowerOfTwo, randomFieldElement } from '../randomness.ts';
import { shamirShare } from '../shamir.ts';

/** The summed randomness one compute party holds shares of after round 1. */
export interface DealtRandomness {
  outputMask: bigint;
  /** Present with a comparison. */
  compare?: {
    /** Share of r'' = Σ_dealers r''_dealer. */
    high: bigint;
    /** Shares of the candidates a_m (degree t). */
    candidates: bigint[];
    /** Shares of the zero sharings (degree 2t), one per candidate. */
    squareMasks: bigint[];
  };
}

/** Number of squaring-trick candidates for ℓ comparison bits. */
export function candidateCount(compareBits: number): number {
  return compareBits + BIT_SPARES;
}

/** Length of a DEAL payload. */
export function dealLength(compareBits: number | undefined): number {
  return compareBits === undefined ? 1 : 2 + 2 * candidateCount(compareBits);
}

/**
 * This dealer's DEAL payload for each of the n compute parties (index j = receiver).
 * @throws {RangeError} for n < 2t + 1.
 */
export function dealRandomness(
  n: number,
  t: number,
  compareBits: number | undefined,
  rng: MpcRandomness,
): bigint[][] {
  if (2 * t + 1 > n) throw new RangeError('need n ≥ 2t + 1');
  const polys: bigint[][] = [shamirShare(0n, n, t, rng).shares];
  if (compareBits !== undefined) {
    polys.push(shamirShare(randomBelowPowerOfTwo(rng, STATISTICAL_SECURITY + 1), n, t, rng).shares);
    const m = candidateCount(compareBits);
    for (let i = 0; i < m; i++) polys.push(shamirShare(randomFieldElement(rng), n, t, rng).shares);
    for (let i = 0; i < m; i++) polys.push(shamirShare(0n, n, 2 * t, rng).shares);
  }
  return Array.from({ length: n }, (_, j) => polys.map((shares) => shares[j]!));
}

/**
 * Sums the DEAL payloads received from all n dealers (own included) into this party's shares.
 * @throws {RangeError} when a payload has the wrong length.
 */
export function combineDealings(
  payloads: readonly bigint[][],
  compareBits: number | undefined,
): DealtRandomness {
  const length = dealLength(compareBits);
  const sum = new Array<bigint>(length).fill(0n);
  for (const p of payloads) {
    if (p.length !== length) throw new RangeError(`DEAL payload must have ${length} elements`);
    for (let i = 0; i < length; i++) sum[i] = fadd(sum[i]!, p[i]!);
  }
  if (compareBits === undefined) return { outputMask: sum[0]! };
  const m = candidateCount(compareBits);
  return {
    outputMask: sum[0]!,
    compare: { high: sum[1]!, candidates: sum.slice(2, 2 + m), squareMasks: sum.slice(2 + m, 2 + 2 * m) },
  };
}
