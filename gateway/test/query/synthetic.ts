/**
 * Deterministic synthetic data for query tests and benchmarks: n enterprises with valid unified social
 * credit codes, an ownership graph (each enterprise after the first few owned by up to two earlier ones),
 * and per-ministry figures, all from a seeded generator, so answers can be recomputed in the clear.
 */
import { declareDataset, USCC_ALPHABET, usccCheckCharacter } from '../../src/datasets/index.ts';
import type { GatewayStore, NewRecord } from '../../src/store/index.ts';

/** xorshift32: TEST ONLY, reproducible. */
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

/** A valid code for enterprise `i` (distinct for distinct i < 31^9). */
export function usccOf(i: number): string {
  let digits = '';
  let v = i;
  for (let k = 0; k < 9; k++) {
    digits = USCC_ALPHABET[v % 31]! + digits;
    v = Math.floor(v / 31);
  }
  const first17 = `91110108${digits}`;
  return first17 + usccCheckCharacter(first17);
}

export interface OwnershipEdge {
  owner: string;
  owned: string;
  shareBp: number;
}

export interface SyntheticData {
  enterprises: string[];
  edges: OwnershipEdge[];
  /** Metric dataset → subject code → value. */
  metrics: Record<string, Map<string, bigint>>;
}

export const METRIC_DATASETS = ['tax.arrears', 'customs.penalties', 'bank.loans', 'fx.violations'] as const;

/** Builds the synthetic economy. */
export function syntheticData(n: number, seed = 7): SyntheticData {
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
  return { enterprises, edges, metrics };
}

/** Related parties of `subject` within `depth` hops of the ownership graph (both directions), sorted. */
export function relatedInClear(data: SyntheticData, subject: string, depth: number): string[] {
  const adjacent = new Map<string, string[]>();
  for (const e of data.edges) {
    adjacent.set(e.owner, [...(adjacent.get(e.owner) ?? []), e.owned]);
    adjacent.set(e.owned, [...(adjacent.get(e.owned) ?? []), e.owner]);
  }
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

const salt = (rnd: () => number): Uint8Array =>
  Uint8Array.from({ length: 31 }, () => Math.floor(rnd() * 256));

/** Declares a metric dataset (subject + amount in CNY fen) and imports its records. */
export async function loadMetricDataset(
  store: GatewayStore,
  dataset: string,
  values: Map<string, bigint>,
  seed = 11,
): Promise<void> {
  await declareDataset(store, {
    name: dataset,
    subject: 'enterprise',
    fields: [
      { name: 'enterprise', type: 'uscc' },
      { name: 'amount', type: 'decimal', scale: 2, unit: 'CNY' },
    ],
  });
  const rnd = seeded(seed);
  const session = await store.beginRecordImport(dataset);
  let batch: NewRecord[] = [];
  for (const [subjectId, value] of values) {
    batch.push({ subjectId, values: { amount: value.toString() }, salt: salt(rnd) });
    if (batch.length === 5000) {
      await session.append(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await session.append(batch);
  await session.commit();
}

/** Declares the ownership-edges dataset (owner → owned, share in basis points) and imports the edges. */
export async function loadOwnershipDataset(
  store: GatewayStore,
  dataset: string,
  edges: readonly OwnershipEdge[],
  seed = 13,
): Promise<void> {
  await declareDataset(store, {
    name: dataset,
    subject: 'owner',
    fields: [
      { name: 'owner', type: 'uscc' },
      { name: 'owned', type: 'uscc' },
      { name: 'share_bp', type: 'int64', unit: 'basis points' },
    ],
  });
  const rnd = seeded(seed);
  const session = await store.beginRecordImport(dataset);
  await session.append(
    edges.map((e) => ({
      subjectId: e.owner,
      values: { owned: e.owned, share_bp: String(e.shareBp) },
      salt: salt(rnd),
    })),
  );
  await session.commit();
}
