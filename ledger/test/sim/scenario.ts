/**
 * A schedule of the simulation, drawn entirely from its seed: the validator count, which validators
 * are Byzantine and how, the network's faults before GST (delays, drops, duplicates, partitions that
 * heal), the crashes of honest nodes, and the quiet network after GST in which liveness is checked.
 */
import type { TimeoutConfig } from '../../src/consensus/index.ts';
import { Prng } from './prng.ts';

/** What a Byzantine validator does; see `adversary.ts`. */
export type ByzantineBehaviour =
  | 'silent'
  | 'equivocating-proposer'
  | 'double-vote'
  | 'invalid-votes'
  | 'invalid-proposals'
  | 'future-rounds'
  | 'garbage'
  | 'amnesia'
  | 'mixed';

/** Every behaviour, in the order seeds choose from. */
export const BEHAVIOURS: readonly ByzantineBehaviour[] = [
  'silent',
  'equivocating-proposer',
  'double-vote',
  'invalid-votes',
  'invalid-proposals',
  'future-rounds',
  'garbage',
  'amnesia',
  'mixed',
];

/** Link behaviour in one phase. Delays are uniform in [minDelayMs, maxDelayMs]; reordering follows. */
export interface LinkFaults {
  readonly dropRate: number;
  readonly duplicateRate: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** Nodes with a bad uplink: extra delay on everything they send (they hear others on time). */
  readonly slowSenders?: ReadonlyMap<number, number>;
}

/** Nodes in `side` cannot exchange messages with the others during [fromMs, toMs). */
export interface Partition {
  readonly fromMs: number;
  readonly toMs: number;
  readonly side: ReadonlySet<number>;
}

/**
 * An honest node stops, from `atMs` on, inside its next step: after `afterOutputs` of that step's
 * outputs, or — with `afterDecide` — in the first step that decides, right after the decision is on
 * disk (the rest of that step, e.g. the WAL for the next height, is lost).
 */
export interface Crash {
  readonly node: number;
  readonly atMs: number;
  readonly downMs: number;
  readonly afterOutputs: number;
  readonly afterDecide: boolean;
}

/** One complete schedule. */
export interface Scenario {
  readonly seed: number;
  readonly n: number;
  readonly byzantine: ReadonlyMap<number, ByzantineBehaviour>;
  /** Global stabilisation time: faults stop, crashed nodes are back. */
  readonly gstMs: number;
  readonly chaos: LinkFaults;
  readonly stable: LinkFaults;
  readonly partitions: readonly Partition[];
  /**
   * Adaptive network adversary (allowed before GST in the partial-synchrony model): with this
   * probability a node that just decided is cut off from everyone for a while, so the others must go
   * on without its precommit or its certificate.
   */
  readonly isolateDecider: { readonly probability: number; readonly minMs: number; readonly maxMs: number };
  readonly crashes: readonly Crash[];
  readonly timeouts: TimeoutConfig;
  readonly gossipIntervalMs: number;
  readonly maxValidationDelayMs: number;
  /** Heights every honest node must decide after GST. */
  readonly k: number;
  /**
   * Simulated time after GST within which they must. After GST delays are ≤ 30 ms and gossip runs
   * every 100 ms, so nodes share a height and round within a few hundred ms; each height then needs
   * at most f + 1 rounds to reach a correct proposer, and a round at round r lasts about
   * 350 + 150·r ms with the SIM_TIMEOUTS. Rounds carried over from the chaos phase stay below ~30 in
   * practice, giving a few seconds per height; 20 s leaves a wide margin (the worst case measured
   * over several thousand seeds is ~3 s) while still catching a livelock.
   */
  readonly livenessBoundMs: number;
}

/** Timeouts of the simulation: short, but above the post-GST delay plus validation delay. */
export const SIM_TIMEOUTS: TimeoutConfig = {
  propose: { baseMs: 200, deltaMs: 50 },
  prevote: { baseMs: 100, deltaMs: 50 },
  precommit: { baseMs: 100, deltaMs: 50 },
};

/** Draws the schedule of `seed` for `n` validators. */
export function scenarioFor(seed: number, n: 4 | 7): Scenario {
  const rng = new Prng(seed);
  const f = Math.floor((n - 1) / 3);
  const byzCount = n === 4 ? 1 : rng.int(1, f);
  const byzantine = new Map<number, ByzantineBehaviour>();
  while (byzantine.size < byzCount) byzantine.set(rng.int(0, n - 1), rng.pick(BEHAVIOURS));
  const honest = Array.from({ length: n }, (_, i) => i).filter((i) => !byzantine.has(i));

  const gstMs = rng.int(1000, 5000);
  const calm = rng.chance(0.15); // some schedules test the fault-free path
  const chaos: LinkFaults = calm
    ? { dropRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 30 }
    : {
        dropRate: rng.pick([0, 0.05, 0.15, 0.3]),
        duplicateRate: rng.pick([0, 0.05, 0.2]),
        minDelayMs: rng.int(0, 20),
        maxDelayMs: rng.pick([40, 150, 400, 900]),
      };
  const partitions: Partition[] = [];
  const crashes: Crash[] = [];
  if (!calm) {
    for (let i = rng.int(0, 2); i > 0; i--) {
      const fromMs = rng.int(0, gstMs - 100);
      const side = new Set<number>();
      for (let v = 0; v < n; v++) if (rng.chance(0.5)) side.add(v);
      partitions.push({ fromMs, toMs: Math.min(gstMs, fromMs + rng.int(200, 2500)), side });
    }
    for (let i = rng.int(0, 3); i > 0; i--) {
      crashes.push({
        node: rng.pick(honest),
        atMs: rng.int(0, gstMs - 50),
        downMs: rng.int(20, 2000),
        afterOutputs: rng.int(0, 4),
        afterDecide: rng.chance(0.3),
      });
    }
  }
  return {
    seed,
    n,
    byzantine,
    gstMs,
    chaos,
    stable: { dropRate: 0, duplicateRate: 0.02, minDelayMs: 1, maxDelayMs: 30 },
    partitions,
    isolateDecider: { probability: calm ? 0 : rng.pick([0, 0, 0.1, 0.3]), minMs: 100, maxMs: 1000 },
    crashes,
    timeouts: SIM_TIMEOUTS,
    gossipIntervalMs: 100,
    maxValidationDelayMs: 40,
    k: 3,
    livenessBoundMs: 20_000,
  };
}

/** One-line description for failure reports. */
export function describeScenario(s: Scenario): string {
  const byz = [...s.byzantine].map(([i, b]) => `v${i}:${b}`).join(',');
  const parts = s.partitions.map((p) => `[${p.fromMs}-${p.toMs}ms {${[...p.side].join(',')}}]`).join(' ');
  const crashes = s.crashes
    .map((c) => `v${c.node}@${c.atMs}+${c.downMs}ms/${c.afterDecide ? 'decide' : c.afterOutputs}`)
    .join(' ');
  return (
    `n=${s.n} byzantine=${byz} gst=${s.gstMs}ms chaos={drop ${s.chaos.dropRate}, dup ${s.chaos.duplicateRate}, ` +
    `delay ${s.chaos.minDelayMs}-${s.chaos.maxDelayMs}ms} partitions=${parts || 'none'} ` +
    `isolate-decider=${s.isolateDecider.probability} crashes=${crashes || 'none'}`
  );
}
