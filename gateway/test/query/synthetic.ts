/**
 * Deterministic synthetic data for query tests and benchmarks. The economy itself lives in
 * `src/synthetic/` (the demo writes it to files); this module re-exports it and loads it straight into a
 * gateway store, with seeded salts (TEST ONLY).
 */
import { declareDataset } from '../../src/datasets/index.ts';
import type { GatewayStore, NewRecord } from '../../src/store/index.ts';
import { type OwnershipEdge, seeded } from '../../src/synthetic/index.ts';

export {
  METRIC_DATASETS,
  type OwnershipEdge,
  relatedInClear,
  type SyntheticData,
  seeded,
  syntheticData,
  usccOf,
} from '../../src/synthetic/index.ts';

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
