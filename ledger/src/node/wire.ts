/**
 * What validators send each other on their direct streams, version 1: canonical CBOR (the profile of
 * `codec/canonical.ts`) of an array whose item 0 is the version and item 1 the type. Inner payloads
 * (consensus messages, blocks, certificates, transactions) are byte strings in their own canonical
 * encodings, decoded by their own codecs with their own limits.
 *
 *   consensus      [1, 1, message, block / null]   a proposal (with its block when the proposer sends it) or a vote
 *   certificate    [1, 2, certificate]             the commit certificate of a height the receiver is still deciding
 *   txs            [1, 3, [tx, ...]]               transactions admitted by the sender's mempool (≤ 20,000)
 *   status         [1, 4, committed, height, round, held]   the sender's chain head and consensus position
 *   block-request  [1, 5, blockHash]               "send me this block" (a proposal arrived without it)
 *   block          [1, 6, block]                   answer to a block request
 *   sync-request   [1, 7, fromHeight, max]         "send me committed blocks from this height"
 *   sync-response  [1, 8, [[block, certificate], ...]]   ≤ 64 consecutive committed blocks with their certificates
 *
 * Limits are checked before parsing (`MAX_WIRE_BYTES`) and per field while reading.
 */

import { MAX_BLOCK_BYTES, MAX_BLOCK_TXS } from '../block/codec.ts';
import {
  type CborValue,
  decodeCanonical,
  encodeCanonical,
  readBytes,
  readInt,
  readList,
  readTuple,
} from '../codec/canonical.ts';
import { MAX_CERTIFICATE_BYTES, MAX_MESSAGE_BYTES, MAX_ROUND } from '../codec/consensus-codec.ts';
import { CodecError } from '../codec/errors.ts';
import { MAX_ANY_TX_BYTES } from '../tx/codec.ts';
import { LedgerNodeError } from './errors.ts';

/** Wire version (item 0). */
export const WIRE_VERSION = 1;
/** Largest wire message (the network's direct-stream limit). */
export const MAX_WIRE_BYTES = 16 << 20;
/** Most transactions in one `txs` message. */
export const MAX_GOSSIP_TXS = MAX_BLOCK_TXS;
/** Most blocks in one `sync-response`. */
export const MAX_SYNC_BLOCKS = 64;

/** A decoded wire message. */
export type WireMessage =
  | { readonly type: 'consensus'; readonly message: Uint8Array; readonly block: Uint8Array | null }
  | { readonly type: 'certificate'; readonly certificate: Uint8Array }
  | { readonly type: 'txs'; readonly txs: readonly Uint8Array[] }
  | {
      readonly type: 'status';
      readonly committed: number;
      readonly height: number;
      readonly round: number;
      readonly held: number;
    }
  | { readonly type: 'block-request'; readonly hash: Uint8Array }
  | { readonly type: 'block'; readonly block: Uint8Array }
  | { readonly type: 'sync-request'; readonly from: number; readonly max: number }
  | {
      readonly type: 'sync-response';
      readonly entries: readonly { readonly block: Uint8Array; readonly certificate: Uint8Array }[];
    };

const TYPES = [
  'consensus',
  'certificate',
  'txs',
  'status',
  'block-request',
  'block',
  'sync-request',
  'sync-response',
] as const;

function body(m: WireMessage): CborValue[] {
  switch (m.type) {
    case 'consensus':
      return [m.message, m.block];
    case 'certificate':
      return [m.certificate];
    case 'txs':
      return [[...m.txs]];
    case 'status':
      return [m.committed, m.height, m.round, m.held];
    case 'block-request':
      return [m.hash];
    case 'block':
      return [m.block];
    case 'sync-request':
      return [m.from, m.max];
    case 'sync-response':
      return [m.entries.map((e) => [e.block, e.certificate])];
  }
}

/** Encodes a wire message. @throws {CodecError} `CODEC_SCHEMA` for a value outside the profile. */
export function encodeWire(message: WireMessage): Uint8Array {
  return encodeCanonical([WIRE_VERSION, TYPES.indexOf(message.type) + 1, ...body(message)]);
}

const HEIGHT = Number.MAX_SAFE_INTEGER;

/**
 * Decodes a wire message from a peer.
 * @throws {LedgerNodeError} `WIRE_MALFORMED` (with the codec's code in its context) for anything else.
 */
export function decodeWire(bytes: Uint8Array): WireMessage {
  try {
    const value = decodeCanonical(bytes, MAX_WIRE_BYTES, 'wire');
    if (!Array.isArray(value) || value.length < 2 || value[0] !== WIRE_VERSION) {
      throw new LedgerNodeError('WIRE_MALFORMED', 'wire: expected [1, type, ...]');
    }
    const type = TYPES[readInt(value[1], 1, TYPES.length, 'wire.type') - 1]!;
    switch (type) {
      case 'consensus': {
        const f = readTuple(value, 4, 'consensus');
        return {
          type,
          message: readBytes(f[2], 1, MAX_MESSAGE_BYTES, 'consensus.message'),
          block: f[3] === null ? null : readBytes(f[3], 1, MAX_BLOCK_BYTES, 'consensus.block'),
        };
      }
      case 'certificate':
        return {
          type,
          certificate: readBytes(readTuple(value, 3, type)[2], 1, MAX_CERTIFICATE_BYTES, 'certificate'),
        };
      case 'txs': {
        const list = readList(readTuple(value, 3, type)[2], MAX_GOSSIP_TXS, 'txs');
        // A view into the message rather than a copy per transaction: the batch is short-lived.
        return {
          type,
          txs: list.map((t, i) => {
            if (!(t instanceof Uint8Array) || t.length === 0 || t.length > MAX_ANY_TX_BYTES)
              throw new LedgerNodeError('WIRE_MALFORMED', `txs[${i}]: not a transaction-sized byte string`);
            return t;
          }),
        };
      }
      case 'status': {
        const f = readTuple(value, 6, type);
        return {
          type,
          committed: readInt(f[2], -1, HEIGHT, 'status.committed'),
          height: readInt(f[3], 0, HEIGHT, 'status.height'),
          round: readInt(f[4], 0, MAX_ROUND, 'status.round'),
          held: readInt(f[5], 0, 1 << 20, 'status.held'),
        };
      }
      case 'block-request':
        return { type, hash: readBytes(readTuple(value, 3, type)[2], 32, 32, 'block-request.hash') };
      case 'block':
        return { type, block: readBytes(readTuple(value, 3, type)[2], 1, MAX_BLOCK_BYTES, 'block') };
      case 'sync-request': {
        const f = readTuple(value, 4, type);
        return {
          type,
          from: readInt(f[2], 0, HEIGHT, 'sync.from'),
          max: readInt(f[3], 1, MAX_SYNC_BLOCKS, 'sync.max'),
        };
      }
      case 'sync-response': {
        const list = readList(readTuple(value, 3, type)[2], MAX_SYNC_BLOCKS, 'sync.entries');
        return {
          type,
          entries: list.map((e, i) => {
            const pair = readTuple(e, 2, `sync.entries[${i}]`);
            return {
              block: readBytes(pair[0], 1, MAX_BLOCK_BYTES, 'sync.block'),
              certificate: readBytes(pair[1], 1, MAX_CERTIFICATE_BYTES, 'sync.certificate'),
            };
          }),
        };
      }
    }
  } catch (err) {
    if (err instanceof LedgerNodeError) throw err;
    const codec = err instanceof CodecError ? err.code : 'unknown';
    throw new LedgerNodeError('WIRE_MALFORMED', err instanceof Error ? err.message : String(err), { codec });
  }
}
