/**
 * Block format, version 1: canonical CBOR of the profile in `codec/canonical.ts`.
 *
 *   Header = [version, chainId, height, prevHash, timestamp, proposer, txRoot, stateRoot, txCount]
 *   Block  = [Header, [tx, ...]]        each tx is a byte string holding the transaction's exact encoding
 *
 *   version    uint, 1
 *   chainId    tstr, 1..64 UTF-8 bytes
 *   height     uint; 0 is the genesis block, then +1 per block
 *   prevHash   bstr 32: hash of the previous block's header; for genesis, SM3 of the genesis document
 *   timestamp  uint ms since the Unix epoch, strictly greater than the previous block's
 *   proposer   tstr identifier of the proposing validator ("genesis" at height 0)
 *   txRoot     bstr 32: `sm3MerkleRoot` of the transaction ids in block order (RFC 6962 shape, SM3("") if empty)
 *   stateRoot  bstr 32: the state root AFTER applying this block's transactions to the previous block's
 *              state. A header therefore commits to the state it produces: a client holding a header can
 *              check state read from any node, and a node that computes another root rejects the block.
 *              The proposer computes it by executing the block before proposing it.
 *   txCount    uint, the number of transactions (also the size of the txRoot tree, needed by proofs)
 *
 * Block hash: SM3 (GB/T 32905) of the canonical encoding of the header (the value consensus decides).
 * Limits, checked before parsing: {@link MAX_BLOCK_BYTES} bytes and {@link MAX_BLOCK_TXS} transactions.
 */
import { sm3, sm3MerkleRoot } from '@privgate/accel';
import {
  type CborValue,
  decodeCanonical,
  encodeCanonical,
  readBytes,
  readInt,
  readList,
  readText,
  readTuple,
} from '../codec/canonical.ts';
import { CodecError } from '../codec/errors.ts';
import { MAX_ANY_TX_BYTES, MAX_CHAIN_ID_BYTES } from '../tx/codec.ts';
import { LedgerError } from '../tx/errors.ts';
import { DIGEST_BYTES, readDigest, readIdentifier, readUint } from '../tx/readers.ts';

/** Schema version of headers. */
export const BLOCK_VERSION = 1;
/** Largest encoded block. */
export const MAX_BLOCK_BYTES = 16 * 1024 * 1024;
/** Most transactions in a block. */
export const MAX_BLOCK_TXS = 20_000;
/** Largest encoded header. */
export const MAX_HEADER_BYTES = 1024;
/** Proposer name of the genesis block. */
export const GENESIS_PROPOSER = 'genesis';

/** A block header (see the file header for each field). */
export interface BlockHeader {
  readonly version: number;
  readonly chainId: string;
  readonly height: number;
  readonly prevHash: Uint8Array;
  readonly timestamp: number;
  readonly proposer: string;
  readonly txRoot: Uint8Array;
  readonly stateRoot: Uint8Array;
  readonly txCount: number;
}

/** A block: its header, its transactions' exact bytes, and the derived hash. */
export interface Block {
  readonly header: BlockHeader;
  readonly txs: readonly Uint8Array[];
  /** SM3 of the encoded header. */
  readonly hash: Uint8Array;
  /** The block's canonical encoding. */
  readonly bytes: Uint8Array;
}

function headerArray(h: BlockHeader): CborValue[] {
  return [
    h.version,
    h.chainId,
    h.height,
    h.prevHash,
    h.timestamp,
    h.proposer,
    h.txRoot,
    h.stateRoot,
    h.txCount,
  ];
}

/** Canonical encoding of a header. @throws {LedgerError} `BLOCK_MALFORMED` for a field outside the schema. */
export function encodeHeader(header: BlockHeader): Uint8Array {
  try {
    const bytes = encodeCanonical(headerArray(header));
    headerFromCbor(decodeCanonical(bytes, MAX_HEADER_BYTES, 'header'));
    return bytes;
  } catch (err) {
    throw blockMalformed(err);
  }
}

/** The block hash: SM3 of the encoded header. @throws {LedgerError} `BLOCK_MALFORMED`. */
export function blockHash(header: BlockHeader): Uint8Array {
  return sm3(encodeHeader(header));
}

/** Root of the transaction tree: `sm3MerkleRoot` over the ids (SM3 of each transaction's bytes). */
export function txRootOf(txIds: readonly Uint8Array[]): Uint8Array {
  return sm3MerkleRoot(txIds);
}

/**
 * Encodes a block. The header must already carry the right `txRoot` and `txCount` (see {@link txRootOf}).
 * @throws {LedgerError} `BLOCK_MALFORMED` for a field outside the schema or over the limits.
 */
export function encodeBlock(header: BlockHeader, txs: readonly Uint8Array[]): Block {
  if (txs.length > MAX_BLOCK_TXS)
    throw new LedgerError('BLOCK_MALFORMED', `${txs.length} txs > ${MAX_BLOCK_TXS}`);
  const headerBytes = encodeHeader(header);
  const bytes = encodeCanonical([headerArray(header), [...txs]]);
  if (bytes.length > MAX_BLOCK_BYTES) {
    throw new LedgerError('BLOCK_MALFORMED', `block of ${bytes.length} bytes > ${MAX_BLOCK_BYTES}`);
  }
  return { header, txs, hash: sm3(headerBytes), bytes };
}

/**
 * Decodes a block (strict canonical profile). Checks the schema and that `txCount` matches the list; the
 * tx root and the chain rules are checked by `LedgerChain` (they need the transactions' ids and the store).
 * @throws {LedgerError} `BLOCK_MALFORMED`.
 */
export function decodeBlock(bytes: Uint8Array): Block {
  try {
    const value = decodeCanonical(bytes, MAX_BLOCK_BYTES, 'block');
    const f = readTuple(value, 2, 'block');
    const header = headerFromCbor(f[0]);
    const list = readList(f[1], MAX_BLOCK_TXS, 'block.txs');
    const txs = list.map((t, i) => readBytes(t, 1, MAX_ANY_TX_BYTES, `block.txs[${i}]`));
    if (txs.length !== header.txCount) {
      throw new LedgerError('BLOCK_MALFORMED', `txCount ${header.txCount} but ${txs.length} transactions`);
    }
    return { header, txs, hash: sm3(encodeCanonical(headerArray(header))), bytes };
  } catch (err) {
    throw blockMalformed(err);
  }
}

/** Decodes an encoded header. @throws {LedgerError} `BLOCK_MALFORMED`. */
export function decodeHeader(bytes: Uint8Array): BlockHeader {
  try {
    return headerFromCbor(decodeCanonical(bytes, MAX_HEADER_BYTES, 'header'));
  } catch (err) {
    throw blockMalformed(err);
  }
}

function headerFromCbor(value: CborValue | undefined): BlockHeader {
  const f = readTuple(value, 9, 'header');
  const version = readInt(f[0], BLOCK_VERSION, BLOCK_VERSION, 'header.version');
  const height = readUint(f[2], 'header.height');
  const proposer = readIdentifier(f[5], 'header.proposer');
  return {
    version,
    chainId: readText(f[1], MAX_CHAIN_ID_BYTES, 'header.chainId'),
    height,
    prevHash: readBytes(f[3], DIGEST_BYTES, DIGEST_BYTES, 'header.prevHash'),
    timestamp: readUint(f[4], 'header.timestamp'),
    proposer,
    txRoot: readDigest(f[6], 'header.txRoot'),
    stateRoot: readDigest(f[7], 'header.stateRoot'),
    txCount: readInt(f[8], 0, MAX_BLOCK_TXS, 'header.txCount'),
  };
}

function blockMalformed(err: unknown): LedgerError {
  if (err instanceof LedgerError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new LedgerError('BLOCK_MALFORMED', message, err instanceof CodecError ? { codec: err.code } : {});
}
