/**
 * Typed errors for the accelerator. Every error carries a stable string `code` and a typed
 * `context`, and survives worker and network boundaries as `{ code, message, context }`.
 */

/** Stable codes of the accelerator's errors. */
export type AccelErrorCode =
  | 'SM2_INVALID_PUBLIC_KEY'
  | 'SM2_INVALID_PRIVATE_KEY'
  | 'SM2_INVALID_SIGNATURE_ENCODING'
  | 'SM2_INVALID_USER_ID'
  | 'SM2_INVALID_CIPHERTEXT'
  | 'SM2_DECRYPT_FAILED'
  | 'ACCEL_CLOSED'
  | 'ACCEL_QUEUE_FULL'
  | 'ACCEL_WORKER_FAILED'
  | 'ACCEL_BACKEND_UNAVAILABLE'
  | 'ACCEL_INVALID_BATCH'
  | 'GROTH16_INVALID_VKEY';

/** The wire form of an error crossing a worker or network boundary. */
export interface SerializedError {
  code: string;
  message: string;
  context?: Record<string, unknown>;
}

/** Base class for errors with a stable code, shared by every PrivGate package. */
export class CodedError<
  C extends string = string,
  X extends Record<string, unknown> = Record<string, unknown>,
> extends Error {
  readonly code: C;
  readonly context: X;

  constructor(code: C, message: string, context?: X) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.context = context ?? ({} as X);
  }

  /** The form that crosses worker and network boundaries. */
  toJSON(): SerializedError {
    return { code: this.code, message: this.message, context: this.context };
  }
}

/** An error raised by the accelerator (SM2, SM3, backends, batching queue). */
export class AccelError extends CodedError<AccelErrorCode> {}

/**
 * Re-creates an error that crossed a boundary as `{ code, message, context }`.
 * Codes this package does not know come back as a plain `CodedError`.
 */
export function deserializeError(wire: SerializedError): CodedError {
  if (ACCEL_CODES.has(wire.code)) {
    return new AccelError(wire.code as AccelErrorCode, wire.message, wire.context);
  }
  return new CodedError(wire.code, wire.message, wire.context);
}

/** Turns anything thrown into the wire form; non-coded errors become `ACCEL_WORKER_FAILED`. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof CodedError) return err.toJSON();
  if (err instanceof RangeError || err instanceof TypeError) {
    return { code: 'ACCEL_INVALID_BATCH', message: err.message };
  }
  return { code: 'ACCEL_WORKER_FAILED', message: err instanceof Error ? err.message : String(err) };
}

const ACCEL_CODES: ReadonlySet<string> = new Set<AccelErrorCode>([
  'SM2_INVALID_PUBLIC_KEY',
  'SM2_INVALID_PRIVATE_KEY',
  'SM2_INVALID_SIGNATURE_ENCODING',
  'SM2_INVALID_USER_ID',
  'SM2_INVALID_CIPHERTEXT',
  'SM2_DECRYPT_FAILED',
  'ACCEL_CLOSED',
  'ACCEL_QUEUE_FULL',
  'ACCEL_WORKER_FAILED',
  'ACCEL_BACKEND_UNAVAILABLE',
  'ACCEL_INVALID_BATCH',
  'GROTH16_INVALID_VKEY',
]);
