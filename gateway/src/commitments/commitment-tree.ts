/**
 * A dataset version's Poseidon Merkle tree, bit for bit the tree of @privgate/circuits
 * (`PoseidonMerkleTree`, `merkle.circom`): node = Poseidon(left, right), empty leaves 0, empty subtrees
 * hashed up from 0, path bits = the leaf index LSB first. Levels are dense packed arrays (32 bytes per
 * node, ≈ 64 MB for a million leaves), built level by level on a PoseidonPool and written to one file per
 * version, so a version's paths survive restarts and later versions.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { computeMerkleRoot, type MerklePath, type PoseidonHasher, zeroHashes } from '@privgate/circuits';
import { readElement, writeElement } from './field-bytes.ts';
import type { PoseidonPool } from './poseidon-pool.ts';

const MAGIC = 'PGTREE01';

/** A built tree. */
export class CommitmentTree {
  readonly depth: number;
  /** Leaves in use (rows 0 … size − 1). */
  readonly size: number;
  readonly #levels: BigUint64Array[];
  readonly #zeros: bigint[];

  private constructor(depth: number, size: number, levels: BigUint64Array[], zeros: bigint[]) {
    this.depth = depth;
    this.size = size;
    this.#levels = levels;
    this.#zeros = zeros;
  }

  /**
   * Builds the tree over packed leaves (4 limbs each).
   * @throws {RangeError} when the leaves do not fit 2^depth.
   */
  static async build(
    leaves: BigUint64Array,
    options: { depth: number; hasher: PoseidonHasher; pool: PoseidonPool },
  ): Promise<CommitmentTree> {
    const { depth } = options;
    const size = leaves.length / 4;
    if (!Number.isInteger(depth) || depth < 1 || depth > 32) throw new RangeError('depth must be in [1, 32]');
    if (size > 2 ** depth) throw new RangeError(`${size} leaves do not fit a tree of depth ${depth}`);
    const zeros = zeroHashes(options.hasher, depth);
    const levels: BigUint64Array[] = [leaves];
    for (let level = 0; level < depth; level++) {
      const below = levels[level]!;
      const count = below.length / 4;
      if (count === 0) {
        levels.push(new BigUint64Array(0));
        continue;
      }
      let pairs = below;
      if (count % 2 === 1) {
        pairs = new BigUint64Array(below.length + 4);
        pairs.set(below);
        writeElement(pairs, count, zeros[level]!);
      }
      levels.push(await options.pool.hashGroups(pairs, 2));
    }
    return new CommitmentTree(depth, size, levels, zeros);
  }

  get root(): bigint {
    const top = this.#levels[this.depth]!;
    return top.length === 0 ? this.#zeros[this.depth]! : readElement(top, 0);
  }

  /** The leaf at `index` (0 past `size`). */
  leaf(index: number): bigint {
    return this.#node(0, index);
  }

  /**
   * The inclusion path of a leaf, siblings from the leaf level up, as the circuits take it.
   * @throws {RangeError} when `index` is not a row of the tree.
   */
  path(index: number): MerklePath {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`index must be a row in [0, ${this.size}), got ${index}`);
    }
    const siblings: bigint[] = [];
    const pathIndices: (0 | 1)[] = [];
    let node = index;
    for (let level = 0; level < this.depth; level++) {
      const bit = (node & 1) as 0 | 1;
      pathIndices.push(bit);
      siblings.push(this.#node(level, bit === 1 ? node - 1 : node + 1));
      node = Math.floor(node / 2);
    }
    return { index, leaf: this.#node(0, index), siblings, pathIndices, root: this.root };
  }

  /** Recomputes the root of one leaf's path with `hasher`: a cheap integrity check after loading. */
  checkPath(index: number, hasher: PoseidonHasher): boolean {
    const p = this.path(index);
    return computeMerkleRoot(hasher, p.leaf, p.siblings, p.pathIndices) === p.root;
  }

  #node(level: number, index: number): bigint {
    const nodes = this.#levels[level]!;
    return index < nodes.length / 4 ? readElement(nodes, index) : this.#zeros[level]!;
  }

  /** Writes the tree to `file` (via a temporary file and a rename, so a crash leaves no half file). */
  async save(file: string): Promise<void> {
    const header = Buffer.alloc(16);
    header.write(MAGIC, 0, 'ascii');
    header.writeUInt8(this.depth, 8);
    header.writeUInt32BE(this.size, 12);
    const parts = [header, ...this.#levels.map((l) => Buffer.from(l.buffer, l.byteOffset, l.byteLength))];
    await writeFile(`${file}.tmp`, parts);
    await rename(`${file}.tmp`, file);
  }

  /**
   * Reads a tree written by {@link save}.
   * @throws {Error} for a file that is not a tree or is truncated.
   */
  static async load(file: string, hasher: PoseidonHasher): Promise<CommitmentTree> {
    const bytes = await readFile(file);
    if (bytes.length < 16 || bytes.toString('ascii', 0, 8) !== MAGIC)
      throw new Error(`${file} is not a commitment tree`);
    const depth = bytes.readUInt8(8);
    const size = bytes.readUInt32BE(12);
    const levels: BigUint64Array[] = [];
    let offset = 16;
    let count = size;
    for (let level = 0; level <= depth; level++) {
      const length = count * 32;
      if (offset + length > bytes.length) throw new Error(`${file} is truncated`);
      // Copy into an aligned buffer: a Buffer from readFile may sit at any offset of a shared pool.
      const limbs = new BigUint64Array(count * 4);
      new Uint8Array(limbs.buffer).set(bytes.subarray(offset, offset + length));
      levels.push(limbs);
      offset += length;
      count = Math.ceil(count / 2);
    }
    return new CommitmentTree(depth, size, levels, zeroHashes(hasher, depth));
  }
}
