/**
 * Shared uniformly random bits by the squaring trick of Damgård, Fitzi, Kiltz, Nielsen and Toft
 * ("Unconditionally secure constant-rounds multi-party computation for equality, comparison, bits and
 * exponentiation", TCC 2006, §5): for a shared uniform a ≠ 0, open a², take the canonical root s, and
 * b = (a·s⁻¹ + 1)/2 is 0 or 1, each with probability 1/2, because a/s = ±1 with a uniform sign.
 *
 * a² is opened from the local products a_i² (degree 2t) plus a dealt degree-2t sharing of 0, in one
 * round: without that mask the opened points of the polynomial f(x)² would reveal f up to sign, and each
 * party's own share f(x_i) would fix the sign — and b. Candidates with a² = 0 (probability 1/r each) are
 * discarded and replaced by the next spare, which is the retry of the paper without an extra round.
 */
import { MpcError } from '../errors.ts';
import { fadd, fbatchInv, fmul, fsqrtCanonical, INV_TWO } from '../field.ts';
import type { ComputeContext } from './context.ts';
import { openToAll } from './open.ts';

/**
 * Turns opened squares into bit shares: for the first `needed` candidates with a² ≠ 0,
 * b = (a·sqrt(a²)⁻¹ + 1)/2. Pure, so the discard path can be tested.
 * @throws {MpcError} `MPC_PROTOCOL_ABORT` when fewer than `needed` candidates are usable or an opened
 * value is not a square (a deviating party).
 */
export function bitsFromOpenedSquares(
  candidates: readonly bigint[],
  squares: readonly bigint[],
  needed: number,
): bigint[] {
  const used: number[] = [];
  for (let m = 0; m < candidates.length && used.length < needed; m++) if (squares[m] !== 0n) used.push(m);
  if (used.length < needed) {
    throw new MpcError('MPC_PROTOCOL_ABORT', `only ${used.length} of ${needed} random bits are usable`, {
      reason: 'too many zero squares',
      step: 'open-squares',
    });
  }
  let roots: bigint[];
  try {
    roots = used.map((m) => fsqrtCanonical(squares[m]!));
  } catch {
    throw new MpcError('MPC_PROTOCOL_ABORT', 'an opened square is not a square in F_r', {
      reason: 'opened square is not a quadratic residue',
      step: 'open-squares',
    });
  }
  const inverses = fbatchInv(roots);
  return used.map((m, k) => fmul(fadd(fmul(candidates[m]!, inverses[k]!), 1n), INV_TWO));
}

/**
 * Shares of `needed` uniformly random bits from dealt candidates and square masks; one round.
 * @throws {MpcError} as {@link bitsFromOpenedSquares} and the round.
 */
export async function randomBits(
  ctx: ComputeContext,
  candidates: readonly bigint[],
  squareMasks: readonly bigint[],
  needed: number,
): Promise<bigint[]> {
  const masked = candidates.map((a, m) => fadd(fmul(a, a), squareMasks[m]!));
  const squares = await openToAll(ctx, 'open-squares', masked, ctx.openDegree2T);
  return bitsFromOpenedSquares(candidates, squares, needed);
}
