/**
 * RFC 9457 problem details: every error the gateway answers over HTTP is an `application/problem+json`
 * document whose `code` is the GatewayError code. A 4xx carries the error's context as extension members;
 * a 5xx carries nothing but its code and a reference (`instance`) that the log also records.
 */
import { randomUUID } from 'node:crypto';
import { CodedError } from '@privgate/accel';
import { z } from 'zod';
import type { CommitmentErrorCode } from '../commitments/errors.ts';
import { GatewayError, type GatewayErrorCode } from '../errors.ts';
import type { LedgerClientErrorCode } from '../ledger-client/errors.ts';
import type { QueryErrorCode } from '../query/errors.ts';

/** Base of the `type` URIs: `https://privgate.dev/problems/<code>`. */
export const PROBLEM_TYPE_BASE = 'https://privgate.dev/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** HTTP status and title of every code. */
export const PROBLEM_CATALOGUE: Readonly<Record<GatewayErrorCode, { status: number; title: string }>> = {
  DATASET_UNKNOWN: { status: 404, title: 'Unknown dataset' },
  DATASET_EXISTS: { status: 409, title: 'Dataset already declared' },
  COMMITMENT_UNKNOWN: { status: 404, title: 'Unknown commitment version' },
  COMMITMENT_ANCHORED: { status: 409, title: 'Commitment version already anchored' },
  IMPORT_BAD_ROW: { status: 422, title: 'Invalid record in import' },
  IMPORT_TOO_LARGE: { status: 413, title: 'Import too large' },
  VALIDATION_FAILED: { status: 400, title: 'Invalid request' },
  BODY_MALFORMED: { status: 400, title: 'Malformed request body' },
  BODY_TOO_LARGE: { status: 413, title: 'Request body too large' },
  MEDIA_TYPE_UNSUPPORTED: { status: 415, title: 'Unsupported media type' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  CONFIG_INVALID: { status: 500, title: 'Invalid configuration' },
  UNKNOWN_QUERY: { status: 404, title: 'Unknown query' },
  SHUTTING_DOWN: { status: 503, title: 'Gateway shutting down' },
  STORE_UNAVAILABLE: { status: 503, title: 'Data store unavailable' },
  STORE_SCHEMA_TOO_NEW: { status: 503, title: 'Data store schema too new' },
  INTERNAL: { status: 500, title: 'Internal error' },
};

/** Codes of the gateway's other areas (queries, the ledger client, commitments) that routes answer. */
export type AreaProblemCode = QueryErrorCode | LedgerClientErrorCode | CommitmentErrorCode;

/** Every code an HTTP answer can carry. */
export type ProblemCode = GatewayErrorCode | AreaProblemCode;

/**
 * HTTP status and title of the other areas' codes. Failures caused by another gateway are 502 (504 for
 * silence): the agency's request was fine, a peer was not.
 */
export const AREA_PROBLEM_CATALOGUE: Readonly<Record<AreaProblemCode, { status: number; title: string }>> = {
  QUERY_INVALID: { status: 400, title: 'Invalid query' },
  QUERY_UNAUTHORISED: { status: 403, title: 'Query not authorised' },
  QUERY_AUTHORISATION_STALE: { status: 403, title: 'Query authorisation outside its time window' },
  QUERY_SUBJECT_UNKNOWN: { status: 422, title: 'Unknown subject' },
  QUERY_METRIC_UNKNOWN: { status: 422, title: 'Unknown metric dataset' },
  QUERY_TOO_BROAD: { status: 422, title: 'Query too broad' },
  QUERY_PROOF_INVALID: { status: 502, title: 'A gateway’s proof is invalid' },
  QUERY_INCONSISTENT_SHARE: { status: 502, title: 'A gateway’s share is inconsistent' },
  QUERY_PARTY_DROPPED: { status: 502, title: 'A gateway left the query' },
  QUERY_CONTRIBUTION_FAILED: { status: 502, title: 'A gateway could not contribute' },
  QUERY_TIMEOUT: { status: 504, title: 'A gateway did not answer in time' },
  QUERY_FAILED: { status: 500, title: 'Query failed' },
  LEDGER_TX_REJECTED: { status: 409, title: 'Refused by the ledger' },
  LEDGER_UNAVAILABLE: { status: 503, title: 'Ledger unavailable' },
  LEDGER_TIMEOUT: { status: 504, title: 'Ledger did not commit in time' },
  COMMITMENT_NO_MEASURE: { status: 422, title: 'Dataset has no numeric field to commit' },
  COMMITMENT_TOO_LARGE: { status: 422, title: 'Dataset too large for a commitment' },
  COMMITMENT_FILES_MISSING: { status: 500, title: 'Commitment files missing' },
  COMMITMENT_MISMATCH: { status: 500, title: 'Commitment differs from its anchor' },
  COMMITMENT_NOT_ANCHORED: { status: 409, title: 'Commitment not anchored' },
};

/** Status and title of any code an HTTP answer can carry. */
export function problemEntry(code: ProblemCode): { status: number; title: string } {
  return Object.hasOwn(PROBLEM_CATALOGUE, code)
    ? PROBLEM_CATALOGUE[code as GatewayErrorCode]
    : AREA_PROBLEM_CATALOGUE[code as AreaProblemCode];
}

/** True when `code` is one an HTTP answer can carry. */
export function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEM_CATALOGUE, code) || Object.hasOwn(AREA_PROBLEM_CATALOGUE, code);
}

/** What a client sees of a 5xx: fixed text per status, never the error's message. */
const HIDDEN_DETAIL: Readonly<Record<number, string>> = {
  500: 'The gateway failed to handle the request. Quote the instance reference to the operator.',
  502: 'Another gateway failed its part. The code says how; quote the instance reference to the operator.',
  503: 'A service the gateway needs is unavailable. Retry later; quote the instance reference to the operator.',
  504: 'Another gateway or the ledger did not answer in time. Quote the instance reference to the operator.',
};

/** The problem document, as sent. */
export const ProblemDetailsSchema = z
  .looseObject({
    type: z.string().describe('`https://privgate.dev/problems/<code>`'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe('Stable error code, e.g. `DATASET_UNKNOWN`.'),
    instance: z
      .string()
      .describe('The request path (4xx) or a `urn:uuid:` reference logged with the error (5xx).'),
  })
  .describe('RFC 9457 problem details; 4xx answers add the error context as extension members.');

export type ProblemDetails = z.output<typeof ProblemDetailsSchema>;

const RESERVED = new Set(['type', 'title', 'status', 'detail', 'code', 'instance']);

/** An error as the HTTP layer answers it, plus whether its details must stay in the log. */
export interface ProblemAnswer {
  problem: ProblemDetails;
  /** True for a 5xx: `problem` hides the error; log it with `problem.instance`. */
  hidden: boolean;
}

/**
 * Maps anything thrown while handling a request to its problem document.
 * @param path the request path (without query string), the `instance` of a 4xx.
 */
export function problemFor(err: unknown, path: string): ProblemAnswer {
  const gatewayError: CodedError | undefined =
    err instanceof GatewayError || (err instanceof CodedError && isProblemCode(err.code))
      ? err
      : fromFrameworkError(err);
  const code: ProblemCode = (gatewayError?.code as ProblemCode | undefined) ?? 'INTERNAL';
  const { status, title } = problemEntry(code);
  if (status >= 500 || gatewayError === undefined) {
    return {
      problem: {
        type: PROBLEM_TYPE_BASE + code,
        title,
        status,
        detail: HIDDEN_DETAIL[status] ?? HIDDEN_DETAIL[500]!,
        code,
        instance: `urn:uuid:${randomUUID()}`,
      },
      hidden: true,
    };
  }
  const problem: ProblemDetails = {
    type: PROBLEM_TYPE_BASE + code,
    title,
    status,
    detail: gatewayError.message,
    code,
    instance: path,
  };
  for (const [key, value] of Object.entries(gatewayError.context ?? {})) {
    if (!RESERVED.has(key)) problem[key] = value;
  }
  return { problem, hidden: false };
}

/**
 * Body-parser and raw-body errors (they carry `type` and `status`) as gateway errors; `undefined` for
 * anything else, which is then an internal error.
 */
function fromFrameworkError(err: unknown): GatewayError | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const { type, limit, status } = err as { type?: unknown; limit?: unknown; status?: unknown };
  switch (type) {
    case 'entity.too.large':
      return new GatewayError('BODY_TOO_LARGE', `the request body is larger than ${Number(limit)} bytes`, {
        limitBytes: Number(limit),
      });
    case 'entity.parse.failed':
      return new GatewayError('BODY_MALFORMED', 'the request body is not valid JSON', {
        reason: 'invalid JSON',
      });
    case 'request.aborted':
    case 'request.size.invalid':
      return new GatewayError('BODY_MALFORMED', 'the request body ended early or does not match its length', {
        reason: String(type),
      });
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new GatewayError(
        'MEDIA_TYPE_UNSUPPORTED',
        'the request body’s charset or encoding is not supported',
        {
          contentType: String(type),
          accepted: ['application/json; charset=utf-8'],
        },
      );
    default:
      // Express's own 4xx (e.g. a malformed URI) carry `status` and `expose`.
      if (typeof status === 'number' && status === 400 && (err as { expose?: unknown }).expose === true) {
        return new GatewayError('BODY_MALFORMED', 'the request is malformed', {
          reason: 'malformed request',
        });
      }
      return undefined;
  }
}
