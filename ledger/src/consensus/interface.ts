/**
 * The contract of the consensus core: the message types of Tendermint (Buchman, Kwon, Milosevic,
 * "The latest gossip on BFT consensus", 2018, Algorithm 1), the collaborators the core needs
 * (signatures, the application), and the inputs and outputs of its pure `step` function.
 *
 * The core is a deterministic state machine: it performs no I/O, owns no timers and draws no
 * randomness. The runtime around it (network, storage, clock) feeds it inputs and executes its outputs
 * in order.
 */
import type { ConsensusErrorCode } from './errors.ts';

/** Block height, a safe non-negative integer; heights start at 1 (0 is genesis). */
export type Height = number;
/** Round within a height, a safe non-negative integer. */
export type Round = number;
/** Validator identifier as written in genesis (a non-empty string of at most 128 UTF-8 bytes). */
export type ValidatorId = string;
/** A block's 32-byte hash: the value consensus decides. The block content is opaque to the core. */
export type BlockHash = Uint8Array;

/** The two vote types of Algorithm 1. */
export type VoteType = 'prevote' | 'precommit';
/** Which step of a round the node is in (`step_p` in the paper). */
export type RoundStep = 'propose' | 'prevote' | 'precommit';
/** Which of the three timeouts of Algorithm 1 fired (lines 57, 61, 65). */
export type TimeoutKind = 'propose' | 'prevote' | 'precommit';

/** ⟨PROPOSAL, h, r, v, vr⟩ signed by `proposer`; `polRound` is the paper's `vr` (-1 for none). */
export interface Proposal {
  readonly height: Height;
  readonly round: Round;
  readonly blockHash: BlockHash;
  readonly polRound: number;
  readonly proposer: ValidatorId;
  readonly signature: Uint8Array;
}

/** ⟨PREVOTE|PRECOMMIT, h, r, id(v)⟩ signed by `validator`; `blockHash: null` is a vote for nil. */
export interface Vote {
  readonly type: VoteType;
  readonly height: Height;
  readonly round: Round;
  readonly blockHash: BlockHash | null;
  readonly validator: ValidatorId;
  readonly signature: Uint8Array;
}

/** One precommit inside a certificate: the other fields are shared by the whole certificate. */
export interface CommitSignature {
  readonly validator: ValidatorId;
  readonly signature: Uint8Array;
}

/**
 * Proof that `blockHash` was decided at `height`: at least 2f+1 precommits of `round` for it, from
 * distinct validators, sorted by validator id (bytewise on UTF-8) so the encoding is canonical.
 */
export interface CommitCertificate {
  readonly height: Height;
  readonly round: Round;
  readonly blockHash: BlockHash;
  readonly precommits: readonly CommitSignature[];
}

/** A message a validator signs and gossips. */
export type SignedMessage =
  | { readonly kind: 'proposal'; readonly proposal: Proposal }
  | { readonly kind: 'vote'; readonly vote: Vote };

/** Two signed votes of one validator for the same height, round and type but different values. */
export interface DuplicateVoteEvidence {
  readonly kind: 'duplicate-vote';
  readonly validator: ValidatorId;
  readonly first: Vote;
  readonly second: Vote;
}

/** Two signed proposals of one proposer for the same height and round that differ. */
export interface ConflictingProposalEvidence {
  readonly kind: 'conflicting-proposal';
  readonly validator: ValidatorId;
  readonly first: Proposal;
  readonly second: Proposal;
}

/** Self-contained, offline-verifiable proof that a validator equivocated. */
export type Evidence = DuplicateVoteEvidence | ConflictingProposalEvidence;

/**
 * Signature collaborator. The production one is SM2 (from `accel`); the simulation uses HMAC.
 * `sign` signs with this node's key; `verify` checks a signature of the named validator.
 */
export interface ConsensusCrypto {
  sign(bytes: Uint8Array): Uint8Array;
  verify(validatorId: ValidatorId, bytes: Uint8Array, signature: Uint8Array): boolean;
}

/** The application side: it supplies the block this node proposes at a height. */
export interface ConsensusApplication {
  /** Hash of the block this node proposes at `height` (the paper's `getValue()`), 32 bytes. */
  getValue(height: Height): BlockHash;
}

/** Timeout for round r is `baseMs + r * deltaMs`, so timeouts grow with the round (paper, §3). */
export interface TimeoutSchedule {
  readonly baseMs: number;
  readonly deltaMs: number;
}

/** The three timeout schedules. */
export interface TimeoutConfig {
  readonly propose: TimeoutSchedule;
  readonly prevote: TimeoutSchedule;
  readonly precommit: TimeoutSchedule;
}

/**
 * What a validator must have on stable storage before any message it signed leaves the process, so
 * a restart never signs a conflicting message: its own proposals and votes of the current height and
 * the locked/valid value and round (Algorithm 1's persistent variables). It also keeps the 2f+1
 * prevotes that justify `validValue` (its proof-of-lock): after a restart the node re-proposes that
 * value with polRound = validRound, and peers can accept it (line 28) only if those prevotes still
 * reach them — the crash must not take the only copy with it.
 */
export interface WalState {
  readonly height: Height;
  readonly round: Round;
  readonly step: RoundStep;
  readonly lockedValue: BlockHash | null;
  readonly lockedRound: number;
  readonly validValue: BlockHash | null;
  readonly validRound: number;
  readonly ownProposals: readonly Proposal[];
  readonly ownVotes: readonly Vote[];
  /** Prevotes of `validRound` for `validValue` (empty when validRound is -1). */
  readonly validPolVotes: readonly Vote[];
}

/** Inputs to {@link Tendermint.step}. */
export type ConsensusInput =
  | { readonly type: 'start'; readonly height: Height }
  | { readonly type: 'proposal'; readonly proposal: Proposal }
  | { readonly type: 'vote'; readonly vote: Vote }
  /** A commit certificate for the current height, from a peer that decided it (catch-up). */
  | { readonly type: 'commit'; readonly certificate: CommitCertificate }
  | { readonly type: 'timeout'; readonly kind: TimeoutKind; readonly height: Height; readonly round: Round }
  | { readonly type: 'block-validity'; readonly blockHash: BlockHash; readonly valid: boolean };

/**
 * Outputs of {@link Tendermint.step}, to be executed in order. A `persist` output must be on stable
 * storage before any later `broadcast` output of the same step is sent.
 */
export type ConsensusOutput =
  | { readonly type: 'persist'; readonly wal: WalState }
  | { readonly type: 'broadcast'; readonly message: SignedMessage }
  | {
      readonly type: 'schedule-timeout';
      readonly kind: TimeoutKind;
      readonly height: Height;
      readonly round: Round;
      readonly durationMs: number;
    }
  | {
      readonly type: 'decide';
      readonly height: Height;
      readonly blockHash: BlockHash;
      readonly certificate: CommitCertificate;
    }
  | { readonly type: 'request-validation'; readonly height: Height; readonly blockHash: BlockHash }
  | { readonly type: 'evidence'; readonly evidence: Evidence };

/** Why an input was ignored; the state did not change (except for recorded evidence). */
export interface Rejection {
  readonly code: ConsensusErrorCode;
  readonly detail: string;
}

/** Result of one {@link Tendermint.step}: outputs in execution order, and a rejection reason if any. */
export interface StepResult {
  readonly outputs: ConsensusOutput[];
  readonly rejected?: Rejection;
}
