/**
 * Packed field elements for bulk hashing: four little-endian 64-bit limbs per element (32 bytes), so a
 * million leaves travel to a worker as one transferable buffer instead of a million bigint objects.
 */
const MASK64 = (1n << 64n) - 1n;

/** Writes `value` as element `index` of `limbs`. */
export function writeElement(limbs: BigUint64Array, index: number, value: bigint): void {
  const o = index * 4;
  limbs[o] = value & MASK64;
  limbs[o + 1] = (value >> 64n) & MASK64;
  limbs[o + 2] = (value >> 128n) & MASK64;
  limbs[o + 3] = value >> 192n;
}

/** Reads element `index` of `limbs`. */
export function readElement(limbs: BigUint64Array, index: number): bigint {
  const o = index * 4;
  return (limbs[o + 3]! << 192n) | (limbs[o + 2]! << 128n) | (limbs[o + 1]! << 64n) | limbs[o]!;
}

/** Packs elements. */
export function packElements(values: readonly bigint[]): BigUint64Array {
  const limbs = new BigUint64Array(values.length * 4);
  for (let i = 0; i < values.length; i++) writeElement(limbs, i, values[i]!);
  return limbs;
}

/** Unpacks every element. */
export function unpackElements(limbs: BigUint64Array): bigint[] {
  const out = new Array<bigint>(limbs.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = readElement(limbs, i);
  return out;
}
