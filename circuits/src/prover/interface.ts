/** The proving contract shared by the single-thread prover and the worker pool. */
import type { CircuitInput } from '../inputs/types.ts';
import type { CircuitName } from '../registry.ts';
import type { Groth16Proof } from '../vendor/snarkjs.ts';
import type { CircuitProof } from './verify.ts';

export interface ProverOptions {
  /** Directory with manifest.json and the artifacts; default the package's committed `artifacts/`. */
  artifactsDir?: string;
  /** Check artifact hashes against the manifest on load; default true. */
  verifyHashes?: boolean;
}

/** Proves and verifies any compiled circuit; implementations keep artifacts loaded between proofs. */
export interface CircuitProvingEngine {
  /**
   * Proves `input` for `circuit`.
   * @throws {CircuitError} `INPUT_INVALID`, `WITNESS_FAILED`, `PROVE_FAILED`, `ARTIFACT_MISSING`, `ARTIFACT_STALE`.
   */
  prove<C extends CircuitName>(circuit: C, input: CircuitInput<C>): Promise<CircuitProof<C>>;
  /**
   * Verifies a proof; false for a wrong proof.
   * @throws {CircuitError} `INPUT_INVALID` when the proof cannot be a proof at all.
   */
  verify(circuit: CircuitName, proof: Groth16Proof, publicSignals: readonly string[]): Promise<boolean>;
  /** Releases workers and loaded artifacts. */
  close(): Promise<void>;
}
