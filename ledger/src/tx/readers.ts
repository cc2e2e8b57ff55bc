/**
 * Typed readers for the application layer's schema fields, on top of the canonical profile's readers
 * (`codec/canonical.ts`). Like those, they throw `CodecError` with code `CODEC_SCHEMA`; the transaction
 * decoder turns any codec error into `TX_MALFORMED`.
 */
import { type CborValue, readBytes, readInt, readList, readText } from '../codec/canonical.ts';
import { CodecError, CodecErrorCode } from '../codec/errors.ts';

/** Longest identifier (organisation, dataset, circuit, policy, query kind), in bytes. */
export const MAX_ID_BYTES = 128;
/**
 * Identifiers are printable ASCII so that they are unambiguous in keys, logs and URLs: a letter or digit,
 * then letters, digits and `. _ : / -`.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
/** SM3 digest length. */
export const DIGEST_BYTES = 32;

const schema = (message: string): CodecError => new CodecError(CodecErrorCode.SCHEMA, message);

/** Whether `id` is a well-formed identifier. */
export function isIdentifier(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** Reads an identifier (see {@link ID_PATTERN}). @throws {CodecError} `CODEC_SCHEMA`. */
export function readIdentifier(value: CborValue | undefined, what: string): string {
  const text = readText(value, MAX_ID_BYTES, what);
  if (!ID_PATTERN.test(text)) throw schema(`${what}: "${text}" is not an identifier`);
  return text;
}

/** Reads a 32-byte digest. @throws {CodecError} `CODEC_SCHEMA`. */
export function readDigest(value: CborValue | undefined, what: string): Uint8Array {
  return readBytes(value, DIGEST_BYTES, DIGEST_BYTES, what);
}

/** Reads a safe non-negative integer. @throws {CodecError} `CODEC_SCHEMA`. */
export function readUint(value: CborValue | undefined, what: string): number {
  return readInt(value, 0, Number.MAX_SAFE_INTEGER, what);
}

/** Reads free text (a purpose, a reason) of 1..maxBytes UTF-8 bytes. @throws {CodecError} `CODEC_SCHEMA`. */
export function readFreeText(value: CborValue | undefined, maxBytes: number, what: string): string {
  return readText(value, maxBytes, what);
}

/**
 * Reads a list of 1..max identifiers in strictly ascending order (so a set has one encoding).
 * @throws {CodecError} `CODEC_SCHEMA`.
 */
export function readIdentifierSet(value: CborValue | undefined, max: number, what: string): string[] {
  const items = readList(value, max, what);
  if (items.length === 0) throw schema(`${what}: expected at least one item`);
  const out = items.map((item, i) => readIdentifier(item, `${what}[${i}]`));
  for (let i = 1; i < out.length; i++) {
    if (!(out[i - 1]! < out[i]!)) throw schema(`${what}: items must be strictly ascending`);
  }
  return out;
}

/** Reads `null` or a value of `read`. @throws {CodecError} whatever `read` throws. */
export function readNullable<T>(value: CborValue | undefined, read: (v: CborValue) => T): T | null {
  if (value === null) return null;
  if (value === undefined) throw schema('missing field');
  return read(value);
}
