/**
 * Tendermint consensus as a pure, deterministic state machine: Algorithm 1 of Buchman, Kwon and
 * Milosevic, "The latest gossip on BFT consensus" (2018). Line numbers in comments refer to it.
 *
 * `step(input)` returns the outputs to execute in order; the core does no I/O, owns no timers and
 * draws no randomness, so the same inputs always give the same outputs (the simulation relies on it).
 *
 * Values are 32-byte block hashes, so `id(v) = v`. Where the paper requires "⟨PROPOSAL, …, v⟩ AND
 * 2f+1 votes for id(v)" to lock (line 36) or decide (line 49), the proposal only serves to deliver
 * the value v; here the votes carry v itself and `valid(v)` is answered by the application (which
 * must fetch the block to validate it). Those rules therefore read the votes and validity alone, which
 * also keeps a node able to decide a value whose proposal an equivocating proposer sent elsewhere.
 * Validity is asynchronous: the core emits `request-validation` and waits for `block-validity`.
 */
import { valuesEqual } from './bytes.ts';
import { buildCertificate } from './certificate.ts';
import { ConsensusState, type TendermintComponents, type TendermintInit } from './consensus-state.ts';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';
import type {
  BlockHash,
  ConsensusInput,
  Height,
  Rejection,
  Round,
  StepResult,
  TimeoutKind,
  WalState,
} from './interface.ts';
import { proposerOf } from './proposer.ts';

export type { ConsensusStateView, TendermintComponents, TendermintInit } from './consensus-state.ts';

/** One validator's Tendermint state machine. Drive it with {@link Tendermint.step}. */
export class Tendermint extends ConsensusState {
  /**
   * Creates an instance; pass the last persisted `wal` to restore after a crash, then `start` it.
   * @throws {RangeError} for a bad timeout configuration or `maxRoundsAhead`.
   */
  constructor(
    init: TendermintInit,
    components: TendermintComponents,
    private readonly restored?: WalState,
  ) {
    super(init, components);
  }

  /**
   * Feeds one input and returns the outputs to execute, in order. `persist` outputs must be durable
   * before any later `broadcast` output of the same result is sent.
   * @throws {ConsensusError} `CONSENSUS_ALREADY_STARTED`, `CONSENSUS_STALE_START` (start below the
   *   persisted height), `CONSENSUS_INVALID_WAL`, or `CONSENSUS_INVALID_VALUE` (bad `getValue` result).
   */
  step(input: ConsensusInput): StepResult {
    this.out = [];
    const rejected = this.dispatch(input);
    if (rejected === undefined) this.evaluate();
    if (this.walDirty) this.persist();
    const outputs = this.out;
    this.out = [];
    return rejected === undefined ? { outputs } : { outputs, rejected };
  }

  /**
   * Whether this node may prevote `blockHash` proposed with `polRound` given its lock: lines 23 and 29
   * (`lockedRound = −1 ∨ lockedValue = v` is the case polRound = −1 of `lockedRound ≤ vr ∨ …`).
   * Protected so tests can break locking on purpose and watch the simulation catch it.
   */
  protected lockAllowsPrevote(blockHash: BlockHash, polRound: number): boolean {
    return this.lockedRound <= polRound || valuesEqual(this.lockedValue, blockHash);
  }

  private dispatch(input: ConsensusInput): Rejection | undefined {
    if (input.type === 'start') return this.start(input.height);
    if (!this.started) return { code: ConsensusErrorCode.NOT_STARTED, detail: input.type };
    switch (input.type) {
      case 'proposal':
      case 'vote':
      case 'commit': {
        const maxRound = this.round + this.maxRoundsAhead;
        const admission =
          input.type === 'proposal'
            ? this.log.admitProposal(input.proposal, maxRound)
            : input.type === 'vote'
              ? this.log.admitVote(input.vote, maxRound)
              : this.log.admitCertificate(input.certificate);
        if (admission.evidence !== undefined)
          this.out.push({ type: 'evidence', evidence: admission.evidence });
        return admission.accepted ? undefined : admission.rejection;
      }
      case 'timeout':
        return this.onTimeout(input.kind, input.height, input.round);
      case 'block-validity':
        this.setValidity(input.blockHash, input.valid);
        return undefined;
    }
  }

  private start(height: Height): Rejection | undefined {
    if (this.started)
      throw new ConsensusError(ConsensusErrorCode.ALREADY_STARTED, 'start called twice', { height });
    if (!Number.isSafeInteger(height) || height < 1) throw new RangeError(`height: ${height}`);
    const wal = this.restored;
    if (wal !== undefined && height < wal.height) {
      throw new ConsensusError(
        ConsensusErrorCode.STALE_START,
        `start at ${height} below persisted ${wal.height}`,
        {
          height,
          persisted: wal.height,
        },
      );
    }
    this.started = true;
    if (wal !== undefined && height === wal.height) this.resume(wal);
    else this.enterHeight(height);
    return undefined;
  }

  /** Re-enters the persisted height, round and step with the own messages already signed in it. */
  private resume(wal: WalState): void {
    this.resetHeight(wal.height);
    this.own.load(wal.height, wal.ownProposals, wal.ownVotes);
    if (wal.lockedRound > wal.round || wal.validRound > wal.round) {
      throw new ConsensusError(ConsensusErrorCode.INVALID_WAL, 'locked/valid round above current round');
    }
    this.round = wal.round;
    this.stepName = wal.step;
    this.lockedValue = wal.lockedValue;
    this.lockedRound = wal.lockedRound;
    this.validValue = wal.validValue;
    this.validRound = wal.validRound;
    // Re-send what was signed before the crash (peers may have missed it) and count it locally.
    for (const p of this.own.allProposals()) this.record({ kind: 'proposal', proposal: p });
    for (const v of this.own.allVotes()) this.record({ kind: 'vote', vote: v });
    // Restore and re-gossip the proof-of-lock of validValue: peers need it to accept its re-proposal.
    for (const vote of wal.validPolVotes) {
      const admitted = this.log.admitVote(vote, Number.MAX_SAFE_INTEGER);
      if (admitted.accepted) this.out.push({ type: 'broadcast', message: { kind: 'vote', vote } });
    }
    if (this.stepName !== 'propose') {
      // The vote tallies that would arm these timeouts (lines 34, 47) were lost with the crash;
      // arming them now only affects liveness, never safety.
      this.schedule(this.stepName, this.round);
    } else if (this.own.proposalAt(this.round) === undefined) {
      this.proposeOrWait(); // not proposed yet in this round
    } else {
      this.schedule('propose', this.round); // its proposal was just re-sent above
    }
  }

  /** Lines 52–54: move to a new height with fresh state and start round 0. */
  private enterHeight(height: Height): void {
    this.resetHeight(height);
    this.startRound(0);
  }

  /** StartRound, lines 10–21. */
  private startRound(round: Round): void {
    this.round = round;
    this.stepName = 'propose';
    this.walDirty = true;
    this.proposeOrWait();
  }

  /** Lines 13–21: propose if this node is proposer(h, r); arm timeoutPropose in any case. */
  private proposeOrWait(): void {
    const round = this.round;
    // Line 21 arms this only for non-proposers. Arming it for the proposer too (as Tendermint's
    // implementation does) keeps a proposer that cannot prevote its own proposal from waiting forever:
    // after a restart its log may lack the POL prevotes of the validValue it re-proposes (line 28).
    // A timeout only ever leads to nil votes, so this cannot affect safety.
    this.schedule('propose', round);
    if (proposerOf(this.validators, this.height, round) !== this.own.self || !this.own.canSign) return;
    let proposal = this.own.proposalAt(round); // already signed before a crash: send the same one
    if (proposal === undefined) {
      let value = this.validValue; // line 14
      if (value === null) {
        value = this.components.app.getValue(this.height); // line 15
        if (!(value instanceof Uint8Array) || value.length !== 32) {
          throw new ConsensusError(ConsensusErrorCode.INVALID_VALUE, 'getValue must return 32 bytes', {
            height: this.height,
          });
        }
        this.setValidity(value, true); // the application vouches for its own block
      }
      proposal = this.own.propose(round, Uint8Array.from(value), this.validRound)!;
    }
    this.broadcast({ kind: 'proposal', proposal }); // line 16
  }

  /** Timeout handlers, lines 57–67. */
  private onTimeout(kind: TimeoutKind, height: Height, round: Round): Rejection | undefined {
    const stale = { code: ConsensusErrorCode.STALE_TIMEOUT, detail: `${kind}@${height}/${round}` };
    if (height !== this.height || round !== this.round) return stale;
    if (kind === 'propose' && this.stepName === 'propose') {
      this.vote('prevote', null); // line 59
      this.stepName = 'prevote';
    } else if (kind === 'prevote' && this.stepName === 'prevote') {
      this.vote('precommit', null); // line 63
      this.stepName = 'precommit';
    } else if (kind === 'precommit') {
      this.startRound(round + 1); // line 67
    } else {
      return stale;
    }
    this.walDirty = true;
    return undefined;
  }

  /** Applies the `upon` rules until none fires; each firing changes state, so this terminates. */
  private evaluate(): void {
    while (
      this.tryDecide() ||
      this.tryRoundSkip() ||
      this.tryPrevoteOnProposal() ||
      this.tryArm('prevote') ||
      this.tryLock() ||
      this.tryPrecommitNil() ||
      this.tryArm('precommit')
    );
  }

  /** Line 49: 2f+1 precommits for v in any round r of this height, and valid(v) → decide v. */
  private tryDecide(): boolean {
    for (const r of this.log.knownRounds()) {
      const precommits = this.log.at(r).precommits;
      for (const value of precommits.quorumBlocks()) {
        if (this.isValid(value) !== true) continue;
        const height = this.height;
        const certificate = buildCertificate(this.validators, height, r, value, precommits.votesFor(value));
        this.out.push({ type: 'decide', height, blockHash: value, certificate }); // line 51
        this.enterHeight(height + 1); // lines 52–54
        return true;
      }
    }
    return false;
  }

  /** Line 55: f+1 validators sent messages of a higher round → StartRound(that round). */
  private tryRoundSkip(): boolean {
    const target = this.log.skipTarget(this.round);
    if (target === undefined) return false;
    this.startRound(target);
    return true;
  }

  /** Lines 22–33: the first proposal of the round (with its POL, if any) → prevote v or nil. */
  private tryPrevoteOnProposal(): boolean {
    if (this.stepName !== 'propose') return false;
    const proposal = this.log.at(this.round).proposal;
    if (proposal === undefined) return false;
    const { blockHash: value, polRound } = proposal;
    // Line 28 additionally needs 2f+1 prevotes for v in round vr (< round_p, checked on admission).
    if (polRound >= 0 && this.log.peek(polRound)?.prevotes.hasQuorumFor(value) !== true) return false;
    const valid = this.isValid(value);
    if (valid === undefined) return false; // wait for the application, or for timeoutPropose
    const accept = valid && this.lockAllowsPrevote(value, polRound); // lines 23 and 29
    this.vote('prevote', accept ? value : null); // lines 24/26 and 30/32
    this.stepName = 'prevote'; // lines 27 and 33
    this.walDirty = true;
    return true;
  }

  /** Lines 34–35 and 47–48: first 2f+1 votes of any value in this round → arm the step timeout. */
  private tryArm(type: 'prevote' | 'precommit'): boolean {
    if (type === 'prevote' && this.stepName !== 'prevote') return false;
    const log = this.log.at(this.round);
    const set = type === 'prevote' ? log.prevotes : log.precommits;
    if (!set.hasQuorumAny() || !this.once(`arm-${type}`)) return false;
    this.schedule(type, this.round);
    return true;
  }

  /** Lines 36–43: 2f+1 prevotes for a valid v in this round while step ≥ prevote, first time. */
  private tryLock(): boolean {
    if (this.stepName === 'propose' || this.hasFired('lock')) return false;
    const value = this.log.at(this.round).prevotes.quorumValue()?.blockHash;
    if (value == null || this.isValid(value) !== true) return false;
    this.once('lock');
    if (this.stepName === 'prevote') {
      this.lockedValue = value; // line 38
      this.lockedRound = this.round; // line 39
      this.vote('precommit', value); // line 40
      this.stepName = 'precommit'; // line 41
    }
    this.validValue = value; // line 42
    this.validRound = this.round; // line 43
    this.walDirty = true;
    return true;
  }

  /** Lines 44–46: 2f+1 prevotes for nil while in prevote → precommit nil. */
  private tryPrecommitNil(): boolean {
    if (this.stepName !== 'prevote' || !this.log.at(this.round).prevotes.hasQuorumFor(null)) return false;
    this.vote('precommit', null);
    this.stepName = 'precommit';
    this.walDirty = true;
    return true;
  }
}
