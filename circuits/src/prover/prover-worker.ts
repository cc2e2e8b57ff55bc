/**
 * Worker thread of CircuitProverPool: loads circuits on demand and proves one input at a time. snarkjs's
 * BN254 curve is built single-threaded here, so N workers use N cores instead of N × cores threads
 * competing (and ffjavascript cannot start its own thread pool from inside a worker thread anyway).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CircuitError } from '../errors.ts';
import type { CircuitName } from '../registry.ts';
import { snarkjs } from '../vendor/snarkjs.ts';
import { LoadedCircuit } from './loaded-circuit.ts';
import type { WorkerInit, WorkerRequest, WorkerResponse } from './worker-protocol.ts';

const init = workerData as WorkerInit;
const port = parentPort!;

// snarkjs asks ffjavascript for the cached multi-threaded curve; seed the cache with a single-threaded one.
(globalThis as { curve_bn128?: unknown }).curve_bn128 = await snarkjs.curves.getCurveFromName('bn128', {
  singleThread: true,
});

const circuits = new Map<CircuitName, Promise<LoadedCircuit>>();
function circuit(name: CircuitName): Promise<LoadedCircuit> {
  let loaded = circuits.get(name);
  if (!loaded) {
    loaded = LoadedCircuit.load(name, init.options);
    loaded.catch(() => circuits.delete(name));
    circuits.set(name, loaded);
  }
  return loaded;
}

function serialize(error: unknown) {
  if (error instanceof CircuitError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'PROVE_FAILED', message, context: { circuit: 'unknown', reason: message } };
}

port.on('message', async (request: WorkerRequest) => {
  let response: WorkerResponse;
  try {
    const loaded = await circuit(request.circuit);
    if (request.type === 'load') {
      response = { id: request.id, ok: true };
    } else {
      const { proof, publicSignals } = await loaded.prove(request.input);
      response = { id: request.id, ok: true, proof, publicSignals };
    }
  } catch (error) {
    response = { id: request.id, ok: false, error: serialize(error) };
  }
  port.postMessage(response);
});

port.postMessage({ id: 0, ok: true } satisfies WorkerResponse);
