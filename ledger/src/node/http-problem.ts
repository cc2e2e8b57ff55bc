/**
 * RFC 9457 problem details for the node's HTTP API: every error is an `application/problem+json`
 * document whose `code` is the ledger's stable code (`TX_BAD_SIGNATURE`, `NULLIFIER_SEEN`, …) or the
 * node's (`BODY_TOO_LARGE`, `NOT_FOUND`, …). A 4xx carries the error's context as extension members; a
 * 5xx carries only its code and an `instance` reference that the node's log records with the details.
 */
import { randomUUID } from 'node:crypto';
import { CodedError } from '@privgate/accel';
import type { LedgerErrorCode } from '../tx/errors.ts';
import type { LedgerNodeErrorCode } from './errors.ts';

/** Base of the `type` URIs: `https://privgate.dev/problems/<code>`. */
export const PROBLEM_TYPE_BASE = 'https://privgate.dev/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const LEDGER_STATUS: Partial<Record<LedgerErrorCode, number>> = {
  TX_MALFORMED: 400,
  TX_OVERSIZED: 413,
  TX_UNSUPPORTED_VERSION: 400,
  TX_WRONG_CHAIN: 400,
  TX_BAD_SIGNATURE: 422,
  TX_UNKNOWN_SENDER: 422,
  TX_REPLAY: 409,
  TX_DUPLICATE: 409,
  TX_NONCE_GAP: 409,
  TX_STALE: 422,
  PROOF_INVALID: 422,
  VKEY_UNKNOWN: 422,
  VKEY_MISMATCH: 422,
  NULLIFIER_SEEN: 409,
  MEMPOOL_FULL: 503,
  STATE_UNAVAILABLE: 503,
  STATE_CORRUPT: 500,
  STATE_STALE_EXECUTION: 500,
};

const NODE_STATUS: Record<LedgerNodeErrorCode, number> = {
  KEY_FILE_PERMISSIONS: 500,
  KEY_FILE_INVALID: 500,
  KEY_FILE_PASSPHRASE: 500,
  GENESIS_INVALID: 500,
  NODE_NOT_VALIDATOR: 500,
  NODE_STOPPED: 503,
  WIRE_MALFORMED: 400,
  NODE_OVERLOADED: 503,
  BODY_TOO_LARGE: 413,
  BODY_MALFORMED: 400,
  REQUEST_INVALID: 400,
  MEDIA_TYPE_UNSUPPORTED: 415,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_FOUND: 404,
  AUDIT_FAILED: 500,
  INTERNAL: 500,
};

/** HTTP status of a code: the node's table, then the ledger's, else 422 (a contract rule refused it). */
export function statusOf(code: string): number {
  return (
    (NODE_STATUS as Record<string, number>)[code] ?? (LEDGER_STATUS as Record<string, number>)[code] ?? 422
  );
}

/** A problem document. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly instance: string;
  readonly [extension: string]: unknown;
}

const RESERVED = new Set(['type', 'title', 'status', 'detail', 'code', 'instance']);
const titleOf = (code: string): string =>
  code
    .toLowerCase()
    .split('_')
    .map((w, i) => (i === 0 ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join(' ');

/** What the HTTP layer answers for an error, and whether the error must go to the log (a 5xx). */
export interface ProblemAnswer {
  readonly problem: ProblemDetails;
  readonly hidden: boolean;
}

/**
 * Maps anything thrown while handling a request to its problem document.
 * @param path the request path, the `instance` of a 4xx.
 */
export function problemFor(err: unknown, path: string): ProblemAnswer {
  const coded = err instanceof CodedError ? err : undefined;
  const code = coded?.code ?? 'INTERNAL';
  const status = coded === undefined ? 500 : statusOf(code);
  if (status >= 500 && code !== 'MEMPOOL_FULL' && code !== 'NODE_OVERLOADED' && code !== 'NODE_STOPPED') {
    return {
      problem: {
        type: PROBLEM_TYPE_BASE + code,
        title: titleOf(code),
        status,
        detail: 'The node failed to handle the request. Quote the instance reference to its operator.',
        code,
        instance: `urn:uuid:${randomUUID()}`,
      },
      hidden: true,
    };
  }
  const extensions: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((coded?.context ?? {}) as Record<string, unknown>)) {
    if (!RESERVED.has(k)) extensions[k] = v;
  }
  return {
    problem: {
      type: PROBLEM_TYPE_BASE + code,
      title: titleOf(code),
      status,
      detail: coded?.message ?? 'error',
      code,
      instance: path,
      ...extensions,
    },
    hidden: false,
  };
}
