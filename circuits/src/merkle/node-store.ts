/**
 * Packed storage for one tree level: 32 bytes per node as four 64-bit limbs, little-endian limb order.
 * A million-leaf tree keeps ≈ 64 MB of nodes this way instead of ≈ 120 MB of bigint objects.
 */
const MASK64 = (1n << 64n) - 1n;

export class NodeStore {
  #limbs: BigUint64Array;
  #length = 0;

  constructor(initialCapacity = 16) {
    this.#limbs = new BigUint64Array(Math.max(1, initialCapacity) * 4);
  }

  /** Number of nodes stored; nodes past it are the level's empty-subtree value. */
  get length(): number {
    return this.#length;
  }

  get(index: number): bigint {
    const o = index * 4;
    const l = this.#limbs;
    return (l[o + 3]! << 192n) | (l[o + 2]! << 128n) | (l[o + 1]! << 64n) | l[o]!;
  }

  /** Sets node `index`, growing the level (gaps filled with `fill`) when index ≥ length. */
  set(index: number, value: bigint, fill: bigint): void {
    if (index >= this.#length) {
      this.#reserve(index + 1);
      for (let i = this.#length; i < index; i++) this.#write(i, fill);
      this.#length = index + 1;
    }
    this.#write(index, value);
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
