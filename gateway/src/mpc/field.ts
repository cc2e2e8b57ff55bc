/**
 * Arithmetic in the BN254 scalar field F_r (the field of the circuits and of every share), on plain
 * bigints in canonical form [0, r), on top of @noble/curves' Fr (order, inverse, pow); square roots for the
 * squaring trick by a table-driven Tonelli–Shanks.
 */
import { bn254 } from '@noble/curves/bn254.js';

const Fr = bn254.fields.Fr;

/** The BN254 scalar field order r (equal to `FIELD_MODULUS` of @privgate/circuits). */
export const FIELD_ORDER: bigint = Fr.ORDER;

/** Bytes of a canonical field element on the wire (big-endian). */
export const FIELD_BYTES = 32;

/** Reduces any integer into [0, r). */
export function fmod(value: bigint): bigint {
  const v = value % FIELD_ORDER;
  return v < 0n ? v + FIELD_ORDER : v;
}

/** a + b mod r, for canonical a and b. */
export function fadd(a: bigint, b: bigint): bigint {
  const s = a + b;
  return s >= FIELD_ORDER ? s - FIELD_ORDER : s;
}

/** a − b mod r, for canonical a and b. */
export function fsub(a: bigint, b: bigint): bigint {
  const d = a - b;
  return d < 0n ? d + FIELD_ORDER : d;
}

/** a · b mod r. */
export function fmul(a: bigint, b: bigint): bigint {
  return (a * b) % FIELD_ORDER;
}

/** −a mod r. */
export function fneg(a: bigint): bigint {
  return a === 0n ? 0n : FIELD_ORDER - a;
}

/**
 * Multiplicative inverse.
 * @throws {RangeError} for zero.
 */
export function finv(a: bigint): bigint {
  const v = fmod(a);
  if (v === 0n) throw new RangeError('zero has no inverse in F_r');
  return Fr.inv(v);
}

/** a^e mod r for e ≥ 0. */
export function fpow(a: bigint, e: bigint): bigint {
  return Fr.pow(fmod(a), e);
}

/**
 * The canonical square root of a square: of its two roots ±s, the one in [0, (r − 1)/2]. Every party
 * computes the same root, which is what the squaring trick needs.
 * @throws {RangeError} when `a` is not a square.
 */
export function fsqrtCanonical(a: bigint): bigint {
  const s = tonelliShanks(fmod(a));
  return s > FIELD_ORDER >> 1n ? FIELD_ORDER - s : s;
}

/**
 * Inverts every element of `values` with one inversion (Montgomery's trick).
 * @throws {RangeError} when an element is zero.
 */
export function fbatchInv(values: readonly bigint[]): bigint[] {
  const prefix = new Array<bigint>(values.length);
  let acc = 1n;
  values.forEach((v, i) => {
    if (v === 0n) throw new RangeError('zero has no inverse in F_r');
    prefix[i] = acc;
    acc = fmul(acc, v);
  });
  let inv = finv(acc);
  const out = new Array<bigint>(values.length);
  for (let i = values.length - 1; i >= 0; i--) {
    out[i] = fmul(inv, prefix[i]!);
    inv = fmul(inv, values[i]!);
  }
  return out;
}

// Tonelli–Shanks with r − 1 = 2^S·Q (S = 28 for BN254 Fr), one exponentiation per root and a table of
// the 2^S-th root of unity's squarings: about three times faster than a generic implementation, which
// matters because every party takes ℓ + 2 roots per comparison.
const TS = (() => {
  let q = FIELD_ORDER - 1n;
  let s = 0;
  while ((q & 1n) === 0n) {
    q >>= 1n;
    s++;
  }
  let z = 2n;
  while (powWindow(z, (FIELD_ORDER - 1n) >> 1n) !== FIELD_ORDER - 1n) z++;
  const roots = [powWindow(z, q)];
  for (let j = 1; j < s; j++) roots.push(fmul(roots[j - 1]!, roots[j - 1]!));
  return { s, halfQ: (q - 1n) >> 1n, roots };
})();

function tonelliShanks(n: bigint): bigint {
  if (n === 0n) return 0n;
  const w = powWindow(n, TS.halfQ);
  let x = fmul(n, w); // n^((Q+1)/2)
  let b = fmul(x, w); // n^Q, an element of order 2^m with m ≤ S when n is a square
  let m = TS.s;
  while (b !== 1n) {
    let i = 0;
    let t = b;
    while (t !== 1n) {
      t = fmul(t, t);
      if (++i >= m) throw new RangeError('not a square in F_r');
    }
    // g = c^(2^(m−i−1)) where c = roots[S − m] is the current 2^m-th root of unity.
    const g = TS.roots[TS.s - i - 1]!;
    x = fmul(x, g);
    b = fmul(b, TS.roots[TS.s - i]!);
    m = i;
  }
  return x;
}

// base^e with a fixed 4-bit window.
function powWindow(base: bigint, e: bigint): bigint {
  const table = [1n, base];
  for (let i = 2; i < 16; i++) table.push(fmul(table[i - 1]!, base));
  const hex = e.toString(16);
  let acc = 1n;
  for (const digit of hex) {
    acc = fmul(acc, acc);
    acc = fmul(acc, acc);
    acc = fmul(acc, acc);
    acc = fmul(acc, acc);
    const d = Number.parseInt(digit, 16);
    if (d !== 0) acc = fmul(acc, table[d]!);
  }
  return acc;
}

/** 1/2 in F_r. */
export const INV_TWO: bigint = finv(2n);

/** True for a bigint in [0, r). */
export function isFieldElement(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= 0n && value < FIELD_ORDER;
}

/**
 * Checks a canonical field element.
 * @throws {TypeError} when `value` is not a bigint; {RangeError} when it is outside [0, r). Both name `name`.
 */
export function assertFieldElement(value: bigint, name: string): bigint {
  if (typeof value !== 'bigint') throw new TypeError(`${name} must be a bigint`);
  if (value < 0n || value >= FIELD_ORDER) throw new RangeError(`${name} is not an F_r element`);
  return value;
}

/** Writes `value` (canonical) as 32 big-endian bytes at `offset`. */
export function writeFieldElement(out: Uint8Array, offset: number, value: bigint): void {
  let v = value;
  for (let i = FIELD_BYTES - 1; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** The 32-byte big-endian encoding of a canonical field element (what messages carry). */
export function fieldElementBytes(value: bigint): Uint8Array {
  const out = new Uint8Array(FIELD_BYTES);
  writeFieldElement(out, 0, assertFieldElement(value, 'value'));
  return out;
}

/** Reads 32 big-endian bytes at `offset` as an integer (not reduced: callers check it is < r). */
export function readFieldElement(bytes: Uint8Array, offset: number): bigint {
  let v = 0n;
  for (let i = 0; i < FIELD_BYTES; i += 4) {
    const word =
      ((bytes[offset + i]! << 24) |
        (bytes[offset + i + 1]! << 16) |
        (bytes[offset + i + 2]! << 8) |
        bytes[offset + i + 3]!) >>>
      0;
    v = (v << 32n) | BigInt(word);
  }
  return v;
}

/** Number of bits of a non-negative integer (0 for 0). */
export function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}
