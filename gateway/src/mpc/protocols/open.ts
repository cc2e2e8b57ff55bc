/**
 * Opening shared values to all compute parties (one round): every party broadcasts its shares, then each
 * checks that the n shares of every value lie on one polynomial of the sharing's degree before
 * interpolating at 0. With n ≥ 2t + 1, a degree-t opening detects any change by up to t parties (a
 * polynomial of degree t vanishing on the n − t ≥ t + 1 honest points is zero); degree-2t openings detect
 * only when n ≥ 2t + 2.
 */
import type { MpcStepName } from '../messages.ts';
import type { ShareOpener } from '../shamir.ts';
import { type ComputeContext, inconsistentOpening } from './context.ts';

/**
 * Opens a batch of sharings of one degree to every compute party.
 * @throws {MpcError} `MPC_INCONSISTENT_SHARE` naming the deviating party when it can be singled out, or
 * the candidates; the round's errors otherwise.
 */
export async function openToAll(
  ctx: ComputeContext,
  step: MpcStepName,
  shares: readonly bigint[],
  opener: ShareOpener,
): Promise<bigint[]> {
  const round = ctx.round;
  const rows = await ctx.allToAll(step, () => [...shares]);
  return shares.map((_, m) => {
    const opened = opener.open(rows.map((row) => row[m]!));
    if (!opened.consistent) throw inconsistentOpening(ctx, step, round, opener.degree, opened.blamed);
    return opened.secret;
  });
}
