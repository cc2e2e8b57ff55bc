/**
 * Transaction format, version 1: canonical CBOR of the profile in `codec/canonical.ts`.
 *
 *   Tx = [version, chainId, kind, sender, nonce, timestamp, payload, signature]
 *
 *   version    uint, 1
 *   chainId    tstr, 1..64 UTF-8 bytes; must equal the node's chain
 *   kind       uint 1..255, a {@link TxKind}
 *   sender     tstr identifier (see `readers.ts`): the registered organisation that signs
 *   nonce      uint 1..2^53−1; per sender, exactly committed nonce + 1 when applied (strictly increasing)
 *   timestamp  uint, milliseconds since the Unix epoch, set by the sender
 *   payload    array, the kind's tuple (schemas in `contracts/*.ts`)
 *   signature  bstr, 96 bytes: SM2 (GB/T 32918.2) r ‖ s ‖ y1, the hinted form of `Sm2Signer.sign(m, 'hinted')`,
 *              default user ID, by the sender's registered key
 *
 * Sign bytes: "privgate/ledger/v1/tx\0" ‖ canonical CBOR of [version, chainId, kind, sender, nonce,
 * timestamp, payload]. That encoding is exactly the received bytes with the array header 0x88 (8 items)
 * replaced by 0x87 (7 items) and the trailing signature item (0x58 0x60 ‖ 96 bytes) cut off, so a
 * verifier signs and verifies a slice of the received bytes and never re-encodes. Decoding is strict
 * (only the canonical encoding is accepted), so a re-encoded or mutated transaction either fails to
 * parse or fails the signature.
 *
 * Transaction id: SM3 (GB/T 32905) of the complete encoded transaction. Signatures are SM2-malleable in
 * their hint (y1 is not checked by verification), so two ids can exist for one signed content; the
 * (sender, nonce) rule guarantees that at most one of them is ever applied.
 *
 * Size: at most {@link maxTxBytes} of its kind (64 KiB; 128 KiB for a verification-key change), checked
 * on the raw bytes before any parsing (the kind is read from a fixed-position prefix).
 */
import type { Sm2Signer } from '@privgate/accel';
import { sm3 } from '@privgate/accel';
import {
  type CborValue,
  decodeCanonical,
  encodeCanonical,
  readBytes,
  readInt,
  readText,
  readTuple,
} from '../codec/canonical.ts';
import { CodecError, CodecErrorCode } from '../codec/errors.ts';
import { concatBytes } from './bytes.ts';
import { LedgerError } from './errors.ts';
import { readIdentifier, readUint } from './readers.ts';

/** Schema version written in item 0. */
export const TX_VERSION = 1;
/** Length of the hinted SM2 signature a transaction carries. */
export const TX_SIGNATURE_BYTES = 96;
/** Largest chain id in UTF-8 bytes. */
export const MAX_CHAIN_ID_BYTES = 64;
/** Size limit of every kind but the verification-key registry. */
export const MAX_TX_BYTES = 64 * 1024;
/** Size limit of any transaction (a verification-key change carries the key). */
export const MAX_ANY_TX_BYTES = 128 * 1024;

/** Transaction kinds (item 2). Numbers are part of the protocol: never reuse one. */
export const TxKind = {
  identityChange: 1,
  vkeySet: 2,
  policySet: 3,
  datasetAnchor: 4,
  proofSubmit: 5,
  queryAudit: 6,
  nullifierBatch: 7,
} as const;
/** One of the {@link TxKind} numbers. */
export type TxKind = (typeof TxKind)[keyof typeof TxKind];

const KIND_NAMES = new Map<number, string>(Object.entries(TxKind).map(([name, n]) => [n, name]));

/** Name of a kind, for messages; `kind#n` for an unknown number. */
export function txKindName(kind: number): string {
  return KIND_NAMES.get(kind) ?? `kind#${kind}`;
}

/** Size limit of a kind. */
export function maxTxBytes(kind: number): number {
  return kind === TxKind.vkeySet ? MAX_ANY_TX_BYTES : MAX_TX_BYTES;
}

/** Domain tag of transaction signatures. */
export const TX_SIGN_DOMAIN: Uint8Array = new Uint8Array(Buffer.from('privgate/ledger/v1/tx\0', 'ascii'));

/** The fields a sender fills in; the payload is the kind's tuple. */
export interface UnsignedTx {
  readonly chainId: string;
  readonly kind: TxKind;
  readonly sender: string;
  readonly nonce: number;
  readonly timestamp: number;
  readonly payload: readonly CborValue[];
}

/** A decoded transaction with the exact bytes it came from. */
export interface Tx extends UnsignedTx {
  readonly version: number;
  readonly signature: Uint8Array;
  /** The received encoding. */
  readonly bytes: Uint8Array;
  /** SM3 of `bytes`. */
  readonly id: Uint8Array;
}

function unsignedArray(tx: UnsignedTx): CborValue[] {
  return [TX_VERSION, tx.chainId, tx.kind, tx.sender, tx.nonce, tx.timestamp, tx.payload];
}

/**
 * Encodes and signs a transaction with the sender's key (hinted 96-byte SM2 signature).
 * @throws {LedgerError} `TX_MALFORMED` if a field is outside the schema, `TX_OVERSIZED` if too long.
 * @example
 * const bytes = signTx({ chainId, kind: TxKind.nullifierBatch, sender: 'gw-1', nonce: 1, timestamp: Date.now(),
 *   payload: encodeNullifierBatch({ scope: 'invoice', nullifiers }) }, new Sm2Signer(privateKey));
 */
export function signTx(tx: UnsignedTx, signer: Sm2Signer): Uint8Array {
  let body: Uint8Array;
  try {
    body = encodeCanonical(unsignedArray(tx));
  } catch (err) {
    throw malformed(err);
  }
  const signature = signer.sign(concatBytes(TX_SIGN_DOMAIN, body), 'hinted');
  const encoded = encodeCanonical([...unsignedArray(tx), signature]);
  const bytes = new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.length);
  // Checks the schema the same way a receiver will (and the size limit).
  decodeTx(bytes);
  return bytes;
}

/**
 * The bytes the signature covers, cut from the received encoding (see the file header).
 * @throws {LedgerError} `TX_MALFORMED` if `bytes` does not end with a 96-byte signature item.
 */
export function txSignBytes(bytes: Uint8Array): Uint8Array {
  const sigItem = 2 + TX_SIGNATURE_BYTES;
  const at = bytes.length - sigItem;
  if (bytes[0] !== 0x88 || at < 2 || bytes[at] !== 0x58 || bytes[at + 1] !== TX_SIGNATURE_BYTES) {
    throw new LedgerError('TX_MALFORMED', 'transaction does not end with a 96-byte signature');
  }
  const out = new Uint8Array(TX_SIGN_DOMAIN.length + at);
  out.set(TX_SIGN_DOMAIN, 0);
  out[TX_SIGN_DOMAIN.length] = 0x87;
  out.set(bytes.subarray(1, at), TX_SIGN_DOMAIN.length + 1);
  return out;
}

/**
 * Reads the kind from the raw bytes without parsing the rest, so the kind's size limit can be checked
 * first. Returns undefined when the prefix does not look like a v1 transaction (the decoder then reports it).
 */
export function peekTxKind(bytes: Uint8Array): number | undefined {
  if (bytes[0] !== 0x88 || bytes[1] !== TX_VERSION) return undefined;
  const head = bytes[2];
  if (head === undefined || head >> 5 !== 3) return undefined;
  const info = head & 0x1f;
  let length: number;
  let at = 3;
  if (info < 24) length = info;
  else if (info === 24 && bytes.length > 3) {
    length = bytes[3]!;
    at = 4;
  } else return undefined;
  const kind = bytes[at + length];
  return kind !== undefined && kind >= 1 && kind < 24 ? kind : undefined;
}

/** Options of {@link decodeTx}. */
export interface DecodeTxOptions {
  /** Reject a transaction of another chain with `TX_WRONG_CHAIN`. */
  readonly chainId?: string;
}

/**
 * Decodes a transaction envelope (the payload stays a raw tuple: contracts parse it) and computes its id.
 * Does not verify the signature.
 * @throws {LedgerError} `TX_OVERSIZED` (checked before parsing), `TX_MALFORMED`, `TX_UNSUPPORTED_VERSION`,
 *   `TX_WRONG_CHAIN`.
 */
export function decodeTx(bytes: Uint8Array, options: DecodeTxOptions = {}): Tx {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes: expected a Uint8Array');
  const kindHint = peekTxKind(bytes);
  // Only a recognisable verification-key change may use the larger limit.
  const limit = kindHint === undefined ? MAX_TX_BYTES : maxTxBytes(kindHint);
  if (bytes.length > limit) {
    throw new LedgerError('TX_OVERSIZED', `transaction of ${bytes.length} bytes > ${limit}`, {
      length: bytes.length,
      max: limit,
    });
  }
  let tx: Tx;
  try {
    const value = decodeCanonical(bytes, limit, 'tx');
    if (!Array.isArray(value) || value.length < 1)
      throw new CodecError(CodecErrorCode.SCHEMA, 'tx: expected an array');
    if (value[0] !== TX_VERSION) {
      throw new LedgerError('TX_UNSUPPORTED_VERSION', `tx: version ${String(value[0])}`, {
        version: String(value[0]),
      });
    }
    const f = readTuple(value, 8, 'tx');
    const payload = f[6];
    if (!Array.isArray(payload)) throw new CodecError(CodecErrorCode.SCHEMA, 'tx.payload: expected an array');
    tx = {
      version: TX_VERSION,
      chainId: readText(f[1], MAX_CHAIN_ID_BYTES, 'tx.chainId'),
      kind: readInt(f[2], 1, 255, 'tx.kind') as TxKind,
      sender: readIdentifier(f[3], 'tx.sender'),
      nonce: readInt(f[4], 1, Number.MAX_SAFE_INTEGER, 'tx.nonce'),
      timestamp: readUint(f[5], 'tx.timestamp'),
      payload: payload as readonly CborValue[],
      signature: readBytes(f[7], TX_SIGNATURE_BYTES, TX_SIGNATURE_BYTES, 'tx.signature'),
      bytes,
      id: sm3(bytes),
    };
  } catch (err) {
    throw malformed(err);
  }
  if (options.chainId !== undefined && tx.chainId !== options.chainId) {
    throw new LedgerError('TX_WRONG_CHAIN', `transaction for chain "${tx.chainId}"`, {
      chainId: tx.chainId,
      expected: options.chainId,
    });
  }
  return tx;
}

/** Maps codec errors (and anything unexpected from a schema reader) to `TX_MALFORMED`. */
export function malformed(err: unknown, what = 'transaction'): LedgerError {
  if (err instanceof LedgerError) return err;
  if (err instanceof CodecError) {
    return new LedgerError(err.code === 'CODEC_OVERSIZED' ? 'TX_OVERSIZED' : 'TX_MALFORMED', err.message, {
      codec: err.code,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new LedgerError('TX_MALFORMED', `${what}: ${message}`);
}
