/**
 * A deterministic synthetic economy for demos, end-to-end tests and benchmarks: n enterprises with valid
 * unified social credit codes (GB 32100-2015), an ownership graph (each enterprise after the first few
 * owned by up to two earlier ones, preferring recent ones, so groups form a forest), and per-ministry
 * figures in CNY fen. Everything comes from one seeded generator, so any answer can be recomputed in the
 * clear and two runs with the same seed produce the same files.
 *
 * The generator is xorshift32: reproducible, NOT random. It must never produce keys, salts or nonces.
 */
import { USCC_ALPHABET, usccCheckCharacter } from '../datasets/index.ts';

/** xorshift32 in [0, 1): synthetic data only, never for secrets. */
export function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

/**
 * A valid code for enterprise `i` (distinct for distinct i < 31^9).
 * @throws {RangeError} if `i` is not an integer in 0..31^9 − 1.
 */
export function usccOf(i: number): string {
  if (!Number.isSafeInteger(i) || i < 0 || i >= 31 ** 9) throw new RangeError(`usccOf: i out of range: ${i}`);
  let digits = '';
  let v = i;
  for (let k = 0; k < 9; k++) {
    digits = USCC_ALPHABET[v % 31]! + digits;
    v = Math.floor(v / 31);
  }
  const first17 = `91110108${digits}`;
  return first17 + usccCheckCharacter(first17);
}

/** One ownership edge: `owner` holds `shareBp` basis points of `owned`. */
export interface OwnershipEdge {
  owner: string;
  owned: string;
  shareBp: number;
}

/** The metric datasets, each a figure per enterprise in CNY fen. */
export const METRIC_DATASETS = ['tax.arrears', 'customs.penalties', 'bank.loans', 'fx.violations'] as const;
export type MetricDataset = (typeof METRIC_DATASETS)[number];

/** The synthetic economy. */
export interface SyntheticData {
  seed: number;
  /** Enterprise codes; enterprise i (from 0) is `usccOf(i + 1)`. */
  enterprises: string[];
  edges: OwnershipEdge[];
  /** Metric dataset → subject code → value in CNY fen. */
  metrics: Record<string, Map<string, bigint>>;
}

/** Largest enterprise count (the codes stay distinct far beyond; this bounds memory). */
export const MAX_SYNTHETIC_ENTERPRISES = 10_000_000;

/**
 * Builds the synthetic economy of `n` enterprises from `seed`.
 * @throws {RangeError} if `n` is not an integer in 1..{@link MAX_SYNTHETIC_ENTERPRISES}.
 * @example
 * const data = syntheticData(10_000, 7);
 * data.metrics['tax.arrears']!.get(data.enterprises[0]!); // the same figure on every run
 */
export function syntheticData(n: number, seed = 7): SyntheticData {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_SYNTHETIC_ENTERPRISES)
    throw new RangeError(`syntheticData: n must be an integer in 1..${MAX_SYNTHETIC_ENTERPRISES}, got ${n}`);
  const rnd = seeded(seed);
  const enterprises = Array.from({ length: n }, (_, i) => usccOf(i + 1));
  const edges: OwnershipEdge[] = [];
  for (let i = 3; i < n; i++) {
    // Up to two owners among the earlier enterprises, with a preference for recent ones (a forest of groups).
    const owners = new Set<number>();
    const k = rnd() < 0.5 ? 1 : rnd() < 0.6 ? 0 : 2;
    while (owners.size < k) owners.add(Math.max(0, i - 1 - Math.floor(rnd() * Math.min(i, 40))));
    for (const o of owners)
      edges.push({
        owner: enterprises[o]!,
        owned: enterprises[i]!,
        shareBp: 1000 + Math.floor(rnd() * 9000),
      });
  }
  const metrics: Record<string, Map<string, bigint>> = {};
  for (const dataset of METRIC_DATASETS) {
    const values = new Map<string, bigint>();
    for (const e of enterprises) values.set(e, rnd() < 0.6 ? 0n : BigInt(Math.floor(rnd() * 5_000_000)));
    metrics[dataset] = values;
  }
  return { seed, enterprises, edges, metrics };
}

/** The registered capital (CNY) of enterprise i, as the market registry holds it. */
export function registeredCapitalOf(i: number): bigint {
  return BigInt(1_000_000 + i);
}

const adjacency = new WeakMap<SyntheticData, Map<string, string[]>>();

/** The ownership graph as undirected adjacency lists, built once per economy. */
function adjacencyOf(data: SyntheticData): Map<string, string[]> {
  let adjacent = adjacency.get(data);
  if (adjacent !== undefined) return adjacent;
  adjacent = new Map();
  const link = (from: string, to: string) => {
    const list = adjacent!.get(from);
    if (list === undefined) adjacent!.set(from, [to]);
    else list.push(to);
  };
  for (const e of data.edges) {
    link(e.owner, e.owned);
    link(e.owned, e.owner);
  }
  adjacency.set(data, adjacent);
  return adjacent;
}

/** Related parties of `subject` within `depth` hops of the ownership graph (both directions), sorted. */
export function relatedInClear(data: SyntheticData, subject: string, depth: number): string[] {
  const adjacent = adjacencyOf(data);
  const seen = new Set([subject]);
  let frontier = [subject];
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const s of frontier) {
      for (const t of adjacent.get(s) ?? []) {
        if (seen.has(t)) continue;
        seen.add(t);
        next.push(t);
      }
    }
    frontier = next;
  }
  return [...seen].sort();
}

/**
 * The weighted sum, in the clear, of `metrics` over `subjects` (a subject a dataset lacks counts 0): what
 * a credit-penetration query must answer.
 * @throws {RangeError} for a dataset the economy does not have.
 */
export function aggregateInClear(
  data: SyntheticData,
  subjects: readonly string[],
  metrics: readonly { dataset: string; weight?: string | bigint }[],
): bigint {
  let sum = 0n;
  for (const m of metrics) {
    const values = data.metrics[m.dataset];
    if (values === undefined) throw new RangeError(`aggregateInClear: no dataset ${m.dataset}`);
    const weight = BigInt(m.weight ?? 1n);
    for (const s of subjects) sum += weight * (values.get(s) ?? 0n);
  }
  return sum;
}

/**
 * The first enterprise from index `from` whose depth-`depth` neighbourhood has between `min` and `max`
 * members (itself included), or undefined.
 */
export function subjectWithRelated(
  data: SyntheticData,
  depth: number,
  min: number,
  max: number,
  from = 0,
): string | undefined {
  for (let i = from; i < data.enterprises.length; i++) {
    const s = data.enterprises[i]!;
    const n = relatedInClear(data, s, depth).length;
    if (n >= min && n <= max) return s;
  }
  return undefined;
}
