/**
 * Error codes of the ledger's application layer (transactions, state, contracts, mempool, blocks).
 * Every rejection carries one of these stable strings, so the HTTP API, peers and logs can tell the
 * reasons apart without parsing messages.
 */
import { CodedError } from '@privgate/accel';

/** Stable codes; never rename them, clients and peers match on them. */
export const LedgerErrorCode = {
  // Envelope: a transaction that fails one of these never enters a block.
  /** Not canonical CBOR of the transaction schema (or of the kind's payload schema). */
  TX_MALFORMED: 'TX_MALFORMED',
  /** Longer than the size limit of its kind (checked before parsing). */
  TX_OVERSIZED: 'TX_OVERSIZED',
  /** A schema version this node does not understand. */
  TX_UNSUPPORTED_VERSION: 'TX_UNSUPPORTED_VERSION',
  /** Signed for another chain. */
  TX_WRONG_CHAIN: 'TX_WRONG_CHAIN',
  /** The signature does not verify with the sender's registered key over the received bytes. */
  TX_BAD_SIGNATURE: 'TX_BAD_SIGNATURE',
  /** The sender is not a registered organisation. */
  TX_UNKNOWN_SENDER: 'TX_UNKNOWN_SENDER',
  /** Already committed (same id), or its nonce is already used. */
  TX_REPLAY: 'TX_REPLAY',
  /** Already in the mempool (same id). */
  TX_DUPLICATE: 'TX_DUPLICATE',
  /** Its nonce skips nonces of the sender that are not committed (or is too far ahead for the mempool). */
  TX_NONCE_GAP: 'TX_NONCE_GAP',
  /** Its timestamp is too old or too far in the future for the block (or the node's clock). */
  TX_STALE: 'TX_STALE',
  /** A Groth16 proof that does not verify. */
  PROOF_INVALID: 'PROOF_INVALID',
  /** No verification key is registered for the circuit, or the tx names another key than the registered one. */
  VKEY_UNKNOWN: 'VKEY_UNKNOWN',
  // Contract rules: checked against the state as the block is applied.
  /** The sender's roles do not allow this operation. */
  TX_FORBIDDEN: 'TX_FORBIDDEN',
  /** A nullifier was seen before (in state, earlier in the block, or earlier in the same batch). */
  NULLIFIER_SEEN: 'NULLIFIER_SEEN',
  /** Fewer valid, distinct validator approvals than the quorum. */
  QUORUM_NOT_MET: 'QUORUM_NOT_MET',
  /** A governance change approved for another version of its target (stale or replayed approvals). */
  VERSION_CONFLICT: 'VERSION_CONFLICT',
  /** A change that would leave the registry unusable (no validator left, a key that is not a point). */
  IDENTITY_INVALID: 'IDENTITY_INVALID',
  /** A verification key whose bytes do not hash to the announced hash. */
  VKEY_MISMATCH: 'VKEY_MISMATCH',
  /** A dataset version that is not greater than the latest anchored one. */
  DATASET_VERSION_STALE: 'DATASET_VERSION_STALE',
  /** A dataset that was never anchored. */
  DATASET_UNKNOWN: 'DATASET_UNKNOWN',
  /** A policy that names an agency that is not a registered agency. */
  POLICY_INVALID: 'POLICY_INVALID',
  /** No policy allows this agency to run this query (kind, datasets, purpose). */
  POLICY_DENIED: 'POLICY_DENIED',
  /** The policy's rate limit for the current window is used up. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A query id that was already opened. */
  QUERY_EXISTS: 'QUERY_EXISTS',
  /** A result or failure for a query that is not open. */
  QUERY_NOT_OPEN: 'QUERY_NOT_OPEN',
  /** A referenced proof transaction is not committed. */
  PROOF_UNKNOWN: 'PROOF_UNKNOWN',
  /** A referenced proof transaction was submitted for another query (its context is not this query id). */
  PROOF_WRONG_QUERY: 'PROOF_WRONG_QUERY',
  // Mempool.
  /** The mempool is at its count or byte bound. */
  MEMPOOL_FULL: 'MEMPOOL_FULL',
  // Blocks and store.
  /** Not canonical CBOR of the block schema, or over the block limits. */
  BLOCK_MALFORMED: 'BLOCK_MALFORMED',
  /** A header that does not follow the chain (height, previous hash, timestamp, tx root or count). */
  BLOCK_INVALID: 'BLOCK_INVALID',
  /** The header's state root differs from the one computed by applying the block. */
  STATE_ROOT_MISMATCH: 'STATE_ROOT_MISMATCH',
  /** An execution computed on another committed state than the current one. */
  STATE_STALE_EXECUTION: 'STATE_STALE_EXECUTION',
  /** The store's contents contradict each other. */
  STATE_CORRUPT: 'STATE_CORRUPT',
  /** The store is closed, or was opened for another chain. */
  STATE_UNAVAILABLE: 'STATE_UNAVAILABLE',
  /** A genesis document that cannot start a chain. */
  GENESIS_INVALID: 'GENESIS_INVALID',
} as const;

/** One of the {@link LedgerErrorCode} strings. */
export type LedgerErrorCode = (typeof LedgerErrorCode)[keyof typeof LedgerErrorCode];

/** Context of a ledger error: plain values only, so it survives JSON and worker boundaries. */
export type LedgerErrorContext = Record<string, string | number | boolean | null>;

/**
 * The error of the ledger's application layer: a stable `code` and typed context. Crosses process
 * boundaries as `{ code, message, context }` (accel's `CodedError.toJSON`).
 */
export class LedgerError extends CodedError<LedgerErrorCode, LedgerErrorContext> {}

/** Whether `err` is a {@link LedgerError} with one of `codes` (any code when none are given). */
export function isLedgerError(err: unknown, ...codes: LedgerErrorCode[]): err is LedgerError {
  return err instanceof LedgerError && (codes.length === 0 || codes.includes(err.code));
}
