/**
 * The message log of one height (the paper's "message log", reset at line 53 when a height is
 * decided): the first valid proposal of each round, prevote and precommit tallies per round, and who
 * sent anything in each round (for the f + 1 round-skip rule, line 55).
 *
 * Admission runs the cheap checks first and verifies the signature only for a message that would
 * change the log, so re-gossiped duplicates cost no signature verification. A rejected message leaves
 * the log untouched. A proposal conflicting with the round's first one only yields evidence; a
 * conflicting vote yields evidence and is also counted for its own value (see vote-set.ts). A commit
 * certificate for this height, verified as a whole, adds its precommits (catch-up).
 */
import { proposalSignBytes, voteSignBytes } from '../codec/consensus-codec.ts';
import { bytesEqual } from './bytes.ts';
import { certificateVotes, checkCertificate } from './certificate.ts';
import { ConsensusErrorCode } from './errors.ts';
import type {
  CommitCertificate,
  ConsensusCrypto,
  Evidence,
  Height,
  Proposal,
  Rejection,
  Round,
  ValidatorId,
  Vote,
} from './interface.ts';
import { proposerOf } from './proposer.ts';
import type { ValidatorSet } from './validator-set.ts';
import { VoteSet } from './vote-set.ts';

/** What the log holds for one round. */
export interface RoundLog {
  proposal: Proposal | undefined;
  readonly prevotes: VoteSet;
  readonly precommits: VoteSet;
  /** Validators with any accepted message in this round. */
  readonly senders: Set<ValidatorId>;
}

/** Outcome of admitting a message from the network. */
export type Admission =
  | { readonly accepted: true; readonly evidence?: Evidence }
  | { readonly accepted: false; readonly rejection: Rejection; readonly evidence?: Evidence };

const reject = (code: Rejection['code'], detail: string, evidence?: Evidence): Admission =>
  evidence === undefined
    ? { accepted: false, rejection: { code, detail } }
    : { accepted: false, rejection: { code, detail }, evidence };

const isRound = (r: number): boolean => Number.isSafeInteger(r) && r >= 0;
const isHash = (h: Uint8Array): boolean => h instanceof Uint8Array && h.length === 32;

/** Message log of one height. */
export class HeightLog {
  private readonly rounds = new Map<Round, RoundLog>();
  private readonly conflictingProposers = new Set<Round>();

  constructor(
    private readonly validators: ValidatorSet,
    private readonly crypto: ConsensusCrypto,
    readonly height: Height,
  ) {}

  /** The log of `round`, created empty on first use. */
  at(round: Round): RoundLog {
    let log = this.rounds.get(round);
    if (log === undefined) {
      const { validators: set, height } = this;
      log = {
        proposal: undefined,
        prevotes: new VoteSet(set, height, round, 'prevote'),
        precommits: new VoteSet(set, height, round, 'precommit'),
        senders: new Set(),
      };
      this.rounds.set(round, log);
    }
    return log;
  }

  /** The log of `round` if anything was recorded in it. */
  peek(round: Round): RoundLog | undefined {
    return this.rounds.get(round);
  }

  /** Rounds that have a log, ascending. */
  knownRounds(): Round[] {
    return [...this.rounds.keys()].sort((a, b) => a - b);
  }

  /** The highest round above `current` with messages from f + 1 distinct validators (line 55). */
  skipTarget(current: Round): Round | undefined {
    let best: Round | undefined;
    for (const [round, log] of this.rounds) {
      if (
        round > current &&
        log.senders.size >= this.validators.skipThreshold &&
        (best === undefined || round > best)
      ) {
        best = round;
      }
    }
    return best;
  }

  /** Records this node's own proposal (already signed, never verified again). */
  addOwnProposal(p: Proposal): void {
    const log = this.at(p.round);
    log.proposal ??= p;
    log.senders.add(p.proposer);
  }

  /** Records this node's own vote. */
  addOwnVote(v: Vote): void {
    const log = this.at(v.round);
    (v.type === 'prevote' ? log.prevotes : log.precommits).add(v);
    log.senders.add(v.validator);
  }

  /** Checks and records a proposal from the network; `maxRound` bounds buffering of future rounds. */
  admitProposal(p: Proposal, maxRound: Round): Admission {
    const shape = this.checkCommon(p.height, p.round, p.proposer, maxRound, p.blockHash);
    if (shape !== undefined) return shape;
    if (!Number.isSafeInteger(p.polRound) || p.polRound < -1 || p.polRound >= p.round) {
      return reject(ConsensusErrorCode.MALFORMED, `polRound ${p.polRound} not in -1..${p.round - 1}`);
    }
    const expected = proposerOf(this.validators, p.height, p.round);
    if (p.proposer !== expected) {
      return reject(
        ConsensusErrorCode.NOT_PROPOSER,
        `${p.proposer} is not proposer(${p.height}, ${p.round}) = ${expected}`,
      );
    }
    const existing = this.rounds.get(p.round)?.proposal;
    if (existing !== undefined && sameProposal(existing, p))
      return reject(ConsensusErrorCode.DUPLICATE, 'proposal');
    if (!this.crypto.verify(p.proposer, proposalSignBytes(this.validators.chainId, p), p.signature)) {
      return reject(ConsensusErrorCode.BAD_SIGNATURE, `proposal from ${p.proposer}`);
    }
    if (existing !== undefined) {
      // Only the first proposal of a round drives the prevote (lines 22 and 28); values are hashes, so
      // locking and deciding read the votes alone and do not need the other variants stored.
      if (this.conflictingProposers.has(p.round))
        return reject(ConsensusErrorCode.DUPLICATE, 'equivocating proposal');
      this.conflictingProposers.add(p.round);
      const evidence: Evidence = {
        kind: 'conflicting-proposal',
        validator: p.proposer,
        first: existing,
        second: p,
      };
      return reject(ConsensusErrorCode.EQUIVOCATION, `conflicting proposal from ${p.proposer}`, evidence);
    }
    const log = this.at(p.round);
    log.proposal = p;
    log.senders.add(p.proposer);
    return { accepted: true };
  }

  /** Checks and records a vote from the network. */
  admitVote(v: Vote, maxRound: Round): Admission {
    if (v.type !== 'prevote' && v.type !== 'precommit')
      return reject(ConsensusErrorCode.MALFORMED, 'vote type');
    const shape = this.checkCommon(v.height, v.round, v.validator, maxRound, v.blockHash);
    if (shape !== undefined) return shape;
    const known = this.rounds.get(v.round);
    if (known !== undefined && (v.type === 'prevote' ? known.prevotes : known.precommits).hasSame(v)) {
      return reject(ConsensusErrorCode.DUPLICATE, `${v.type} from ${v.validator}`);
    }
    if (!this.crypto.verify(v.validator, voteSignBytes(this.validators.chainId, v), v.signature)) {
      return reject(ConsensusErrorCode.BAD_SIGNATURE, `${v.type} from ${v.validator}`);
    }
    const log = this.at(v.round);
    const result = (v.type === 'prevote' ? log.prevotes : log.precommits).add(v);
    if (result.status === 'duplicate')
      return reject(ConsensusErrorCode.DUPLICATE, `${v.type} from ${v.validator}`);
    // Not counted now, but may be once f + 1 others vote for its value: a transient refusal.
    if (result.status === 'ignored')
      return reject(ConsensusErrorCode.EQUIVOCATION, `more ${v.type}s from ${v.validator}`);
    log.senders.add(v.validator);
    // A first conflicting vote is counted (the validator did sign it) and reported.
    return result.status === 'conflict' ? { accepted: true, evidence: result.evidence } : { accepted: true };
  }

  /**
   * Checks a commit certificate for this height and counts its precommits (catch-up for a node that
   * missed them). A certificate is verified as a whole: 2f + 1 distinct valid signatures or nothing.
   */
  admitCertificate(certificate: CommitCertificate): Admission {
    const check = checkCertificate(this.validators, this.crypto, certificate, { height: this.height });
    if (!check.ok) {
      const code =
        check.fault === 'wrong-height'
          ? ConsensusErrorCode.WRONG_HEIGHT
          : check.fault === 'unknown-validator'
            ? ConsensusErrorCode.UNKNOWN_VALIDATOR
            : check.fault === 'bad-signature'
              ? ConsensusErrorCode.BAD_SIGNATURE
              : ConsensusErrorCode.MALFORMED;
      return reject(code, `certificate: ${check.fault} (${check.detail})`);
    }
    const log = this.at(certificate.round);
    let changed = false;
    for (const vote of certificateVotes(certificate)) {
      changed = log.precommits.addCertified(vote) || changed;
      log.senders.add(vote.validator);
    }
    return changed
      ? { accepted: true }
      : reject(ConsensusErrorCode.DUPLICATE, 'certificate adds no precommit');
  }

  private checkCommon(
    height: Height,
    round: Round,
    sender: ValidatorId,
    maxRound: Round,
    blockHash: Uint8Array | null,
  ): Admission | undefined {
    if (!isRound(height) || !isRound(round)) return reject(ConsensusErrorCode.MALFORMED, 'height/round');
    if (blockHash !== null && !isHash(blockHash))
      return reject(ConsensusErrorCode.MALFORMED, 'block hash length');
    if (height !== this.height)
      return reject(ConsensusErrorCode.WRONG_HEIGHT, `height ${height} != ${this.height}`);
    if (!this.validators.has(sender)) return reject(ConsensusErrorCode.UNKNOWN_VALIDATOR, sender);
    if (round > maxRound) return reject(ConsensusErrorCode.ROUND_TOO_FAR, `round ${round} > ${maxRound}`);
    return undefined;
  }
}

function sameProposal(a: Proposal, b: Proposal): boolean {
  return a.polRound === b.polRound && bytesEqual(a.blockHash, b.blockHash);
}
