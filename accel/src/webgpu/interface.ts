// The webgpu backend's contract: the engine's Accelerator, plus the kernels only a GPU backend has
// (BN254 G1 MSM and Poseidon batches), which callers such as batched Groth16 verification plug in.
import type { Accelerator } from '../engine/interface.ts';
import type { GpuAdapterSummary } from './device.ts';
import type { KernelStyle } from './kernel-style.ts';
import type { G1Affine } from './msm.ts';

/** Kernels of the GPU backend beyond the Accelerator interface. */
export interface GpuKernels {
  /** The adapter the kernels run on. */
  readonly adapter: GpuAdapterSummary;
  /**
   * Σ scalars[i] · points[i] over BN254 G1. Points are affine, (0, 0) meaning infinity (as noble's
   * `toAffine()` gives them); scalars are in [0, r). Answers the affine sum, (0, 0) for infinity.
   * @throws {RangeError} if the counts differ, there are more than 2^20 points, a coordinate or
   *   scalar is out of range, or a point is not on the curve (the message names its index).
   */
  msmG1(points: readonly G1Affine[], scalars: readonly bigint[]): Promise<G1Affine>;
  /**
   * Poseidon(a, b) for each pair (BN254 scalar field, circomlib's parameters); identical to
   * circomlibjs's `poseidon([a, b])`.
   * @throws {RangeError} if an input is not a bigint in [0, r).
   */
  poseidon2Batch(inputs: readonly (readonly [bigint, bigint])[]): Promise<bigint[]>;
}

/** The webgpu backend: SM3 batches, MSM and Poseidon on the GPU; SM2 and Merkle roots on its fallback. */
export interface WebGpuAccelerator extends Accelerator, GpuKernels {
  readonly backend: 'webgpu';
}

/** Options of createWebGpuAccelerator. */
export interface WebGpuOptions {
  /** Accept a software adapter (SwiftShader, lavapipe): for tests and CI only. Default false. */
  allowSoftwareAdapter?: boolean;
  /** Dawn toggles for Node (e.g. `['backend=vulkan']`); ignored in browsers. */
  dawnOptions?: readonly string[];
  /**
   * Where SM2 signing and verification, Merkle roots and SM3 batches unsuited to the GPU run.
   * Default: a new cpu backend (createAcceleratorAsync passes a worker pool). Closed with this backend.
   */
  fallback?: Accelerator;
  /** SM3 batches with fewer messages go to the fallback (a GPU round trip costs more). Default 1024. */
  minGpuBatch?: number;
  /** A batch with a longer message goes to the fallback (one GPU thread hashes one message). Default 16 KiB. */
  maxGpuMessageBytes?: number;
  /** Shape of the generated WGSL (kernel-style.ts); default compact. */
  kernelStyle?: KernelStyle;
}
