import type { SnarkjsLogger } from '../vendor/snarkjs.ts';

/** Progress sink for the toolchain: one line per step, written by the CLI to stderr. */
export type ProgressLog = (line: string) => void;

/**
 * Adapts a progress sink to the logger snarkjs expects; its info and debug lines only when `verbose`. snarkjs reports failures through `logger.error`
 * and returns `false`, so errors are also collected for the caller to throw.
 */
export function snarkjsLogger(
  log: ProgressLog,
  prefix: string,
  verbose = false,
): SnarkjsLogger & { errors: string[] } {
  const errors: string[] = [];
  return {
    errors,
    debug: (message) => {
      if (verbose) log(`${prefix} ${message}`);
    },
    info: (message) => {
      if (verbose) log(`${prefix} ${message}`);
    },
    log: (message) => {
      if (verbose) log(`${prefix} ${message}`);
    },
    warn: (message) => log(`${prefix} warning: ${message}`),
    error: (message) => {
      errors.push(message);
      log(`${prefix} error: ${message}`);
    },
  };
}
