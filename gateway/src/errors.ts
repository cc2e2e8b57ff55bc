/**
 * Errors of the gateway. One class, a stable string `code` and a typed context per code, so callers
 * branch on `code`, the HTTP layer maps codes to RFC 9457 problem documents, and errors cross process
 * boundaries as `{ code, message, context }`.
 */
import { CodedError, type SerializedError } from '@privgate/accel';
import type { z } from 'zod';

/** One invalid input, as every validation error reports it. */
export interface InvalidField {
  /** Where the value came from: `body`, `query`, `params`, `config`, `env`, `declaration`. */
  in: string;
  /** Dotted path to the value, e.g. `fields.0.type`; empty for the whole input. */
  path: string;
  message: string;
}

/** Context carried by each error code. */
export interface GatewayErrorContexts {
  /** No dataset with this name is declared. */
  DATASET_UNKNOWN: { dataset: string };
  /** A dataset with this name is already declared. */
  DATASET_EXISTS: { dataset: string };
  /** A commitment version does not exist. */
  COMMITMENT_UNKNOWN: { dataset: string; version: number };
  /** A commitment version is already anchored to another ledger transaction. */
  COMMITMENT_ANCHORED: { dataset: string; version: number; anchoredTxId: string };
  /** A record of an import is malformed or invalid; nothing of the import was applied. */
  IMPORT_BAD_ROW: { dataset?: string; line: number; field?: string; reason: string };
  /** An import exceeded its size limit; nothing of the import was applied. */
  IMPORT_TOO_LARGE: { dataset?: string; limitBytes: number };
  /** Input (request, declaration, configuration) does not match its schema. */
  VALIDATION_FAILED: { errors: InvalidField[] };
  /** The request body cannot be parsed (malformed JSON, bad encoding). */
  BODY_MALFORMED: { reason: string };
  /** The request body is larger than the route accepts. */
  BODY_TOO_LARGE: { limitBytes: number };
  /** The request body has a media type the route does not accept. */
  MEDIA_TYPE_UNSUPPORTED: { contentType: string; accepted: string[] };
  /** No route matches the request. */
  ROUTE_NOT_FOUND: { method: string; path: string };
  /** The caller is not authenticated (raised by the app's `requireCaller`). */
  UNAUTHENTICATED: Record<string, never>;
  /** The caller lacks the role a route requires (raised by the app's `requireCaller`). */
  FORBIDDEN: { role: string };
  /** The configuration is invalid; `errors` lists every invalid field. */
  CONFIG_INVALID: { errors: InvalidField[] };
  /** No query with this id is known to this gateway (never seen, or forgotten since). */
  UNKNOWN_QUERY: { queryId: string };
  /** The gateway is shutting down and takes no new work. */
  SHUTTING_DOWN: Record<string, never>;
  /** The data store cannot be reached or failed underneath. */
  STORE_UNAVAILABLE: { backend: string; reason: string };
  /** The database was migrated by a newer gateway than this one. */
  STORE_SCHEMA_TOO_NEW: { backend: string; found: number; supported: number };
  /** Anything else: a bug. Its details are logged, never sent. */
  INTERNAL: Record<string, never>;
}

export type GatewayErrorCode = keyof GatewayErrorContexts;

/** Every code, for exhaustive tables and for re-creating errors that crossed a boundary. */
export const GATEWAY_ERROR_CODES: readonly GatewayErrorCode[] = [
  'DATASET_UNKNOWN',
  'DATASET_EXISTS',
  'COMMITMENT_UNKNOWN',
  'COMMITMENT_ANCHORED',
  'IMPORT_BAD_ROW',
  'IMPORT_TOO_LARGE',
  'VALIDATION_FAILED',
  'BODY_MALFORMED',
  'BODY_TOO_LARGE',
  'MEDIA_TYPE_UNSUPPORTED',
  'ROUTE_NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFIG_INVALID',
  'UNKNOWN_QUERY',
  'SHUTTING_DOWN',
  'STORE_UNAVAILABLE',
  'STORE_SCHEMA_TOO_NEW',
  'INTERNAL',
];

/**
 * The error class of the gateway.
 * @example
 * throw new GatewayError('DATASET_UNKNOWN', `dataset ${name} is not declared`, { dataset: name });
 */
export class GatewayError<C extends GatewayErrorCode = GatewayErrorCode> extends CodedError<
  C,
  GatewayErrorContexts[C]
> {
  constructor(code: C, message: string, context: GatewayErrorContexts[C], options?: ErrorOptions) {
    super(code, message, context);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

const KNOWN_CODES: ReadonlySet<string> = new Set(GATEWAY_ERROR_CODES);

/**
 * Re-creates an error that crossed a process or network boundary as `{ code, message, context }`.
 * Codes the gateway does not know come back as a plain `CodedError`.
 */
export function deserializeGatewayError(wire: SerializedError): CodedError {
  if (KNOWN_CODES.has(wire.code)) {
    return new GatewayError(wire.code as GatewayErrorCode, wire.message, (wire.context ?? {}) as never);
  }
  return new CodedError(wire.code, wire.message, wire.context);
}

/** Narrowing guard: `isGatewayError(e, 'DATASET_UNKNOWN')`. */
export function isGatewayError<C extends GatewayErrorCode>(
  error: unknown,
  code?: C,
): error is GatewayError<C> {
  return error instanceof GatewayError && (code === undefined || error.code === code);
}

/** Formats invalid fields as one line each, for messages and startup errors. */
export function formatInvalidFields(errors: readonly InvalidField[]): string {
  return errors.map((e) => `  - ${e.in}${e.path === '' ? '' : `.${e.path}`}: ${e.message}`).join('\n');
}

/**
 * Turns zod issues into invalid fields; an unrecognised key is reported at its own path.
 * @param location what was validated: `body`, `query`, `params`, `declaration`, or a config source.
 */
export function zodIssuesToFields(
  issues: readonly z.core.$ZodIssue[],
  location: string | ((path: string) => string),
): InvalidField[] {
  return issues.map((issue) => {
    const parts = issue.path.map(String);
    if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) parts.push(issue.keys[0]);
    const path = parts.join('.');
    return { in: typeof location === 'string' ? location : location(path), path, message: issue.message };
  });
}
