/**
 * Where the engine's randomness comes from. Production uses the platform CSPRNG
 * (`crypto.getRandomValues`); tests may inject a seeded source for reproducible runs, which must never be
 * used outside tests (a predictable polynomial coefficient reveals the shared value).
 */
import { FIELD_BYTES, FIELD_ORDER, readFieldElement } from './field.ts';

/** A source of uniformly random bytes. */
export interface MpcRandomness {
  /** Fills `bytes` with uniformly random bytes. */
  fill(bytes: Uint8Array): void;
}

// crypto.getRandomValues refuses more than 65536 bytes per call; small requests are served from a pool
// refilled 4 KiB at a time (one call costs ~30 µs, as much as hashing the bytes), and every byte served
// is wiped from the pool.
const MAX_GET_RANDOM = 65536;
const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let poolUsed = POOL_BYTES;

/** The platform CSPRNG, `crypto.getRandomValues`: the only source for production sessions. */
export const systemRandomness: MpcRandomness = {
  fill(bytes: Uint8Array): void {
    if (bytes.length > POOL_BYTES / 4) {
      for (let off = 0; off < bytes.length; off += MAX_GET_RANDOM) {
        crypto.getRandomValues(bytes.subarray(off, Math.min(bytes.length, off + MAX_GET_RANDOM)));
      }
      return;
    }
    if (poolUsed + bytes.length > POOL_BYTES) {
      crypto.getRandomValues(pool);
      poolUsed = 0;
    }
    bytes.set(pool.subarray(poolUsed, poolUsed + bytes.length));
    pool.fill(0, poolUsed, poolUsed + bytes.length);
    poolUsed += bytes.length;
  },
};

const ELEMENT_BUFFER = new Uint8Array(FIELD_BYTES);

/** A uniformly random element of F_r, by rejection sampling on 254 bits (accepts with probability ≈ 0.76). */
export function randomFieldElement(rng: MpcRandomness): bigint {
  for (;;) {
    rng.fill(ELEMENT_BUFFER);
    ELEMENT_BUFFER[0] = ELEMENT_BUFFER[0]! & 0x3f;
    const v = readFieldElement(ELEMENT_BUFFER, 0);
    if (v < FIELD_ORDER) return v;
  }
}

/**
 * A uniformly random integer in [0, 2^bits).
 * @throws {RangeError} when `bits` is not an integer in [1, 253].
 */
export function randomBelowPowerOfTwo(rng: MpcRandomness, bits: number): bigint {
  if (!Number.isInteger(bits) || bits < 1 || bits > 253) throw new RangeError('bits must be in [1, 253]');
  const bytes = new Uint8Array(Math.ceil(bits / 8));
  rng.fill(bytes);
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v & ((1n << BigInt(bits)) - 1n);
}
