// createAccelerator: picks a backend and puts batching queues in front of it for single calls.
import { availableParallelism } from 'node:os';
import { AccelError } from '../errors.ts';
import { createCpuAccelerator } from './cpu.ts';
import type { Accelerator, BackendName, Sm2VerifyRequest } from './interface.ts';
import { BatchingQueue, type BatchingQueueOptions } from './queue.ts';
import { createWorkersAccelerator } from './workers.ts';

/** Options of createAccelerator. */
export interface AcceleratorOptions {
  /** `auto` (default): workers when the machine has more than one core, else cpu. */
  backend?: 'auto' | BackendName;
  /** Worker threads for the workers backend; default `os.availableParallelism()`. */
  workers?: number;
  /** Tuning of the queues behind `sm2Verify` and `sm3`. */
  queue?: BatchingQueueOptions;
}

/** An accelerator plus single-item calls that are coalesced into batches. */
export interface PrivGateAccelerator extends Accelerator {
  /** Verifies one signature; concurrent calls are batched together. */
  sm2Verify(item: Sm2VerifyRequest): Promise<boolean>;
  /** Hashes one message; concurrent calls are batched together. */
  sm3(message: Uint8Array): Promise<Uint8Array>;
}

/**
 * Creates the crypto engine.
 * @throws {AccelError} ACCEL_BACKEND_UNAVAILABLE for a backend this build does not have.
 * @example
 * const accel = createAccelerator({ backend: 'workers' });
 * const ok = await accel.sm2VerifyBatch(items);
 * await accel.close();
 */
export function createAccelerator(options: AcceleratorOptions = {}): PrivGateAccelerator {
  const requested = options.backend ?? 'auto';
  let inner: Accelerator;
  if (requested === 'cpu' || (requested === 'auto' && availableParallelism() < 2)) {
    inner = createCpuAccelerator();
  } else if (requested === 'workers' || requested === 'auto') {
    inner = createWorkersAccelerator({ ...(options.workers === undefined ? {} : { size: options.workers }) });
  } else {
    throw new AccelError('ACCEL_BACKEND_UNAVAILABLE', `unknown accelerator backend "${String(requested)}"`, {
      backend: String(requested),
    });
  }
  const queueOptions = { concurrency: inner.parallelism, ...options.queue };
  const verifyQueue = new BatchingQueue<Sm2VerifyRequest, boolean>(
    (b) => inner.sm2VerifyBatch(b),
    queueOptions,
  );
  const sm3Queue = new BatchingQueue<Uint8Array, Uint8Array>((b) => inner.sm3Batch(b), queueOptions);
  let closing: Promise<void> | undefined;
  return {
    backend: inner.backend,
    parallelism: inner.parallelism,
    sm3Batch: (m) => inner.sm3Batch(m),
    sm3MerkleRoot: (l) => inner.sm3MerkleRoot(l),
    sm2VerifyBatch: (i) => inner.sm2VerifyBatch(i),
    sm2SignBatch: (i) => inner.sm2SignBatch(i),
    poseidonHashBatch: (arity, inputs) => inner.poseidonHashBatch(arity, inputs),
    poseidonMerkleRoot: (leaves, depth) => inner.poseidonMerkleRoot(leaves, depth),
    groth16VerifyBatch: (vkey, items) => inner.groth16VerifyBatch(vkey, items),
    sm2Verify: (item) => verifyQueue.push(item),
    sm3: (message) => sm3Queue.push(message),
    close: () => {
      closing ??= Promise.all([verifyQueue.close(), sm3Queue.close()]).then(() => inner.close());
      return closing;
    },
  };
}
