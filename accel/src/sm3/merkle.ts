// Merkle trees over SM3 (GB/T 32905-2016), shaped as in RFC 6962 §2.1 with domain-separated hashes:
//
//   MTH({})    = SM3("")                                            the empty tree
//   MTH({d})   = SM3(0x00 ‖ d)                                      a leaf
//   MTH(D[n])  = SM3(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))  for n > 1,  k = the largest power of two < n
//
// The 0x00 / 0x01 prefixes keep a leaf from ever being mistaken for an inner node (the second-preimage
// attack on unprefixed trees). The tree is built bottom-up: pairing neighbours level by level and
// carrying an unpaired last node up unchanged yields exactly the RFC 6962 shape, and it lets each level
// be hashed as one batch instead of node by node: on the 4-lane SIMD kernel straight from the level's
// digests (the kernel puts the prefix byte in front), else as `sm3Fixed` over 65-byte records.
// Proofs are RFC 6962 §2.1.1 audit paths (siblings from the leaf upwards) and are checked with the
// RFC 9162 §2.1.3.2 algorithm.

import type { PackedMessages } from './batch.ts';
import { sm3Fixed, sm3Packed, validatePackedMessages } from './batch.ts';
import { SM3X4_MAX_ITEM, sm3x4Prefixed } from './simd/sm3x4.ts';
import { SM3_DIGEST_SIZE, sm3 } from './sm3.ts';

/** Leaves as separate byte arrays, or packed like {@link sm3Packed}'s input. */
export type Sm3MerkleLeaves = readonly Uint8Array[] | PackedMessages;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;
const NODE_SIZE = 1 + 2 * SM3_DIGEST_SIZE;
// Work is done in chunks of about 1 MiB of records, so a 2^20-leaf tree needs no second copy of the
// leaves and the copied bytes are still in cache when they are hashed.
const CHUNK_BYTES = 1 << 20;
const NODE_CHUNK = Math.floor(CHUNK_BYTES / NODE_SIZE);
// Fewer hashes than this per batch go through the scalar path (a SIMD group is four lanes).
const SIMD_MIN = 4;

interface LeafSource {
  readonly count: number;
  length(i: number): number;
  copy(i: number, into: Uint8Array, at: number): void;
  /** All leaves as one run of bytes, if they are stored that way and have one length. */
  contiguous?(): { data: Uint8Array; start: number } | undefined;
}

function leafSource(leaves: Sm3MerkleLeaves): LeafSource {
  if (Array.isArray(leaves)) {
    const list = leaves as readonly unknown[];
    for (let i = 0; i < list.length; i++) {
      if (!(list[i] instanceof Uint8Array)) throw new TypeError(`leaves[${i}]: expected a Uint8Array`);
    }
    const arr = leaves as readonly Uint8Array[];
    return {
      count: arr.length,
      length: (i) => arr[i]!.length,
      copy: (i, into, at) => into.set(arr[i]!, at),
    };
  }
  if (typeof leaves !== 'object' || leaves === null) {
    throw new TypeError('leaves: expected an array of Uint8Array or { data, offsets }');
  }
  const { data, offsets } = leaves as PackedMessages;
  const count = validatePackedMessages(data, offsets);
  return {
    count,
    length: (i) => offsets[i + 1]! - offsets[i]!,
    contiguous: () => {
      const size = count > 0 ? offsets[1]! - offsets[0]! : 0;
      for (let k = 1; k < count; k++) if (offsets[k + 1]! - offsets[k]! !== size) return undefined;
      return { data, start: offsets[0]! };
    },
    copy: (i, into, at) => {
      const from = offsets[i]!;
      const to = offsets[i + 1]!;
      // Short leaves (the common 32-byte case) are copied by hand rather than through a subarray view.
      if (to - from <= 64) for (let k = from; k < to; k++) into[at++] = data[k]!;
      else into.set(data.subarray(from, to), at);
    },
  };
}

/** The common length of all leaves, or -1. */
function uniformLength(source: LeafSource): number {
  const n = source.count;
  const size = n > 0 ? source.length(0) : -1;
  for (let i = 1; i < n; i++) if (source.length(i) !== size) return -1;
  return size;
}

/**
 * Leaves of one length on the SIMD kernel: straight from packed input, else gathered ~1 MiB at a time.
 * Returns false, having written nothing, where the kernel cannot run.
 */
function hashUniformLeaves(source: LeafSource, size: number, out: Uint8Array): boolean {
  const n = source.count;
  const whole = source.contiguous?.();
  if (whole) return sm3x4Prefixed(whole.data, whole.start, size, n, LEAF_PREFIX, out, 0);
  const per = Math.max(SIMD_MIN, Math.floor(CHUNK_BYTES / Math.max(1, size)));
  const gathered = new Uint8Array(Math.min(n, per) * size);
  for (let first = 0; first < n; first += per) {
    const count = Math.min(per, n - first);
    for (let i = 0; i < count; i++) source.copy(first + i, gathered, i * size);
    if (!sm3x4Prefixed(gathered, 0, size, count, LEAF_PREFIX, out, SM3_DIGEST_SIZE * first)) return false;
  }
  return true;
}

/** Writes SM3(0x00 ‖ leaf_i) for every leaf to `out[32 i ..]`, a chunk of leaves per batch call. */
function hashLeaves(source: LeafSource, out: Uint8Array): void {
  const n = source.count;
  if (n >= SIMD_MIN) {
    const size = uniformLength(source);
    if (size >= 0 && size < SM3X4_MAX_ITEM && hashUniformLeaves(source, size, out)) return;
  }
  let first = 0;
  while (first < n) {
    // Gather leaves until the chunk holds ~1 MiB (always at least one leaf).
    let last = first;
    let bytes = 0;
    let uniform = true;
    const size0 = source.length(first);
    while (last < n && (last === first || bytes + 1 + source.length(last) <= CHUNK_BYTES)) {
      const len = source.length(last);
      if (len !== size0) uniform = false;
      bytes += 1 + len;
      last++;
    }
    const count = last - first;
    // One buffer per ~1 MiB chunk, not per leaf.
    const records = new Uint8Array(bytes);
    const offsets = new Uint32Array(count + 1);
    let at = 0;
    for (let i = 0; i < count; i++) {
      records[at] = LEAF_PREFIX;
      source.copy(first + i, records, at + 1);
      at += 1 + source.length(first + i);
      offsets[i + 1] = at;
    }
    if (uniform) sm3Fixed(records, size0 + 1, count, out, SM3_DIGEST_SIZE * first);
    else sm3Packed(records, offsets, out, SM3_DIGEST_SIZE * first);
    first = last;
  }
}

/**
 * Hashes level `cur` (m digests) into the next level in `next` and returns its size, ceil(m / 2).
 * `next` may be `cur` itself: node p is written at 32 p, which only overwrites inputs already read
 * (into the kernel's memory or `records`). `scratch.records` is the scalar path's work buffer, made on
 * first use.
 */
function reduceLevel(
  cur: Uint8Array,
  m: number,
  next: Uint8Array,
  scratch: { records?: Uint8Array },
): number {
  const pairs = Math.floor(m / 2);
  // Two child digests side by side are exactly a node's message after its 0x01 prefix.
  const simd = pairs >= SIMD_MIN && sm3x4Prefixed(cur, 0, 2 * SM3_DIGEST_SIZE, pairs, NODE_PREFIX, next, 0);
  for (let p0 = 0; !simd && p0 < pairs; p0 += NODE_CHUNK) {
    scratch.records ??= new Uint8Array(NODE_SIZE * Math.min(NODE_CHUNK, pairs));
    const records = scratch.records;
    const count = Math.min(NODE_CHUNK, pairs - p0);
    let from = 2 * SM3_DIGEST_SIZE * p0;
    for (let i = 0, at = 0; i < count; i++, at += NODE_SIZE) {
      records[at] = NODE_PREFIX;
      for (let k = 1; k < NODE_SIZE; k++) records[at + k] = cur[from++]!;
    }
    sm3Fixed(records, NODE_SIZE, count, next, SM3_DIGEST_SIZE * p0);
  }
  if (m % 2 === 1) {
    // The unpaired last node moves up unchanged (RFC 6962: it is the right subtree MTH(D[k:n])).
    const from = SM3_DIGEST_SIZE * (m - 1);
    const to = SM3_DIGEST_SIZE * pairs;
    if (next === cur) next.copyWithin(to, from, from + SM3_DIGEST_SIZE);
    else next.set(cur.subarray(from, from + SM3_DIGEST_SIZE), to);
  }
  return m - pairs;
}

/**
 * Computes the root of the SM3 Merkle tree over `leaves` (rule in this file's header); the empty tree's
 * root is SM3(""). Memory beyond the leaves is 32 bytes per leaf plus a 1 MiB work buffer.
 *
 * @throws {TypeError} if `leaves` is neither an array of Uint8Array nor a `{ data, offsets }` pack.
 * @throws {RangeError} if packed `offsets` are empty, decreasing or past the end of `data`.
 * @example
 * const root = sm3MerkleRoot([a, b, c]); // SM3(0x01 ‖ SM3(0x01 ‖ SM3(0x00‖a) ‖ SM3(0x00‖b)) ‖ SM3(0x00‖c))
 */
export function sm3MerkleRoot(leaves: Sm3MerkleLeaves): Uint8Array {
  const source = leafSource(leaves);
  const n = source.count;
  if (n === 0) return sm3(new Uint8Array(0));
  const level = new Uint8Array(SM3_DIGEST_SIZE * n);
  hashLeaves(source, level);
  const scratch = {};
  let m = n;
  while (m > 1) m = reduceLevel(level, m, level, scratch);
  return level.slice(0, SM3_DIGEST_SIZE);
}

/**
 * An SM3 Merkle tree that keeps every level, for a root and many inclusion proofs from one build.
 *
 * @example
 * const tree = new Sm3MerkleTree(leaves);
 * const proof = tree.proof(7);
 * verifySm3MerkleProof(tree.root, leaves[7], 7, tree.count, proof); // true
 */
export class Sm3MerkleTree {
  /** Number of leaves. */
  readonly count: number;
  // levels[0] holds the leaf hashes, each next level ceil(m / 2) digests, the last one the root.
  private readonly levels: Uint8Array[] = [];

  /**
   * Hashes the leaves and all levels above them (64 bytes per leaf in total).
   *
   * @throws {TypeError} if `leaves` is neither an array of Uint8Array nor a `{ data, offsets }` pack.
   * @throws {RangeError} if packed `offsets` are empty, decreasing or past the end of `data`.
   */
  constructor(leaves: Sm3MerkleLeaves) {
    const source = leafSource(leaves);
    this.count = source.count;
    if (this.count === 0) return;
    let level = new Uint8Array(SM3_DIGEST_SIZE * this.count);
    hashLeaves(source, level);
    this.levels.push(level);
    const scratch = {};
    for (let m = this.count; m > 1; ) {
      const next = new Uint8Array(SM3_DIGEST_SIZE * Math.ceil(m / 2));
      m = reduceLevel(level, m, next, scratch);
      this.levels.push(next);
      level = next;
    }
  }

  /** The root (a fresh copy); SM3("") for an empty tree. */
  get root(): Uint8Array {
    const top = this.levels[this.levels.length - 1];
    return top === undefined ? sm3(new Uint8Array(0)) : top.slice(0, SM3_DIGEST_SIZE);
  }

  /**
   * The audit path of leaf `index` (RFC 6962 §2.1.1): sibling digests from the leaf level upwards.
   *
   * @throws {RangeError} if `index` is not an integer in [0, count).
   */
  proof(index: number): Uint8Array[] {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.count) {
      throw new RangeError(`index: expected an integer in [0, ${this.count}), got ${index}`);
    }
    const path: Uint8Array[] = [];
    let i = index;
    for (let l = 0; l < this.levels.length - 1; l++) {
      const m = this.levels[l]!.length / SM3_DIGEST_SIZE;
      const sibling = i % 2 === 0 ? i + 1 : i - 1;
      // An unpaired last node has no sibling on this level: it is carried up as it is.
      if (sibling < m) {
        const at = SM3_DIGEST_SIZE * sibling;
        path.push(this.levels[l]!.slice(at, at + SM3_DIGEST_SIZE));
      }
      i = Math.floor(i / 2);
    }
    return path;
  }
}

/**
 * Returns the inclusion proof (RFC 6962 §2.1.1 audit path) of leaf `index`; build an
 * {@link Sm3MerkleTree} instead when several proofs come from the same leaves.
 *
 * @throws {TypeError} if `leaves` is neither an array of Uint8Array nor a `{ data, offsets }` pack.
 * @throws {RangeError} if packed `offsets` are malformed or `index` is not in [0, leaf count).
 */
export function sm3MerkleProof(leaves: Sm3MerkleLeaves, index: number): Uint8Array[] {
  return new Sm3MerkleTree(leaves).proof(index);
}

function hashNode(left: Uint8Array, right: Uint8Array, record: Uint8Array): Uint8Array {
  record[0] = NODE_PREFIX;
  record.set(left, 1);
  record.set(right, 1 + SM3_DIGEST_SIZE);
  return sm3(record.subarray(0, NODE_SIZE));
}

function assertDigest(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name}: expected a Uint8Array`);
  if (value.length !== SM3_DIGEST_SIZE) {
    throw new RangeError(`${name}: expected ${SM3_DIGEST_SIZE} bytes, got ${value.length}`);
  }
}

/**
 * The leaf hash SM3(0x00 ‖ leaf) of this tree rule.
 *
 * @throws {TypeError} if `leaf` is not a Uint8Array.
 */
export function sm3MerkleLeaf(leaf: Uint8Array): Uint8Array {
  if (!(leaf instanceof Uint8Array)) throw new TypeError('leaf: expected a Uint8Array');
  const record = new Uint8Array(1 + leaf.length);
  record[0] = LEAF_PREFIX;
  record.set(leaf, 1);
  return sm3(record);
}

/**
 * The inner-node hash SM3(0x01 ‖ left ‖ right) of this tree rule: combines the roots of two subtrees
 * split as RFC 6962 splits them (how the worker backend joins subtrees hashed on different threads).
 *
 * @throws {TypeError} if `left` or `right` is not a Uint8Array.
 * @throws {RangeError} if `left` or `right` is not 32 bytes.
 */
export function sm3MerkleNode(left: Uint8Array, right: Uint8Array): Uint8Array {
  assertDigest(left, 'left');
  assertDigest(right, 'right');
  return hashNode(left, right, new Uint8Array(NODE_SIZE));
}

/**
 * Checks that `leaf` is leaf number `index` of the `count`-leaf tree with root `root`, given its audit
 * path (RFC 9162 §2.1.3.2). A wrong leaf, index, count, root or path returns false.
 *
 * @throws {TypeError} if `root` or `leaf` is not a Uint8Array, or `proof` not an array of Uint8Array.
 * @throws {RangeError} if `root` or a proof element is not 32 bytes, or `index` / `count` is not a
 *   non-negative safe integer: such input cannot be a proof at all.
 * @example
 * verifySm3MerkleProof(root, leaf, 5, 8, sm3MerkleProof(leaves, 5)); // true
 */
export function verifySm3MerkleProof(
  root: Uint8Array,
  leaf: Uint8Array,
  index: number,
  count: number,
  proof: readonly Uint8Array[],
): boolean {
  assertDigest(root, 'root');
  if (!(leaf instanceof Uint8Array)) throw new TypeError('leaf: expected a Uint8Array');
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RangeError(`index: expected a non-negative integer, got ${index}`);
  }
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`count: expected a non-negative integer, got ${count}`);
  }
  if (!Array.isArray(proof)) throw new TypeError('proof: expected an array of Uint8Array');
  for (let i = 0; i < proof.length; i++) assertDigest(proof[i], `proof[${i}]`);
  if (index >= count) return false;

  const record = new Uint8Array(NODE_SIZE);
  let r = sm3MerkleLeaf(leaf);
  let fn = index;
  let sn = count - 1;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = hashNode(p, r, record);
      // fn is a right-edge node without a sibling on the lower levels: climb past them.
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashNode(r, p, record);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return false;
  let diff = 0;
  for (let i = 0; i < SM3_DIGEST_SIZE; i++) diff |= r[i]! ^ root[i]!;
  return diff === 0;
}
