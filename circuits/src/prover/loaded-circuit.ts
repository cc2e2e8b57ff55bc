/** A circuit's witness generator and proving key, loaded once: the unit both provers and workers hold. */

import { readArtifact } from '../artifacts/load.ts';
import { CircuitError } from '../errors.ts';
import type { EncodedInput } from '../inputs/signals.ts';
import { type CircuitName, circuitDefinition } from '../registry.ts';
import { Groth16Engine } from './groth16-engine.ts';
import type { ProverOptions } from './interface.ts';
import type { CircuitProof } from './verify.ts';
import { WitnessCalculator } from './witness-calculator.ts';

export class LoadedCircuit<C extends CircuitName = CircuitName> {
  readonly circuit: C;
  readonly witness: WitnessCalculator;
  readonly engine: Groth16Engine;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(circuit: C, witness: WitnessCalculator, engine: Groth16Engine) {
    this.circuit = circuit;
    this.witness = witness;
    this.engine = engine;
  }

  /**
   * Reads, hash-checks and prepares the wasm and zkey of `circuit`.
   * @throws {CircuitError} `CIRCUIT_UNKNOWN`, `ARTIFACT_MISSING`, `ARTIFACT_STALE`.
   */
  static async load<C extends CircuitName>(
    circuit: C,
    options: ProverOptions = {},
  ): Promise<LoadedCircuit<C>> {
    circuitDefinition(circuit);
    const [wasm, zkey] = await Promise.all([
      readArtifact(circuit, 'wasm', options),
      readArtifact(circuit, 'zkey', options),
    ]);
    const witness = await WitnessCalculator.compile(circuit, wasm);
    let engine: Groth16Engine;
    try {
      engine = await Groth16Engine.load(zkey);
    } catch (error) {
      throw new CircuitError('ARTIFACT_STALE', `${circuit}: zkey unreadable: ${(error as Error).message}`, {
        circuit,
        path: 'zkey',
      });
    }
    if (engine.nVars !== witness.witnessSize) {
      throw new CircuitError(
        'ARTIFACT_STALE',
        `${circuit}: zkey has ${engine.nVars} wires, wasm ${witness.witnessSize}`,
        {
          circuit,
          path: 'zkey',
        },
      );
    }
    return new LoadedCircuit(circuit, witness, engine);
  }

  /**
   * Witness then proof for an encoded input. Calls are serialised, since both stages reuse their state.
   * @throws {CircuitError} `WITNESS_FAILED` or `PROVE_FAILED`.
   */
  prove(input: EncodedInput): Promise<CircuitProof<C>> {
    const run = this.#queue.then(async () => {
      const witness = this.witness.calculate(input);
      try {
        const { proof, publicSignals } = await this.engine.prove(witness);
        return { circuit: this.circuit, proof, publicSignals };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new CircuitError('PROVE_FAILED', `${this.circuit}: ${reason}`, {
          circuit: this.circuit,
          reason,
        });
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
