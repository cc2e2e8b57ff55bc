// A batching queue: single calls from many callers are coalesced into batches (up to `maxBatch`
// items, or whatever arrived within `maxWaitMs` of the first), so that callers who verify one
// signature at a time still get batch throughput. Backpressure: at most `maxPending` items wait;
// beyond that a caller waits for room, and beyond `maxWaiting` waiting callers it is refused with
// ACCEL_QUEUE_FULL, so memory stays bounded under any load.
import { AccelError } from '../errors.ts';

/** Tuning of a batching queue. */
export interface BatchingQueueOptions {
  /** Largest batch handed to the processor; default 4096. */
  maxBatch?: number;
  /** How long the first item of a batch waits for company, in ms; default 2. */
  maxWaitMs?: number;
  /** Items queued or in flight before callers must wait; default 8 × maxBatch. */
  maxPending?: number;
  /** Callers allowed to wait for room before new ones are refused; default 65,536. */
  maxWaiting?: number;
  /** Batches in flight at once; default 2. */
  concurrency?: number;
}

interface Job<I, R> {
  item: I;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/** Coalesces `push(item)` calls into `process(items)` batches. */
export class BatchingQueue<I, R> {
  readonly #process: (items: I[]) => Promise<R[]>;
  readonly #maxBatch: number;
  readonly #maxWaitMs: number;
  readonly #maxPending: number;
  readonly #maxWaiting: number;
  readonly #concurrency: number;
  #queue: Job<I, R>[] = [];
  #waiting: (() => void)[] = [];
  #pending = 0;
  #inflight = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #idle: (() => void)[] = [];

  constructor(process: (items: I[]) => Promise<R[]>, options: BatchingQueueOptions = {}) {
    this.#process = process;
    this.#maxBatch = options.maxBatch ?? 4096;
    this.#maxWaitMs = options.maxWaitMs ?? 2;
    this.#maxPending = options.maxPending ?? 8 * this.#maxBatch;
    this.#maxWaiting = options.maxWaiting ?? 65_536;
    this.#concurrency = options.concurrency ?? 2;
    if (!(this.#maxBatch >= 1) || !(this.#maxPending >= this.#maxBatch) || !(this.#concurrency >= 1)) {
      throw new RangeError('BatchingQueue: need maxBatch ≥ 1, maxPending ≥ maxBatch, concurrency ≥ 1');
    }
  }

  /** Items queued or being processed. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Queues one item; resolves with its result when its batch is done.
   * @throws {AccelError} ACCEL_CLOSED after close(); ACCEL_QUEUE_FULL when too many callers wait.
   */
  async push(item: I): Promise<R> {
    while (this.#pending >= this.#maxPending) {
      if (this.#closed) throw new AccelError('ACCEL_CLOSED', 'batching queue is closed');
      if (this.#waiting.length >= this.#maxWaiting) {
        throw new AccelError('ACCEL_QUEUE_FULL', 'batching queue is full', { pending: this.#pending });
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    if (this.#closed) throw new AccelError('ACCEL_CLOSED', 'batching queue is closed');
    this.#pending++;
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  /** Flushes what is queued, waits for every batch to finish, then refuses new items. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const wake of this.#waiting.splice(0)) wake();
    this.#drain(true);
    if (this.#pending > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  #schedule(): void {
    if (this.#queue.length >= this.#maxBatch) {
      this.#drain(false);
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#drain(true);
      }, this.#maxWaitMs);
    }
  }

  #drain(includePartial: boolean): void {
    while (
      this.#inflight < this.#concurrency &&
      (this.#queue.length >= this.#maxBatch || (includePartial && this.#queue.length > 0))
    ) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      this.#inflight++;
      void this.#run(batch);
    }
    if (this.#queue.length === 0 && this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  async #run(batch: Job<I, R>[]): Promise<void> {
    try {
      const results = await this.#process(batch.map((j) => j.item));
      if (results.length !== batch.length)
        throw new AccelError('ACCEL_WORKER_FAILED', 'batch answered the wrong count');
      batch.forEach((j, i) => j.resolve(results[i]!));
    } catch (err) {
      for (const j of batch) j.reject(err);
    } finally {
      this.#inflight--;
      this.#pending -= batch.length;
      for (const wake of this.#waiting.splice(0, batch.length)) wake();
      if (this.#queue.length > 0) this.#drain(this.#closed || !this.#timer);
      if (this.#pending === 0) for (const done of this.#idle.splice(0)) done();
    }
  }
}
