// SM3 cryptographic hash algorithm, GB/T 32905-2016 (identical to ISO/IEC 10118-3:2018 "SM3").
//
// Words are big-endian (§4.1). The compression function CF lives, unrolled, in compress.ts; this file
// pads messages (§5.2) in a reusable scratch so that hashing allocates only the returned digest.

import { compressBlock } from './compress.ts';

/** Size in bytes of an SM3 digest. */
export const SM3_DIGEST_SIZE = 32;
/** Size in bytes of an SM3 message block. */
export const SM3_BLOCK_SIZE = 64;

// Initial value IV, GB/T 32905 §4.1.
const IV = Uint32Array.of(
  0x7380166f,
  0x4914b2b9,
  0x172442d7,
  0xda8a0600,
  0xa96f30bc,
  0x163138aa,
  0xe38dee4d,
  0xb0fb0e4e,
);

/**
 * Writes the SM3 initial value IV (GB/T 32905 §4.1) into an 8-word chaining state.
 *
 * @throws {TypeError} if `state` is not a Uint32Array.
 * @throws {RangeError} if `state` does not have exactly 8 words.
 */
export function sm3InitState(state: Uint32Array): void {
  assertState(state);
  state.set(IV);
}

/**
 * Unchecked {@link sm3InitState} for hot loops whose state the module owns.
 *
 * @internal
 */
export function resetState(state: Uint32Array): void {
  // Eight stores beat a TypedArray#set builtin call when a batch resets the state per message.
  state[0] = 0x7380166f;
  state[1] = 0x4914b2b9;
  state[2] = 0x172442d7;
  state[3] = 0xda8a0600;
  state[4] = 0xa96f30bc;
  state[5] = 0x163138aa;
  state[6] = 0xe38dee4d;
  state[7] = 0xb0fb0e4e;
}

/**
 * The SM3 compression function CF (GB/T 32905 §5.3): updates `state` (8 words) with the 64-byte
 * block at `data[offset .. offset + 64)`. Allocates nothing; padding is the caller's job.
 *
 * @throws {TypeError} if `state` is not a Uint32Array or `data` not a Uint8Array.
 * @throws {RangeError} if `state` is not 8 words or the block does not fit in `data`.
 * @example
 * const state = new Uint32Array(8);
 * sm3InitState(state);
 * sm3Compress(state, block, 0); // block: 64 bytes
 */
export function sm3Compress(state: Uint32Array, data: Uint8Array, offset: number): void {
  assertState(state);
  assertBytes(data, 'data');
  if (!Number.isInteger(offset) || offset < 0 || offset + SM3_BLOCK_SIZE > data.length) {
    throw new RangeError(`offset: block at ${offset} does not fit in ${data.length} bytes`);
  }
  compressBlock(state, data, offset);
}

/**
 * Writes the 8 state words big-endian as a 32-byte digest at `out[offset ..]`.
 *
 * @internal
 */
export function writeDigest(state: Uint32Array, out: Uint8Array, offset: number): void {
  for (let i = 0; i < 8; i++, offset += 4) {
    const v = state[i]!;
    out[offset] = v >>> 24;
    out[offset + 1] = v >>> 16;
    out[offset + 2] = v >>> 8;
    out[offset + 3] = v;
  }
}

// Padding scratch: the last one or two blocks of a message (§5.2), reused by every one-shot hash.
const PAD = new Uint8Array(2 * SM3_BLOCK_SIZE);

/**
 * Hashes `data[start .. end)` from the IV into `state`, padding in the shared scratch (§5.2), so a
 * message costs no allocation. The caller has validated the range.
 *
 * @internal
 */
export function hashRange(state: Uint32Array, data: Uint8Array, start: number, end: number): void {
  resetState(state);
  continueRange(state, data, start, end, 0);
}

/**
 * Continues a hash whose `state` has already absorbed `absorbed` bytes (a multiple of 64) with
 * `data[start .. end)` and finishes it. HMAC uses it to resume from its precomputed keyed states.
 *
 * @internal
 */
export function continueRange(
  state: Uint32Array,
  data: Uint8Array,
  start: number,
  end: number,
  absorbed: number,
): void {
  const length = end - start;
  // `% 64`, not `& ~63`: a Uint8Array may be longer than 2^31 bytes.
  const fullEnd = end - (length % SM3_BLOCK_SIZE);
  for (let o = start; o < fullEnd; o += SM3_BLOCK_SIZE) compressBlock(state, data, o);
  finish(state, data, fullEnd, end, absorbed + length);
}

/**
 * Pads and compresses the tail `data[from .. end)` (shorter than one block) of a message of
 * `totalLength` bytes (§5.2: append 0x80, zeros to 56 mod 64, then the bit length as 64 bits).
 */
function finish(state: Uint32Array, data: Uint8Array, from: number, end: number, totalLength: number): void {
  const pad = PAD;
  const tail = end - from;
  for (let i = 0; i < tail; i++) pad[i] = data[from + i]!;
  pad[tail] = 0x80;
  const blocks = tail < 56 ? 1 : 2;
  const lengthAt = blocks * SM3_BLOCK_SIZE - 8;
  pad.fill(0, tail + 1, lengthAt);
  // Bit length as a 64-bit big-endian integer; lengths up to 2^53 - 1 bytes are exact in a double.
  const hi = Math.floor(totalLength / 0x20000000);
  const lo = (totalLength << 3) >>> 0;
  pad[lengthAt] = hi >>> 24;
  pad[lengthAt + 1] = hi >>> 16;
  pad[lengthAt + 2] = hi >>> 8;
  pad[lengthAt + 3] = hi;
  pad[lengthAt + 4] = lo >>> 24;
  pad[lengthAt + 5] = lo >>> 16;
  pad[lengthAt + 6] = lo >>> 8;
  pad[lengthAt + 7] = lo;
  compressBlock(state, pad, 0);
  if (blocks === 2) compressBlock(state, pad, SM3_BLOCK_SIZE);
}

function assertBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name}: expected a Uint8Array`);
}

function assertState(state: unknown): asserts state is Uint32Array {
  if (!(state instanceof Uint32Array)) throw new TypeError('state: expected a Uint32Array');
  if (state.length !== 8) throw new RangeError(`state: expected 8 words, got ${state.length}`);
}

// One-shot chaining state, reused (never escapes this module).
const ONE_SHOT_STATE = new Uint32Array(8);

/**
 * Computes the SM3 digest (GB/T 32905-2016) of `data`.
 *
 * @throws {TypeError} if `data` is not a Uint8Array.
 * @example
 * sm3(new TextEncoder().encode('abc')); // 66c7f0f4…8f4ba8e0
 */
export function sm3(data: Uint8Array): Uint8Array {
  assertBytes(data, 'data');
  hashRange(ONE_SHOT_STATE, data, 0, data.length);
  const out = new Uint8Array(SM3_DIGEST_SIZE);
  writeDigest(ONE_SHOT_STATE, out, 0);
  return out;
}

/**
 * Streaming SM3 (GB/T 32905-2016): feed the message in any number of chunks, then call `digest()`
 * once. Use `clone()` to fork a partially absorbed state (HMAC keys, common prefixes).
 *
 * @example
 * const h = new Sm3().update(part1).update(part2);
 * const digest = h.digest();
 */
export class Sm3 {
  private readonly state = new Uint32Array(8);
  private readonly block = new Uint8Array(SM3_BLOCK_SIZE);
  // Bytes waiting in `block` (always < 64 between calls).
  private buffered = 0;
  // Total bytes absorbed; a double is exact up to 2^53 bytes, far beyond SM3's 2^64-bit limit in practice.
  private length = 0;
  private finished = false;

  /** Starts a fresh SM3 computation from the IV. */
  constructor() {
    this.state.set(IV);
  }

  /**
   * Absorbs `chunk`; returns `this` so calls can be chained.
   *
   * @throws {TypeError} if `chunk` is not a Uint8Array.
   * @throws {Error} if `digest()` was already called.
   */
  update(chunk: Uint8Array): this {
    this.assertUsable();
    assertBytes(chunk, 'chunk');
    const { state, block } = this;
    const n = chunk.length;
    this.length += n;
    let pos = 0;
    if (this.buffered > 0) {
      const take = Math.min(SM3_BLOCK_SIZE - this.buffered, n);
      block.set(chunk.subarray(0, take), this.buffered);
      this.buffered += take;
      pos = take;
      if (this.buffered < SM3_BLOCK_SIZE) return this;
      compressBlock(state, block, 0);
      this.buffered = 0;
    }
    // Whole blocks straight from the caller's bytes: no copy.
    for (; pos + SM3_BLOCK_SIZE <= n; pos += SM3_BLOCK_SIZE) compressBlock(state, chunk, pos);
    if (pos < n) {
      block.set(chunk.subarray(pos), 0);
      this.buffered = n - pos;
    }
    return this;
  }

  /**
   * Finishes the hash and returns the 32-byte digest; the object cannot be used afterwards.
   *
   * @throws {Error} if `digest()` was already called.
   */
  digest(): Uint8Array {
    this.assertUsable();
    this.finished = true;
    finish(this.state, this.block, 0, this.buffered, this.length);
    const out = new Uint8Array(SM3_DIGEST_SIZE);
    writeDigest(this.state, out, 0);
    return out;
  }

  /**
   * Returns an independent copy of this computation, so a shared prefix is hashed once.
   *
   * @throws {Error} if `digest()` was already called.
   */
  clone(): Sm3 {
    this.assertUsable();
    const copy = new Sm3();
    copy.state.set(this.state);
    copy.block.set(this.block);
    copy.buffered = this.buffered;
    copy.length = this.length;
    return copy;
  }

  private assertUsable(): void {
    if (this.finished) throw new Error('Sm3: digest() was already called; clone() first to keep hashing');
  }
}
