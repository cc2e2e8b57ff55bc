/**
 * A pool of prover worker threads: proofs run in parallel, one per worker (the next waiting proof goes to
 * the first worker that frees up), each worker keeping every circuit it has proved loaded. On a 2-core
 * machine two single-threaded workers prove two proofs in about the time of one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Accelerator } from '@privgate/accel';
import { CircuitError } from '../errors.ts';
import { encodeInput } from '../inputs/signals.ts';
import type { CircuitInput } from '../inputs/types.ts';
import type { CircuitName } from '../registry.ts';
import type { Groth16Proof } from '../vendor/snarkjs.ts';
import { ProofBatchVerifier } from './batch-verifier.ts';
import type { CircuitProvingEngine, ProverOptions } from './interface.ts';
import type { CircuitProof } from './verify.ts';
import type { WorkerInit, WorkerRequest, WorkerResponse } from './worker-protocol.ts';

export interface ProverPoolOptions extends ProverOptions {
  /** Worker threads, each computing on its own thread only; default the number of available cores. */
  workers?: number;
  /** Circuits every worker loads up front, so the first proofs do not pay the load. */
  preload?: readonly CircuitName[];
  /** Where received proofs are verified in batches (default: a process-wide single-thread engine). */
  accel?: Pick<Accelerator, 'groth16VerifyBatch'>;
}

/**
 * Source of the worker's entry: registers tsx's ESM loader, then imports prover-worker.ts. The packages
 * export TypeScript sources directly, and on Node 20 `execArgv: ['--import', 'tsx']` does not reach a
 * worker's own entry module, so the loader is registered from a small eval'd script instead.
 */
function workerBootstrap(): string {
  const require = createRequire(import.meta.url);
  const tsxPackage = require.resolve('tsx/package.json');
  const exports = (
    JSON.parse(readFileSync(tsxPackage, 'utf8')) as {
      exports: Record<string, { import: { default: string } }>;
    }
  ).exports;
  const api = pathToFileURL(join(dirname(tsxPackage), exports['./esm/api']!.import.default)).href;
  const entry = new URL('./prover-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}

interface Pending {
  resolve(response: WorkerResponse): void;
}

interface PoolWorker {
  worker: Worker;
  busy: number;
  /** Proving now (proofs are handed to idle workers only). */
  proving: boolean;
  pending: Map<number, Pending>;
}

interface Waiting {
  resolve(worker: PoolWorker): void;
  reject(error: CircuitError): void;
}

/**
 * Parallel Groth16 proving on worker threads.
 * @example
 * const pool = await CircuitProverPool.create({ workers: 2, preload: ['record_inclusion'] });
 * const [a, b] = await Promise.all([pool.prove('record_inclusion', x), pool.prove('record_inclusion', y)]);
 * await pool.close();
 */
export class CircuitProverPool implements CircuitProvingEngine {
  readonly size: number;
  readonly #workers: PoolWorker[];
  /** Proofs waiting for an idle worker, first come first served. */
  readonly #waiting: Waiting[] = [];
  readonly #verifier: ProofBatchVerifier;
  #nextId = 1;
  #closed = false;

  private constructor(workers: PoolWorker[], verifier: ProofBatchVerifier) {
    this.#workers = workers;
    this.size = workers.length;
    this.#verifier = verifier;
  }

  /**
   * Starts the workers and preloads circuits.
   * @throws {CircuitError} from preloading (`ARTIFACT_MISSING`, `ARTIFACT_STALE`, `CIRCUIT_UNKNOWN`).
   */
  static async create(options: ProverPoolOptions = {}): Promise<CircuitProverPool> {
    const count = options.workers ?? availableParallelism();
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`workers must be a positive integer, got ${count}`);
    const artifacts: ProverOptions = {
      ...(options.artifactsDir !== undefined ? { artifactsDir: options.artifactsDir } : {}),
      ...(options.verifyHashes !== undefined ? { verifyHashes: options.verifyHashes } : {}),
    };
    const init: WorkerInit = { options: artifacts, mod: 'data:text/javascript,', type: 'module' };
    const workers = await Promise.all(
      Array.from({ length: count }, async () => {
        const worker = new Worker(workerBootstrap(), { eval: true, workerData: init });
        const entry: PoolWorker = { worker, busy: 0, proving: false, pending: new Map() };
        await new Promise<void>((resolve, reject) => {
          const onReady = (message: WorkerResponse) => {
            if (message.id === 0) {
              worker.off('error', reject);
              resolve();
            }
          };
          worker.once('message', onReady);
          worker.once('error', reject);
        });
        worker.on('message', (message: WorkerResponse) => {
          entry.pending.get(message.id)?.resolve(message);
          entry.pending.delete(message.id);
        });
        const failAll = (code: 'PROVE_FAILED' | 'POOL_CLOSED', message: string) => {
          for (const [id, p] of entry.pending) {
            p.resolve({
              id,
              ok: false,
              error: {
                code,
                message,
                context: code === 'POOL_CLOSED' ? {} : { circuit: 'unknown', reason: message },
              },
            });
          }
          entry.pending.clear();
        };
        worker.on('error', (error) => failAll('PROVE_FAILED', `worker crashed: ${error.message}`));
        worker.on('exit', () => failAll('POOL_CLOSED', 'prover worker exited'));
        return entry;
      }),
    );
    const verifier = new ProofBatchVerifier({
      ...artifacts,
      ...(options.accel !== undefined ? { accel: options.accel } : {}),
    });
    const pool = new CircuitProverPool(workers, verifier);
    if (options.preload?.length) {
      await Promise.all(
        workers.flatMap((w) =>
          options.preload!.map((circuit) => pool.#send(w, { type: 'load', id: 0, circuit })),
        ),
      );
    }
    return pool;
  }

  #send(entry: PoolWorker, request: WorkerRequest): Promise<WorkerResponse> {
    const id = this.#nextId++;
    entry.busy++;
    return new Promise<WorkerResponse>((resolve) => {
      entry.pending.set(id, { resolve });
      entry.worker.postMessage({ ...request, id });
    }).then((response) => {
      entry.busy--;
      if (!response.ok) throw CircuitError.fromJSON(response.error);
      return response;
    });
  }

  /** An idle worker, now or when one frees up (proofs queue here, not behind a busy worker). */
  #acquire(): Promise<PoolWorker> {
    const idle = this.#workers.find((w) => !w.proving);
    if (idle !== undefined) {
      idle.proving = true;
      return Promise.resolve(idle);
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #release(entry: PoolWorker): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next.resolve(entry);
    else entry.proving = false;
  }

  /**
   * Proves on the first idle worker; while every worker proves, proofs wait in one queue, so a proof never
   * waits behind another on a busy worker while a worker is idle. Inputs are validated here, before they
   * cross the thread boundary.
   * @throws {CircuitError} `POOL_CLOSED`, `INPUT_INVALID`, `WITNESS_FAILED`, `PROVE_FAILED`, artifact errors.
   */
  async prove<C extends CircuitName>(circuit: C, input: CircuitInput<C>): Promise<CircuitProof<C>> {
    if (this.#closed) throw new CircuitError('POOL_CLOSED', 'prover pool is closed', {});
    const encoded = encodeInput(circuit, input);
    const entry = await this.#acquire();
    let response: WorkerResponse;
    try {
      response = await this.#send(entry, { type: 'prove', id: 0, circuit, input: encoded });
    } finally {
      this.#release(entry);
    }
    if (!response.ok || !response.proof || !response.publicSignals) {
      throw new CircuitError('PROVE_FAILED', `${circuit}: worker returned no proof`, {
        circuit,
        reason: 'empty response',
      });
    }
    return { circuit, proof: response.proof, publicSignals: response.publicSignals };
  }

  /**
   * Verifies on the accelerator; concurrent calls for one circuit are checked as one batch
   * (see ProofBatchVerifier).
   * @throws {CircuitError} `INPUT_INVALID` when the proof cannot be a proof at all.
   */
  verify(circuit: CircuitName, proof: Groth16Proof, publicSignals: readonly string[]): Promise<boolean> {
    return this.#verifier.verify(circuit, proof, publicSignals);
  }

  /**
   * Verifies proofs of one circuit as one batch; a malformed item is false.
   * @throws {CircuitError} `ARTIFACT_MISSING` / `ARTIFACT_STALE` when the verification key cannot be loaded.
   */
  verifyBatch(
    circuit: CircuitName,
    items: readonly { proof: Groth16Proof; publicSignals: readonly string[] }[],
  ): Promise<boolean[]> {
    return this.#verifier.verifyBatch(circuit, items);
  }

  /** Terminates the workers; pending proofs reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#waiting.splice(0))
      w.reject(new CircuitError('POOL_CLOSED', 'prover pool is closed', {}));
    await this.#verifier.close();
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
  }
}
