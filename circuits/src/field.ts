/** BN254 (alt_bn128) scalar field: the field of every Circom signal and every Poseidon input here. */

/** The BN254 scalar field modulus r. */
export const FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** 2^64: values, amounts, dates and thresholds in the circuits are below this bound. */
export const UINT64_BOUND = 1n << 64n;

/** Reduces any integer into [0, r). */
export function mod(value: bigint): bigint {
  const reduced = value % FIELD_MODULUS;
  return reduced < 0n ? reduced + FIELD_MODULUS : reduced;
}

/**
 * Checks that `value` is a canonical field element (0 ≤ value < r).
 * @throws {TypeError} when `value` is not a bigint.
 * @throws {RangeError} when it is outside the field; the message names `name`.
 */
export function assertField(value: bigint, name: string): bigint {
  if (typeof value !== 'bigint') throw new TypeError(`${name} must be a bigint`);
  if (value < 0n || value >= FIELD_MODULUS) throw new RangeError(`${name} is not a BN254 field element`);
  return value;
}

/**
 * Checks that `value` fits in 64 bits, as the circuits' range checks require.
 * @throws {RangeError} when it does not.
 */
export function assertUint64(value: bigint, name: string): bigint {
  if (typeof value !== 'bigint') throw new TypeError(`${name} must be a bigint`);
  if (value < 0n || value >= UINT64_BOUND) throw new RangeError(`${name} must be in [0, 2^64)`);
  return value;
}

/** Modular exponentiation in the field. */
export function pow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % FIELD_MODULUS;
    b = (b * b) % FIELD_MODULUS;
    e >>= 1n;
  }
  return result;
}

/**
 * Multiplicative inverse in the field.
 * @throws {RangeError} for zero.
 */
export function inverse(value: bigint): bigint {
  const v = mod(value);
  if (v === 0n) throw new RangeError('zero has no inverse');
  return pow(v, FIELD_MODULUS - 2n);
}

/** A uniformly random field element from the platform CSPRNG (rejection sampling on 254 bits). */
export function randomFieldElement(): bigint {
  const bytes = new Uint8Array(32);
  for (;;) {
    crypto.getRandomValues(bytes);
    bytes[0] = bytes[0]! & 0x3f;
    let value = 0n;
    for (const byte of bytes) value = (value << 8n) | BigInt(byte);
    if (value < FIELD_MODULUS) return value;
  }
}

/**
 * Encodes a short ASCII/UTF-8 tag (≤ 31 bytes) as a field element, big-endian: used for domain tags.
 * @throws {RangeError} when the tag is longer than 31 bytes.
 */
export function tagToField(tag: string): bigint {
  const bytes = new TextEncoder().encode(tag);
  if (bytes.length > 31) throw new RangeError('tag must be at most 31 bytes');
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}
