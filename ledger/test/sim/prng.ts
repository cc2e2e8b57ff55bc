/**
 * Seeded pseudo-random numbers for the simulation: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic
 * generator, PractRand-clean at 32 bits), seeded through splitmix32 so that nearby seeds give
 * unrelated streams. Nothing in the simulation may use Math.random: a failing seed must replay
 * exactly.
 */

/** splitmix32 step: a well-mixed 32-bit value from a 32-bit counter. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A deterministic random stream. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seeds the generator; any integer (taken modulo 2^32) is a valid seed. */
  constructor(seed: number) {
    let s = seed >>> 0;
    this.a = splitmix32(s);
    s = (s + 0x9e3779b9) >>> 0;
    this.b = splitmix32(s);
    s = (s + 0x9e3779b9) >>> 0;
    this.c = splitmix32(s);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextU32(); // discard the warm-up outputs
  }

  /** Next uniformly distributed 32-bit unsigned integer. */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    if (hi < lo) throw new RangeError(`int(${lo}, ${hi})`);
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A uniformly chosen element. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  /** An independent stream, so drawing more numbers in one part does not shift another part. */
  fork(): Prng {
    return new Prng(this.nextU32() ^ 0x5bd1e995);
  }
}
