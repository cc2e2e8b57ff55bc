// The webgpu backend and its kernels (WGSL): SM3 batches, 256-bit Montgomery field arithmetic,
// BN254 G1 multi-scalar multiplication and Poseidon batches. See README.md in this folder.
export { createWebGpuAccelerator } from './backend.ts';
export {
  addSoftwareVulkanDriver,
  type GpuAdapterSummary,
  type GpuHandle,
  isSoftwareAdapter,
  type OpenGpuOptions,
  openGpuDevice,
  probeGpuAdapter,
} from './device.ts';
export { type FieldOpsResult, fieldOpsGpu } from './field-ops.ts';
export { BN254_FQ, BN254_FR, type GpuField, SM2_FP } from './fields.ts';
export { type G1Projective, g1AddGpu } from './g1-ops.ts';
export type { GpuKernels, WebGpuAccelerator, WebGpuOptions } from './interface.ts';
export { DEFAULT_KERNEL_STYLE, type KernelStyle } from './kernel-style.ts';
export {
  type G1Affine,
  MAX_MSM_POINTS,
  type MsmOptions,
  type MsmShape,
  msmG1Gpu,
  msmShape,
  packG1Points,
  packScalars,
} from './msm.ts';
export {
  poseidon2BatchGpu,
  poseidon2BytesGpu,
  poseidon2WordsGpu,
  poseidonMerkleRootGpu,
} from './poseidon.ts';
export { dispatchGrid, type GpuPass, GpuRuntime } from './runtime.ts';
export { sm3BatchGpu } from './sm3.ts';
