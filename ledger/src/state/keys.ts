/**
 * The logical key space of the state and its physical layout in LevelDB.
 *
 * A logical key is `namespace byte ‖ key bytes`. Namespaces below 0x40 are MAPS (entries are put, replaced
 * and deleted: nonces, registries, heads); namespaces from 0x40 up are LOGS (append-only: an entry is
 * written once and never changes: nullifiers, dataset versions, proofs, audit events). The two kinds are
 * committed differently (see `state-root.ts`).
 *
 * Physical keys (first byte):
 *   'S' ‖ bucket u16 ‖ logical key   → value      map entry, in the bucket SM3(logical key)[0..2]
 *   'L' ‖ logical key                → value      log entry
 *   'B' ‖ bucket u16                 → digest     bucket digest (absent = empty bucket)
 *   'F'                              → frontier   log accumulator: size and perfect-subtree roots
 *   'M'                              → meta       [height, blockHash, stateRoot, timestamp, logSize]
 *   'H' ‖ height u64                 → block      the block's canonical encoding
 *   'K' ‖ block hash                 → height u64
 *   'T' ‖ tx id                      → height u64 ‖ index u32
 *   'C' ‖ height u64                 → bytes      commit certificate as given by consensus
 *   'J' ‖ namespace ‖ height u64     → keys       the log keys a block appended in a Bloom-filtered
 *                                                 namespace, (u16 length ‖ key without namespace)*: the
 *                                                 pre-filter is rebuilt from these few large values on
 *                                                 open instead of a scan of every key
 *   'G'                              → bytes      the genesis document
 */
import { sm3 } from '@privgate/accel';
import { utf8 } from '../tx/bytes.ts';

/** Namespaces of the logical key space. Numbers are part of the state root: never reuse one. */
export const Namespace = {
  // Maps.
  account: 0x01,
  org: 0x02,
  vkey: 0x03,
  policy: 0x04,
  datasetHead: 0x05,
  openQuery: 0x06,
  rateWindow: 0x07,
  registry: 0x08,
  // Logs.
  nullifier: 0x41,
  datasetVersion: 0x42,
  vkeyBytes: 0x43,
  proof: 0x44,
  auditEvent: 0x45,
  governance: 0x46,
} as const;
/** One of the {@link Namespace} bytes. */
export type Namespace = (typeof Namespace)[keyof typeof Namespace];

/**
 * Log namespaces whose appended keys are journaled per block (`Prefix.filterJournal`), always, so an
 * in-memory pre-filter can be rebuilt from the journal whatever options earlier opens used.
 */
export const JOURNALED_NAMESPACES: readonly number[] = [Namespace.nullifier];

/** First namespace byte of the logs. */
export const FIRST_LOG_NAMESPACE = 0x40;

/** Number of map buckets: part of the protocol (the map root is a Merkle tree over them). */
export const BUCKET_BITS = 16;
/** 2^{@link BUCKET_BITS}. */
export const BUCKET_COUNT = 1 << BUCKET_BITS;

/** Physical prefixes. */
export const Prefix = {
  map: 0x53,
  log: 0x4c,
  bucket: 0x42,
  frontier: 0x46,
  meta: 0x4d,
  blockByHeight: 0x48,
  heightByHash: 0x4b,
  txIndex: 0x54,
  certificate: 0x43,
  genesis: 0x47,
  filterJournal: 0x4a,
} as const;

/** Whether a logical key lives in a log namespace. @throws {RangeError} for an empty key. */
export function isLogKey(key: Uint8Array): boolean {
  const ns = key[0];
  if (ns === undefined) throw new RangeError('key: empty state key');
  return ns >= FIRST_LOG_NAMESPACE;
}

/** The bucket of a map key: the first two bytes of SM3(key), big-endian. */
export function bucketOf(key: Uint8Array): number {
  const h = sm3(key);
  return (h[0]! << 8) | h[1]!;
}

/** Physical key of a map entry. */
export function mapEntryKey(bucket: number, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(3 + key.length);
  out[0] = Prefix.map;
  out[1] = bucket >> 8;
  out[2] = bucket & 0xff;
  out.set(key, 3);
  return out;
}

/** Physical key of a log entry. */
export function logEntryKey(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + key.length);
  out[0] = Prefix.log;
  out.set(key, 1);
  return out;
}

/** Physical key of a bucket digest. */
export function bucketKey(bucket: number): Uint8Array {
  return Uint8Array.of(Prefix.bucket, bucket >> 8, bucket & 0xff);
}

/** Logical key `namespace ‖ parts…` (strings as UTF-8). */
export function stateKey(ns: Namespace, ...parts: readonly (string | Uint8Array)[]): Uint8Array {
  const bytes = parts.map((p) => (typeof p === 'string' ? utf8(p) : p));
  let length = 1;
  for (const b of bytes) length += b.length;
  const out = new Uint8Array(length);
  out[0] = ns;
  let at = 1;
  for (const b of bytes) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/**
 * The leaf a state entry contributes to its tree: u16 key length ‖ key ‖ value. The length prefix makes
 * the split between key and value unambiguous.
 */
export function entryLeaf(key: Uint8Array, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + key.length + value.length);
  out[0] = key.length >> 8;
  out[1] = key.length & 0xff;
  out.set(key, 2);
  out.set(value, 2 + key.length);
  return out;
}

/** Longest logical key (the u16 length prefix of leaves). */
export const MAX_STATE_KEY_BYTES = 1024;
