/**
 * Bulk Poseidon on worker threads, for building the Merkle tree of a large dataset: a million leaves
 * (Poseidon of 4) and a million node hashes (Poseidon of 2), hashed by the accelerator's batch WebAssembly
 * Poseidon (circomlib's hash, ≈ 2× circomlibjs per core), scaling with the cores given. Inputs and outputs
 * cross threads as packed limbs (`field-bytes.ts`). With `workers: 0` everything runs on the calling
 * thread (for tiny trees and tests).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PoseidonWasm } from '@privgate/accel';

/** A request to a worker: Poseidon over each group of `arity` elements of `input`. */
export interface PoseidonWorkerRequest {
  id: number;
  arity: number;
  input: ArrayBuffer;
}

/** A worker's answer. */
export type PoseidonWorkerResponse =
  | { id: number; ok: true; output: ArrayBuffer }
  | { id: number; ok: false; message: string };

/** Options of {@link PoseidonPool.create}. */
export interface PoseidonPoolOptions {
  /** Worker threads (default: available cores); 0 hashes on the calling thread. */
  workers?: number;
}

/** Groups per message: small enough to balance the workers, large enough to amortise the hop. */
const CHUNK_GROUPS = 8192;

/**
 * Source of a worker's entry: registers tsx's ESM loader, then imports the TypeScript worker module (on
 * Node 20 a worker's entry module does not inherit `--import tsx`).
 */
function workerBootstrap(entry: URL): string {
  const require = createRequire(import.meta.url);
  const tsxPackage = require.resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(tsxPackage, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const api = pathToFileURL(join(dirname(tsxPackage), manifest.exports['./esm/api']!.import.default)).href;
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
}

interface PoolWorker {
  worker: Worker;
  busy: number;
  pending: Map<number, { resolve: (out: ArrayBuffer) => void; reject: (err: Error) => void }>;
}

/** Parallel Poseidon over packed groups of field elements. */
export class PoseidonPool {
  readonly size: number;
  readonly #workers: PoolWorker[];
  readonly #local: PoseidonWasm;
  #nextId = 1;
  #closed = false;

  private constructor(workers: PoolWorker[], local: PoseidonWasm) {
    this.#workers = workers;
    this.size = workers.length;
    this.#local = local;
  }

  /** Starts the workers (each instantiates its own WebAssembly Poseidon). */
  static async create(options: PoseidonPoolOptions = {}): Promise<PoseidonPool> {
    const count = options.workers ?? availableParallelism();
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError(`workers must be an integer ≥ 0, got ${count}`);
    const source = workerBootstrap(new URL('./poseidon-worker.ts', import.meta.url));
    const workers = await Promise.all(
      Array.from({ length: count }, async () => {
        // `mod`/`type`: the web-worker package (loaded with snarkjs through @privgate/circuits) treats any
        // worker thread as one of its own and reads these; a no-op module keeps it out of the way.
        const worker = new Worker(source, {
          eval: true,
          workerData: { mod: 'data:text/javascript,', type: 'module' },
        });
        const entry: PoolWorker = { worker, busy: 0, pending: new Map() };
        await new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
        });
        worker.on('message', (message: PoseidonWorkerResponse) => {
          const p = entry.pending.get(message.id);
          entry.pending.delete(message.id);
          if (message.ok) p?.resolve(message.output);
          else p?.reject(new Error(`poseidon worker: ${message.message}`));
        });
        const failAll = (reason: string) => {
          for (const p of entry.pending.values()) p.reject(new Error(reason));
          entry.pending.clear();
        };
        worker.on('error', (err) => failAll(`poseidon worker crashed: ${err.message}`));
        worker.on('exit', () => failAll('poseidon worker exited'));
        worker.unref();
        return entry;
      }),
    );
    return new PoseidonPool(workers, new PoseidonWasm());
  }

  /**
   * Poseidon of each consecutive group of `arity` elements of `input` (packed), as packed output.
   * @throws {Error} when the pool is closed or a worker fails.
   */
  async hashGroups(input: BigUint64Array, arity: number): Promise<BigUint64Array> {
    if (this.#closed) throw new Error('poseidon pool is closed');
    if (!Number.isInteger(arity) || arity < 1 || arity > 16) throw new RangeError('arity must be in [1, 16]');
    const groups = input.length / 4 / arity;
    if (!Number.isInteger(groups)) throw new RangeError('input length is not a whole number of groups');
    const out = new BigUint64Array(groups * 4);
    if (this.size === 0 || groups < 64) {
      const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
      new Uint8Array(out.buffer).set(this.#local.hashPacked(arity, bytes, groups));
      return out;
    }
    const perWorker = Math.ceil(groups / this.size);
    const chunk = Math.max(64, Math.min(CHUNK_GROUPS, perWorker));
    const jobs: Promise<void>[] = [];
    for (let start = 0; start < groups; start += chunk) {
      const end = Math.min(groups, start + chunk);
      const slice = input.slice(start * arity * 4, end * arity * 4);
      jobs.push(
        this.#send(arity, slice.buffer as ArrayBuffer).then((buffer) => {
          out.set(new BigUint64Array(buffer), start * 4);
        }),
      );
    }
    await Promise.all(jobs);
    return out;
  }

  #send(arity: number, input: ArrayBuffer): Promise<ArrayBuffer> {
    const entry = this.#workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.#nextId++;
    // An idle worker does not keep the process alive; one with work does, or a process whose only pending
    // work is a hash would exit with the hash unfinished.
    if (entry.busy++ === 0) entry.worker.ref();
    return new Promise<ArrayBuffer>((resolve, reject) => {
      entry.pending.set(id, { resolve, reject });
      entry.worker.postMessage({ id, arity, input } satisfies PoseidonWorkerRequest, [input]);
    }).finally(() => {
      if (--entry.busy === 0) entry.worker.unref();
    });
  }

  /** Terminates the workers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
  }
}
