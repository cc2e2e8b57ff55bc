/**
 * Proposer selection, the paper's `proposer(h, r)`: deterministic round-robin over the genesis order,
 * so every correct process computes the same proposer and each validator proposes once every n rounds
 * (Algorithm 1 needs a correct proposer in some round after GST; round-robin gives one within f + 1
 * consecutive rounds).
 */
import type { Height, Round, ValidatorId } from './interface.ts';
import type { ValidatorSet } from './validator-set.ts';

/**
 * The proposer of round `round` at height `height`: validators[(h + r) mod n].
 * @throws {RangeError} if `height` or `round` is not a safe non-negative integer.
 * @example
 * proposerOf(set, 1, 0); // validators[1 % n].id
 */
export function proposerOf(set: ValidatorSet, height: Height, round: Round): ValidatorId {
  if (!Number.isSafeInteger(height) || height < 0) throw new RangeError(`height: ${height}`);
  if (!Number.isSafeInteger(round) || round < 0) throw new RangeError(`round: ${round}`);
  // Reduce each term first so h + r cannot leave the safe-integer range.
  return set.at((height % set.n) + (round % set.n)).id;
}
