/**
 * The query benchmark's baseline: the same credit-penetration query computed in the clear by one process
 * holding every ministry's records in one SQLite store — what answering costs when the data is pooled and
 * nothing is private. It runs the resolver's own code (`OwnershipGraph`, its snapshot loaded once, as a
 * running resolver keeps it) and reads each related party's record of each metric from the store.
 */
import { join } from 'node:path';
import { declareDataset, importRecordsFromFile } from '../src/datasets/index.ts';
import { OwnershipGraph } from '../src/query/index.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/index.ts';
import {
  OWNERSHIP_DATASET,
  REGISTRY_DATASET,
  type SyntheticFile,
  syntheticDeclarations,
} from '../src/synthetic/index.ts';

/** A query as the baseline answers it. */
export interface ClearQuery {
  subject: string;
  depth: number;
  metrics: readonly { dataset: string; weight?: string }[];
  /** Verdict threshold; absent for the aggregate. */
  threshold?: bigint;
}

/** Every ministry's records in one store, and the clear query over them. */
export class PooledClearQuery {
  readonly #store: SqliteStore;
  readonly #graph: OwnershipGraph;
  /** ms to import every file into the pooled store. */
  readonly importMs: number;
  readonly records: number;

  private constructor(store: SqliteStore, importMs: number, records: number) {
    this.#store = store;
    this.importMs = importMs;
    this.records = records;
    this.#graph = new OwnershipGraph(store, {
      ownershipDataset: OWNERSHIP_DATASET,
      ownedField: 'owned',
      registryDataset: REGISTRY_DATASET,
    });
  }

  /** Imports the demo's record files into one fresh store in `dir`. */
  static async open(dir: string, files: readonly SyntheticFile[]): Promise<PooledClearQuery> {
    const store = openSqliteStore({ path: join(dir, 'pooled.sqlite') });
    const declarations = syntheticDeclarations();
    const started = performance.now();
    let records = 0;
    for (const f of files) {
      await declareDataset(store, declarations[f.dataset]);
      records += (await importRecordsFromFile(store, f.dataset, f.path)).imported;
    }
    return new PooledClearQuery(store, performance.now() - started, records);
  }

  /**
   * The answer in the clear: the weighted sum over the related parties, or whether it reaches the
   * threshold.
   * @throws {Error} when the subject is not registered.
   */
  async answer(q: ClearQuery): Promise<{ aggregate: bigint; verdict?: boolean; related: number }> {
    const related = await this.#graph.related(q.subject, q.depth, 1 << 20);
    if (related === undefined) throw new Error(`${q.subject} is not registered`);
    let aggregate = 0n;
    for (const m of q.metrics) {
      const weight = BigInt(m.weight ?? '1');
      for (const s of related) {
        for (const r of await this.#store.findRecordsBySubject(m.dataset, s))
          aggregate += weight * BigInt(r.values.amount ?? '0');
      }
    }
    return {
      aggregate,
      related: related.length,
      ...(q.threshold === undefined ? {} : { verdict: aggregate >= q.threshold }),
    };
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}
