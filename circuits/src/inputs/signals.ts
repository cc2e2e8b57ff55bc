/**
 * Encoding between typed circuit inputs and what snarkjs / the witness generator take: decimal strings,
 * nested arrays, validated against the registry's layout so that a wrong shape fails with a clear error
 * instead of circom's "Not enough values for input signal".
 */
import { CircuitError } from '../errors.ts';
import { FIELD_MODULUS } from '../field.ts';
import { type CircuitName, circuitDefinition, type SignalLayout, signalSize } from '../registry.ts';
import type { CircuitInput, CircuitPublic } from './types.ts';

/** The witness generator's input: signal name → decimal string or nested arrays of them. */
export type EncodedInput = Record<string, string | EncodedArray>;
type EncodedArray = Array<string | EncodedArray>;

/**
 * Validates `input` against the circuit's layout and encodes it for the witness generator.
 * @throws {CircuitError} `INPUT_INVALID` for a missing, extra, mis-shaped or out-of-field signal.
 */
export function encodeInput<C extends CircuitName>(circuit: C, input: CircuitInput<C>): EncodedInput {
  const def = circuitDefinition(circuit);
  const record = input as unknown as Record<string, unknown>;
  const invalid = (signal: string, reason: string): never => {
    throw new CircuitError('INPUT_INVALID', `${circuit}.${signal}: ${reason}`, { circuit, signal, reason });
  };
  if (typeof input !== 'object' || input === null) invalid('(input)', 'must be an object');
  const known = new Set(def.inputs.map((i) => i.name));
  for (const key of Object.keys(record)) {
    if (!known.has(key)) invalid(key, 'is not an input of this circuit');
  }
  const out: EncodedInput = {};
  for (const layout of def.inputs) {
    out[layout.name] = encodeValue(record[layout.name], layout.shape, layout.name, invalid) as
      | string
      | EncodedArray;
  }
  return out;
}

function encodeValue(
  value: unknown,
  shape: readonly number[],
  path: string,
  invalid: (signal: string, reason: string) => never,
): string | EncodedArray {
  if (shape.length === 0) {
    let v: bigint;
    if (typeof value === 'bigint') v = value;
    else if (typeof value === 'number' && Number.isSafeInteger(value)) v = BigInt(value);
    else return invalid(path, value === undefined ? 'is missing' : 'must be a bigint');
    if (v < 0n || v >= FIELD_MODULUS) invalid(path, 'is not a BN254 field element');
    return v.toString();
  }
  const [length, ...rest] = shape;
  if (!Array.isArray(value))
    return invalid(path, value === undefined ? 'is missing' : `must be an array of ${length}`);
  if (value.length !== length) invalid(path, `must have ${length} entries, got ${value.length}`);
  return value.map((entry, i) => encodeValue(entry, rest, `${path}[${i}]`, invalid));
}

/**
 * Decodes snarkjs public signals (decimal strings) into the circuit's named public values.
 * @throws {CircuitError} `INPUT_INVALID` when the count or a value does not fit the circuit.
 */
export function decodePublicSignals<C extends CircuitName>(
  circuit: C,
  publicSignals: readonly string[],
): CircuitPublic<C> {
  const def = circuitDefinition(circuit);
  const expected = def.publicSignals.reduce((n, l) => n + signalSize(l), 0);
  if (publicSignals.length !== expected) {
    throw new CircuitError('INPUT_INVALID', `${circuit}: expected ${expected} public signals`, {
      circuit,
      signal: 'publicSignals',
      reason: `got ${publicSignals.length}`,
    });
  }
  const values = publicSignals.map((v, i) => parseSignal(circuit, v, `publicSignals[${i}]`));
  let offset = 0;
  const out: Record<string, unknown> = {};
  for (const layout of def.publicSignals) {
    out[layout.name] = take(layout, values, offset);
    offset += signalSize(layout);
  }
  return out as unknown as CircuitPublic<C>;
}

/**
 * Encodes named public values into snarkjs's flat public-signal order.
 * @throws {CircuitError} `INPUT_INVALID` for a missing or mis-shaped value.
 */
export function encodePublicSignals<C extends CircuitName>(circuit: C, values: CircuitPublic<C>): string[] {
  const def = circuitDefinition(circuit);
  const record = values as unknown as Record<string, unknown>;
  const invalid = (signal: string, reason: string): never => {
    throw new CircuitError('INPUT_INVALID', `${circuit}.${signal}: ${reason}`, { circuit, signal, reason });
  };
  const out: string[] = [];
  for (const layout of def.publicSignals) {
    const encoded = encodeValue(record[layout.name], layout.shape, layout.name, invalid);
    out.push(...(Array.isArray(encoded) ? (encoded.flat(8) as string[]) : [encoded]));
  }
  return out;
}

function take(layout: SignalLayout, values: bigint[], offset: number): unknown {
  const build = (shape: readonly number[], start: number): unknown => {
    if (shape.length === 0) return values[start];
    const [length, ...rest] = shape;
    const stride = rest.reduce((a, b) => a * b, 1);
    return Array.from({ length: length! }, (_, i) => build(rest, start + i * stride));
  };
  return build(layout.shape, offset);
}

function parseSignal(circuit: string, value: string, signal: string): bigint {
  if (typeof value !== 'string' || !/^[0-9]{1,78}$/.test(value)) {
    throw new CircuitError('INPUT_INVALID', `${circuit}.${signal}: not a decimal field element`, {
      circuit,
      signal,
      reason: 'not a decimal string',
    });
  }
  const v = BigInt(value);
  if (v >= FIELD_MODULUS) {
    throw new CircuitError('INPUT_INVALID', `${circuit}.${signal}: not below the field modulus`, {
      circuit,
      signal,
      reason: 'out of field',
    });
  }
  return v;
}
