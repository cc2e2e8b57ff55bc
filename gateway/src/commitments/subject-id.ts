/**
 * How a dataset record becomes the field elements of its Merkle leaf
 * leaf = Poseidon(subjectId, fieldId, value, salt) (RecordInclusion in @privgate/circuits):
 *
 * - subjectId: the subject's unified social credit code (GB 32100-2015), checked and upper-cased, then
 *   pseudonymised with the consortium's subject key K: subjectId = the first 31 bytes, big-endian, of
 *   HMAC-SM3(K, "privgate/subject/v1\0" ‖ code) (< 2^248, a BN254 element). Proofs carry subjectId as a
 *   public signal; with K secret to the gateways, a requester who sees the signals cannot test candidate
 *   codes against them (codes are public, so an unkeyed hash could be reversed by trying them all). Every
 *   gateway of the consortium uses the same K, since the market-regulation gateway names subjects to the
 *   others by code and verifiers compare subjectIds across datasets. (The unkeyed integer form of a code,
 *   `usccToBigInt`, base 31 over the code alphabet, is what K protects.) HMAC-SM3 rather than Poseidon:
 *   a million pseudonyms cost a second, and the circuits only need subjectId to be a field element.
 * - fieldId: the first 31 bytes of SM3("privgate/field/v1\0" ‖ dataset ‖ "\0" ‖ field), big-endian (< 2^248,
 *   a BN254 element): a proof for one dataset's field is never a proof for another's.
 * - value: the record's measure field (see `measureField`), an integer below 2^63.
 * - salt: the record's 31-byte secret salt from the store, big-endian.
 */
import { Sm3Hmac, sm3 } from '@privgate/accel';
import { assertField } from '@privgate/circuits';
import {
  type DatasetDeclaration,
  type FieldDeclaration,
  splitFields,
  usccProblem,
} from '../datasets/index.ts';

/** Shortest subject key, in bytes. */
export const MIN_SUBJECT_KEY_BYTES = 16;

/** Maps codes to subject ids under one key (the HMAC key schedule is computed once). */
export class SubjectPseudonyms {
  readonly #mac: Sm3Hmac;

  /** @throws {RangeError} for a key shorter than 16 bytes. */
  constructor(subjectKey: Uint8Array) {
    if (!(subjectKey instanceof Uint8Array) || subjectKey.length < MIN_SUBJECT_KEY_BYTES) {
      throw new RangeError(`subjectKey must be at least ${MIN_SUBJECT_KEY_BYTES} bytes`);
    }
    this.#mac = new Sm3Hmac(subjectKey);
  }

  /**
   * The subject id a leaf and a proof carry for a code.
   * @throws {RangeError} for a code that is not a valid USCC.
   */
  of(uscc: string): bigint {
    const code = uscc.toUpperCase();
    const problem = usccProblem(code);
    if (problem !== undefined) throw new RangeError(`subject ${problem}`);
    const digest = this.#mac.mac(new TextEncoder().encode(`privgate/subject/v1\0${code}`));
    let value = 0n;
    for (let i = 0; i < 31; i++) value = (value << 8n) | BigInt(digest[i]!);
    return value;
  }
}

/** The field id of `dataset`'s field `field`. */
export function fieldIdOf(dataset: string, field: string): bigint {
  const digest = sm3(new TextEncoder().encode(`privgate/field/v1\0${dataset}\0${field}`));
  let value = 0n;
  for (let i = 0; i < 31; i++) value = (value << 8n) | BigInt(digest[i]!);
  return value;
}

/** Big-endian bytes (a record salt) as an integer. */
export function bytesToField(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return assertField(value, 'bytes');
}

/**
 * The field a dataset commitment covers: its first `int64` or `decimal` value field in declaration order.
 * One leaf per record keeps a dataset of n records at n leaves; other fields are not committed.
 * @throws {TypeError} when the declaration has no numeric value field.
 */
export function measureField(declaration: DatasetDeclaration): FieldDeclaration {
  const field = splitFields(declaration).values.find((f) => f.type === 'int64' || f.type === 'decimal');
  if (field === undefined)
    throw new TypeError(`dataset ${declaration.name} has no int64 or decimal field to commit`);
  return field;
}
