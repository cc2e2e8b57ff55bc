/**
 * TEST ONLY: n compute contexts wired to each other in memory, without messages or routers, so the
 * sub-protocols (multiplication, bits, BitLT, Mod2m, comparison) can be tested directly and exhaustively.
 */
import { fadd } from '../../src/mpc/field.ts';
import { type ComputeContext, createComputeContext } from '../../src/mpc/protocols/context.ts';
import { type ShamirSharing, ShareOpener, shamirShare, thresholdFor } from '../../src/mpc/shamir.ts';
import { seededRandomness } from './helpers.ts';

/** A group of n in-memory compute contexts; `rounds` counts the rounds they used. */
export interface LocalGroup {
  n: number;
  t: number;
  contexts: ComputeContext[];
  rounds(): number;
  /** Shares `value` with degree t among the group (dealer randomness from the seed). */
  share(value: bigint, degree?: number): bigint[];
  /** Opens shares (checks they lie on one degree-t polynomial). */
  open(shares: readonly bigint[], degree?: number): bigint;
  /** Runs `body` at every party and returns the n results. */
  run<T>(body: (ctx: ComputeContext, party: number) => Promise<T>): Promise<T[]>;
}

/** Creates a local group of n parties. */
export function localGroup(n: number, seed: string | number = 0): LocalGroup {
  const t = thresholdFor(n);
  const pending = new Map<
    number,
    { rows: bigint[][][]; count: number; resolvers: Array<(rows: bigint[][]) => void> }
  >();
  let maxRound = 0;
  const contexts = Array.from({ length: n }, (_, self) =>
    createComputeContext({
      n,
      t,
      self,
      rng: seededRandomness(`${seed}/local/${self}`),
      firstRound: 1,
      names: Array.from({ length: n }, (_, i) => `L${i}`),
      exchange: (round, _step, payloadFor) =>
        new Promise<bigint[][]>((resolve) => {
          maxRound = Math.max(maxRound, round);
          let slot = pending.get(round);
          if (!slot) {
            slot = { rows: Array.from({ length: n }, () => []), count: 0, resolvers: [] };
            pending.set(round, slot);
          }
          slot.rows[self] = Array.from({ length: n }, (_, j) => payloadFor(j));
          slot.resolvers[self] = resolve;
          slot.count++;
          if (slot.count === n) {
            const done = slot;
            pending.delete(round);
            // Receiver i gets, from each sender j, what j addressed to i.
            done.resolvers.forEach((r, i) => r(done.rows.map((fromJ) => fromJ[i]!)));
          }
        }),
    }),
  );
  const dealer = seededRandomness(`${seed}/dealer`);
  return {
    n,
    t,
    contexts,
    rounds: () => maxRound,
    share: (value, degree = t) => (shamirShare(value, n, degree, dealer) as ShamirSharing).shares,
    open(shares, degree = t) {
      const opened = new ShareOpener(n, degree).open(shares);
      if (!opened.consistent) throw new Error('inconsistent shares');
      return opened.secret;
    },
    run: (body) => Promise.all(contexts.map((ctx, i) => body(ctx, i))),
  };
}

/** Sums share vectors party-wise. */
export function addShares(a: readonly bigint[], b: readonly bigint[]): bigint[] {
  return a.map((x, i) => fadd(x, b[i]!));
}
