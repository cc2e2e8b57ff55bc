/** Messages between CircuitProverPool and prover-worker.ts. Errors travel as `{ code, message, context }`. */
import type { EncodedInput } from '../inputs/signals.ts';
import type { CircuitName } from '../registry.ts';
import type { Groth16Proof } from '../vendor/snarkjs.ts';
import type { ProverOptions } from './interface.ts';

export interface WorkerInit {
  options: ProverOptions;
  /**
   * For the `web-worker` package (ffjavascript's thread layer): imported in any non-main thread it assumes it
   * runs one of its own workers and imports `workerData.mod`. An empty module keeps it quiet.
   */
  mod: string;
  type: 'module';
}

export type WorkerRequest =
  | { type: 'load'; id: number; circuit: CircuitName }
  | { type: 'prove'; id: number; circuit: CircuitName; input: EncodedInput };

export interface SerializedError {
  code: string;
  message: string;
  context: unknown;
}

export type WorkerResponse =
  | { id: number; ok: true; proof?: Groth16Proof; publicSignals?: string[] }
  | { id: number; ok: false; error: SerializedError };
