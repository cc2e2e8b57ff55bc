/**
 * Votes of one type for one (height, round): the tallies Algorithm 1's `upon 2f+1 ⟨…⟩` rules read.
 *
 * As in the paper, a tally for a value counts the distinct validators that signed a vote for it, and
 * a tally for `∗` (lines 34, 47) counts distinct validators that voted at all. A validator that signs
 * two different votes (equivocation) yields evidence and is counted for each value it signed — it
 * did sign them, and two quorums still share f + 1 validators, one of them correct. Counting them is
 * needed for liveness: an equivocator's vote may be the one that completes the proof-of-lock round a
 * locked correct validator is waiting for. Memory stays bounded: after its first conflicting vote, an
 * equivocator's further variants are counted only for values that f + 1 other validators (so at least
 * one correct one) already voted for, and there are at most ⌊n / (f + 1)⌋ such values.
 * Precommits inside a verified commit certificate are counted regardless (`addCertified`), so a node
 * that fell behind can always decide through the ordinary rule (line 49).
 */
import { valueKey } from './bytes.ts';
import type {
  BlockHash,
  DuplicateVoteEvidence,
  Height,
  Round,
  ValidatorId,
  Vote,
  VoteType,
} from './interface.ts';
import type { ValidatorSet } from './validator-set.ts';

/** Outcome of {@link VoteSet.add}. */
export type AddVoteResult =
  | { readonly status: 'added' }
  | { readonly status: 'duplicate' }
  /** A second value from the same validator: counted once, with the evidence. */
  | { readonly status: 'conflict'; readonly evidence: DuplicateVoteEvidence }
  /** A further value from an equivocator that f + 1 others have not voted for (yet): not counted. */
  | { readonly status: 'ignored' }
  /** A further value from an equivocator, counted because f + 1 others voted for it. */
  | { readonly status: 'added-variant' };

/** Tally of one vote type at one height and round, by voting power. */
export class VoteSet {
  private readonly first = new Map<ValidatorId, Vote>();
  private readonly byValue = new Map<string, Map<ValidatorId, Vote>>();
  private readonly conflicted = new Set<ValidatorId>();
  private anyPower = 0;

  constructor(
    private readonly validators: ValidatorSet,
    readonly height: Height,
    readonly round: Round,
    readonly type: VoteType,
  ) {}

  /**
   * Adds a vote whose signature and sender the caller already checked.
   * @throws {RangeError} if the vote is for another height, round or type than this set.
   */
  add(vote: Vote): AddVoteResult {
    this.assertSlot(vote);
    const existing = this.first.get(vote.validator);
    if (existing === undefined) {
      this.first.set(vote.validator, vote);
      this.anyPower += this.validators.powerOf(vote.validator);
      this.count(vote);
      return { status: 'added' };
    }
    if (this.hasSame(vote)) return { status: 'duplicate' };
    if (this.conflicted.has(vote.validator)) {
      if (this.powerFor(vote.blockHash) < this.validators.skipThreshold) return { status: 'ignored' };
      this.count(vote);
      return { status: 'added-variant' };
    }
    this.conflicted.add(vote.validator);
    this.count(vote);
    return {
      status: 'conflict',
      evidence: { kind: 'duplicate-vote', validator: vote.validator, first: existing, second: vote },
    };
  }

  /**
   * Counts a precommit taken from a verified commit certificate for its value, even if its signer
   * voted differently before. Returns whether the tally changed.
   * @throws {RangeError} if the vote is for another height, round or type than this set.
   */
  addCertified(vote: Vote): boolean {
    this.assertSlot(vote);
    if (this.hasSame(vote)) return false;
    if (!this.first.has(vote.validator)) {
      this.first.set(vote.validator, vote);
      this.anyPower += this.validators.powerOf(vote.validator);
    }
    this.count(vote);
    return true;
  }

  /** Whether `vote.validator` is already counted for `vote.blockHash`. */
  hasSame(vote: Vote): boolean {
    return this.byValue.get(valueKey(vote.blockHash))?.has(vote.validator) === true;
  }

  /** The first vote counted for `validator`, if any. */
  get(validator: ValidatorId): Vote | undefined {
    return this.first.get(validator);
  }

  /** Voting power for `blockHash` (null = nil). */
  powerFor(blockHash: BlockHash | null): number {
    let power = 0;
    for (const id of this.byValue.get(valueKey(blockHash))?.keys() ?? [])
      power += this.validators.powerOf(id);
    return power;
  }

  /** Voting power of validators that voted anything: the paper's `2f+1 ⟨…, ∗⟩` tallies. */
  totalPower(): number {
    return this.anyPower;
  }

  /** Whether votes for anything reach a quorum (lines 34 and 47). */
  hasQuorumAny(): boolean {
    return this.anyPower >= this.validators.quorum;
  }

  /** Whether `blockHash` (null = nil) has a quorum (lines 28, 36, 44, 49). */
  hasQuorumFor(blockHash: BlockHash | null): boolean {
    return this.powerFor(blockHash) >= this.validators.quorum;
  }

  /**
   * The value with a quorum, if any (`{ blockHash }`, null for nil). With at most f Byzantine
   * validators at most one value can have one; otherwise the first to reach it is returned.
   */
  quorumValue(): { readonly blockHash: BlockHash | null } | undefined {
    if (this.anyPower < this.validators.quorum) return undefined;
    for (const votes of this.byValue.values()) {
      const sample = votes.values().next().value;
      if (sample !== undefined && this.hasQuorumFor(sample.blockHash)) return { blockHash: sample.blockHash };
    }
    return undefined;
  }

  /**
   * Every block (not nil) with a quorum. With at most f Byzantine validators there is at most one;
   * a certificate counted on top of conflicting votes could show more, and deciding must not miss it.
   */
  quorumBlocks(): BlockHash[] {
    const blocks: BlockHash[] = [];
    if (this.anyPower < this.validators.quorum) return blocks;
    for (const votes of this.byValue.values()) {
      const sample = votes.values().next().value;
      if (sample?.blockHash != null && this.hasQuorumFor(sample.blockHash)) blocks.push(sample.blockHash);
    }
    return blocks;
  }

  /** Votes counted for `blockHash`, in arrival order. */
  votesFor(blockHash: BlockHash | null): Vote[] {
    return [...(this.byValue.get(valueKey(blockHash))?.values() ?? [])];
  }

  /** The first vote of every validator, in arrival order. */
  all(): Vote[] {
    return [...this.first.values()];
  }

  private count(vote: Vote): void {
    const key = valueKey(vote.blockHash);
    let signers = this.byValue.get(key);
    if (signers === undefined) {
      signers = new Map();
      this.byValue.set(key, signers);
    }
    signers.set(vote.validator, vote);
  }

  private assertSlot(vote: Vote): void {
    if (vote.height !== this.height || vote.round !== this.round || vote.type !== this.type) {
      throw new RangeError(
        `vote: ${vote.type}@${vote.height}/${vote.round} added to ${this.type}@${this.height}/${this.round}`,
      );
    }
  }
}
