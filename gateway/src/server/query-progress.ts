/**
 * Progress of the queries this gateway takes part in, from the query service's stage events: kept in
 * memory, bounded in number and age (the ledger's audit trail and the store's query log are the durable
 * records), with subscribers for the server-sent event stream.
 */
import type { QueryEvent, QueryStage } from '../query/index.ts';

/** How a query stands at this gateway. */
export type QueryProgressOutcome = 'running' | 'answered' | 'failed' | 'refused';

/** What this gateway has seen of one query. */
export interface QueryProgressView {
  queryId: string;
  role: QueryEvent['role'];
  stage: QueryStage;
  outcome: QueryProgressOutcome;
  startedAt: number;
  updatedAt: number;
  events: QueryEvent[];
}

/** Bounds of the tracker. */
export interface QueryProgressOptions {
  /** Queries kept (default 1024; the oldest is dropped first). */
  maxQueries?: number;
  /** How long a query is kept after its last event, ms (default 1 h). */
  ttlMs?: number;
  /** Events kept per query (default 64). */
  maxEvents?: number;
}

type Listener = (event: QueryEvent, view: QueryProgressView) => void;

const TERMINAL: ReadonlySet<QueryStage> = new Set(['answered', 'failed', 'refused']);

/** True when no stage follows `stage` at this gateway. */
export function isTerminalStage(stage: QueryStage): boolean {
  return TERMINAL.has(stage);
}

/** The progress of recent queries. */
export class QueryProgress {
  readonly #views = new Map<string, QueryProgressView>();
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #max: number;
  readonly #ttlMs: number;
  readonly #maxEvents: number;

  constructor(options: QueryProgressOptions = {}) {
    this.#max = options.maxQueries ?? 1024;
    this.#ttlMs = options.ttlMs ?? 3_600_000;
    this.#maxEvents = options.maxEvents ?? 64;
  }

  /** Records an event (the query service's `onEvent`). */
  record(event: QueryEvent): void {
    let view = this.#views.get(event.queryId);
    if (view === undefined) {
      this.#sweep(event.at);
      view = {
        queryId: event.queryId,
        role: event.role,
        stage: event.stage,
        outcome: 'running',
        startedAt: event.at,
        updatedAt: event.at,
        events: [],
      };
      this.#views.set(event.queryId, view);
    } else if (event.stage === 'refused' && view.outcome !== 'refused') {
      // A replayed authorisation of a query this gateway already ran: the ledger refused the copy, the
      // query itself stands as it was.
      return;
    }
    // Keep insertion order = recency, so the sweep drops the least recently updated first.
    this.#views.delete(event.queryId);
    this.#views.set(event.queryId, view);
    if (event.role === 'entry') view.role = 'entry';
    view.stage = event.stage;
    view.updatedAt = event.at;
    if (isTerminalStage(event.stage)) view.outcome = event.stage as QueryProgressOutcome;
    if (view.events.length < this.#maxEvents) view.events.push(event);
    for (const listener of this.#listeners.get(event.queryId) ?? []) listener(event, view);
  }

  /** The query's progress, or undefined when unknown here. */
  get(queryId: string): QueryProgressView | undefined {
    const view = this.#views.get(queryId);
    return view === undefined ? undefined : { ...view, events: [...view.events] };
  }

  /** Calls `listener` with each later event of the query; returns the unsubscribe function. */
  subscribe(queryId: string, listener: Listener): () => void {
    let set = this.#listeners.get(queryId);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(queryId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(queryId);
    };
  }

  /** Queries that have not reached a terminal stage. */
  running(): number {
    let n = 0;
    for (const v of this.#views.values()) if (v.outcome === 'running') n++;
    return n;
  }

  #sweep(now: number): void {
    const cutoff = now - this.#ttlMs;
    for (const [id, v] of this.#views) {
      if (v.updatedAt >= cutoff) break;
      this.#views.delete(id);
    }
    while (this.#views.size >= this.#max) this.#views.delete(this.#views.keys().next().value!);
  }
}
