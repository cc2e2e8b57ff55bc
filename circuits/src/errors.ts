/**
 * Errors of the circuits package. One class, a stable string `code`, and a typed context per code, so
 * callers branch on `code` and errors cross worker boundaries as `{ code, message, context }`.
 */

/** Context carried by each error code. */
export interface CircuitErrorContexts {
  /** The circuit name is not in the registry. */
  CIRCUIT_UNKNOWN: { circuit: string };
  /** The witness generator rejected the inputs: a constraint or an assertion failed. */
  WITNESS_FAILED: { circuit: string; reason: string };
  /** Inputs are missing, extra, or have the wrong shape for the circuit. */
  INPUT_INVALID: { circuit: string; signal: string; reason: string };
  /** A committed artifact (wasm, zkey, vkey, manifest) is not on disk. */
  ARTIFACT_MISSING: { circuit?: string; path: string };
  /** An artifact does not match the manifest or the sources it was built from. */
  ARTIFACT_STALE: { circuit?: string; path: string; expected?: string; actual?: string };
  /** The prover failed after the witness was computed (corrupt zkey, worker crash). */
  PROVE_FAILED: { circuit: string; reason: string };
  /** circom2 failed to compile a circuit. */
  COMPILE_FAILED: { circuit: string; output: string };
  /** A trusted-setup step (ptau, zkey) failed. */
  SETUP_FAILED: { step: string; path?: string; circuit?: string };
  /** A ptau file is unreadable or too small for a circuit. */
  PTAU_INVALID: { path: string; power?: number; required?: number };
  /** A worker pool was used after `close()`. */
  POOL_CLOSED: Record<string, never>;
}

export type CircuitErrorCode = keyof CircuitErrorContexts;

/** The error class of the circuits package. */
export class CircuitError<C extends CircuitErrorCode = CircuitErrorCode> extends Error {
  override readonly name = 'CircuitError';
  readonly code: C;
  readonly context: CircuitErrorContexts[C];

  constructor(code: C, message: string, context: CircuitErrorContexts[C], options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.context = context;
  }

  /** Plain form for `postMessage` and the network. */
  toJSON(): { code: C; message: string; context: CircuitErrorContexts[C] } {
    return { code: this.code, message: this.message, context: this.context };
  }

  /** Re-creates an error serialised by `toJSON` on the other side of a worker or network boundary. */
  static fromJSON(value: { code: string; message: string; context: unknown }): CircuitError {
    return new CircuitError(
      value.code as CircuitErrorCode,
      value.message,
      value.context as CircuitErrorContexts[CircuitErrorCode],
    );
  }
}

/** Narrowing guard: `isCircuitError(e, 'WITNESS_FAILED')`. */
export function isCircuitError<C extends CircuitErrorCode>(
  error: unknown,
  code?: C,
): error is CircuitError<C> {
  return error instanceof CircuitError && (code === undefined || error.code === code);
}
