/**
 * What a sub-protocol sees of the session at a compute party: the party's index among the n compute
 * parties, the threshold t, its randomness, and one primitive — an all-to-all round among compute parties.
 */
import { MpcError } from '../errors.ts';
import type { MpcStepName } from '../messages.ts';
import type { MpcRandomness } from '../randomness.ts';
import { lagrangeCoefficients, ShareOpener } from '../shamir.ts';
import type { PartyId } from '../transport.ts';

/** A compute party's view of the running session, as the sub-protocols use it. */
export interface ComputeContext {
  /** Number of compute parties. */
  readonly n: number;
  /** Threshold t = ⌊(n − 1)/2⌋: sharings have degree t, products degree 2t ≤ n − 1. */
  readonly t: number;
  /** This party's index among the compute parties (evaluation point self + 1). */
  readonly self: number;
  readonly rng: MpcRandomness;
  /** Lagrange coefficients at 0 over all n points (interpolate any degree ≤ n − 1). */
  readonly lambdaAll: readonly bigint[];
  /** Checks and opens degree-t sharings. */
  readonly openDegreeT: ShareOpener;
  /** Checks and opens degree-2t sharings (a check only when n ≥ 2t + 2). */
  readonly openDegree2T: ShareOpener;
  /** Name of compute party `index`, for error contexts. */
  partyName(index: number): PartyId;
  /** The next round's number (the one `allToAll` will use). */
  readonly round: number;
  /**
   * One round: sends `payloadFor(j)` to every other compute party j and returns the n payloads received,
   * indexed by sender, with this party's own `payloadFor(self)` in its place. Payloads all have the length
   * of this party's own.
   * @throws {MpcError} on timeout, a dropped party, a malformed message or a peer's abort.
   */
  allToAll(step: MpcStepName, payloadFor: (j: number) => bigint[]): Promise<bigint[][]>;
}

/** The primitive a {@link createComputeContext} context is built on. */
export type RoundExchange = (
  round: number,
  step: MpcStepName,
  payloadFor: (j: number) => bigint[],
) => Promise<bigint[][]>;

/** Builds a context whose rounds start at `firstRound`. */
export function createComputeContext(options: {
  n: number;
  t: number;
  self: number;
  rng: MpcRandomness;
  firstRound: number;
  names: readonly PartyId[];
  exchange: RoundExchange;
}): ComputeContext {
  const { n, t, self, rng, names, exchange } = options;
  let round = options.firstRound;
  const all = Array.from({ length: n }, (_, i) => i);
  return {
    n,
    t,
    self,
    rng,
    lambdaAll: lagrangeCoefficients(all),
    openDegreeT: new ShareOpener(n, t),
    openDegree2T: new ShareOpener(n, 2 * t),
    partyName: (i) => names[i]!,
    get round() {
      return round;
    },
    allToAll: (step, payloadFor) => exchange(round++, step, payloadFor),
  };
}

/** The MPC_INCONSISTENT_SHARE error of an opening whose shares do not lie on one polynomial. */
export function inconsistentOpening(
  ctx: ComputeContext,
  step: MpcStepName,
  round: number,
  degree: number,
  blamed: number | undefined,
): MpcError {
  const context =
    blamed === undefined
      ? { candidates: Array.from({ length: ctx.n }, (_, i) => ctx.partyName(i)) }
      : { party: ctx.partyName(blamed) };
  const who = blamed === undefined ? 'cannot single out the party' : `${ctx.partyName(blamed)} deviates`;
  return new MpcError(
    'MPC_INCONSISTENT_SHARE',
    `round ${round} (${step}): opened shares do not lie on one degree-${degree} polynomial; ${who}`,
    { ...context, round, step, reason: `not on one degree-${degree} polynomial` },
  );
}
