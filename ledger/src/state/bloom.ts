/**
 * A scalable Bloom filter (Almeida, Baquero, Preguiça, Hutchison, "Scalable Bloom Filters", 2007): a
 * chain of Bloom filters, a new one of twice the capacity added when the last is full, so the false
 * positive rate stays bounded without knowing the final size and without rebuilding.
 *
 * It only answers "certainly absent" or "maybe present"; the store reads LevelDB for every "maybe". The
 * hash is seeded per process from the CSPRNG, so crafted keys cannot force false positives on every node
 * (they could only cost extra reads anyway: a false positive is never a wrong answer).
 */
import { randomBytes } from 'node:crypto';

/** Bits per key: with 10 probes, ≈ 0.1 % false positives per filter at capacity. */
const BITS_PER_KEY = 15;
const PROBES = 10;

class BloomSegment {
  readonly bits: Uint32Array;
  readonly mask: number;
  count = 0;

  constructor(readonly capacity: number) {
    let m = 1024;
    while (m < capacity * BITS_PER_KEY && m < 2 ** 30) m *= 2;
    this.bits = new Uint32Array(m / 32);
    this.mask = m - 1;
  }

  add(h1: number, h2: number): void {
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.count++;
  }

  has(h1: number, h2: number): boolean {
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** Scalable Bloom filter over byte strings. */
export class ScalableBloomFilter {
  private readonly segments: BloomSegment[];
  private readonly seed1: number;
  private readonly seed2: number;

  /** @param initialCapacity keys the first segment holds at its target false-positive rate. */
  constructor(initialCapacity = 1 << 20) {
    if (!Number.isSafeInteger(initialCapacity) || initialCapacity < 1) {
      throw new RangeError(`initialCapacity: ${initialCapacity} is not a positive integer`);
    }
    this.segments = [new BloomSegment(initialCapacity)];
    const seed = randomBytes(8);
    this.seed1 = seed.readUInt32LE(0);
    this.seed2 = seed.readUInt32LE(4);
  }

  /** Keys added so far. */
  get count(): number {
    return this.segments.reduce((n, s) => n + s.count, 0);
  }

  /** Memory held by the bit arrays, in bytes. */
  get bytes(): number {
    return this.segments.reduce((n, s) => n + s.bits.byteLength, 0);
  }

  /** Adds a key. */
  add(key: Uint8Array): void {
    let last = this.segments[this.segments.length - 1]!;
    if (last.count >= last.capacity) {
      last = new BloomSegment(last.capacity * 2);
      this.segments.push(last);
    }
    const [h1, h2] = this.hash(key);
    last.add(h1, h2);
  }

  /** False when the key was certainly never added. */
  mayContain(key: Uint8Array): boolean {
    const [h1, h2] = this.hash(key);
    for (const s of this.segments) if (s.has(h1, h2)) return true;
    return false;
  }

  // Two 32-bit FNV-1a-style hashes with murmur3's finaliser, seeded; double hashing gives the probes.
  private hash(key: Uint8Array): [number, number] {
    let a = this.seed1 ^ 0x811c9dc5;
    let b = this.seed2 ^ 0x01000193;
    for (let i = 0; i < key.length; i++) {
      const c = key[i]!;
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
    return [fmix(a), fmix(b) | 1];
  }
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
