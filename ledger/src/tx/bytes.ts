/** Byte helpers shared by the application layer (hex, concatenation, order, fixed-width integers). */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out;
}

/**
 * Bytes of a lower-case or upper-case hex string.
 * @throws {TypeError} if `hex` has odd length or a non-hex character.
 */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex))
    throw new TypeError('hex: expected an even-length hex string');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

// Buffer's latin1Slice reads any Uint8Array without wrapping it in a Buffer first (2× faster on the
// nullifier path, where every key becomes a map key); fall back to the public API if it ever goes away.
const latin1Slice = (
  Buffer.prototype as unknown as { latin1Slice?: (this: Uint8Array, start: number, end: number) => string }
).latin1Slice;

/** A string that stands for `bytes` one char per byte, a cheap exact map key. */
export function byteKey(bytes: Uint8Array): string {
  if (latin1Slice !== undefined) return latin1Slice.call(bytes, 0, bytes.length);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/** The bytes a {@link byteKey} stands for. */
export function fromByteKey(key: string): Uint8Array {
  return Uint8Array.from(Buffer.from(key, 'latin1'));
}

/** Concatenation of byte strings. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Equality of two byte strings (public data only: not constant time). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Bytewise (lexicographic, unsigned) order of two byte strings. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(
    Buffer.from(a.buffer, a.byteOffset, a.length),
    Buffer.from(b.buffer, b.byteOffset, b.length),
  );
}

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

/**
 * Big-endian 8-byte encoding of a safe non-negative integer (keys sort by it).
 * @throws {RangeError} if `value` is not a safe non-negative integer.
 */
export function u64be(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`value: ${value} is not a safe uint`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

/**
 * Reads a big-endian 8-byte integer written by {@link u64be}.
 * @throws {RangeError} if there are not 8 bytes at `offset` or the value is not a safe integer.
 */
export function readU64be(bytes: Uint8Array, offset = 0): number {
  if (bytes.length < offset + 8) throw new RangeError('bytes: fewer than 8 bytes to read');
  const value = new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getBigUint64(0);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('value is not a safe integer');
  return Number(value);
}
