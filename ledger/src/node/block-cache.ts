/**
 * Blocks of the height being decided, by hash: the ones this node proposed, the ones that came with
 * proposals, and the ones it asked peers for. Consensus decides hashes; before a node can prevote or
 * commit a value it needs the bytes, and `wait` lets the validation of a value whose block has not
 * arrived yet sleep until it does. Bounded in count (a Byzantine proposer gets one accepted proposal per
 * round it leads, and rounds are bounded), and reset with every height.
 */
import { toHex } from '../tx/bytes.ts';

/** Blocks by hash, with waiters. */
export class BlockCache {
  private readonly blocks = new Map<string, { height: number; bytes: Uint8Array }>();
  private readonly waiters = new Map<string, Set<(bytes: Uint8Array) => void>>();

  constructor(private readonly maxBlocks = 16) {}

  /** Number of blocks held. */
  get size(): number {
    return this.blocks.size;
  }

  /** Whether a block with this hash is held. */
  has(hash: Uint8Array): boolean {
    return this.blocks.has(toHex(hash));
  }

  /** Whether someone waits for this hash. */
  wanted(hash: Uint8Array): boolean {
    return this.waiters.has(toHex(hash));
  }

  /** The bytes claimed to be block `hash` (unchecked: the validator decodes and compares the hash). */
  get(hash: Uint8Array): Uint8Array | undefined {
    return this.blocks.get(toHex(hash))?.bytes;
  }

  /** Keeps bytes under a hash (evicting the oldest past the bound) and wakes its waiters. */
  put(hash: Uint8Array, height: number, bytes: Uint8Array): void {
    const key = toHex(hash);
    if (!this.blocks.has(key) && this.blocks.size >= this.maxBlocks) {
      const oldest = this.blocks.keys().next().value;
      if (oldest !== undefined) this.blocks.delete(oldest);
    }
    this.blocks.set(key, { height, bytes });
    const waiting = this.waiters.get(key);
    if (waiting !== undefined) {
      this.waiters.delete(key);
      for (const w of waiting) w(bytes);
    }
  }

  /** Forgets bytes that turned out not to be the block (wrong hash, malformed). */
  delete(hash: Uint8Array): void {
    this.blocks.delete(toHex(hash));
  }

  /** Resolves with the bytes when they arrive, or undefined after `ms`. */
  wait(hash: Uint8Array, ms: number): Promise<Uint8Array | undefined> {
    const have = this.get(hash);
    if (have !== undefined) return Promise.resolve(have);
    const key = toHex(hash);
    return new Promise((resolve) => {
      let set = this.waiters.get(key);
      if (set === undefined) {
        set = new Set();
        this.waiters.set(key, set);
      }
      const waiter = (bytes: Uint8Array) => {
        clearTimeout(timer);
        resolve(bytes);
      };
      const timer = setTimeout(() => {
        set.delete(waiter);
        if (set.size === 0 && this.waiters.get(key) === set) this.waiters.delete(key);
        resolve(undefined);
      }, ms);
      set.add(waiter);
    });
  }

  /** Drops blocks of heights below `height`. */
  pruneBelow(height: number): void {
    for (const [key, b] of this.blocks) if (b.height < height) this.blocks.delete(key);
  }
}
