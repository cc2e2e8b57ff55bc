/**
 * Multiplication of shared values with degree reduction, one round (Ben-Or–Goldwasser–Wigderson, STOC 1988,
 * in the simplified form of Gennaro–Rabin–Rabin, PODC 1998): each party multiplies its two degree-t
 * shares locally — a point on the degree-2t product polynomial — reshares that point with a fresh
 * degree-t polynomial, and combines the n reshares it receives with the Lagrange coefficients at 0 of
 * all n points. Needs 2t + 1 ≤ n; the result is a fresh degree-t sharing of the product.
 */
import { fadd, fmul } from '../field.ts';
import { shamirShare } from '../shamir.ts';
import type { ComputeContext } from './context.ts';

/**
 * Shares of xs[k]·ys[k] for every k, all in one round.
 * @throws {RangeError} for batches of different lengths; {MpcError} from the round.
 */
export async function multiply(
  ctx: ComputeContext,
  xs: readonly bigint[],
  ys: readonly bigint[],
): Promise<bigint[]> {
  if (xs.length !== ys.length) throw new RangeError('xs and ys must have the same length');
  if (xs.length === 0) return [];
  const reshares = xs.map((x, k) => shamirShare(fmul(x, ys[k]!), ctx.n, ctx.t, ctx.rng).shares);
  const rows = await ctx.allToAll('multiply', (j) => reshares.map((shares) => shares[j]!));
  return xs.map((_, k) => {
    let acc = 0n;
    for (let j = 0; j < ctx.n; j++) acc = fadd(acc, fmul(ctx.lambdaAll[j]!, rows[j]![k]!));
    return acc;
  });
}
