/**
 * Offline verification of equivocation evidence, so whoever adjudicates misbehaviour (an operator, a
 * governance process) need not trust the node that reported it.
 */
import { proposalSignBytes, voteSignBytes } from '../codec/consensus-codec.ts';
import { bytesEqual, valuesEqual } from './bytes.ts';
import type { ConsensusCrypto, Evidence } from './interface.ts';
import type { ValidatorSet } from './validator-set.ts';

/**
 * Whether `evidence` proves that its validator signed two conflicting messages: both are signed by
 * that validator (a known one), for the same height, round (and vote type), with different content.
 */
export function verifyEvidence(
  validators: ValidatorSet,
  crypto: Pick<ConsensusCrypto, 'verify'>,
  evidence: Evidence,
): boolean {
  const id = evidence.validator;
  if (!validators.has(id)) return false;
  if (evidence.kind === 'duplicate-vote') {
    const { first: a, second: b } = evidence;
    if (a.validator !== id || b.validator !== id) return false;
    if (a.type !== b.type || a.height !== b.height || a.round !== b.round) return false;
    if (valuesEqual(a.blockHash, b.blockHash)) return false;
    return (
      crypto.verify(id, voteSignBytes(validators.chainId, a), a.signature) &&
      crypto.verify(id, voteSignBytes(validators.chainId, b), b.signature)
    );
  }
  const { first: a, second: b } = evidence;
  if (a.proposer !== id || b.proposer !== id) return false;
  if (a.height !== b.height || a.round !== b.round) return false;
  if (a.polRound === b.polRound && bytesEqual(a.blockHash, b.blockHash)) return false;
  return (
    crypto.verify(id, proposalSignBytes(validators.chainId, a), a.signature) &&
    crypto.verify(id, proposalSignBytes(validators.chainId, b), b.signature)
  );
}
