// A fixed pool of worker threads with request/response correlation, crash recovery and clean close.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AccelError, deserializeError } from '../../errors.ts';
import type { WorkerRequest, WorkerResponse } from './protocol.ts';

type Pending = { resolve: (r: WorkerResponse & { ok: true }) => void; reject: (e: Error) => void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A request before the pool numbers it. */
export type PoolRequest = DistributiveOmit<WorkerRequest, 'id'>;

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

// When running from TypeScript sources (tsx, vitest) the worker must register the tsx loader itself:
// on Node 20 loader hooks of the parent do not reach workers, nor does `--import tsx` in execArgv.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './worker.ts' : './worker.js', import.meta.url);

function startWorker(): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
  return new Worker(boot, { eval: true });
}

/** Worker threads running the accelerator's kernels. */
export class WorkerPool {
  readonly size: number;
  readonly #slots: Slot[] = [];
  #nextId = 1;
  #closed = false;

  constructor(size: number = availableParallelism()) {
    if (!Number.isInteger(size) || size < 1 || size > 256)
      throw new RangeError('WorkerPool: size must be 1..256');
    this.size = size;
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn(i));
  }

  /** Requests in flight on worker i (for load balancing). */
  load(i: number): number {
    return this.#slots[i]?.pending.size ?? 0;
  }

  /** The index of the least busy worker. */
  leastBusy(): number {
    let best = 0;
    for (let i = 1; i < this.size; i++) if (this.load(i) < this.load(best)) best = i;
    return best;
  }

  /**
   * Sends a request to worker `index`; resolves with its answer.
   * @throws {AccelError} ACCEL_CLOSED after close(); ACCEL_WORKER_FAILED if the worker dies; or the
   * worker's own typed error, re-created on this side.
   */
  run(index: number, req: PoolRequest, transfer: ArrayBuffer[] = []): Promise<WorkerResponse & { ok: true }> {
    if (this.#closed) return Promise.reject(new AccelError('ACCEL_CLOSED', 'accelerator is closed'));
    const slot = this.#slots[index];
    if (!slot) return Promise.reject(new RangeError(`WorkerPool.run: no worker ${index}`));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      // A worker keeps the process alive only while it has work, so a forgotten close() never hangs
      // a program, and an awaited batch never lets it exit early.
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ ...req, id }, transfer);
    });
  }

  /** Waits for in-flight requests, then terminates the workers. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const inflight = this.#slots.flatMap((s) =>
      [...s.pending.values()].map(
        (p) =>
          new Promise<void>((done) => {
            const { resolve, reject } = p;
            p.resolve = (r) => {
              resolve(r);
              done();
            };
            p.reject = (e) => {
              reject(e);
              done();
            };
          }),
      ),
    );
    await Promise.all(inflight);
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  #spawn(index: number): Slot {
    const worker = startWorker();
    const slot: Slot = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (res: WorkerResponse) => {
      const p = slot.pending.get(res.id);
      if (!p) return;
      slot.pending.delete(res.id);
      if (slot.pending.size === 0) slot.worker.unref();
      if (res.ok) p.resolve(res);
      else p.reject(deserializeError(res.error));
    });
    const fail = (reason: string) => {
      for (const p of slot.pending.values()) {
        p.reject(
          new AccelError('ACCEL_WORKER_FAILED', `accelerator worker ${index} failed: ${reason}`, {
            worker: index,
          }),
        );
      }
      slot.pending.clear();
      if (!this.#closed) this.#slots[index] = this.#spawn(index);
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => {
      if (this.#slots[index] === slot && !this.#closed) fail(`exited with code ${code}`);
    });
    return slot;
  }
}
