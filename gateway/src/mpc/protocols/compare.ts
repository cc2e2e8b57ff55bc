/**
 * Comparison of a shared value with a PUBLIC threshold, revealing nothing but the shared bit [x ≥ T]:
 * for 0 ≤ x < 2^ℓ and 0 ≤ T ≤ 2^ℓ, z = x − T + 2^ℓ lies in [0, 2^(ℓ+1)) and its bit ℓ is [x ≥ T];
 * bit ℓ = (z − (z mod 2^ℓ))/2^ℓ with z mod 2^ℓ from Catrina–de Hoogh's Mod2m (k = ℓ + 1, m = ℓ) on
 * random bits from the squaring trick. Rounds: 1 (open squares) + 1 (open c) + ⌈log2 ℓ⌉ (BitLT).
 */
import { fadd, finv, fmod, fmul, fsub } from '../field.ts';
import type { ComputeContext } from './context.ts';
import type { DealtRandomness } from './deal.ts';
import { mod2m } from './mod2m.ts';
import { randomBits } from './random-bit.ts';

/** Rounds of {@link compareWithThreshold} for ℓ bits. */
export function compareRounds(bits: number): number {
  return 2 + Math.ceil(Math.log2(bits));
}

/**
 * Shares of [x ≥ threshold] from shares of x < 2^bits.
 * @throws {RangeError} for a threshold outside [0, 2^bits] or missing comparison randomness; MpcError
 * from the rounds.
 */
export async function compareWithThreshold(
  ctx: ComputeContext,
  x: bigint,
  threshold: bigint,
  bits: number,
  dealt: NonNullable<DealtRandomness['compare']>,
): Promise<bigint> {
  const two = 1n << BigInt(bits);
  if (threshold < 0n || threshold > two) throw new RangeError(`threshold must be in [0, 2^${bits}]`);
  const z = fadd(fsub(x, fmod(threshold)), two);
  const rBits = await randomBits(ctx, dealt.candidates, dealt.squareMasks, bits);
  const low = await mod2m(ctx, z, bits + 1, { bits: rBits, high: dealt.high });
  return fmul(fsub(z, low), finv(two));
}
