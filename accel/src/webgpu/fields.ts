// The prime fields the GPU kernels work in, with their WGSL names, and the limb packing of bigints.
import { SM2_PARAMS } from '../sm2/curve.ts';
import { LIMBS } from './field.wgsl.ts';

/** A prime field used on the GPU. */
export interface GpuField {
  /** WGSL prefix of its functions (`fq_mul`, …). */
  readonly name: string;
  readonly p: bigint;
}

/** The BN254 base field (coordinates of G1 points). */
export const BN254_FQ: GpuField = Object.freeze({
  name: 'fq',
  p: 21888242871839275222246405745257275088696311157297823662689037894645226208583n,
});

/** The BN254 scalar field (Groth16 scalars, Poseidon). */
export const BN254_FR: GpuField = Object.freeze({
  name: 'fr',
  p: 21888242871839275222246405745257275088548364400416034343698204186575808495617n,
});

/** The SM2 prime field (GB/T 32918.5). */
export const SM2_FP: GpuField = Object.freeze({ name: 'sm2p', p: SM2_PARAMS.p });

/**
 * Writes values as little-endian 32-bit limbs, 8 words each, into a new Uint32Array.
 * @throws {RangeError} if a value is not a bigint in [0, bound).
 */
export function packField(values: readonly bigint[], bound: bigint, what: string): Uint32Array {
  const out = new Uint32Array(values.length * LIMBS);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    let v = values[i];
    if (typeof v !== 'bigint' || v < 0n || v >= bound) {
      throw new RangeError(`${what}[${i}]: expected a bigint in [0, ${bound})`);
    }
    const at = i * LIMBS * 4;
    for (let k = 0; k < 4; k++) {
      view.setBigUint64(at + 8 * k, BigInt.asUintN(64, v), true);
      v >>= 64n;
    }
  }
  return out;
}

/** Reads `count` values of 8 little-endian 32-bit limbs. */
export function unpackField(words: Uint32Array, count: number, stride = LIMBS, offset = 0): bigint[] {
  const view = new DataView(words.buffer, words.byteOffset, words.byteLength);
  const out = new Array<bigint>(count);
  for (let i = 0; i < count; i++) {
    const at = (offset + i * stride) * 4;
    let v = 0n;
    for (let k = 3; k >= 0; k--) v = (v << 64n) | view.getBigUint64(at + 8 * k, true);
    out[i] = v;
  }
  return out;
}
