/** PoseidonHasher backed by circomlibjs's WASM Poseidon (≈ 12–16k two-input hashes/s on one core). */
import type { PoseidonHasher } from './interface.ts';

interface CircomlibField {
  toObject(element: Uint8Array): bigint;
}
type CircomlibPoseidon = ((inputs: bigint[]) => Uint8Array) & { F: CircomlibField };
interface CircomlibjsModule {
  buildPoseidon(): Promise<CircomlibPoseidon>;
}

const CIRCOMLIBJS = 'circomlibjs';
let shared: Promise<PoseidonHasher> | undefined;

/**
 * Builds a hasher on circomlibjs's `buildPoseidon`. Each call instantiates its own WASM module; use
 * `defaultPoseidon()` for a shared instance.
 */
export async function createCircomlibPoseidon(): Promise<PoseidonHasher> {
  const circomlibjs = (await import(CIRCOMLIBJS)) as CircomlibjsModule;
  const poseidon = await circomlibjs.buildPoseidon();
  const field = poseidon.F;
  const hash = (inputs: readonly bigint[]): bigint => {
    if (inputs.length < 1 || inputs.length > 16) {
      throw new RangeError(`Poseidon takes 1 to 16 inputs, got ${inputs.length}`);
    }
    return field.toObject(poseidon(inputs as bigint[]));
  };
  return { hash };
}

/** A process-wide circomlibjs hasher, built on first use. */
export function defaultPoseidon(): Promise<PoseidonHasher> {
  shared ??= createCircomlibPoseidon();
  return shared;
}
