/**
 * Related-party resolution at the market-regulation gateway: breadth-first search to depth k over the
 * ownership and control graph (the `owner → owned` edges of its ownership dataset, followed in both
 * directions: shareholders and controlled companies are both related), starting from the subject, which
 * must be in its enterprise registry dataset. The traversal is not proven in zero knowledge: the
 * resolver signs the set it resolved (as subject ids) and that signature is anchored with the query, so a
 * wrong set is attributable to it.
 */
import type { GatewayStore } from '../store/index.ts';

/** Where the graph and the registry live. */
export interface OwnershipSource {
  /** Edges: subject = owner, a `uscc` value field = owned. */
  ownershipDataset: string;
  /** The field of an edge record naming the owned enterprise. */
  ownedField: string;
  /** Registered enterprises (one record per enterprise). */
  registryDataset: string;
}

interface Snapshot {
  stamp: string;
  adjacent: Map<string, string[]>;
  registered: Set<string>;
}

/** The ownership graph, loaded from the store and reloaded when the datasets change. */
export class OwnershipGraph {
  readonly #store: GatewayStore;
  readonly #source: OwnershipSource;
  #snapshot: Promise<Snapshot> | undefined;

  constructor(store: GatewayStore, source: OwnershipSource) {
    this.#store = store;
    this.#source = source;
  }

  async #load(): Promise<Snapshot> {
    const stamp = await this.#stamp();
    if (this.#snapshot !== undefined) {
      const current = await this.#snapshot.catch(() => undefined);
      if (current?.stamp === stamp) return current;
    }
    this.#snapshot = this.#read(stamp);
    return this.#snapshot;
  }

  async #stamp(): Promise<string> {
    const [edges, registry] = await Promise.all([
      this.#store.getDataset(this.#source.ownershipDataset),
      this.#store.getDataset(this.#source.registryDataset),
    ]);
    const [ev, rv] = await Promise.all([
      this.#store.getCommitmentVersion(this.#source.ownershipDataset),
      this.#store.getCommitmentVersion(this.#source.registryDataset),
    ]);
    return `${edges?.recordCount}/${ev?.version}/${registry?.recordCount}/${rv?.version}`;
  }

  async #read(stamp: string): Promise<Snapshot> {
    const adjacent = new Map<string, string[]>();
    const link = (a: string, b: string) => {
      const list = adjacent.get(a);
      if (list === undefined) adjacent.set(a, [b]);
      else list.push(b);
    };
    for await (const r of this.#records(this.#source.ownershipDataset)) {
      const owned = r.values[this.#source.ownedField];
      if (owned === undefined) continue;
      link(r.subjectId, owned);
      link(owned, r.subjectId);
    }
    const registered = new Set<string>();
    for await (const r of this.#records(this.#source.registryDataset)) registered.add(r.subjectId);
    return { stamp, adjacent, registered };
  }

  async *#records(dataset: string) {
    let afterRow = -1;
    for (;;) {
      const page = await this.#store.listRecords(dataset, { afterRow, limit: 10_000 });
      if (page.length === 0) return;
      yield* page;
      afterRow = page[page.length - 1]!.rowNumber;
    }
  }

  /**
   * The subject and every enterprise within `depth` hops, sorted by code; undefined when the subject is not
   * registered. Stops early (returning `limit + 1` codes) once the set exceeds `limit`.
   */
  async related(subject: string, depth: number, limit: number): Promise<string[] | undefined> {
    const { adjacent, registered } = await this.#load();
    if (!registered.has(subject)) return undefined;
    const seen = new Set([subject]);
    let frontier = [subject];
    for (let d = 0; d < depth && frontier.length > 0; d++) {
      const next: string[] = [];
      for (const s of frontier) {
        for (const t of adjacent.get(s) ?? []) {
          if (seen.has(t)) continue;
          seen.add(t);
          next.push(t);
          if (seen.size > limit) return [...seen].sort();
        }
      }
      frontier = next;
    }
    return [...seen].sort();
  }
}
