export { type PackedBytes, packBytes, packedCount, packedItem } from './codec.ts';
export { createCpuAccelerator } from './cpu.ts';
export {
  type AcceleratorOptions,
  createAccelerator,
  createAcceleratorAsync,
  type PrivGateAccelerator,
} from './create.ts';
export {
  type Accelerator,
  type BackendName,
  type Groth16Proof,
  type Groth16VerificationKey,
  type Groth16VerifyItem,
  MAX_BATCH_ITEMS,
  MAX_GROTH16_ITEMS,
  MAX_MESSAGE_BYTES,
  type Sm2SignRequest,
  type Sm2VerifyRequest,
} from './interface.ts';
export { BatchingQueue, type BatchingQueueOptions } from './queue.ts';
export { createWorkersAccelerator, type WorkersOptions } from './workers.ts';
