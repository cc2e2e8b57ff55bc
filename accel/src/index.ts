// @privgate/accel — the crypto engine: SM3 (GB/T 32905), SM2 (GB/T 32918), circomlib's Poseidon and
// batched Groth16 verification on BN254, and backends that run batches of them on the calling thread or a
// worker pool behind one interface.
export * from './engine/index.ts';
export {
  AccelError,
  type AccelErrorCode,
  CodedError,
  deserializeError,
  type SerializedError,
  serializeError,
} from './errors.ts';
export * from './groth16/index.ts';
export * from './poseidon/index.ts';
export * from './sm2/index.ts';
export * from './sm3/index.ts';
export * from './webgpu/index.ts';
