// A worker thread of the pool: runs kernels on packed batches and keeps its own key caches.
import { parentPort } from 'node:worker_threads';
import { serializeError } from '../../errors.ts';
import { transferList } from '../codec.ts';
import {
  createKernelState,
  sm2SignKernel,
  sm2VerifyKernel,
  sm3BatchKernel,
  sm3MerkleKernel,
} from '../kernels.ts';
import { sm3SharedKernel } from '../sm3-shared.ts';
import { groth16VerifyKernel, poseidonHashKernel, poseidonMerkleKernel } from '../zk-kernels.ts';
import type { WorkerRequest, WorkerResponse } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('accel worker must run in a worker thread');
const state = createKernelState();

port.on('message', (req: WorkerRequest) => {
  let res: WorkerResponse;
  let transfer: ArrayBuffer[] = [];
  try {
    switch (req.op) {
      case 'sm3': {
        const bytes = sm3BatchKernel(req.messages);
        res = { id: req.id, ok: true, bytes };
        transfer = [bytes.buffer as ArrayBuffer];
        break;
      }
      case 'sm3-shared': {
        sm3SharedKernel(req.buffer, req.count, req.dataBytes, req.start, req.end);
        res = { id: req.id, ok: true };
        break;
      }
      case 'merkle': {
        const bytes = sm3MerkleKernel(req.leaves);
        res = { id: req.id, ok: true, bytes };
        break;
      }
      case 'sm2-verify': {
        const bytes = sm2VerifyKernel(state, req.publicKeys, req.messages, req.signatures, req.userIds);
        res = { id: req.id, ok: true, bytes };
        transfer = [bytes.buffer as ArrayBuffer];
        break;
      }
      case 'poseidon': {
        const bytes = poseidonHashKernel(req.arity, req.inputs);
        res = { id: req.id, ok: true, bytes };
        transfer = [bytes.buffer as ArrayBuffer];
        break;
      }
      case 'poseidon-merkle': {
        const bytes = poseidonMerkleKernel(req.leaves, req.depth);
        res = { id: req.id, ok: true, bytes };
        break;
      }
      case 'groth16-verify': {
        const bytes = groth16VerifyKernel(req.vkey, req.items);
        res = { id: req.id, ok: true, bytes };
        transfer = [bytes.buffer as ArrayBuffer];
        break;
      }
      case 'sm2-sign': {
        const packed = sm2SignKernel(state, req.privateKeys, req.messages, req.userIds, req.formats);
        // Private keys arrived in a transferred buffer that only this thread holds: wipe it.
        req.privateKeys.data.fill(0);
        res = { id: req.id, ok: true, packed };
        transfer = transferList(packed);
        break;
      }
    }
  } catch (err) {
    if (req.op === 'sm2-sign') req.privateKeys.data.fill(0);
    res = { id: req.id, ok: false, error: serializeError(err) };
  }
  port.postMessage(res, transfer);
});
