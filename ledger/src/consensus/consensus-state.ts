/**
 * The state of one Tendermint instance and the effects it can produce, kept apart from the rules in
 * `tendermint.ts`: Algorithm 1's variables (h_p, round_p, step_p, lockedValue_p, lockedRound_p,
 * validValue_p, validRound_p), the message log of the current height, the application's validity
 * answers, and the ordered outputs of the current step with the write-ahead discipline: a `persist`
 * output always precedes the first `broadcast` of anything newly signed.
 */
import { valueKey } from './bytes.ts';
import { HeightLog } from './height-log.ts';
import type {
  BlockHash,
  ConsensusApplication,
  ConsensusCrypto,
  ConsensusOutput,
  Height,
  Round,
  RoundStep,
  SignedMessage,
  TimeoutConfig,
  TimeoutKind,
  ValidatorId,
  WalState,
} from './interface.ts';
import { OwnMessages } from './own-messages.ts';
import { DEFAULT_TIMEOUTS, timeoutFor, validateTimeouts } from './timeouts.ts';
import type { ValidatorSet } from './validator-set.ts';

/** Options of a consensus instance. */
export interface TendermintInit {
  /** This node's validator id; a non-validator id runs an observer that never signs. */
  readonly validatorId: ValidatorId;
  readonly validators: ValidatorSet;
  readonly timeouts?: TimeoutConfig;
  /** How many rounds ahead of the current one messages are buffered (memory bound). Default 1000. */
  readonly maxRoundsAhead?: number;
}

/** Collaborators of a consensus instance. */
export interface TendermintComponents {
  readonly crypto: ConsensusCrypto;
  readonly app: ConsensusApplication;
}

/** Read-only view of the state variables of Algorithm 1. */
export interface ConsensusStateView {
  readonly started: boolean;
  readonly height: Height;
  readonly round: Round;
  readonly step: RoundStep;
  readonly lockedValue: BlockHash | null;
  readonly lockedRound: number;
  readonly validValue: BlockHash | null;
  readonly validRound: number;
}

/** Variables, message log and output discipline shared by the rules of {@link Tendermint}. */
export abstract class ConsensusState {
  protected readonly validators: ValidatorSet;
  protected readonly maxRoundsAhead: number;
  protected readonly own: OwnMessages;
  private readonly timeouts: TimeoutConfig;
  protected started = false;
  protected height: Height = 0;
  protected round: Round = 0;
  protected stepName: RoundStep = 'propose';
  protected lockedValue: BlockHash | null = null;
  protected lockedRound = -1;
  protected validValue: BlockHash | null = null;
  protected validRound = -1;
  protected log: HeightLog;
  protected readonly validity = new Map<string, boolean>();
  protected readonly pendingValidation = new Set<string>();
  private readonly fired = new Set<string>();
  protected out: ConsensusOutput[] = [];
  /** Variables changed since the last `persist` output. */
  protected walDirty = false;
  private persistedSignatures = -1;

  /** @throws {RangeError} for a bad timeout configuration or `maxRoundsAhead`. */
  constructor(
    init: TendermintInit,
    protected readonly components: TendermintComponents,
  ) {
    this.validators = init.validators;
    this.timeouts = validateTimeouts(init.timeouts ?? DEFAULT_TIMEOUTS);
    this.maxRoundsAhead = init.maxRoundsAhead ?? 1000;
    if (!Number.isSafeInteger(this.maxRoundsAhead) || this.maxRoundsAhead < 1) {
      throw new RangeError(`maxRoundsAhead: ${init.maxRoundsAhead}`);
    }
    this.own = new OwnMessages(init.validators, components.crypto, init.validatorId);
    this.log = new HeightLog(init.validators, components.crypto, 0);
  }

  /** The state variables of Algorithm 1 (the byte arrays are not copied: do not mutate them). */
  get state(): ConsensusStateView {
    const { started, height, round, stepName: step, lockedValue, lockedRound, validValue, validRound } = this;
    return { started, height, round, step, lockedValue, lockedRound, validValue, validRound };
  }

  /** What must be on stable storage now for a restart to be safe (also emitted as `persist`). */
  walState(): WalState {
    return {
      height: this.height,
      round: this.round,
      step: this.stepName,
      lockedValue: this.lockedValue,
      lockedRound: this.lockedRound,
      validValue: this.validValue,
      validRound: this.validRound,
      ownProposals: this.own.allProposals(),
      ownVotes: this.own.allVotes(),
      validPolVotes:
        this.validValue === null
          ? []
          : (this.log.peek(this.validRound)?.prevotes.votesFor(this.validValue) ?? []),
    };
  }

  /** Line 53: initial values for a new height, with an empty message log. */
  protected resetHeight(height: Height): void {
    this.height = height;
    this.round = 0;
    this.stepName = 'propose';
    this.lockedValue = null;
    this.lockedRound = -1;
    this.validValue = null;
    this.validRound = -1;
    this.log = new HeightLog(this.validators, this.components.crypto, height);
    this.own.reset(height);
    this.validity.clear();
    this.pendingValidation.clear();
    this.fired.clear();
    this.walDirty = true;
  }

  /** valid(v) if known; otherwise asks the application once and returns undefined. */
  protected isValid(value: BlockHash): boolean | undefined {
    const key = valueKey(value);
    const known = this.validity.get(key);
    if (known !== undefined || this.pendingValidation.has(key)) return known;
    this.pendingValidation.add(key);
    this.out.push({ type: 'request-validation', height: this.height, blockHash: Uint8Array.from(value) });
    return undefined;
  }

  /** Records the application's validity answer. */
  protected setValidity(value: BlockHash, valid: boolean): void {
    const key = valueKey(value);
    this.pendingValidation.delete(key);
    this.validity.set(key, valid);
  }

  /** Whether `rule` already fired in the current round. */
  protected hasFired(rule: string): boolean {
    return this.fired.has(`${rule}:${this.round}`);
  }

  /** The "for the first time" guards of lines 34, 36 and 47: true only on the first call per round. */
  protected once(rule: string): boolean {
    if (this.hasFired(rule)) return false;
    this.fired.add(`${rule}:${this.round}`);
    return true;
  }

  /** Signs (or re-uses, after a restart) this round's vote of `type` and broadcasts it. */
  protected vote(type: 'prevote' | 'precommit', value: BlockHash | null): void {
    const vote = this.own.vote(type, this.round, value);
    if (vote !== undefined) this.broadcast({ kind: 'vote', vote });
  }

  /** Counts an own message locally (the paper's broadcast reaches the sender too) and sends it. */
  protected broadcast(message: SignedMessage): void {
    // Write-ahead: the WAL must hold a signed message before the message can leave the process.
    if (this.walDirty || this.own.signatures !== this.persistedSignatures) this.persist();
    this.record(message);
  }

  /** Counts an own message and emits its broadcast, without persisting (it is already on disk). */
  protected record(message: SignedMessage): void {
    if (message.kind === 'proposal') this.log.addOwnProposal(message.proposal);
    else this.log.addOwnVote(message.vote);
    this.out.push({ type: 'broadcast', message });
  }

  /** Emits the current WAL state. */
  protected persist(): void {
    this.out.push({ type: 'persist', wal: this.walState() });
    this.persistedSignatures = this.own.signatures;
    this.walDirty = false;
  }

  /** Emits a timeout for `kind` in `round` of the current height, growing with the round. */
  protected schedule(kind: TimeoutKind, round: Round): void {
    const durationMs = timeoutFor(this.timeouts, kind, round);
    this.out.push({ type: 'schedule-timeout', kind, height: this.height, round, durationMs });
  }
}
