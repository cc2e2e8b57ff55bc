/**
 * A block's write-set over the committed state: every read sees the block's own earlier writes, nothing
 * reaches LevelDB until the store commits the whole block in one batch. Savepoints let the executor undo
 * one transaction's writes when it fails, so a transaction is applied entirely or not at all.
 */
import { byteKey } from '../tx/bytes.ts';
import type { StateChange, StateReader } from './interface.ts';
import { isLogKey, MAX_STATE_KEY_BYTES } from './keys.ts';

interface MapEntry {
  readonly key: Uint8Array;
  /** null: deleted in this block. */
  readonly value: Uint8Array | null;
}

type JournalEntry =
  | { readonly kind: 'map'; readonly k: string; readonly prev: MapEntry | undefined }
  | { readonly kind: 'append'; readonly k: string }
  | { readonly kind: 'appendMany'; readonly ks: readonly string[] };

/** Where {@link StateOverlay.appendAllIfAbsent} found a key that already exists. */
export interface ExistingKey {
  readonly index: number;
  /** `batch`: repeated in the keys given; `state`: committed or written earlier in the block. */
  readonly where: 'batch' | 'state';
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length < 1 || key.length > MAX_STATE_KEY_BYTES) {
    throw new RangeError(`key: expected 1..${MAX_STATE_KEY_BYTES} bytes`);
  }
}

/** The working state of one block. */
export class StateOverlay implements StateReader {
  private readonly maps = new Map<string, MapEntry>();
  private readonly logs = new Map<string, Uint8Array>();
  private readonly appended: { key: Uint8Array; value: Uint8Array }[] = [];
  private readonly journal: JournalEntry[] = [];

  /** @param base the committed state this block builds on */
  constructor(readonly base: StateReader & { readonly height: number }) {}

  /** Height of the committed state under this overlay. */
  get baseHeight(): number {
    return this.base.height;
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const hit = this.lookup(key);
    return hit === MISS ? this.base.get(key) : hit;
  }

  async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const out = new Array<Uint8Array | undefined>(keys.length);
    const missKeys: Uint8Array[] = [];
    const missAt: number[] = [];
    keys.forEach((key, i) => {
      const hit = this.lookup(key);
      if (hit === MISS) {
        missKeys.push(key);
        missAt.push(i);
      } else out[i] = hit;
    });
    if (missKeys.length > 0) {
      const values = await this.base.getMany(missKeys);
      missAt.forEach((at, j) => {
        out[at] = values[j];
      });
    }
    return out;
  }

  private lookup(key: Uint8Array): Uint8Array | undefined | typeof MISS {
    const k = byteKey(key);
    if (isLogKey(key)) return this.logs.get(k) ?? MISS;
    const entry = this.maps.get(k);
    if (entry === undefined) return MISS;
    return entry.value ?? undefined;
  }

  /** Sets a map entry. @throws {RangeError} for a log key or a key of the wrong size. */
  put(key: Uint8Array, value: Uint8Array): void {
    checkKey(key);
    if (isLogKey(key)) throw new RangeError('put: log entries are appended, never put');
    this.setMap(key, value);
  }

  /** Deletes a map entry. @throws {RangeError} for a log key. */
  delete(key: Uint8Array): void {
    checkKey(key);
    if (isLogKey(key)) throw new RangeError('delete: log entries are never deleted');
    this.setMap(key, null);
  }

  private setMap(key: Uint8Array, value: Uint8Array | null): void {
    const k = byteKey(key);
    this.journal.push({ kind: 'map', k, prev: this.maps.get(k) });
    this.maps.set(k, { key: key.slice(), value: value === null ? null : value.slice() });
  }

  /**
   * Appends a log entry. The caller checks first that the key is absent from the committed state (that
   * is a contract rule with its own error code); a second append in the same block is a bug.
   * @throws {RangeError} for a map key, or a key already appended in this block.
   */
  append(key: Uint8Array, value: Uint8Array): void {
    checkKey(key);
    if (!isLogKey(key)) throw new RangeError('append: map entries are put, not appended');
    const k = byteKey(key);
    if (this.logs.has(k)) throw new RangeError('append: key already appended in this block');
    const entry = { key: key.slice(), value: value.slice() };
    this.logs.set(k, entry.value);
    this.appended.push(entry);
    this.journal.push({ kind: 'append', k });
  }

  /**
   * Appends every log key with the same value if none of them exists yet (in the block, the committed
   * state, or twice in `keys`), or nothing: the set-insertion of a nullifier batch, with one map key per
   * key and one batched read. Takes ownership of `keys` (they must not be changed afterwards).
   * @returns undefined when appended, else the first existing key.
   * @throws {RangeError} for a map key or a key of the wrong size.
   */
  async appendAllIfAbsent(keys: readonly Uint8Array[], value: Uint8Array): Promise<ExistingKey | undefined> {
    const ks: string[] = new Array(keys.length);
    const seen = new Set<string>();
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      checkKey(key);
      if (!isLogKey(key)) throw new RangeError('append: map entries are put, not appended');
      const k = byteKey(key);
      if (seen.has(k)) return { index: i, where: 'batch' };
      seen.add(k);
      ks[i] = k;
    }
    for (let i = 0; i < keys.length; i++) if (this.logs.has(ks[i]!)) return { index: i, where: 'state' };
    const found = await this.base.getMany(keys);
    const at = found.findIndex((v) => v !== undefined);
    if (at >= 0) return { index: at, where: 'state' };
    // Another append may have run during the read.
    for (let i = 0; i < keys.length; i++) if (this.logs.has(ks[i]!)) return { index: i, where: 'state' };
    const stored = value.slice();
    for (let i = 0; i < keys.length; i++) {
      this.logs.set(ks[i]!, stored);
      this.appended.push({ key: keys[i]!, value: stored });
    }
    this.journal.push({ kind: 'appendMany', ks });
    return undefined;
  }

  /** Marks the current point; {@link rollback} returns to it. */
  savepoint(): number {
    return this.journal.length;
  }

  /** Undoes every write made after `savepoint`. */
  rollback(savepoint: number): void {
    while (this.journal.length > savepoint) {
      const entry = this.journal.pop()!;
      if (entry.kind === 'map') {
        if (entry.prev === undefined) this.maps.delete(entry.k);
        else this.maps.set(entry.k, entry.prev);
      } else if (entry.kind === 'append') {
        this.logs.delete(entry.k);
        this.appended.pop();
      } else {
        for (const k of entry.ks) this.logs.delete(k);
        this.appended.length -= entry.ks.length;
      }
    }
  }

  /** The final map writes (one per key) and the log appends in application order. */
  changes(): { maps: StateChange[]; appends: StateChange[] } {
    const maps: StateChange[] = [];
    for (const e of this.maps.values()) {
      maps.push(
        e.value === null ? { kind: 'delete', key: e.key } : { kind: 'put', key: e.key, value: e.value },
      );
    }
    const appends: StateChange[] = this.appended.map((e) => ({ kind: 'append', key: e.key, value: e.value }));
    return { maps, appends };
  }

  /** Number of writes so far (map writes counted once per key). */
  get size(): number {
    return this.maps.size + this.appended.length;
  }
}

const MISS: unique symbol = Symbol('miss');
