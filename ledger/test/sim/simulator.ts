/**
 * Runs one seeded schedule to completion and checks it: the entry point of the simulation tests.
 */
import { Tendermint } from '../../src/consensus/index.ts';
import { checkInvariants, type LivenessReport } from './invariants.ts';
import { describeScenario, type Scenario, scenarioFor } from './scenario.ts';
import { type CoreFactory, type Persistence, World } from './world.ts';

/** Knobs of a run; the defaults are the correct system. */
export interface RunOptions {
  readonly coreFactory?: CoreFactory;
  readonly persistence?: Persistence;
  readonly trace?: boolean;
  /** Adjusts the seed's scenario (e.g. a harsher fault profile for a bug hunt). */
  readonly tweak?: (s: Scenario) => Scenario;
}

/** Outcome of one schedule. */
export interface RunResult {
  readonly seed: number;
  readonly description: string;
  readonly violations: string[];
  readonly heightsDecided: number;
  readonly simulatedMs: number;
  readonly events: number;
  readonly liveness: LivenessReport;
  readonly trace: readonly string[];
}

/** Hard cap on events per run, so a livelock shows up as a failure instead of a hung test. */
const MAX_EVENTS = 3_000_000;

const defaultFactory: CoreFactory = (init, components, wal) => new Tendermint(init, components, wal);

/** Runs the schedule of `seed` with `n` validators and returns the invariant violations found. */
export function runSchedule(seed: number, n: 4 | 7, options: RunOptions = {}): RunResult {
  const base = scenarioFor(seed, n);
  const scenario = options.tweak === undefined ? base : options.tweak(base);
  const world = new World(
    scenario,
    options.coreFactory ?? defaultFactory,
    options.persistence ?? 'durable',
    options.trace ?? false,
  );
  const { queue } = world;
  const honest = world.nodes.filter((node) => world.isHonest(node.index));

  for (const node of world.nodes) {
    node.boot();
    const tick = () => {
      node.gossipTick();
      queue.after(scenario.gossipIntervalMs, tick);
    };
    queue.after(world.rng.int(1, scenario.gossipIntervalMs), tick);
  }
  for (const c of scenario.crashes)
    queue.after(c.atMs, () => world.nodes[c.node]?.armCrash(c.afterOutputs, c.afterDecide, c.downMs));

  let targetHeight = Number.POSITIVE_INFINITY;
  queue.after(scenario.gstMs, () => {
    world.trace('GST');
    for (const node of world.nodes) {
      node.disarm();
      if (!node.up) node.boot();
    }
    targetHeight = Math.max(...honest.map((node) => node.lastDecided)) + scenario.k;
  });

  let reachedAfterGstMs: number | undefined;
  const deadline = scenario.gstMs + scenario.livenessBoundMs;
  while (queue.executed < MAX_EVENTS && queue.peekTime() <= deadline && queue.runNext()) {
    if (queue.now >= scenario.gstMs && honest.every((node) => node.lastDecided >= targetHeight)) {
      reachedAfterGstMs = queue.now - scenario.gstMs;
      break;
    }
  }
  const liveness: LivenessReport = { targetHeight, reachedAfterGstMs };
  const violations = checkInvariants(world, liveness);
  if (queue.executed >= MAX_EVENTS) violations.push(`BUDGET: ${MAX_EVENTS} events without finishing`);
  return {
    seed,
    description: describeScenario(scenario),
    violations,
    heightsDecided: Math.min(...honest.map((node) => node.lastDecided)),
    simulatedMs: queue.now,
    events: queue.executed,
    liveness,
    trace: world.traceLines,
  };
}
