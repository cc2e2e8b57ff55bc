// BN254 scalar field elements packed as 32-byte little-endian integers, the layout of the Poseidon batch
// methods (the same bytes as four little-endian 64-bit limbs).
import { BN254_R } from './constants.ts';

/**
 * Packs integers (each reduced mod r, negative ones too, as circomlibjs's `F.e` does).
 * @example packFieldElements([1n, 2n]) // 64 bytes
 */
export function packFieldElements(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 32);
  const view = new DataView(out.buffer);
  values.forEach((x, i) => {
    let v = ((x % BN254_R) + BN254_R) % BN254_R;
    for (let j = 0; j < 4; j++) {
      view.setBigUint64(i * 32 + j * 8, v & 0xffff_ffff_ffff_ffffn, true);
      v >>= 64n;
    }
  });
  return out;
}

/**
 * Reads packed 32-byte little-endian integers.
 * @throws {RangeError} when the length is not a multiple of 32.
 */
export function unpackFieldElements(bytes: Uint8Array): bigint[] {
  if (bytes.length % 32 !== 0) throw new RangeError('unpackFieldElements: length is not a multiple of 32');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: bigint[] = [];
  for (let i = 0; i < bytes.length; i += 32) {
    let v = 0n;
    for (let j = 3; j >= 0; j--) v = (v << 64n) | view.getBigUint64(i + j * 8, true);
    out.push(v);
  }
  return out;
}
