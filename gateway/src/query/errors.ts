/**
 * Errors of the credit-penetration query. Every way a query can end without an answer has its code;
 * codes cross gateways inside RPC answers as `{ code, message, context }` and the entry gateway writes the
 * code as the reason of the ledger's "failed" audit event.
 */
import { CodedError } from '@privgate/accel';

export interface QueryErrorContexts {
  /** The request does not match the schema, or its authorisation does not match the request. */
  QUERY_INVALID: { reason: string };
  /** The ledger or the policy refuses the agency this query (no policy, other purpose, disclosure …). */
  QUERY_UNAUTHORISED: { agency: string; policyId: string; reason: string; ledgerCode?: string };
  /**
   * The agency's signed authorisation is older than the gateway accepts, or dated too far in the future
   * (`timestamp` and `now` in ms since the epoch).
   */
  QUERY_AUTHORISATION_STALE: { timestamp: number; now: number; maxAgeMs: number; maxSkewMs: number };
  /** The subject is not in the market-regulation registry. */
  QUERY_SUBJECT_UNKNOWN: Record<string, never>;
  /** A metric names a dataset no gateway has anchored. */
  QUERY_METRIC_UNKNOWN: { dataset: string };
  /** Too many related parties (or metrics × parties) for one session. */
  QUERY_TOO_BROAD: { related: number; limit: number };
  /** A holder's proof does not verify or does not prove what the query needs. */
  QUERY_PROOF_INVALID: { holder: string; dataset: string; reason: string };
  /** A share does not match the holder's commitments or proofs. */
  QUERY_INCONSISTENT_SHARE: { party: string; reason: string };
  /** A gateway left during the query. */
  QUERY_PARTY_DROPPED: { party: string };
  /** A gateway did not answer in time. */
  QUERY_TIMEOUT: { waitingFor: string[]; stage: string };
  /** A holder cannot contribute (missing record, unsuitable dataset, no anchored version). */
  QUERY_CONTRIBUTION_FAILED: { party: string; dataset: string; reason: string };
  /** Anything else that ended the query (a protocol abort, a ledger failure). */
  QUERY_FAILED: { stage: string; reason: string };
}

export type QueryErrorCode = keyof QueryErrorContexts;

/** The error class of queries. */
export class QueryError<C extends QueryErrorCode = QueryErrorCode> extends CodedError<
  C,
  QueryErrorContexts[C]
> {}

/** Narrowing guard. */
export function isQueryError<C extends QueryErrorCode>(err: unknown, code?: C): err is QueryError<C> {
  return (
    err instanceof CodedError && err.code.startsWith('QUERY_') && (code === undefined || err.code === code)
  );
}
