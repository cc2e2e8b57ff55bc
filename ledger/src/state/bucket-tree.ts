/**
 * The map commitment: a perfect binary SM3 Merkle tree over {@link BUCKET_COUNT} bucket digests, kept in
 * memory (4 MiB) so that a block only rehashes the paths of the buckets it touched (16 levels).
 *
 * Each bucket digest is `sm3MerkleRoot` of the bucket's entries sorted by key (leaf = u16 len ‖ key ‖
 * value), SM3("") for an empty bucket. Because the bucket count is a power of two, the tree has exactly
 * the RFC 6962 shape of accel's `sm3MerkleRoot(bucketDigests)`, with its 0x00 leaf and 0x01 node prefixes,
 * which is how the tests check it.
 *
 * Why buckets of sorted entries rather than a sparse Merkle tree over every key: an SMT update costs one
 * hash per level and, at 10^7 keys, node reads that do not fit in memory; a bucket costs one range scan
 * of its few entries. Maps hold the mutable, small part of the state (nonces, registries, heads); the
 * large append-only sets (nullifiers) are logs with their own accumulator (`log-accumulator.ts`).
 */
import { sm3, sm3Fixed } from '@privgate/accel';
import { BUCKET_BITS, BUCKET_COUNT } from './keys.ts';

const D = 32;
const EMPTY_DIGEST = sm3(new Uint8Array(0));

/** Node changes computed for a block, applied on commit. */
export interface BucketTreeUpdate {
  /** Heap index (1 = root, leaves at BUCKET_COUNT + bucket) → digest. */
  readonly nodes: ReadonlyMap<number, Uint8Array>;
  readonly root: Uint8Array;
}

/** In-memory bucket tree (heap layout: node i has children 2i and 2i+1; leaves at BUCKET_COUNT..2·BUCKET_COUNT−1). */
export class BucketTree {
  private readonly nodes = new Uint8Array(2 * BUCKET_COUNT * D);

  /**
   * Builds the tree from the stored bucket digests (missing buckets are empty), one batched SM3 call per level.
   * @throws {RangeError} for a bucket number or digest of the wrong size.
   */
  constructor(digests: Iterable<readonly [number, Uint8Array]> = []) {
    const leaves = new Uint8Array(BUCKET_COUNT * D);
    for (let b = 0; b < BUCKET_COUNT; b++) leaves.set(EMPTY_DIGEST, b * D);
    for (const [bucket, digest] of digests) {
      if (!Number.isInteger(bucket) || bucket < 0 || bucket >= BUCKET_COUNT)
        throw new RangeError(`bucket ${bucket}`);
      if (digest.length !== D) throw new RangeError(`bucket ${bucket}: digest of ${digest.length} bytes`);
      leaves.set(digest, bucket * D);
    }
    // Leaf level: SM3(0x00 ‖ digest).
    const leafRecords = new Uint8Array(BUCKET_COUNT * (D + 1));
    for (let b = 0; b < BUCKET_COUNT; b++)
      leafRecords.set(leaves.subarray(b * D, b * D + D), b * (D + 1) + 1);
    sm3Fixed(leafRecords, D + 1, BUCKET_COUNT, this.nodes, BUCKET_COUNT * D);
    // Inner levels: SM3(0x01 ‖ left ‖ right), level by level up to the root.
    for (let level = BUCKET_BITS - 1; level >= 0; level--) {
      const first = 1 << level;
      const records = new Uint8Array(first * (2 * D + 1));
      for (let i = 0; i < first; i++) {
        const at = i * (2 * D + 1);
        records[at] = 1;
        const child = 2 * (first + i) * D;
        records.set(this.nodes.subarray(child, child + 2 * D), at + 1);
      }
      sm3Fixed(records, 2 * D + 1, first, this.nodes, first * D);
    }
  }

  /** The map root (a copy). */
  get root(): Uint8Array {
    return this.nodes.slice(D, 2 * D);
  }

  /** Digest of heap node `index`. */
  node(index: number): Uint8Array {
    return this.nodes.subarray(index * D, index * D + D);
  }

  /**
   * Computes the root after replacing some bucket digests, without changing the tree: dirty nodes are
   * rehashed level by level in batches.
   */
  computeUpdate(buckets: ReadonlyMap<number, Uint8Array>): BucketTreeUpdate {
    const nodes = new Map<number, Uint8Array>();
    if (buckets.size === 0) return { nodes, root: this.root };
    // Leaves.
    let dirty = [...buckets.keys()].sort((a, b) => a - b).map((b) => BUCKET_COUNT + b);
    {
      const records = new Uint8Array(dirty.length * (D + 1));
      dirty.forEach((index, i) => records.set(buckets.get(index - BUCKET_COUNT)!, i * (D + 1) + 1));
      const out = new Uint8Array(dirty.length * D);
      sm3Fixed(records, D + 1, dirty.length, out, 0);
      dirty.forEach((index, i) => nodes.set(index, out.subarray(i * D, i * D + D)));
    }
    const read = (index: number): Uint8Array => nodes.get(index) ?? this.node(index);
    while (dirty[0]! > 1) {
      const parents: number[] = [];
      for (const index of dirty) {
        const p = index >> 1;
        if (parents[parents.length - 1] !== p) parents.push(p);
      }
      const records = new Uint8Array(parents.length * (2 * D + 1));
      parents.forEach((p, i) => {
        const at = i * (2 * D + 1);
        records[at] = 1;
        records.set(read(2 * p), at + 1);
        records.set(read(2 * p + 1), at + 1 + D);
      });
      const out = new Uint8Array(parents.length * D);
      sm3Fixed(records, 2 * D + 1, parents.length, out, 0);
      parents.forEach((p, i) => nodes.set(p, out.subarray(i * D, i * D + D)));
      dirty = parents;
    }
    return { nodes, root: nodes.get(1)!.slice() };
  }

  /** Applies an update computed on this tree. */
  apply(update: BucketTreeUpdate): void {
    for (const [index, digest] of update.nodes) this.nodes.set(digest, index * D);
  }
}

/** The digest of an empty bucket, SM3(""). */
export const EMPTY_BUCKET_DIGEST: Uint8Array = EMPTY_DIGEST;
