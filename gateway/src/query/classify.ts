/**
 * Maps whatever ended a query (an MPC error, a transport error, a peer's coded error, a ledger error) to
 * the query's typed error, preferring what the entry gateway knows best: a contribution it found invalid,
 * then the first failure a participant reported, then the error itself.
 */
import { CodedError } from '@privgate/accel';
import { isMpcError } from '../mpc/index.ts';
import { TransportError } from '../mpc-transport/index.ts';
import { QueryError, type QueryErrorCode } from './errors.ts';
import type { QueryState } from './query-state.ts';

const QUERY_CODES: ReadonlySet<string> = new Set<QueryErrorCode>([
  'QUERY_INVALID',
  'QUERY_UNAUTHORISED',
  'QUERY_AUTHORISATION_STALE',
  'QUERY_SUBJECT_UNKNOWN',
  'QUERY_METRIC_UNKNOWN',
  'QUERY_TOO_BROAD',
  'QUERY_PROOF_INVALID',
  'QUERY_INCONSISTENT_SHARE',
  'QUERY_PARTY_DROPPED',
  'QUERY_TIMEOUT',
  'QUERY_CONTRIBUTION_FAILED',
  'QUERY_FAILED',
]);

/** Re-creates a query error that crossed a gateway boundary; undefined for other codes. */
export function asQueryError(err: unknown): QueryError | undefined {
  if (err instanceof QueryError) return err;
  if (err instanceof CodedError && QUERY_CODES.has(err.code)) {
    return new QueryError(err.code as QueryErrorCode, err.message, err.context as never);
  }
  return undefined;
}

/** The typed error a failed query ends with. */
export function classifyFailure(err: unknown, state: QueryState | undefined, stage: string): QueryError {
  if (state?.invalid !== undefined) {
    const { holder, dataset, check } = state.invalid;
    return new QueryError(
      'QUERY_PROOF_INVALID',
      `contribution of ${holder} for ${dataset}: ${check.reason}`,
      {
        holder,
        dataset,
        reason: `${check.code}: ${check.reason}`,
      },
    );
  }
  if (state?.reported !== undefined) return state.reported;
  const known = asQueryError(err);
  if (known !== undefined) return known;
  if (isMpcError(err)) {
    const party = err.context.party ?? 'unknown';
    switch (err.code) {
      case 'MPC_PARTY_DROPPED':
        return new QueryError('QUERY_PARTY_DROPPED', `${party} left the session`, { party });
      case 'MPC_TIMEOUT':
        return new QueryError('QUERY_TIMEOUT', err.message, {
          waitingFor: err.context.missing ?? [party],
          stage: 'mpc',
        });
      case 'MPC_INCONSISTENT_SHARE':
        return new QueryError('QUERY_INCONSISTENT_SHARE', err.message, {
          party,
          reason: err.context.reason ?? 'inconsistent share',
        });
      default:
        return new QueryError('QUERY_FAILED', err.message, {
          stage: 'mpc',
          reason: `${err.code}: ${err.context.reason ?? ''}`,
        });
    }
  }
  if (err instanceof TransportError) {
    const ctx = err.context as { party?: string };
    if (err.code === 'TRANSPORT_RPC_TIMEOUT') {
      return new QueryError('QUERY_TIMEOUT', err.message, { waitingFor: [ctx.party ?? 'unknown'], stage });
    }
    if (
      err.code === 'TRANSPORT_UNREACHABLE' ||
      err.code === 'TRANSPORT_PEER_UNKNOWN' ||
      err.code === 'TRANSPORT_CLOSED'
    ) {
      return new QueryError('QUERY_PARTY_DROPPED', err.message, { party: ctx.party ?? 'unknown' });
    }
  }
  const reason =
    err instanceof CodedError
      ? `${err.code}: ${err.message}`
      : err instanceof Error
        ? err.message
        : String(err);
  return new QueryError('QUERY_FAILED', `query failed at ${stage}: ${reason}`, { stage, reason });
}
