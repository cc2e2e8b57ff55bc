/**
 * The checker has teeth: break the protocol on purpose and the simulation must find a violating
 * schedule within a bounded search — and the same schedule must pass with the correct code.
 *
 * 1. Honest validators without locks (`AmnesicTendermint`: lines 23/29 lose their lock condition)
 *    against the amnesia attack (amnesia.ts) → two honest validators decide different blocks.
 * 2. A runtime that loses `persist` outputs (restarts with no WAL) → an honest validator signs two
 *    different votes for one round.
 */
import { describe, expect, it } from 'vitest';
import { AmnesicTendermint } from './amnesia.ts';
import type { Scenario } from './scenario.ts';
import { type RunOptions, type RunResult, runSchedule } from './simulator.ts';

/** Every Byzantine validator of the schedule runs the amnesia attack. */
const amnesiaAttack = (s: Scenario): Scenario => ({
  ...s,
  byzantine: new Map([...s.byzantine.keys()].map((i) => [i, 'amnesia' as const])),
});

/** First seed in 1..maxSeeds whose run has a violation starting with `kind`. */
function hunt(n: 4 | 7, maxSeeds: number, kind: string, options: RunOptions): RunResult | undefined {
  for (let seed = 1; seed <= maxSeeds; seed++) {
    const result = runSchedule(seed, n, options);
    if (result.violations.some((v) => v.startsWith(kind))) return result;
  }
  return undefined;
}

describe('the simulation catches deliberate bugs', () => {
  it.each([4, 7] as const)('n = %i: disabling locking lets the amnesia attack break agreement', (n) => {
    const broken: RunOptions = {
      tweak: amnesiaAttack,
      coreFactory: (init, components, wal) => new AmnesicTendermint(init, components, wal),
    };
    const found = hunt(n, 300, 'SAFETY', broken);
    expect(found, 'no safety violation found: the checker may have lost its teeth').toBeDefined();
    console.log(
      `locking disabled, n=${n}: seed ${found!.seed} → ${found!.violations.find((v) => v.startsWith('SAFETY'))}`,
    );
    // The correct core survives exactly that schedule.
    expect(runSchedule(found!.seed, n, { tweak: amnesiaAttack }).violations).toEqual([]);
  });

  it('restarting without the WAL makes an honest validator double-sign', () => {
    const found = hunt(4, 300, 'DOUBLE-SIGN', { persistence: 'lost' });
    expect(found, 'no double-signing found: the checker may have lost its teeth').toBeDefined();
    console.log(
      `WAL lost: seed ${found!.seed} → ${found!.violations.find((v) => v.startsWith('DOUBLE-SIGN'))}`,
    );
    expect(runSchedule(found!.seed, 4).violations).toEqual([]);
  });
});
