/**
 * The canonical CBOR profile (RFC 8949 §4.2.1, "core deterministic encoding") used by every ledger
 * message, and typed readers for schema fields.
 *
 * Profile: definite-length arrays only, unsigned/negative integers within the safe-integer range in
 * their shortest form, byte strings, UTF-8 text strings, `null`. No maps, tags, floats, `undefined`,
 * booleans or indefinite lengths. Decoding parses strictly and then re-encodes: only inputs equal to
 * the re-encoding are accepted, so each value has exactly one byte form and signatures over it are
 * unambiguous.
 */
import { decode, encode } from 'cborg';
import { CodecError, CodecErrorCode } from './errors.ts';

/** Strict cborg decode options: reject everything outside the profile while parsing. */
const DECODE_OPTIONS = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowNaN: false,
  allowInfinity: false,
  allowBigInt: false,
  rejectDuplicateMapKeys: true,
} as const;

/** Deepest nesting any schema uses (a WAL holds arrays of message arrays); deeper input is rejected. */
const MAX_DEPTH = 4;

/** A value of the profile, as produced by {@link decodeCanonical} and consumed by {@link encodeCanonical}. */
export type CborValue = number | string | Uint8Array | null | readonly CborValue[];

/**
 * Encodes a profile value deterministically.
 * @throws {CodecError} `CODEC_SCHEMA` for a value outside the profile (float, unsafe integer, object).
 */
export function encodeCanonical(value: CborValue): Uint8Array {
  assertProfile(value, 'value');
  return encode(value);
}

/**
 * Decodes bytes that must be the canonical encoding of a profile value.
 * @throws {CodecError} `CODEC_OVERSIZED` if longer than `maxBytes`, `CODEC_MALFORMED` if not CBOR of
 *   the profile, `CODEC_NON_CANONICAL` if the bytes are not the canonical encoding.
 */
export function decodeCanonical(bytes: Uint8Array, maxBytes: number, what: string): CborValue {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`bytes: expected Uint8Array for ${what}`);
  if (bytes.length > maxBytes) {
    throw new CodecError(CodecErrorCode.OVERSIZED, `${what}: ${bytes.length} bytes > ${maxBytes}`, {
      length: bytes.length,
      max: maxBytes,
    });
  }
  let value: unknown;
  try {
    value = decode(bytes, DECODE_OPTIONS);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = /more bytes than necessary/.test(message)
      ? CodecErrorCode.NON_CANONICAL
      : CodecErrorCode.MALFORMED;
    throw new CodecError(code, `${what}: ${message}`);
  }
  try {
    assertProfile(value, what);
  } catch (err) {
    if (err instanceof CodecError) throw new CodecError(CodecErrorCode.MALFORMED, err.message);
    throw err;
  }
  // Catches what strict parsing cannot: floats that equal integers, invalid UTF-8 that decoded to
  // replacement characters, and any other second spelling of the same value.
  const again = encode(value);
  if (!Buffer.from(again).equals(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length))) {
    throw new CodecError(CodecErrorCode.NON_CANONICAL, `${what}: not the canonical encoding`);
  }
  return value;
}

/** A lone UTF-16 surrogate cannot be encoded as UTF-8 and would silently become U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function assertProfile(value: unknown, path: string, depth = 0): asserts value is CborValue {
  if (value === null || value instanceof Uint8Array) return;
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value))
      throw new CodecError(CodecErrorCode.SCHEMA, `${path}: not well-formed Unicode`);
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new CodecError(CodecErrorCode.SCHEMA, `${path}: ${value} is not a safe integer`);
    }
    return;
  }
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH)
      throw new CodecError(CodecErrorCode.SCHEMA, `${path}: nested deeper than ${MAX_DEPTH}`);
    value.forEach((item, i) => assertProfile(item, `${path}[${i}]`, depth + 1));
    return;
  }
  throw new CodecError(CodecErrorCode.SCHEMA, `${path}: type ${typeof value} is outside the profile`);
}

const schema = (message: string): CodecError => new CodecError(CodecErrorCode.SCHEMA, message);

/** Reads an array of exactly `length` items. @throws {CodecError} `CODEC_SCHEMA`. */
export function readTuple(value: CborValue | undefined, length: number, what: string): readonly CborValue[] {
  if (!Array.isArray(value)) throw schema(`${what}: expected an array`);
  if (value.length !== length) throw schema(`${what}: expected ${length} items, got ${value.length}`);
  return value;
}

/** Reads an array of at most `max` items. @throws {CodecError} `CODEC_SCHEMA`. */
export function readList(value: CborValue | undefined, max: number, what: string): readonly CborValue[] {
  if (!Array.isArray(value)) throw schema(`${what}: expected an array`);
  if (value.length > max) throw schema(`${what}: ${value.length} items > ${max}`);
  return value;
}

/** Reads an integer in [min, max]. @throws {CodecError} `CODEC_SCHEMA`. */
export function readInt(value: CborValue | undefined, min: number, max: number, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw schema(`${what}: expected an integer`);
  if (value < min || value > max) throw schema(`${what}: ${value} outside ${min}..${max}`);
  return value;
}

/** Reads a byte string of length in [min, max], copied out of the input buffer. @throws {CodecError} */
export function readBytes(value: CborValue | undefined, min: number, max: number, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw schema(`${what}: expected a byte string`);
  if (value.length < min || value.length > max)
    throw schema(`${what}: ${value.length} bytes outside ${min}..${max}`);
  return Uint8Array.from(value);
}

/** Reads a text string of 1..maxBytes UTF-8 bytes. @throws {CodecError} `CODEC_SCHEMA`. */
export function readText(value: CborValue | undefined, maxBytes: number, what: string): string {
  if (typeof value !== 'string') throw schema(`${what}: expected a text string`);
  const length = Buffer.byteLength(value, 'utf8');
  if (length === 0 || length > maxBytes) throw schema(`${what}: ${length} bytes outside 1..${maxBytes}`);
  return value;
}
