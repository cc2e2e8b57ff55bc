/**
 * Poseidon binary Merkle tree, bit for bit the tree of `circom/merkle.circom`: node = Poseidon(left, right),
 * empty leaves are 0, empty subtrees hash up from 0, and the leaf index's bits (LSB first) say at each
 * level whether the node is a right child (1) or a left child (0).
 */
import { assertField } from '../field.ts';
import type { PoseidonHasher } from '../poseidon/interface.ts';
import { NodeStore } from './node-store.ts';

/** Default depth: 2^20 ≈ 1M records per dataset, as the circuits are compiled. */
export const DEFAULT_TREE_DEPTH = 20;
/** Deepest tree the circuits accept. */
export const MAX_TREE_DEPTH = 32;

/** An inclusion path in the order the circuits take it: `siblings[0]` is the leaf's sibling. */
export interface MerklePath {
  index: number;
  leaf: bigint;
  siblings: bigint[];
  /** Bit i of the leaf index: 1 when the level-i node is a right child. */
  pathIndices: (0 | 1)[];
  root: bigint;
}

export interface MerkleTreeOptions {
  hasher: PoseidonHasher;
  /** 1 to 32; default 20. */
  depth?: number;
  /** Called during `build` after each level, and every ~16k hashes within a level. */
  onProgress?: (hashed: number, total: number) => void;
}

const YIELD_EVERY = 16_384;
const PAIR_CHUNK = 65_536;

/**
 * An incremental Poseidon Merkle tree of fixed depth with inclusion paths.
 * @example
 * const tree = await PoseidonMerkleTree.build(leaves, { hasher: await defaultPoseidon() });
 * const path = tree.path(5); // { siblings, pathIndices, root } for the circuits
 */
export class PoseidonMerkleTree {
  readonly depth: number;
  readonly capacity: number;
  readonly #hasher: PoseidonHasher;
  readonly #zeros: bigint[];
  readonly #levels: NodeStore[];
  #size = 0;

  private constructor(hasher: PoseidonHasher, depth: number, initialLeaves: number) {
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_TREE_DEPTH) {
      throw new RangeError(`depth must be an integer in [1, ${MAX_TREE_DEPTH}], got ${depth}`);
    }
    this.depth = depth;
    this.capacity = 2 ** depth;
    this.#hasher = hasher;
    this.#zeros = zeroHashes(hasher, depth);
    this.#levels = [];
    for (let level = 0; level <= depth; level++) {
      this.#levels.push(new NodeStore(Math.ceil(Math.max(1, initialLeaves) / 2 ** level)));
    }
  }

  /** An empty tree. */
  static create(options: MerkleTreeOptions): PoseidonMerkleTree {
    return new PoseidonMerkleTree(options.hasher, options.depth ?? DEFAULT_TREE_DEPTH, 0);
  }

  /**
   * Builds a tree from its leaves level by level, using the hasher's `hashPairs` batch form when it has one.
   * A million leaves take ≈ 1 M pair hashes: about a minute with circomlibjs on one core.
   * @throws {RangeError} when there are more leaves than 2^depth or a leaf is not a field element.
   */
  static async build(leaves: readonly bigint[], options: MerkleTreeOptions): Promise<PoseidonMerkleTree> {
    const tree = new PoseidonMerkleTree(options.hasher, options.depth ?? DEFAULT_TREE_DEPTH, leaves.length);
    if (leaves.length > tree.capacity) {
      throw new RangeError(`${leaves.length} leaves do not fit a tree of depth ${tree.depth}`);
    }
    const base = tree.#levels[0]!;
    for (let i = 0; i < leaves.length; i++) base.set(i, assertField(leaves[i]!, `leaves[${i}]`), 0n);
    tree.#size = leaves.length;

    const total = Math.max(0, leaves.length - 1) + tree.depth;
    let hashed = 0;
    for (let level = 0; level < tree.depth; level++) {
      const below = tree.#levels[level]!;
      const above = tree.#levels[level + 1]!;
      const zero = tree.#zeros[level]!;
      const count = Math.ceil(below.denseLength / 2);
      for (let start = 0; start < count; start += PAIR_CHUNK) {
        const end = Math.min(count, start + PAIR_CHUNK);
        const left: bigint[] = [];
        const right: bigint[] = [];
        for (let i = start; i < end; i++) {
          left.push(below.get(2 * i) ?? zero);
          right.push(below.get(2 * i + 1) ?? zero);
        }
        const parents = await hashPairs(tree.#hasher, left, right, (done) =>
          options.onProgress?.(hashed + done, total),
        );
        for (let i = start; i < end; i++) above.set(i, parents[i - start]!, tree.#zeros[level + 1]!);
        hashed += end - start;
      }
      options.onProgress?.(hashed, total);
    }
    return tree;
  }

  /** Number of leaf slots in use: one past the highest index ever set. */
  get size(): number {
    return this.#size;
  }

  get root(): bigint {
    return this.#node(this.depth, 0);
  }

  /** The empty-subtree hash of each level, `zeros[0] = 0`. */
  get zeros(): readonly bigint[] {
    return this.#zeros;
  }

  /**
   * The leaf at `index` (0 for an empty slot).
   * @throws {RangeError} when index is outside the tree.
   */
  leaf(index: number): bigint {
    this.#checkIndex(index);
    return this.#node(0, index);
  }

  /**
   * Sets the leaf at `index` and rehashes its path: `depth` hashes. Indices past `size` grow the tree,
   * with empty (0) leaves in between.
   * @throws {RangeError} when index is outside the tree or leaf is not a field element.
   */
  update(index: number, leaf: bigint): void {
    this.#checkIndex(index);
    assertField(leaf, 'leaf');
    this.#levels[0]!.set(index, leaf, 0n);
    this.#size = Math.max(this.#size, index + 1);
    let node = index;
    for (let level = 0; level < this.depth; level++) {
      const parent = Math.floor(node / 2);
      const left = this.#node(level, parent * 2);
      const right = this.#node(level, parent * 2 + 1);
      this.#levels[level + 1]!.set(parent, this.#hasher.hash([left, right]), this.#zeros[level + 1]!);
      node = parent;
    }
  }

  /**
   * Appends a leaf at index `size` and returns that index.
   * @throws {RangeError} when the tree is full.
   */
  append(leaf: bigint): number {
    const index = this.size;
    this.update(index, leaf);
    return index;
  }

  /**
   * The inclusion path of `index`, siblings from the leaf level up, ready for the circuits.
   * @throws {RangeError} when index is outside the tree.
   */
  path(index: number): MerklePath {
    this.#checkIndex(index);
    const siblings: bigint[] = [];
    const pathIndices: (0 | 1)[] = [];
    let node = index;
    for (let level = 0; level < this.depth; level++) {
      const bit = (node % 2) as 0 | 1;
      pathIndices.push(bit);
      siblings.push(this.#node(level, bit === 1 ? node - 1 : node + 1));
      node = Math.floor(node / 2);
    }
    return { index, leaf: this.#node(0, index), siblings, pathIndices, root: this.root };
  }

  #node(level: number, index: number): bigint {
    return this.#levels[level]!.get(index) ?? this.#zeros[level]!;
  }

  #checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.capacity) {
      throw new RangeError(`index must be an integer in [0, 2^${this.depth}), got ${index}`);
    }
  }
}

/**
 * Recomputes the root from a leaf and its path, as the circuit does.
 * @throws {RangeError} when siblings and pathIndices differ in length.
 */
export function computeMerkleRoot(
  hasher: PoseidonHasher,
  leaf: bigint,
  siblings: readonly bigint[],
  pathIndices: readonly (0 | 1)[],
): bigint {
  if (siblings.length !== pathIndices.length)
    throw new RangeError('siblings and pathIndices differ in length');
  let node = leaf;
  for (let level = 0; level < siblings.length; level++) {
    const sibling = siblings[level]!;
    node = pathIndices[level] === 1 ? hasher.hash([sibling, node]) : hasher.hash([node, sibling]);
  }
  return node;
}

/** Empty-subtree hashes: zeros[0] = 0, zeros[i + 1] = Poseidon(zeros[i], zeros[i]). */
export function zeroHashes(hasher: PoseidonHasher, depth: number): bigint[] {
  const zeros = [0n];
  for (let level = 0; level < depth; level++) zeros.push(hasher.hash([zeros[level]!, zeros[level]!]));
  return zeros;
}

async function hashPairs(
  hasher: PoseidonHasher,
  left: bigint[],
  right: bigint[],
  progress: (done: number) => void,
): Promise<bigint[]> {
  if (hasher.hashPairs) return await hasher.hashPairs(left, right);
  const out: bigint[] = new Array(left.length);
  for (let i = 0; i < left.length; i++) {
    out[i] = hasher.hash([left[i]!, right[i]!]);
    if ((i + 1) % YIELD_EVERY === 0) {
      progress(i + 1);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return out;
}
