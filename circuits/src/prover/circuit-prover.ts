/**
 * Single-thread Groth16 prover for one circuit that keeps its witness generator (compiled WASM) and its
 * proving key (parsed zkey) in memory between proofs, instead of reloading both from files per proof as
 * `snarkjs.groth16.fullProve` does.
 */
import { encodeInput } from '../inputs/signals.ts';
import type { CircuitInput } from '../inputs/types.ts';
import type { CircuitName } from '../registry.ts';
import type { Groth16Proof } from '../vendor/snarkjs.ts';
import type { ProverOptions } from './interface.ts';
import { LoadedCircuit } from './loaded-circuit.ts';
import { type CircuitProof, verifyProof } from './verify.ts';

/**
 * A loaded prover for one circuit.
 * @example
 * const prover = await CircuitProver.load('record_inclusion');
 * const { proof, publicSignals } = await prover.prove(recordInclusionInput(hasher, item));
 * await prover.verify(proof, publicSignals); // true
 */
export class CircuitProver<C extends CircuitName = CircuitName> {
  readonly circuit: C;
  readonly #loaded: LoadedCircuit<C>;
  readonly #options: ProverOptions;

  private constructor(loaded: LoadedCircuit<C>, options: ProverOptions) {
    this.circuit = loaded.circuit;
    this.#loaded = loaded;
    this.#options = options;
  }

  /**
   * Loads the circuit's wasm and zkey (hash-checked against the manifest) and prepares both.
   * @throws {CircuitError} `CIRCUIT_UNKNOWN`, `ARTIFACT_MISSING`, `ARTIFACT_STALE`.
   */
  static async load<C extends CircuitName>(
    circuit: C,
    options: ProverOptions = {},
  ): Promise<CircuitProver<C>> {
    return new CircuitProver(await LoadedCircuit.load(circuit, options), options);
  }

  /**
   * Computes the witness only: the cheap way to test that inputs satisfy the circuit.
   * @returns the witness, 32 bytes per wire, little-endian.
   * @throws {CircuitError} `INPUT_INVALID` or `WITNESS_FAILED`.
   */
  calculateWitness(input: CircuitInput<C>): Uint8Array {
    return this.#loaded.witness.calculate(encodeInput(this.circuit, input));
  }

  /**
   * Proves `input`. Concurrent calls are queued.
   * @throws {CircuitError} `INPUT_INVALID`, `WITNESS_FAILED` or `PROVE_FAILED`.
   */
  async prove(input: CircuitInput<C>): Promise<CircuitProof<C>> {
    return this.#loaded.prove(encodeInput(this.circuit, input));
  }

  /**
   * Verifies a proof of this circuit.
   * @throws {CircuitError} `INPUT_INVALID` when the proof cannot be a proof at all.
   */
  verify(proof: Groth16Proof, publicSignals: readonly string[]): Promise<boolean> {
    return verifyProof(this.circuit, proof, publicSignals, this.#options);
  }
}
