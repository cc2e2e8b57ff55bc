/** Errors of a holder's query contribution (building it, or checking someone else's). */
import { CodedError } from '@privgate/accel';

export interface ContributionErrorContexts {
  /** A subject of the query has no record in the dataset; the proofs cannot show absence. */
  CONTRIBUTION_RECORD_MISSING: { dataset: string; missing: number };
  /** The anchored version cannot back a per-subject figure (a subject has several records). */
  CONTRIBUTION_DATASET_UNSUITABLE: { dataset: string; reason: string };
  /** A proof does not verify. */
  CONTRIBUTION_PROOF_INVALID: { holder: string; dataset: string; circuit: string; index: number };
  /** A proof verifies but says something else than the query needs (root, subjects, commitments …). */
  CONTRIBUTION_MISMATCH: { holder: string; dataset: string; reason: string };
  /** The ledger registers another verification key for a circuit than the one this gateway verifies with. */
  CONTRIBUTION_VKEY_MISMATCH: { circuit: string };
}

export type ContributionErrorCode = keyof ContributionErrorContexts;

/** The error class of contributions. */
export class ContributionError<C extends ContributionErrorCode = ContributionErrorCode> extends CodedError<
  C,
  ContributionErrorContexts[C]
> {}
