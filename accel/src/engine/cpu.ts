// The reference backend: every kernel on the calling thread. Other backends must answer exactly as
// this one does (test/engine.compliance.test.ts, test/engine.differential.test.ts).
import { AccelError } from '../errors.ts';
import { packBytes, packedItem, unpackFixed } from './codec.ts';
import type { Accelerator, Sm2SignRequest, Sm2VerifyRequest } from './interface.ts';
import {
  createKernelState,
  sm2SignKernel,
  sm2VerifyKernel,
  sm3BatchKernel,
  sm3MerkleKernel,
} from './kernels.ts';
import { packSignRequests, packVerifyRequests } from './requests.ts';
import { groth16VerifyKernel, poseidonHashKernel, poseidonMerkleKernel } from './zk-kernels.ts';

/** Creates the single-thread backend. */
export function createCpuAccelerator(): Accelerator {
  const state = createKernelState();
  let closed = false;
  const guard = <T>(fn: () => T): Promise<T> => {
    if (closed) return Promise.reject(new AccelError('ACCEL_CLOSED', 'accelerator is closed'));
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  };
  return {
    backend: 'cpu',
    parallelism: 1,
    sm3Batch: (messages: readonly Uint8Array[]) =>
      guard(() => unpackFixed(sm3BatchKernel(packBytes(messages)), 32)),
    sm3MerkleRoot: (leaves: readonly Uint8Array[]) => guard(() => sm3MerkleKernel(packBytes(leaves))),
    sm2VerifyBatch: (items: readonly Sm2VerifyRequest[]) =>
      guard(() => {
        const b = packVerifyRequests(items);
        return Array.from(
          sm2VerifyKernel(state, b.publicKeys, b.messages, b.signatures, b.userIds),
          (x) => x === 1,
        );
      }),
    sm2SignBatch: (items: readonly Sm2SignRequest[]) =>
      guard(() => {
        const b = packSignRequests(items);
        const out = sm2SignKernel(state, b.privateKeys, b.messages, b.userIds, b.formats);
        return items.map((_, i) => packedItem(out, i).slice());
      }),
    poseidonHashBatch: (arity, inputs) => guard(() => poseidonHashKernel(arity, inputs)),
    poseidonMerkleRoot: (leaves, depth) => guard(() => poseidonMerkleKernel(leaves, depth)),
    groth16VerifyBatch: (vkey, items) =>
      guard(() => Array.from(groth16VerifyKernel(vkey, items), (x) => x === 1)),
    close: async () => {
      closed = true;
    },
  };
}
