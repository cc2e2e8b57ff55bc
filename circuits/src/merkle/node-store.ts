/**
 * Storage for one tree level: a dense prefix packed as four 64-bit limbs per node (32 bytes, so a
 * million-leaf tree keeps ≈ 64 MB of nodes instead of ≈ 120 MB of bigint objects), and a sparse map for
 * nodes set far past the prefix (e.g. index 2^32 − 1 of a depth-32 tree), which are never materialised.
 */
const MASK64 = (1n << 64n) - 1n;
/** A write at most this far past the dense prefix extends it with zero-filled nodes. */
const MAX_DENSE_GAP = 1 << 16;

export class NodeStore {
  #limbs: BigUint64Array;
  #length = 0;
  readonly #sparse = new Map<number, bigint>();

  constructor(initialCapacity = 16) {
    this.#limbs = new BigUint64Array(Math.max(1, initialCapacity) * 4);
  }

  /** Length of the dense prefix. */
  get denseLength(): number {
    return this.#length;
  }

  /** The node at `index`, or undefined when it was never set (an empty subtree). */
  get(index: number): bigint | undefined {
    if (index < this.#length) {
      const o = index * 4;
      const l = this.#limbs;
      return (l[o + 3]! << 192n) | (l[o + 2]! << 128n) | (l[o + 1]! << 64n) | l[o]!;
    }
    return this.#sparse.get(index);
  }

  /** Sets node `index`; a small gap past the dense prefix is filled with `fill` (the level's empty value). */
  set(index: number, value: bigint, fill: bigint): void {
    if (index < this.#length) {
      this.#write(index, value);
      return;
    }
    if (index - this.#length > MAX_DENSE_GAP) {
      this.#sparse.set(index, value);
      return;
    }
    this.#reserve(index + 1);
    for (let i = this.#length; i < index; i++) this.#write(i, this.#sparse.get(i) ?? fill);
    this.#write(index, value);
    this.#length = index + 1;
    this.#sparse.delete(index);
    // Absorb sparse nodes that the dense prefix has now reached.
    while (this.#sparse.has(this.#length)) {
      this.#reserve(this.#length + 1);
      this.#write(this.#length, this.#sparse.get(this.#length)!);
      this.#sparse.delete(this.#length);
      this.#length++;
    }
  }

  #write(index: number, value: bigint): void {
    const o = index * 4;
    const l = this.#limbs;
    l[o] = value & MASK64;
    l[o + 1] = (value >> 64n) & MASK64;
    l[o + 2] = (value >> 128n) & MASK64;
    l[o + 3] = value >> 192n;
  }

  #reserve(count: number): void {
    if (count * 4 <= this.#limbs.length) return;
    let capacity = this.#limbs.length / 4;
    while (capacity < count) capacity *= 2;
    const next = new BigUint64Array(capacity * 4);
    next.set(this.#limbs.subarray(0, this.#length * 4));
    this.#limbs = next;
  }
}
