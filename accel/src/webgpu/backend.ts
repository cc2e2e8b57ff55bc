// The webgpu backend behind the engine's Accelerator interface. On the GPU: SM3 batches, two-input
// Poseidon batches and Poseidon Merkle roots that are large enough (and, for SM3, whose messages are
// short enough), plus the MSM and Poseidon kernels exposed beside the interface. On the fallback
// backend (a worker pool when created through createAcceleratorAsync): SM2 signing and verification
// (not implemented in WGSL), SM3 Merkle roots, Poseidon of other arities, and Groth16 verification
// (its MSMs can use msmG1).

import { packBytes, unpackFixed } from '../engine/codec.ts';
import { createCpuAccelerator } from '../engine/cpu.ts';
import { MAX_BATCH_ITEMS, type Sm2SignRequest, type Sm2VerifyRequest } from '../engine/interface.ts';
import { AccelError } from '../errors.ts';
import { openGpuDevice } from './device.ts';
import type { WebGpuAccelerator, WebGpuOptions } from './interface.ts';
import { DEFAULT_KERNEL_STYLE } from './kernel-style.ts';
import { type G1Affine, msmG1Gpu, packG1Points, packScalars } from './msm.ts';
import { poseidon2BatchGpu, poseidon2BytesGpu, poseidonMerkleRootGpu } from './poseidon.ts';
import { GpuRuntime } from './runtime.ts';
import { sm3BatchGpu } from './sm3.ts';

/**
 * Creates the webgpu backend on the best adapter.
 * @throws {AccelError} ACCEL_BACKEND_UNAVAILABLE if there is no adapter (or only a software one and
 *   `allowSoftwareAdapter` is not set) or no device can be opened.
 * @example
 * const gpu = await createWebGpuAccelerator();
 * const sum = await gpu.msmG1(points, scalars);
 * await gpu.close();
 */
export async function createWebGpuAccelerator(options: WebGpuOptions = {}): Promise<WebGpuAccelerator> {
  const handle = await openGpuDevice(options);
  const rt = new GpuRuntime(handle.device);
  const fallback = options.fallback ?? createCpuAccelerator();
  const style = options.kernelStyle ?? DEFAULT_KERNEL_STYLE;
  const minGpuBatch = options.minGpuBatch ?? 1024;
  const maxGpuMessageBytes = options.maxGpuMessageBytes ?? 16 << 10;
  const inflight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;

  const track = <T>(fn: () => Promise<T>): Promise<T> => {
    if (closing) return Promise.reject(new AccelError('ACCEL_CLOSED', 'accelerator is closed'));
    let p: Promise<T>;
    try {
      p = fn();
    } catch (err) {
      return Promise.reject(err);
    }
    inflight.add(p);
    const done = () => inflight.delete(p);
    p.then(done, done);
    return p;
  };

  const sm3Batch = (messages: readonly Uint8Array[]) =>
    track(async () => {
      const packed = packBytes(messages); // validates every item before anything runs
      let longest = 0;
      for (let i = 0; i < messages.length; i++) longest = Math.max(longest, messages[i]!.length);
      if (messages.length < minGpuBatch || longest > maxGpuMessageBytes) return fallback.sm3Batch(messages);
      return unpackFixed(await sm3BatchGpu(rt, packed), 32);
    });

  return {
    backend: 'webgpu',
    parallelism: fallback.parallelism,
    adapter: handle.adapter,
    sm3Batch,
    sm3MerkleRoot: (leaves: readonly Uint8Array[]) => track(() => fallback.sm3MerkleRoot(leaves)),
    sm2VerifyBatch: (items: readonly Sm2VerifyRequest[]) => track(() => fallback.sm2VerifyBatch(items)),
    sm2SignBatch: (items: readonly Sm2SignRequest[]) => track(() => fallback.sm2SignBatch(items)),
    poseidonHashBatch: (arity, inputs) =>
      track(async () => {
        const gpuShaped = arity === 2 && inputs instanceof Uint8Array && inputs.length % 64 === 0;
        const count = gpuShaped ? inputs.length / 64 : 0;
        if (count < minGpuBatch || count > MAX_BATCH_ITEMS) return fallback.poseidonHashBatch(arity, inputs);
        return poseidon2BytesGpu(rt, inputs, style);
      }),
    poseidonMerkleRoot: (leaves, depth) =>
      track(async () => {
        const gpuShaped =
          leaves instanceof Uint8Array &&
          leaves.length % 32 === 0 &&
          leaves.length / 32 >= minGpuBatch &&
          leaves.length / 32 <= MAX_BATCH_ITEMS;
        if (!gpuShaped) return fallback.poseidonMerkleRoot(leaves, depth);
        return poseidonMerkleRootGpu(rt, leaves, depth, style);
      }),
    groth16VerifyBatch: (vkey, items) => track(() => fallback.groth16VerifyBatch(vkey, items)),
    msmG1: (points: readonly G1Affine[], scalars: readonly bigint[]) =>
      track(async () => {
        if (points.length !== scalars.length) {
          throw new RangeError('msmG1: points and scalars must have the same count');
        }
        return msmG1Gpu(rt, packG1Points(points), packScalars(scalars), { style });
      }),
    poseidon2Batch: (inputs: readonly (readonly [bigint, bigint])[]) =>
      track(() => poseidon2BatchGpu(rt, inputs, { style })),
    close: () => {
      closing ??= (async () => {
        await Promise.allSettled([...inflight]);
        rt.destroy();
        handle.release();
        await fallback.close();
      })();
      return closing;
    },
  };
}
