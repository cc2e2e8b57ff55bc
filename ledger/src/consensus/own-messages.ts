/**
 * The messages this validator signed at the current height, and the guard that makes it impossible
 * to sign two different messages for one (height, round, type).
 *
 * This is the double-signing protection across crashes: the set is part of the WAL state, restored
 * before the node sends anything, and asking to sign again returns the message already signed rather
 * than a new one. The caller then acts on what was really sent, never on what it meant to send.
 */
import { proposalSignBytes, voteSignBytes } from '../codec/consensus-codec.ts';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';
import type {
  BlockHash,
  ConsensusCrypto,
  Height,
  Proposal,
  Round,
  ValidatorId,
  Vote,
  VoteType,
} from './interface.ts';
import type { ValidatorSet } from './validator-set.ts';

/** Own signed messages of one height, keyed by round (and vote type). */
export class OwnMessages {
  private height: Height = 0;
  private readonly proposals = new Map<Round, Proposal>();
  private readonly votes = new Map<string, Vote>();
  /** Count of signatures made by this instance; changes whenever there is something new to persist. */
  signatures = 0;
  /** Whether this node is a validator (an observer never signs). */
  readonly canSign: boolean;

  constructor(
    private readonly validators: ValidatorSet,
    private readonly crypto: ConsensusCrypto,
    readonly self: ValidatorId,
  ) {
    this.canSign = validators.has(self);
  }

  /** Forgets everything: the node moved to `height`, where it has signed nothing yet. */
  reset(height: Height): void {
    this.height = height;
    this.proposals.clear();
    this.votes.clear();
  }

  /**
   * Reloads messages from a WAL state of `height`.
   * @throws {ConsensusError} `CONSENSUS_INVALID_WAL` if a message is for another height or signer, or
   *   two messages claim the same slot.
   */
  load(height: Height, proposals: readonly Proposal[], votes: readonly Vote[]): void {
    this.reset(height);
    const fail = (why: string): never => {
      throw new ConsensusError(ConsensusErrorCode.INVALID_WAL, why, { height });
    };
    for (const p of proposals) {
      if (p.height !== height || p.proposer !== this.self) fail(`foreign proposal at ${p.height}/${p.round}`);
      if (this.proposals.has(p.round)) fail(`two own proposals at round ${p.round}`);
      this.proposals.set(p.round, p);
    }
    for (const v of votes) {
      if (v.height !== height || v.validator !== this.self) fail(`foreign vote at ${v.height}/${v.round}`);
      const key = `${v.type}:${v.round}`;
      if (this.votes.has(key)) fail(`two own ${v.type}s at round ${v.round}`);
      this.votes.set(key, v);
    }
  }

  /** The proposal already signed for `round`, if any. */
  proposalAt(round: Round): Proposal | undefined {
    return this.proposals.get(round);
  }

  /** The vote already signed for (`type`, `round`), if any. */
  voteAt(type: VoteType, round: Round): Vote | undefined {
    return this.votes.get(`${type}:${round}`);
  }

  /**
   * Signs a proposal for `round`, or returns the one already signed for it; undefined for an observer.
   * The caller must persist the WAL before the returned message is sent.
   */
  propose(round: Round, blockHash: BlockHash, polRound: number): Proposal | undefined {
    if (!this.canSign) return undefined;
    const existing = this.proposals.get(round);
    if (existing !== undefined) return existing;
    const unsigned = { height: this.height, round, blockHash, polRound, proposer: this.self };
    const proposal: Proposal = {
      ...unsigned,
      signature: this.crypto.sign(proposalSignBytes(this.validators.chainId, unsigned)),
    };
    this.proposals.set(round, proposal);
    this.signatures++;
    return proposal;
  }

  /**
   * Signs a vote, or returns the vote already signed for (`type`, `round`) even if its value differs;
   * undefined for an observer. The caller must persist the WAL before the returned message is sent.
   */
  vote(type: VoteType, round: Round, blockHash: BlockHash | null): Vote | undefined {
    if (!this.canSign) return undefined;
    const key = `${type}:${round}`;
    const existing = this.votes.get(key);
    if (existing !== undefined) return existing;
    const unsigned = { type, height: this.height, round, blockHash, validator: this.self };
    const vote: Vote = {
      ...unsigned,
      signature: this.crypto.sign(voteSignBytes(this.validators.chainId, unsigned)),
    };
    this.votes.set(key, vote);
    this.signatures++;
    return vote;
  }

  /** Own proposals, by ascending round. */
  allProposals(): Proposal[] {
    return [...this.proposals.values()].sort((a, b) => a.round - b.round);
  }

  /** Own votes, by ascending round, prevote before precommit. */
  allVotes(): Vote[] {
    return [...this.votes.values()].sort((a, b) => a.round - b.round || (a.type === 'prevote' ? -1 : 1));
  }
}
