// A bounded cache of decoded public keys, their Z values, and precomputed multiplication tables.
// A ledger or gateway sees the same few hundred signers again and again: decoding a point costs a
// square root, Z costs an SM3, and a fixed-window table (noble's wNAF precompute) turns tP_A from
// ~300 point operations into ~32. A table costs ~25 verifications' worth of work, so it is built only
// once a key has been seen `precomputeAfter` times by individual verification (hinted signatures are
// verified in batches that need no table), and the least recently used keys are evicted.
import { type Sm2Curve, type Sm2Point, sm2Curve } from './curve.ts';
import { parseSm2PublicKey } from './keys.ts';
import { computeSm2Z } from './z.ts';

/** Tuning of the cache. */
export interface Sm2KeyCacheOptions {
  /** Most keys kept (decoded points, Z values and tables); default 1024. */
  maxKeys?: number;
  /** Build a table once a key has been used this many times for individual verification; default 4. */
  precomputeAfter?: number;
  /** Window size of the tables (memory 2^(w-1) points per window); default 8. */
  windowSize?: number;
}

interface Entry {
  point: Sm2Point;
  uses: number;
  zByUserId: Map<string, Uint8Array>;
}

/** What the cache hands back for a (public key, user ID) pair. */
export interface Sm2CachedKey {
  point: Sm2Point;
  z: Uint8Array;
}

/** LRU cache of SM2 public keys; see the module comment for the policy. */
export class Sm2KeyCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxKeys: number;
  readonly #precomputeAfter: number;
  readonly #windowSize: number;
  readonly #curve: Sm2Curve;
  #tables = 0;

  constructor(options: Sm2KeyCacheOptions = {}, curve: Sm2Curve = sm2Curve) {
    this.#maxKeys = options.maxKeys ?? 1024;
    this.#precomputeAfter = options.precomputeAfter ?? 4;
    this.#windowSize = options.windowSize ?? 8;
    this.#curve = curve;
    if (!(this.#maxKeys >= 1)) throw new RangeError('Sm2KeyCache: maxKeys must be ≥ 1');
  }

  /** Number of keys with a precomputed table (for metrics). */
  get tableCount(): number {
    return this.#tables;
  }

  /** Number of keys held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Returns the decoded point and Z for a key and user ID, building and caching what is missing.
   * `individual` says whether the signature will be checked alone (no batch hint): only those uses
   * count towards building a table.
   * @throws {AccelError} SM2_INVALID_PUBLIC_KEY, SM2_INVALID_USER_ID.
   */
  get(publicKey: Uint8Array, userId: Uint8Array, individual = true): Sm2CachedKey {
    const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('latin1');
    let entry = this.#entries.get(id);
    if (entry) {
      this.#entries.delete(id);
    } else {
      entry = { point: parseSm2PublicKey(publicKey, this.#curve), uses: 0, zByUserId: new Map() };
      if (this.#entries.size >= this.#maxKeys) this.#evictOldest();
    }
    this.#entries.set(id, entry);
    if (individual && ++entry.uses === this.#precomputeAfter) {
      entry.point.precompute(this.#windowSize, false);
      this.#tables++;
    }
    const uid = Buffer.from(userId.buffer, userId.byteOffset, userId.byteLength).toString('latin1');
    let z = entry.zByUserId.get(uid);
    if (!z) {
      z = computeSm2Z(userId, entry.point, this.#curve);
      // A key is used under very few IDs; bound it anyway so a hostile stream cannot grow it.
      if (entry.zByUserId.size >= 8) entry.zByUserId.clear();
      entry.zByUserId.set(uid, z);
    }
    return { point: entry.point, z };
  }

  #evictOldest(): void {
    const oldest = this.#entries.keys().next();
    if (oldest.done) return;
    const entry = this.#entries.get(oldest.value)!;
    if (entry.uses >= this.#precomputeAfter) this.#tables--;
    this.#entries.delete(oldest.value);
  }
}
