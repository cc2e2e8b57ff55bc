/**
 * Round timeouts. Algorithm 1 needs timeouts that eventually exceed the (unknown) message delay after
 * GST; growing them linearly with the round guarantees that for every Δ some round's timeouts are
 * long enough (paper §3, "timeoutPropose(r) = timeoutPropose + r · timeoutDelta").
 */
import type { Round, TimeoutConfig, TimeoutKind } from './interface.ts';

/** Defaults in the spirit of Tendermint's: 3 s to propose, 1 s per vote step, +0.5 s per round. */
export const DEFAULT_TIMEOUTS: TimeoutConfig = {
  propose: { baseMs: 3000, deltaMs: 500 },
  prevote: { baseMs: 1000, deltaMs: 500 },
  precommit: { baseMs: 1000, deltaMs: 500 },
};

/**
 * Checks a timeout configuration.
 * @throws {RangeError} naming the field that is not a finite non-negative number, or a delta of 0
 *   (timeouts that never grow cannot outlast an unknown delay).
 */
export function validateTimeouts(config: TimeoutConfig): TimeoutConfig {
  for (const kind of ['propose', 'prevote', 'precommit'] as const) {
    const { baseMs, deltaMs } = config[kind];
    if (!Number.isFinite(baseMs) || baseMs < 0) throw new RangeError(`timeouts.${kind}.baseMs: ${baseMs}`);
    if (!Number.isFinite(deltaMs) || deltaMs < 0)
      throw new RangeError(`timeouts.${kind}.deltaMs: ${deltaMs}`);
    if (deltaMs === 0)
      throw new RangeError(`timeouts.${kind}.deltaMs must be > 0 so timeouts grow with the round`);
  }
  return config;
}

/** Duration of the `kind` timeout in `round`, in milliseconds. */
export function timeoutFor(config: TimeoutConfig, kind: TimeoutKind, round: Round): number {
  const { baseMs, deltaMs } = config[kind];
  return baseMs + round * deltaMs;
}
