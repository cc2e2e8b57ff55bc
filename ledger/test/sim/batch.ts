/**
 * Runs seeded schedules in batches for the vitest files and turns failures into messages that name
 * the seed and the command that replays it. `SIM_SEED=<n>` replays one seed with its trace;
 * `SIM_SCHEDULES=<count>` scales the number of schedules (e.g. a nightly soak).
 */
import { type RunOptions, type RunResult, runSchedule } from './simulator.ts';

/** Seeds a test file should run: one replayed seed, or `count` seeds from `first` in `chunks`. */
export function seedChunks(first: number, count: number, chunkSize: number): number[][] {
  const replay = process.env.SIM_SEED;
  if (replay !== undefined && replay !== '') return [[Number(replay)]];
  const total = Number(process.env.SIM_SCHEDULES ?? count);
  const chunks: number[][] = [];
  for (let start = 0; start < total; start += chunkSize) {
    chunks.push(Array.from({ length: Math.min(chunkSize, total - start) }, (_, i) => first + start + i));
  }
  return chunks;
}

/** Outcome of a batch: the failing runs and totals for the report. */
export interface BatchReport {
  readonly failures: RunResult[];
  readonly runs: number;
  readonly heights: number;
}

/** Runs `seeds` with `n` validators; with SIM_SEED set, prints the trace of the replayed run. */
export function runBatch(seeds: readonly number[], n: 4 | 7, options: RunOptions = {}): BatchReport {
  const replaying = process.env.SIM_SEED !== undefined && process.env.SIM_SEED !== '';
  const failures: RunResult[] = [];
  let heights = 0;
  for (const seed of seeds) {
    const result = runSchedule(seed, n, { ...options, trace: replaying });
    heights += result.heightsDecided;
    if (replaying) console.log(`seed ${seed}: ${result.description}\n${result.trace.join('\n')}`);
    if (result.violations.length > 0) failures.push(result);
  }
  return { failures, runs: seeds.length, heights };
}

/** Failure message naming each failing seed, its schedule, its violations and the replay command. */
export function describeFailures(failures: readonly RunResult[], testFile: string): string {
  return failures
    .map(
      (f) =>
        `seed ${f.seed} failed: ${f.description}\n  ${f.violations.join('\n  ')}\n` +
        `  replay: SIM_SEED=${f.seed} npx vitest run ${testFile}`,
    )
    .join('\n');
}
