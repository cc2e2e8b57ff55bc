// createAccelerator: picks a backend and puts batching queues in front of it for single calls.
import { availableParallelism } from 'node:os';
import { AccelError } from '../errors.ts';
import { createWebGpuAccelerator } from '../webgpu/backend.ts';
import type { GpuKernels, WebGpuOptions } from '../webgpu/interface.ts';
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
  /** A backend already made (put behind the queues as it is); `backend` and `workers` are then unused. */
  instance?: Accelerator;
  /** webgpu: accept a software adapter (SwiftShader, lavapipe) — tests and CI only. `auto` never does. */
  allowSoftwareAdapter?: boolean;
  /** webgpu tuning (kernel style, GPU batch thresholds, Dawn toggles). */
  webgpu?: Omit<WebGpuOptions, 'allowSoftwareAdapter' | 'fallback'>;
  /** Where createAcceleratorAsync's one line goes when `auto` finds no GPU; default console.warn, once per process. */
  log?: (line: string) => void;
}

/** An accelerator plus single-item calls that are coalesced into batches. */
export interface PrivGateAccelerator extends Accelerator {
  /** Verifies one signature; concurrent calls are batched together. */
  sm2Verify(item: Sm2VerifyRequest): Promise<boolean>;
  /** Hashes one message; concurrent calls are batched together. */
  sm3(message: Uint8Array): Promise<Uint8Array>;
  /** The GPU-only kernels (BN254 MSM, Poseidon batches) when the backend is webgpu. */
  readonly gpu?: GpuKernels;
}

/**
 * Creates the crypto engine. The webgpu backend needs an asynchronous adapter search: use
 * {@link createAcceleratorAsync} for it (and for an `auto` that considers GPUs).
 * @throws {AccelError} ACCEL_BACKEND_UNAVAILABLE for a backend this build does not have, or webgpu.
 * @example
 * const accel = createAccelerator({ backend: 'workers' });
 * const ok = await accel.sm2VerifyBatch(items);
 * await accel.close();
 */
export function createAccelerator(options: AcceleratorOptions = {}): PrivGateAccelerator {
  const requested = options.backend ?? 'auto';
  let inner: Accelerator;
  if (options.instance) {
    inner = options.instance;
  } else if (requested === 'webgpu') {
    throw new AccelError(
      'ACCEL_BACKEND_UNAVAILABLE',
      'the webgpu backend is created with createAcceleratorAsync (adapter discovery is asynchronous)',
      { backend: 'webgpu' },
    );
  } else if (requested === 'cpu' || (requested === 'auto' && availableParallelism() < 2)) {
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

let loggedNoGpu = false;

/**
 * Creates the crypto engine, with GPUs considered. `webgpu` opens the best adapter (a software one
 * only with `allowSoftwareAdapter`); SM2 work then runs on a worker pool beside it. `auto` uses a
 * hardware GPU when there is one, never a software adapter; otherwise it falls back to what
 * createAccelerator's `auto` picks and says so in one log line (once per process). Other backends are
 * created as createAccelerator creates them.
 * @throws {AccelError} ACCEL_BACKEND_UNAVAILABLE for webgpu when no acceptable adapter exists.
 * @example
 * const accel = await createAcceleratorAsync({ backend: 'auto' });
 * if (accel.gpu) await accel.gpu.msmG1(points, scalars);
 * await accel.close();
 */
export async function createAcceleratorAsync(options: AcceleratorOptions = {}): Promise<PrivGateAccelerator> {
  const requested = options.backend ?? 'auto';
  if (options.instance || (requested !== 'webgpu' && requested !== 'auto')) return createAccelerator(options);
  const cpuSide = (): Accelerator =>
    availableParallelism() < 2 && options.workers === undefined
      ? createCpuAccelerator()
      : createWorkersAccelerator(options.workers === undefined ? {} : { size: options.workers });
  const fallback = cpuSide();
  try {
    const gpu = await createWebGpuAccelerator({
      ...options.webgpu,
      allowSoftwareAdapter: requested === 'webgpu' && options.allowSoftwareAdapter === true,
      fallback,
    });
    return { ...createAccelerator({ ...options, instance: gpu }), gpu };
  } catch (err) {
    if (requested === 'webgpu' || !(err instanceof AccelError) || err.code !== 'ACCEL_BACKEND_UNAVAILABLE') {
      await fallback.close();
      throw err;
    }
    const line = `accel: no hardware WebGPU adapter (${String(err.context.reason ?? err.message)}); using ${fallback.backend}`;
    if (options.log) options.log(line);
    else if (!loggedNoGpu) {
      loggedNoGpu = true;
      console.warn(line);
    }
    return createAccelerator({ ...options, instance: fallback });
  }
}
