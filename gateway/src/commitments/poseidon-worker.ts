/**
 * Worker thread of PoseidonPool: Poseidon over consecutive groups of `arity` packed field elements with
 * the accelerator's batch WebAssembly Poseidon (@privgate/accel, bit for bit circomlib's — the hash the
 * circuits compute — and checked against circomlibjs there), one call per chunk.
 */
import { parentPort } from 'node:worker_threads';
import { PoseidonWasm } from '@privgate/accel';
import type { PoseidonWorkerRequest, PoseidonWorkerResponse } from './poseidon-pool.ts';

const port = parentPort!;
const hasher = new PoseidonWasm();

port.on('message', (request: PoseidonWorkerRequest) => {
  let response: PoseidonWorkerResponse;
  try {
    const input = new Uint8Array(request.input);
    const groups = input.length / 32 / request.arity;
    const out = hasher.hashPacked(request.arity, input, groups);
    response = { id: request.id, ok: true, output: out.buffer as ArrayBuffer };
    port.postMessage(response, [response.output]);
  } catch (error) {
    response = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
    port.postMessage(response);
  }
});
port.postMessage({ id: 0, ok: true, output: new ArrayBuffer(0) } satisfies PoseidonWorkerResponse);
