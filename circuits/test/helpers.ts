/**
 * Witness-test helpers in the style of zk-kit's expectPass / expectFail: a circuit either produces a
 * witness for the inputs (and its public signals are returned for cross-checking) or rejects them.
 */
import { expect } from 'vitest';
import {
  CIRCUITS,
  type CircuitInput,
  type CircuitName,
  type CircuitPublic,
  decodePublicSignals,
  encodeInput,
  isCircuitError,
  readArtifact,
  WitnessCalculator,
} from '../src/index.ts';

const calculators = new Map<CircuitName, Promise<WitnessCalculator>>();

/** The committed witness generator of a circuit, compiled once per test file. */
export function witnessCalculator(circuit: CircuitName): Promise<WitnessCalculator> {
  let calculator = calculators.get(circuit);
  if (!calculator) {
    calculator = readArtifact(circuit, 'wasm').then((wasm) => WitnessCalculator.compile(circuit, wasm));
    calculators.set(circuit, calculator);
  }
  return calculator;
}

function publicSignalsOf(circuit: CircuitName, witness: Uint8Array): string[] {
  const count = CIRCUITS[circuit].publicSignals.reduce((n, l) => n + l.shape.reduce((a, b) => a * b, 1), 0);
  const view = new DataView(witness.buffer, witness.byteOffset, witness.byteLength);
  const out: string[] = [];
  // Wire 0 is the constant 1; the public signals follow.
  for (let i = 1; i <= count; i++) {
    let v = 0n;
    for (let j = 3; j >= 0; j--) v = (v << 64n) | view.getBigUint64(i * 32 + j * 8, true);
    out.push(v.toString());
  }
  return out;
}

/** The inputs satisfy the circuit; returns the public signals the witness holds. */
export async function expectPass<C extends CircuitName>(
  circuit: C,
  input: CircuitInput<C>,
): Promise<CircuitPublic<C>> {
  const calculator = await witnessCalculator(circuit);
  const witness = calculator.calculate(encodeInput(circuit, input));
  return decodePublicSignals(circuit, publicSignalsOf(circuit, witness));
}

/** The circuit rejects the inputs: no witness exists. */
export async function expectFail<C extends CircuitName>(circuit: C, input: CircuitInput<C>): Promise<void> {
  const calculator = await witnessCalculator(circuit);
  let error: unknown;
  try {
    calculator.calculate(encodeInput(circuit, input));
  } catch (e) {
    error = e;
  }
  expect(isCircuitError(error, 'WITNESS_FAILED'), `expected ${circuit} to reject the input`).toBe(true);
}

/** A deep copy with one change, for "just past the boundary" inputs. */
export function tweak<T>(value: T, change: (copy: T) => void): T {
  const copy = structuredClone(value);
  change(copy);
  return copy;
}
