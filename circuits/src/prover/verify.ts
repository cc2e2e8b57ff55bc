/**
 * Groth16 verification of a circuit's proof with its committed verification key. Returns a boolean for
 * every well-formed proof (a wrong or tampered proof is `false`); throws only when the input cannot be a
 * proof at all (wrong shape, non-numeric coordinates, wrong number of public signals).
 */

import { type ArtifactOptions, verificationKey } from '../artifacts/load.ts';
import { CircuitError } from '../errors.ts';
import { FIELD_MODULUS } from '../field.ts';
import { type CircuitName, circuitDefinition, signalSize } from '../registry.ts';
import { type Groth16Proof, snarkjs } from '../vendor/snarkjs.ts';

/** A proof of one circuit with its public signals in snarkjs order. */
export interface CircuitProof<C extends CircuitName = CircuitName> {
  circuit: C;
  proof: Groth16Proof;
  publicSignals: string[];
}

/** BN254 base field modulus q: proof coordinates live below it. */
const BASE_MODULUS = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const DECIMAL = /^[0-9]{1,78}$/;

function malformed(circuit: string, signal: string, reason: string): never {
  throw new CircuitError('INPUT_INVALID', `${circuit}: ${signal} ${reason}`, { circuit, signal, reason });
}

function coordinate(circuit: string, value: unknown, where: string): void {
  if (typeof value !== 'string' || !DECIMAL.test(value))
    malformed(circuit, where, 'is not a decimal coordinate');
  if (BigInt(value) >= BASE_MODULUS) malformed(circuit, where, 'is not below the base field modulus');
}

/**
 * Checks that `proof` has the shape of a snarkjs Groth16 proof on BN254 and `publicSignals` fits the circuit.
 * @throws {CircuitError} `INPUT_INVALID` otherwise.
 */
export function assertProofShape(
  circuit: CircuitName,
  proof: unknown,
  publicSignals: unknown,
): asserts proof is Groth16Proof {
  const p = proof as Partial<Record<keyof Groth16Proof, unknown>> | null;
  if (typeof p !== 'object' || p === null) malformed(circuit, 'proof', 'is not an object');
  if (p.protocol !== undefined && p.protocol !== 'groth16')
    malformed(circuit, 'proof.protocol', 'is not groth16');
  if (p.curve !== undefined && p.curve !== 'bn128') malformed(circuit, 'proof.curve', 'is not bn128');
  const g1 = (value: unknown, name: string) => {
    if (!Array.isArray(value) || value.length !== 3) malformed(circuit, name, 'is not a projective G1 point');
    value.forEach((c, i) => coordinate(circuit, c, `${name}[${i}]`));
  };
  g1(p.pi_a, 'proof.pi_a');
  g1(p.pi_c, 'proof.pi_c');
  if (!Array.isArray(p.pi_b) || p.pi_b.length !== 3)
    malformed(circuit, 'proof.pi_b', 'is not a projective G2 point');
  p.pi_b.forEach((pair: unknown, i: number) => {
    if (!Array.isArray(pair) || pair.length !== 2)
      malformed(circuit, `proof.pi_b[${i}]`, 'is not an Fp2 element');
    pair.forEach((c, j) => coordinate(circuit, c, `proof.pi_b[${i}][${j}]`));
  });
  const expected = circuitDefinition(circuit).publicSignals.reduce((n, l) => n + signalSize(l), 0);
  if (!Array.isArray(publicSignals) || publicSignals.length !== expected) {
    malformed(circuit, 'publicSignals', `must be an array of ${expected} decimal strings`);
  }
  publicSignals.forEach((s: unknown, i: number) => {
    if (typeof s !== 'string' || !DECIMAL.test(s) || BigInt(s) >= FIELD_MODULUS) {
      malformed(circuit, `publicSignals[${i}]`, 'is not a decimal field element');
    }
  });
}

/**
 * Verifies a Groth16 proof of `circuit` against its committed verification key.
 * @returns true when the proof is valid for these public signals.
 * @throws {CircuitError} `INPUT_INVALID` when the proof or signals are malformed (see assertProofShape);
 *   `ARTIFACT_MISSING` / `ARTIFACT_STALE` when the verification key cannot be loaded.
 */
export async function verifyProof(
  circuit: CircuitName,
  proof: Groth16Proof,
  publicSignals: readonly string[],
  options: ArtifactOptions = {},
): Promise<boolean> {
  assertProofShape(circuit, proof, publicSignals);
  const vkey = await verificationKey(circuit, options);
  try {
    return await snarkjs.groth16.verify(vkey, [...publicSignals], proof);
  } catch {
    // Coordinates that are numbers but not a curve point: a wrong proof, not a malformed one.
    return false;
  }
}
