/**
 * The consensus write-ahead log on disk: the core's `WalState` (its own signed messages and lock of the
 * current height) and the blocks this node proposed at that height, in a LevelDB of its own.
 *
 * `save` writes with `sync: true`, so it returns only once LevelDB's log is fsynced: the driver awaits it
 * before anything signed in the same step leaves the process, and a restart can never sign a conflicting
 * message. A proposed block is written without a sync just before; LevelDB appends every write to one log
 * in order, so the fsync of the WAL state that precedes the proposal's broadcast covers the block too.
 */
import { ClassicLevel } from 'classic-level';
import { decodeWalState, encodeWalState } from '../codec/wal-codec.ts';
import type { WalState } from '../consensus/interface.ts';
import { concatBytes, readU64be, u64be } from '../tx/bytes.ts';

const WAL_KEY = Uint8Array.of(0x77); // 'w'
const BLOCK_PREFIX = 0x62; // 'b' ‖ u64 height ‖ hash → block bytes

/** What a restarted node reads back. */
export interface RestoredWal {
  readonly wal: WalState | undefined;
  /** Blocks this node proposed at the WAL's height (it may have to re-send their proposals). */
  readonly blocks: readonly Uint8Array[];
}

/** Durable storage of the consensus WAL. */
export interface WalStore {
  load(): Promise<RestoredWal>;
  /** Resolves once `wal` is on stable storage. */
  save(wal: WalState): Promise<void>;
  /** Keeps a block this node is about to propose (durable with the next `save`). */
  saveBlock(height: number, hash: Uint8Array, bytes: Uint8Array): Promise<void>;
  /** Forgets proposed blocks below `height`. */
  pruneBlocks(height: number): Promise<void>;
  close(): Promise<void>;
}

/** The LevelDB WAL store. */
export class LevelWalStore implements WalStore {
  private constructor(private readonly db: ClassicLevel<Uint8Array, Uint8Array>) {}

  /** Opens (or creates) the WAL database at `location`. */
  static async open(location: string): Promise<LevelWalStore> {
    const db = new ClassicLevel<Uint8Array, Uint8Array>(location, {
      keyEncoding: 'view',
      valueEncoding: 'view',
    });
    await db.open();
    return new LevelWalStore(db);
  }

  /** @throws {CodecError} if the stored state does not decode (a corrupt WAL must stop the node). */
  async load(): Promise<RestoredWal> {
    const bytes = await this.db.get(WAL_KEY);
    const wal = bytes === undefined ? undefined : decodeWalState(new Uint8Array(bytes));
    const blocks: Uint8Array[] = [];
    if (wal !== undefined) {
      const prefix = concatBytes(Uint8Array.of(BLOCK_PREFIX), u64be(wal.height));
      const end = concatBytes(Uint8Array.of(BLOCK_PREFIX), u64be(wal.height + 1));
      for await (const value of this.db.values({ gte: prefix, lt: end })) blocks.push(new Uint8Array(value));
    }
    return { wal, blocks };
  }

  async save(wal: WalState): Promise<void> {
    await this.db.put(WAL_KEY, encodeWalState(wal), { sync: true });
  }

  async saveBlock(height: number, hash: Uint8Array, bytes: Uint8Array): Promise<void> {
    await this.db.put(concatBytes(Uint8Array.of(BLOCK_PREFIX), u64be(height), hash), bytes);
  }

  async pruneBlocks(height: number): Promise<void> {
    const keys: Uint8Array[] = [];
    for await (const key of this.db.keys({
      gte: Uint8Array.of(BLOCK_PREFIX),
      lt: concatBytes(Uint8Array.of(BLOCK_PREFIX), u64be(height)),
    })) {
      if (readU64be(key, 1) < height) keys.push(key);
    }
    if (keys.length > 0) await this.db.batch(keys.map((key) => ({ type: 'del' as const, key })));
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/** A WAL store in memory, for tests of what a node does when its disk survives (or is lost). */
export class MemoryWalStore implements WalStore {
  wal: Uint8Array | undefined;
  readonly blocks = new Map<string, { height: number; bytes: Uint8Array }>();
  saves = 0;

  async load(): Promise<RestoredWal> {
    const wal = this.wal === undefined ? undefined : decodeWalState(this.wal);
    const blocks = [...this.blocks.values()].filter((b) => b.height === wal?.height).map((b) => b.bytes);
    return { wal, blocks };
  }

  async save(wal: WalState): Promise<void> {
    this.wal = encodeWalState(wal);
    this.saves++;
  }

  async saveBlock(height: number, hash: Uint8Array, bytes: Uint8Array): Promise<void> {
    this.blocks.set(`${height}:${Buffer.from(hash).toString('hex')}`, { height, bytes });
  }

  async pruneBlocks(height: number): Promise<void> {
    for (const [k, b] of this.blocks) if (b.height < height) this.blocks.delete(k);
  }

  async close(): Promise<void> {}
}
