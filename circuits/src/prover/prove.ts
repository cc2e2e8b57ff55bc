/**
 * `prove(circuit, input)` and `verify(circuit, proof, publicSignals)`: the typed one-call API over a
 * process-wide cache of loaded provers, so the second proof of a circuit reuses its wasm and zkey.
 */
import type { CircuitInput } from '../inputs/types.ts';
import type { CircuitName } from '../registry.ts';
import type { Groth16Proof } from '../vendor/snarkjs.ts';
import { CircuitProver } from './circuit-prover.ts';
import type { ProverOptions } from './interface.ts';
import { type CircuitProof, verifyProof } from './verify.ts';

const provers = new Map<string, Promise<CircuitProver>>();

function loaded<C extends CircuitName>(circuit: C, options: ProverOptions): Promise<CircuitProver<C>> {
  const key = `${options.artifactsDir ?? ''}\0${circuit}`;
  let prover = provers.get(key);
  if (!prover) {
    prover = CircuitProver.load(circuit, options);
    prover.catch(() => provers.delete(key));
    provers.set(key, prover);
  }
  return prover as Promise<CircuitProver<C>>;
}

/**
 * Proves `input` for `circuit` with the committed artifacts, loading them on first use.
 * @throws {CircuitError} `CIRCUIT_UNKNOWN`, `INPUT_INVALID`, `WITNESS_FAILED`, `PROVE_FAILED`, artifact errors.
 * @example
 * const { proof, publicSignals } = await prove('threshold', thresholdInput(hasher, { value, blinding, threshold, direction: 'ge' }));
 */
export async function prove<C extends CircuitName>(
  circuit: C,
  input: CircuitInput<C>,
  options: ProverOptions = {},
): Promise<CircuitProof<C>> {
  return (await loaded(circuit, options)).prove(input);
}

/**
 * Verifies a proof of `circuit`; false for a wrong or tampered proof.
 * @throws {CircuitError} `INPUT_INVALID` when the proof or signals cannot be a proof at all; artifact errors.
 */
export function verify(
  circuit: CircuitName,
  proof: Groth16Proof,
  publicSignals: readonly string[],
  options: ProverOptions = {},
): Promise<boolean> {
  return verifyProof(circuit, proof, publicSignals, options);
}
