/**
 * Worker thread of PoseidonPool: Poseidon over consecutive groups of `arity` packed field elements with
 * circomlibjs's WASM Poseidon (the hash the circuits compute), one group at a time.
 */
import { parentPort } from 'node:worker_threads';
import { createCircomlibPoseidon } from '@privgate/circuits';
import { readElement, writeElement } from './field-bytes.ts';
import type { PoseidonWorkerRequest, PoseidonWorkerResponse } from './poseidon-pool.ts';

const port = parentPort!;
const hasher = await createCircomlibPoseidon();

port.on('message', (request: PoseidonWorkerRequest) => {
  let response: PoseidonWorkerResponse;
  try {
    const input = new BigUint64Array(request.input);
    const groups = input.length / 4 / request.arity;
    const out = new BigUint64Array(groups * 4);
    const group: bigint[] = new Array(request.arity);
    for (let g = 0; g < groups; g++) {
      for (let j = 0; j < request.arity; j++) group[j] = readElement(input, g * request.arity + j);
      writeElement(out, g, hasher.hash(group));
    }
    response = { id: request.id, ok: true, output: out.buffer as ArrayBuffer };
    port.postMessage(response, [response.output]);
  } catch (error) {
    response = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
    port.postMessage(response);
  }
});
port.postMessage({ id: 0, ok: true, output: new ArrayBuffer(0) } satisfies PoseidonWorkerResponse);
