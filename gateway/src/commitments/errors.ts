/** Errors of dataset commitments (building, persisting, anchoring and reopening versions). */
import { CodedError } from '@privgate/accel';

export interface CommitmentErrorContexts {
  /** The dataset has no int64/decimal field a commitment could cover. */
  COMMITMENT_NO_MEASURE: { dataset: string };
  /** More records than the circuits' tree holds (2^depth). */
  COMMITMENT_TOO_LARGE: { dataset: string; records: number; capacity: number };
  /** A recorded version whose files are missing or unreadable on this gateway. */
  COMMITMENT_FILES_MISSING: { dataset: string; version: number; reason: string };
  /** The version's files do not give the root the ledger anchored (or the store recorded). */
  COMMITMENT_MISMATCH: { dataset: string; version: number; expected: string; actual: string };
  /** The version was never anchored on the ledger. */
  COMMITMENT_NOT_ANCHORED: { dataset: string; version: number };
}

export type CommitmentErrorCode = keyof CommitmentErrorContexts;

/** The error class of dataset commitments. */
export class CommitmentError<C extends CommitmentErrorCode = CommitmentErrorCode> extends CodedError<
  C,
  CommitmentErrorContexts[C]
> {}
