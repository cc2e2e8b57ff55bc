/**
 * One-at-a-time execution of a node's state changes: consensus steps, commits and height changes run as
 * jobs of one lane, each to completion (including the awaited WAL fsync of its outputs) before the next
 * starts, so the core is never stepped while the outputs of its previous step are still being carried
 * out. Jobs from the network are bounded; internal jobs (timeouts, validity answers, commits) are not.
 */

/** A job: synchronous or asynchronous work that must not interleave with other jobs. */
export type LaneJob = () => void | Promise<void>;

/** A FIFO of jobs run one at a time. */
export class SerialLane {
  private readonly jobs: { job: LaneJob; external: boolean }[] = [];
  private externalCount = 0;
  private running = false;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    /** Most queued jobs from the network; more are refused (`push` answers false). */
    private readonly maxExternal: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Jobs waiting. */
  get size(): number {
    return this.jobs.length;
  }

  /**
   * Queues a job; `external` jobs (peer input) count against the bound.
   * @returns false if the job was refused (lane full or closed).
   */
  push(job: LaneJob, external = false): boolean {
    if (this.closed || (external && this.externalCount >= this.maxExternal)) return false;
    this.jobs.push({ job, external });
    if (external) this.externalCount++;
    if (!this.running) void this.pump();
    return true;
  }

  /** Queues a job and resolves with its result once it ran. */
  run<T>(job: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const ok = this.push(async () => {
        try {
          resolve(await job());
        } catch (err) {
          reject(err);
        }
      });
      if (!ok) reject(new Error('lane closed'));
    });
  }

  /** Resolves when no job is queued or running. */
  idle(): Promise<void> {
    if (!this.running && this.jobs.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Refuses new jobs; queued ones are dropped, the running one finishes. */
  close(): Promise<void> {
    this.closed = true;
    this.jobs.length = 0;
    this.externalCount = 0;
    return this.idle();
  }

  private async pump(): Promise<void> {
    this.running = true;
    while (this.jobs.length > 0) {
      const { job, external } = this.jobs.shift()!;
      if (external) this.externalCount--;
      try {
        await job();
      } catch (err) {
        this.onError(err);
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
