/**
 * The state store on LevelDB (classic-level): committed state, blocks, transaction index and the chain
 * head, with the map and log commitments kept in memory and updated per block.
 *
 * A block is committed with ONE LevelDB write batch holding the block, its transaction index entries,
 * the state changes, the changed bucket digests, the log frontier and the new head. LevelDB writes a
 * batch as one record of its write-ahead log and replays only complete records after a crash, so a crash
 * (even SIGKILL in the middle of the write) leaves either the whole block or none of it. With
 * `sync: true` (the default) the batch is also fsynced before `commit` resolves, which extends that to
 * power loss. On open, the head, the stored block and the recomputed root are checked against each other.
 *
 * The store has a single writer: `prepare` and `commit` must not run concurrently with another commit
 * (`LedgerChain` serialises them); reads may run at any time and see whole blocks.
 */
import { Sm3MerkleTree, sm3, sm3MerkleRoot } from '@privgate/accel';
import { ClassicLevel } from 'classic-level';
import { type Block, decodeBlock, encodeHeader } from '../block/codec.ts';
import type { TxInclusionProof } from '../block/inclusion.ts';
import { decodeCanonical, encodeCanonical, readTuple } from '../codec/canonical.ts';
import { byteKey, bytesEqual, compareBytes, concatBytes, readU64be, toHex, u64be } from '../tx/bytes.ts';
import { LedgerError } from '../tx/errors.ts';
import { readDigest, readUint } from '../tx/readers.ts';
import { ScalableBloomFilter } from './bloom.ts';
import { BucketTree, type BucketTreeUpdate, EMPTY_BUCKET_DIGEST } from './bucket-tree.ts';
import type { ChainHead, StateChange, StateReader } from './interface.ts';
import {
  BUCKET_COUNT,
  bucketKey,
  bucketOf,
  entryLeaf,
  isLogKey,
  JOURNALED_NAMESPACES,
  logEntryKey,
  mapEntryKey,
  Namespace,
  Prefix,
} from './keys.ts';
import { LogAccumulator } from './log-accumulator.ts';
import { StateOverlay } from './overlay.ts';
import { combineStateRoot } from './state-root.ts';

/** Options of {@link StateStore.open}. */
export interface StateStoreInit {
  /** fsync every block commit (default true; false survives process crashes but not power loss). */
  readonly sync?: boolean;
  /**
   * Log namespaces that get an in-memory Bloom pre-filter for absent-key reads, a subset of
   * `JOURNALED_NAMESPACES` (default: nullifiers; `[]` for none).
   */
  readonly filteredNamespaces?: readonly number[];
  /** LevelDB block cache in bytes (default 64 MiB). */
  readonly cacheSize?: number;
  /** LevelDB memtable size in bytes (default 64 MiB: fewer level-0 compactions under bulk inserts). */
  readonly writeBufferSize?: number;
}

/** The result of {@link StateStore.prepare}: everything a commit writes, and the new state root. */
export interface PreparedState {
  readonly baseHeight: number;
  readonly maps: readonly StateChange[];
  readonly appends: readonly StateChange[];
  readonly buckets: ReadonlyMap<number, Uint8Array>;
  readonly tree: BucketTreeUpdate;
  readonly log: LogAccumulator;
  readonly stateRoot: Uint8Array;
}

/** Extra records a commit may carry. */
export interface CommitExtras {
  /** Encoded commit certificate of the block (from consensus). */
  readonly certificate?: Uint8Array;
  /** The genesis document (height 0 only). */
  readonly genesis?: Uint8Array;
}

/** Where a committed transaction is. */
export interface TxLocation {
  readonly height: number;
  readonly index: number;
}

type Db = ClassicLevel<Uint8Array, Uint8Array>;

const META_KEY = Uint8Array.of(Prefix.meta);
const FRONTIER_KEY = Uint8Array.of(Prefix.frontier);
const GENESIS_KEY = Uint8Array.of(Prefix.genesis);

/** Committed state and chain storage. */
export class StateStore implements StateReader {
  #head: ChainHead | undefined;
  #log: LogAccumulator;
  #closed = false;

  private constructor(
    private readonly db: Db,
    private readonly tree: BucketTree,
    log: LogAccumulator,
    head: ChainHead | undefined,
    private readonly filters: ReadonlyMap<number, ScalableBloomFilter>,
    private readonly sync: boolean,
  ) {
    this.#log = log;
    this.#head = head;
  }

  /**
   * Opens (or creates) a store and checks that its head, head block and recomputed state root agree.
   * @throws {LedgerError} `STATE_CORRUPT` if they do not.
   */
  static async open(location: string, init: StateStoreInit = {}): Promise<StateStore> {
    const filtered = init.filteredNamespaces ?? [Namespace.nullifier];
    for (const ns of filtered) {
      if (!JOURNALED_NAMESPACES.includes(ns))
        throw new RangeError(`filteredNamespaces: ${ns} is not journaled`);
    }
    const db: Db = new ClassicLevel<Uint8Array, Uint8Array>(location, {
      keyEncoding: 'view',
      valueEncoding: 'view',
      cacheSize: init.cacheSize ?? 64 << 20,
      writeBufferSize: init.writeBufferSize ?? 64 << 20,
    });
    await db.open();
    try {
      const metaBytes = await db.get(META_KEY);
      let head: ChainHead | undefined;
      let logSize = 0;
      if (metaBytes !== undefined) ({ head, logSize } = decodeMeta(metaBytes));
      const frontierBytes = await db.get(FRONTIER_KEY);
      const log = frontierBytes === undefined ? LogAccumulator.empty() : LogAccumulator.decode(frontierBytes);
      if (log.size !== logSize) corrupt(`log frontier has ${log.size} entries, head says ${logSize}`);
      const digests: [number, Uint8Array][] = [];
      for await (const [key, value] of db.iterator({
        gte: Uint8Array.of(Prefix.bucket),
        lt: Uint8Array.of(Prefix.bucket + 1),
      })) {
        digests.push([(key[1]! << 8) | key[2]!, value]);
      }
      const tree = new BucketTree(digests);
      const filters = new Map<number, ScalableBloomFilter>();
      for (const ns of filtered) {
        filters.set(ns, await buildFilter(db, ns, logSize));
      }
      const store = new StateStore(db, tree, log, head, filters, init.sync ?? true);
      if (head !== undefined) await store.checkHead(head);
      return store;
    } catch (err) {
      await db.close();
      if (err instanceof LedgerError) throw err;
      throw new LedgerError(
        'STATE_CORRUPT',
        `cannot open the state store: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  private async checkHead(head: ChainHead): Promise<void> {
    const block = await this.blockAt(head.height);
    if (block === undefined) corrupt(`head block ${head.height} is missing`);
    if (!bytesEqual(block.hash, head.blockHash)) corrupt(`head block ${head.height} has another hash`);
    if (!bytesEqual(block.header.stateRoot, head.stateRoot))
      corrupt(`head block ${head.height} has another state root`);
    if (!bytesEqual(this.stateRoot, head.stateRoot))
      corrupt(`recomputed state root differs at height ${head.height}`);
  }

  /** The committed head, undefined before genesis. */
  get head(): ChainHead | undefined {
    return this.#head;
  }

  /** Committed height, −1 before genesis. */
  get height(): number {
    return this.#head?.height ?? -1;
  }

  /** The committed state root (recomputed from the in-memory commitments). */
  get stateRoot(): Uint8Array {
    return combineStateRoot(this.tree.root, this.#log.root, this.#log.size);
  }

  /** Number of log entries ever appended. */
  get logSize(): number {
    return this.#log.size;
  }

  /** Memory held by the Bloom pre-filters, in bytes. */
  get filterBytes(): number {
    let n = 0;
    for (const f of this.filters.values()) n += f.bytes;
    return n;
  }

  private physical(key: Uint8Array): Uint8Array {
    return isLogKey(key) ? logEntryKey(key) : mapEntryKey(bucketOf(key), key);
  }

  private mayContain(key: Uint8Array): boolean {
    const filter = this.filters.get(key[0]!);
    return filter === undefined || filter.mayContain(key);
  }

  /** Committed value of a logical key. */
  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    this.assertOpen();
    if (!this.mayContain(key)) return undefined;
    return plain(await this.db.get(this.physical(key)));
  }

  /** Committed values of logical keys; keys the Bloom filters rule out are not read. */
  async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    this.assertOpen();
    const out = new Array<Uint8Array | undefined>(keys.length);
    const read: Uint8Array[] = [];
    const at: number[] = [];
    keys.forEach((key, i) => {
      if (this.mayContain(key)) {
        read.push(this.physical(key));
        at.push(i);
      }
    });
    if (read.length > 0) {
      const values = await this.db.getMany(read);
      at.forEach((i, j) => {
        out[i] = plain(values[j]);
      });
    }
    return out;
  }

  /** A fresh write-set over the committed state. */
  overlay(): StateOverlay {
    this.assertOpen();
    return new StateOverlay(this);
  }

  /**
   * Computes the bucket digests, tree nodes, log frontier and state root that committing `overlay` gives,
   * without writing anything. Cost: one range read per touched bucket and O(appends) hashes.
   */
  async prepare(overlay: StateOverlay): Promise<PreparedState> {
    this.assertOpen();
    if (overlay.baseHeight !== this.height || overlay.base !== this) {
      throw new LedgerError('STATE_STALE_EXECUTION', 'overlay was built on another committed state');
    }
    const { maps, appends } = overlay.changes();
    const byBucket = new Map<number, StateChange[]>();
    for (const change of maps) {
      const b = bucketOf(change.key);
      const list = byBucket.get(b);
      if (list === undefined) byBucket.set(b, [change]);
      else list.push(change);
    }
    const buckets = new Map<number, Uint8Array>();
    const touched = [...byBucket.keys()];
    // A few range reads in flight at a time: LevelDB serves them from its thread pool.
    for (let i = 0; i < touched.length; i += 32) {
      const chunk = touched.slice(i, i + 32);
      const digests = await Promise.all(chunk.map((b) => this.bucketDigest(b, byBucket.get(b)!)));
      chunk.forEach((b, j) => buckets.set(b, digests[j]!));
    }
    const tree = this.tree.computeUpdate(buckets);
    const log = this.#log.appendEntries(appends as readonly { key: Uint8Array; value: Uint8Array }[]);
    return {
      baseHeight: this.height,
      maps,
      appends,
      buckets,
      tree,
      log,
      stateRoot: combineStateRoot(tree.root, log.root, log.size),
    };
  }

  private async bucketDigest(bucket: number, changes: readonly StateChange[]): Promise<Uint8Array> {
    const entries = new Map<string, { key: Uint8Array; value: Uint8Array }>();
    for (const [key, value] of await this.bucketEntries(bucket)) entries.set(byteKey(key), { key, value });
    for (const c of changes) {
      if (c.kind === 'delete') entries.delete(byteKey(c.key));
      else entries.set(byteKey(c.key), { key: c.key, value: c.value });
    }
    return digestOf([...entries.values()]);
  }

  private async bucketEntries(bucket: number): Promise<[Uint8Array, Uint8Array][]> {
    const gte = Uint8Array.of(Prefix.map, bucket >> 8, bucket & 0xff);
    const lt =
      bucket + 1 < BUCKET_COUNT
        ? Uint8Array.of(Prefix.map, (bucket + 1) >> 8, (bucket + 1) & 0xff)
        : Uint8Array.of(Prefix.map + 1);
    const rows = await this.db.iterator({ gte, lt }).all();
    return rows.map(([k, v]) => [k.subarray(3), v]);
  }

  /**
   * Commits a block and the state it produces in one atomic LevelDB batch, then moves the in-memory
   * commitments and the head forward.
   * @throws {LedgerError} `STATE_STALE_EXECUTION` if `prepared` was computed on another head,
   *   `BLOCK_INVALID` if the block does not extend the head or carries another state root.
   */
  async commit(
    block: Block,
    txIds: readonly Uint8Array[],
    prepared: PreparedState,
    extras: CommitExtras = {},
  ): Promise<void> {
    this.assertOpen();
    const h = block.header;
    if (prepared.baseHeight !== this.height) {
      throw new LedgerError(
        'STATE_STALE_EXECUTION',
        `prepared on height ${prepared.baseHeight}, head is ${this.height}`,
      );
    }
    if (h.height !== this.height + 1)
      throw new LedgerError('BLOCK_INVALID', `height ${h.height} does not follow ${this.height}`);
    if (this.#head !== undefined && !bytesEqual(h.prevHash, this.#head.blockHash)) {
      throw new LedgerError('BLOCK_INVALID', `block ${h.height} does not extend the head`);
    }
    if (!bytesEqual(h.stateRoot, prepared.stateRoot)) {
      throw new LedgerError('STATE_ROOT_MISMATCH', `block ${h.height} carries another state root`, {
        header: toHex(h.stateRoot),
        computed: toHex(prepared.stateRoot),
      });
    }
    if (txIds.length !== block.txs.length) throw new RangeError('txIds: one id per transaction expected');
    const batch = this.db.batch();
    for (const c of prepared.maps) {
      const key = mapEntryKey(bucketOf(c.key), c.key);
      if (c.kind === 'put') batch.put(key, c.value);
      else batch.del(key);
    }
    for (const c of prepared.appends) batch.put(logEntryKey(c.key), (c as { value: Uint8Array }).value);
    for (const [b, digest] of prepared.buckets) {
      if (bytesEqual(digest, EMPTY_BUCKET_DIGEST)) batch.del(bucketKey(b));
      else batch.put(bucketKey(b), digest);
    }
    batch.put(FRONTIER_KEY, prepared.log.encode());
    const heightKey = u64be(h.height);
    batch.put(concatBytes(Uint8Array.of(Prefix.blockByHeight), heightKey), block.bytes);
    batch.put(concatBytes(Uint8Array.of(Prefix.heightByHash), block.hash), heightKey);
    txIds.forEach((id, index) => {
      const loc = new Uint8Array(12);
      loc.set(heightKey, 0);
      new DataView(loc.buffer).setUint32(8, index);
      batch.put(concatBytes(Uint8Array.of(Prefix.txIndex), id), loc);
    });
    if (extras.certificate !== undefined) {
      batch.put(concatBytes(Uint8Array.of(Prefix.certificate), heightKey), extras.certificate);
    }
    if (extras.genesis !== undefined) batch.put(GENESIS_KEY, extras.genesis);
    for (const [ns, record] of filterJournal(prepared.appends)) {
      batch.put(concatBytes(Uint8Array.of(Prefix.filterJournal, ns), heightKey), record);
    }
    const head: ChainHead = {
      height: h.height,
      blockHash: block.hash,
      stateRoot: prepared.stateRoot,
      timestamp: h.timestamp,
    };
    batch.put(META_KEY, encodeMeta(head, prepared.log.size));
    await batch.write({ sync: this.sync });
    // The batch is durable: move the in-memory view forward.
    this.tree.apply(prepared.tree);
    this.#log = prepared.log;
    for (const c of prepared.appends) this.filters.get(c.key[0]!)?.add(c.key);
    this.#head = head;
  }

  /** Stores (or replaces) the commit certificate of a committed block. */
  async putCertificate(height: number, certificate: Uint8Array): Promise<void> {
    this.assertOpen();
    await this.db.put(concatBytes(Uint8Array.of(Prefix.certificate), u64be(height)), certificate, {
      sync: this.sync,
    });
  }

  /** The commit certificate stored with a block, if any. */
  async certificate(height: number): Promise<Uint8Array | undefined> {
    this.assertOpen();
    return plain(await this.db.get(concatBytes(Uint8Array.of(Prefix.certificate), u64be(height))));
  }

  /** The genesis document the chain was started with. */
  async genesisDocument(): Promise<Uint8Array | undefined> {
    this.assertOpen();
    return plain(await this.db.get(GENESIS_KEY));
  }

  /** The committed block at `height`. */
  async blockAt(height: number): Promise<Block | undefined> {
    this.assertOpen();
    if (!Number.isSafeInteger(height) || height < 0) return undefined;
    const bytes = await this.db.get(concatBytes(Uint8Array.of(Prefix.blockByHeight), u64be(height)));
    return bytes === undefined ? undefined : decodeBlock(bytes);
  }

  /** The committed block with this hash. */
  async blockByHash(hash: Uint8Array): Promise<Block | undefined> {
    this.assertOpen();
    const h = await this.db.get(concatBytes(Uint8Array.of(Prefix.heightByHash), hash));
    return h === undefined ? undefined : this.blockAt(readU64be(h));
  }

  /** Where a committed transaction is. */
  async txLocation(id: Uint8Array): Promise<TxLocation | undefined> {
    this.assertOpen();
    const loc = await this.db.get(concatBytes(Uint8Array.of(Prefix.txIndex), id));
    if (loc === undefined) return undefined;
    return { height: readU64be(loc), index: new DataView(loc.buffer, loc.byteOffset).getUint32(8) };
  }

  /** Which of these transaction ids are committed, in one round trip. */
  async txCommitted(ids: readonly Uint8Array[]): Promise<boolean[]> {
    this.assertOpen();
    const values = await this.db.getMany(ids.map((id) => concatBytes(Uint8Array.of(Prefix.txIndex), id)));
    return values.map((v) => v !== undefined);
  }

  /** A committed transaction's bytes and location. */
  async tx(id: Uint8Array): Promise<(TxLocation & { bytes: Uint8Array }) | undefined> {
    const loc = await this.txLocation(id);
    if (loc === undefined) return undefined;
    const block = await this.blockAt(loc.height);
    const bytes = block?.txs[loc.index];
    if (bytes === undefined)
      corrupt(`tx index points to a missing transaction at ${loc.height}/${loc.index}`);
    return { ...loc, bytes };
  }

  /** The inclusion proof of a committed transaction in its block (check with `verifyTxInclusion`). */
  async txProof(id: Uint8Array): Promise<TxInclusionProof | undefined> {
    const loc = await this.txLocation(id);
    if (loc === undefined) return undefined;
    const block = await this.blockAt(loc.height);
    if (block === undefined) corrupt(`tx index points to missing block ${loc.height}`);
    const tree = new Sm3MerkleTree(block.txs.map((t) => sm3(t)));
    return {
      txId: id.slice(),
      height: loc.height,
      index: loc.index,
      header: encodeHeader(block.header),
      path: tree.proof(loc.index),
    };
  }

  /**
   * Every committed state entry, sorted by logical key (hex), for tests and audits. Reads the whole
   * state: not for large stores.
   */
  async dump(): Promise<[string, string][]> {
    this.assertOpen();
    const out: [string, string][] = [];
    for await (const [k, v] of this.db.iterator({
      gte: Uint8Array.of(Prefix.map),
      lt: Uint8Array.of(Prefix.map + 1),
    })) {
      out.push([toHex(k.subarray(3)), toHex(v)]);
    }
    for await (const [k, v] of this.db.iterator({
      gte: Uint8Array.of(Prefix.log),
      lt: Uint8Array.of(Prefix.log + 1),
    })) {
      out.push([toHex(k.subarray(1)), toHex(v)]);
    }
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /**
   * Recomputes the map root from every stored map entry (a full scan) and compares it with the
   * incrementally maintained one and with the stored bucket digests.
   * @returns true when they all agree.
   */
  async verifyMapRoot(): Promise<boolean> {
    this.assertOpen();
    const byBucket = new Map<number, { key: Uint8Array; value: Uint8Array }[]>();
    for await (const [k, v] of this.db.iterator({
      gte: Uint8Array.of(Prefix.map),
      lt: Uint8Array.of(Prefix.map + 1),
    })) {
      const b = (k[1]! << 8) | k[2]!;
      const key = k.subarray(3);
      if (bucketOf(key) !== b) return false;
      const list = byBucket.get(b) ?? [];
      list.push({ key, value: v });
      byBucket.set(b, list);
    }
    const digests = new Array<Uint8Array>(BUCKET_COUNT).fill(EMPTY_BUCKET_DIGEST);
    for (const [b, list] of byBucket) digests[b] = digestOf(list);
    for await (const [k, v] of this.db.iterator({
      gte: Uint8Array.of(Prefix.bucket),
      lt: Uint8Array.of(Prefix.bucket + 1),
    })) {
      if (!bytesEqual(digests[(k[1]! << 8) | k[2]!]!, v)) return false;
    }
    return bytesEqual(sm3MerkleRoot(digests), this.tree.root);
  }

  /** Closes LevelDB. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.db.close();
  }

  private assertOpen(): void {
    if (this.#closed) throw new LedgerError('STATE_UNAVAILABLE', 'the state store is closed');
  }
}

/** LevelDB answers Buffers; callers get plain Uint8Array views of the same memory. */
function plain(value: Uint8Array | undefined): Uint8Array | undefined {
  return value === undefined ? undefined : new Uint8Array(value.buffer, value.byteOffset, value.length);
}

function digestOf(entries: readonly { key: Uint8Array; value: Uint8Array }[]): Uint8Array {
  if (entries.length === 0) return EMPTY_BUCKET_DIGEST;
  const sorted = [...entries].sort((a, b) => compareBytes(a.key, b.key));
  return sm3MerkleRoot(sorted.map((e) => entryLeaf(e.key, e.value)));
}

/** Per journaled namespace, the packed keys (u16 length ‖ key without its namespace byte) a block appends. */
function filterJournal(appends: readonly StateChange[]): Map<number, Uint8Array> {
  // Plain arrays indexed by namespace byte: this runs once per appended key.
  const sizes = new Int32Array(256).fill(-1);
  for (const ns of JOURNALED_NAMESPACES) sizes[ns] = 0;
  for (const c of appends) {
    const ns = c.key[0]!;
    if (sizes[ns]! >= 0) sizes[ns]! += 1 + c.key.length;
  }
  const records: (Uint8Array | undefined)[] = [];
  const at = new Int32Array(256);
  for (const ns of JOURNALED_NAMESPACES) if (sizes[ns]! > 0) records[ns] = new Uint8Array(sizes[ns]!);
  for (const c of appends) {
    const ns = c.key[0]!;
    const record = records[ns];
    if (record === undefined) continue;
    const p = at[ns]!;
    const n = c.key.length - 1;
    record[p] = n >> 8;
    record[p + 1] = n & 0xff;
    record.set(c.key.subarray(1), p + 2);
    at[ns] = p + 2 + n;
  }
  const out = new Map<number, Uint8Array>();
  records.forEach((record, ns) => {
    if (record !== undefined) out.set(ns, record);
  });
  return out;
}

/**
 * Rebuilds a namespace's pre-filter from its journal records (one large value per block), not from a
 * scan of every key: at 10^7 keys that is seconds instead of a minute.
 */
async function buildFilter(db: Db, ns: number, logSize: number): Promise<ScalableBloomFilter> {
  // Sized for the log plus headroom; past that the filter chains a larger segment (no rebuild).
  const filter = new ScalableBloomFilter(Math.max(1 << 20, logSize + (1 << 20)));
  const key = new Uint8Array(1 + 1024);
  key[0] = ns;
  const it = db.values({
    gte: Uint8Array.of(Prefix.filterJournal, ns),
    lt: Uint8Array.of(Prefix.filterJournal, ns + 1),
  });
  try {
    for (;;) {
      const records = await it.nextv(64);
      if (records.length === 0) break;
      for (const record of records) {
        for (let p = 0; p + 2 <= record.length; ) {
          const n = (record[p]! << 8) | record[p + 1]!;
          key.set(record.subarray(p + 2, p + 2 + n), 1);
          filter.add(key.subarray(0, 1 + n));
          p += 2 + n;
        }
      }
    }
  } finally {
    await it.close();
  }
  return filter;
}

function encodeMeta(head: ChainHead, logSize: number): Uint8Array {
  return encodeCanonical([head.height, head.blockHash, head.stateRoot, head.timestamp, logSize]);
}

function decodeMeta(bytes: Uint8Array): { head: ChainHead; logSize: number } {
  const f = readTuple(decodeCanonical(bytes, 256, 'meta'), 5, 'meta');
  return {
    head: {
      height: readUint(f[0], 'meta.height'),
      blockHash: readDigest(f[1], 'meta.blockHash'),
      stateRoot: readDigest(f[2], 'meta.stateRoot'),
      timestamp: readUint(f[3], 'meta.timestamp'),
    },
    logSize: readUint(f[4], 'meta.logSize'),
  };
}

function corrupt(message: string): never {
  throw new LedgerError('STATE_CORRUPT', message);
}
