/**
 * What a gateway holds about one query while it runs: the related parties the resolver sent (holders
 * only), contributions received from holders and their checks, signed transcripts (entry gateway), the
 * first failure a participant reported, and the session's transport (to abort it). States are created by
 * the first message that names the query and dropped after a while.
 */
import type { ContributionCheck, DatasetContribution } from '../contribution/index.ts';
import type { SessionTransport } from '../mpc-transport/index.ts';
import type { QueryError } from './errors.ts';
import type { SignedTranscript } from './record.ts';

/** A value that arrives later, awaited with a timeout. */
export class Deferred<T> {
  readonly promise: Promise<T>;
  #resolve!: (value: T) => void;
  #settled = false;
  value: T | undefined;

  constructor() {
    this.promise = new Promise<T>((resolve) => {
      this.#resolve = resolve;
    });
  }

  get settled(): boolean {
    return this.#settled;
  }

  resolve(value: T): void {
    if (this.#settled) return;
    this.#settled = true;
    this.value = value;
    this.#resolve(value);
  }

  /** The value, or `onTimeout()`'s error after `ms`. */
  wait(ms: number, onTimeout: () => Error): Promise<T> {
    if (this.#settled) return Promise.resolve(this.value as T);
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onTimeout()), ms);
      }),
    ]).finally(() => clearTimeout(timer));
  }
}

/** Per-query state at one gateway. */
export class QueryState {
  readonly queryId: string;
  readonly createdAt = performance.now();
  readonly subjects = new Deferred<{ from: string; subjects: string[] }>();
  readonly #contributions = new Map<string, Deferred<DatasetContribution>>();
  readonly checks = new Map<string, Promise<ContributionCheck>>();
  readonly transcripts = new Map<string, Deferred<SignedTranscript>>();
  /** The first failure a participant reported to this (entry) gateway. */
  reported: QueryError | undefined;
  /** The first contribution this gateway found invalid. */
  invalid:
    | { holder: string; dataset: string; check: Extract<ContributionCheck, { valid: false }> }
    | undefined;
  transport: SessionTransport | undefined;
  /** The session's participants, once known. */
  participants: string[] = [];
  /** The entry gateway, once known (only it may abort the query). */
  entry: string | undefined;
  /** Set once the query is aborted: a session started later fails at once. */
  aborted: QueryError | undefined;
  readonly #failureWaiters = new Set<(e: QueryError) => void>();

  constructor(queryId: string) {
    this.queryId = queryId;
  }

  contribution(holder: string, dataset: string): Deferred<DatasetContribution> {
    const key = `${holder}\0${dataset}`;
    let d = this.#contributions.get(key);
    if (d === undefined) {
      d = new Deferred();
      this.#contributions.set(key, d);
    }
    return d;
  }

  transcript(party: string): Deferred<SignedTranscript> {
    let d = this.transcripts.get(party);
    if (d === undefined) {
      d = new Deferred();
      this.transcripts.set(party, d);
    }
    return d;
  }

  /** Records a participant's failure (the first one counts) and aborts the local session. */
  report(error: QueryError, party: string): void {
    if (this.reported === undefined) this.reported = error;
    this.transport?.declareDown(party);
    for (const w of this.#failureWaiters) w(error);
  }

  readonly #abortedSignal = new Deferred<QueryError>();

  /** Ends the local session at once: every participant is reported gone to it, pending waits fail. */
  abort(reason: QueryError): void {
    this.aborted ??= reason;
    this.#abortedSignal.resolve(this.aborted);
    for (const p of this.participants) this.transport?.declareDown(p);
  }

  /** `promise`, unless the query is aborted first. */
  guard<T>(promise: Promise<T>): Promise<T> {
    promise.catch(() => {}); // a wait that loses the race to an abort still settles later
    if (this.aborted !== undefined) return Promise.reject(this.aborted);
    return Promise.race([
      promise,
      this.#abortedSignal.promise.then((reason) => {
        throw reason;
      }),
    ]);
  }

  /** Rejects when a participant reports a failure. */
  failure(): Promise<never> {
    return new Promise<never>((_, reject) => {
      if (this.reported !== undefined) reject(this.reported);
      else this.#failureWaiters.add(reject);
    });
  }
}

/** Query states of a gateway, bounded in number and age. */
export class QueryStates {
  readonly #states = new Map<string, QueryState>();
  readonly #max: number;
  readonly #ttlMs: number;

  constructor(max = 1024, ttlMs = 15 * 60_000) {
    this.#max = max;
    this.#ttlMs = ttlMs;
  }

  get(queryId: string): QueryState {
    let s = this.#states.get(queryId);
    if (s === undefined) {
      this.#sweep();
      s = new QueryState(queryId);
      this.#states.set(queryId, s);
    }
    return s;
  }

  delete(queryId: string): void {
    this.#states.delete(queryId);
  }

  #sweep(): void {
    const cutoff = performance.now() - this.#ttlMs;
    for (const [id, s] of this.#states) if (s.createdAt < cutoff) this.#states.delete(id);
    while (this.#states.size >= this.#max) this.#states.delete(this.#states.keys().next().value!);
  }
}
