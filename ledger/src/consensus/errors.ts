/**
 * Error codes of the consensus core. The same stable strings are used for thrown
 * {@link ConsensusError}s (programming or configuration mistakes) and for the `rejected` reason a
 * `step` returns when it ignores a message (which is normal under Byzantine peers and only logged).
 */

/** Stable codes; never renumber or rename, they cross process boundaries in logs and metrics. */
export const ConsensusErrorCode = {
  /** The sender is not in the validator set. */
  UNKNOWN_VALIDATOR: 'CONSENSUS_UNKNOWN_VALIDATOR',
  /** The signature does not verify over the canonical sign bytes. */
  BAD_SIGNATURE: 'CONSENSUS_BAD_SIGNATURE',
  /** The message is for another height than the one the node is deciding. */
  WRONG_HEIGHT: 'CONSENSUS_WRONG_HEIGHT',
  /** The message is for a round too far ahead to be buffered. */
  ROUND_TOO_FAR: 'CONSENSUS_ROUND_TOO_FAR',
  /** A proposal signed by someone other than proposer(h, r). */
  NOT_PROPOSER: 'CONSENSUS_NOT_PROPOSER',
  /** The same message (same content) was already accepted. */
  DUPLICATE: 'CONSENSUS_DUPLICATE',
  /** A second, different message of the same kind from the same signer: evidence was recorded. */
  EQUIVOCATION: 'CONSENSUS_EQUIVOCATION',
  /** Structurally impossible message (bad hash length, polRound out of range, ...). */
  MALFORMED: 'CONSENSUS_MALFORMED',
  /** A message or timeout arrived before `start`. */
  NOT_STARTED: 'CONSENSUS_NOT_STARTED',
  /** A timeout for a height, round or step the node already left (normal, not an error). */
  STALE_TIMEOUT: 'CONSENSUS_STALE_TIMEOUT',
  /** `start` at a height below the persisted one would risk double-signing. */
  STALE_START: 'CONSENSUS_STALE_START',
  /** `start` was called twice. */
  ALREADY_STARTED: 'CONSENSUS_ALREADY_STARTED',
  /** The validator set from genesis is unusable. */
  INVALID_VALIDATOR_SET: 'CONSENSUS_INVALID_VALIDATOR_SET',
  /** The persisted WAL state is inconsistent with this node. */
  INVALID_WAL: 'CONSENSUS_INVALID_WAL',
  /** The application returned an unusable value. */
  INVALID_VALUE: 'CONSENSUS_INVALID_VALUE',
} as const;

/** One of the {@link ConsensusErrorCode} strings. */
export type ConsensusErrorCode = (typeof ConsensusErrorCode)[keyof typeof ConsensusErrorCode];

/** Typed context attached to an error, safe to serialise. */
export type ConsensusErrorContext = Readonly<Record<string, string | number | boolean | null>>;

/**
 * The one error class of the consensus area: a stable `code` plus typed context, so it can cross a
 * worker or network boundary as `{ code, message, context }` and be re-created on the other side.
 */
export class ConsensusError extends Error {
  readonly code: ConsensusErrorCode;
  readonly context: ConsensusErrorContext;

  constructor(code: ConsensusErrorCode, message: string, context: ConsensusErrorContext = {}) {
    super(message);
    this.name = 'ConsensusError';
    this.code = code;
    this.context = context;
  }

  /** Plain-object form for logs and RPC. */
  toJSON(): { code: ConsensusErrorCode; message: string; context: ConsensusErrorContext } {
    return { code: this.code, message: this.message, context: this.context };
  }
}
