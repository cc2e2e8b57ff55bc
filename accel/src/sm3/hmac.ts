// HMAC-SM3: RFC 2104 HMAC instantiated with SM3 (GB/T 32905-2016), block size B = 64, output L = 32,
// as GB/T 15852.2 and GM/T 0042 use it.
//
// The keyed object absorbs (K ^ ipad) and (K ^ opad) once and keeps the two chaining states, so each
// MAC afterwards costs the message blocks plus two compressions and allocates only its result.

import { compressBlock } from './compress.ts';
import { continueRange, resetState, SM3_BLOCK_SIZE, SM3_DIGEST_SIZE, sm3, writeDigest } from './sm3.ts';

const IPAD = 0x36;
const OPAD = 0x5c;

// Scratch shared by all keyed objects: JS runs one MAC at a time per isolate and none of them yields.
const STATE = new Uint32Array(8);
const INNER_DIGEST = new Uint8Array(SM3_DIGEST_SIZE);

/**
 * A reusable HMAC-SM3 key: precomputes the inner and outer keyed states once.
 *
 * @example
 * const mac = new Sm3Hmac(key);
 * const tag1 = mac.mac(message1);
 * const tag2 = mac.mac(message2);
 */
export class Sm3Hmac {
  private readonly inner = new Uint32Array(8);
  private readonly outer = new Uint32Array(8);

  /**
   * Derives the keyed states from `key` (keys longer than 64 bytes are hashed first, RFC 2104 §2).
   *
   * @throws {TypeError} if `key` is not a Uint8Array.
   */
  constructor(key: Uint8Array) {
    if (!(key instanceof Uint8Array)) throw new TypeError('key: expected a Uint8Array');
    const block = new Uint8Array(SM3_BLOCK_SIZE);
    block.set(key.length > SM3_BLOCK_SIZE ? sm3(key) : key);
    for (let i = 0; i < SM3_BLOCK_SIZE; i++) block[i]! ^= IPAD;
    resetState(this.inner);
    compressBlock(this.inner, block, 0);
    // (K ^ ipad) ^ (ipad ^ opad) = K ^ opad, without keeping K around.
    for (let i = 0; i < SM3_BLOCK_SIZE; i++) block[i]! ^= IPAD ^ OPAD;
    resetState(this.outer);
    compressBlock(this.outer, block, 0);
    block.fill(0);
  }

  /**
   * Returns HMAC-SM3(key, data), 32 bytes.
   *
   * @throws {TypeError} if `data` is not a Uint8Array.
   */
  mac(data: Uint8Array): Uint8Array {
    const out = new Uint8Array(SM3_DIGEST_SIZE);
    this.macInto(data, out, 0);
    return out;
  }

  /**
   * Writes HMAC-SM3(key, data) to `out[outOffset .. outOffset + 32)` without allocating.
   *
   * @throws {TypeError} if `data` or `out` is not a Uint8Array.
   * @throws {RangeError} if `outOffset` is not a non-negative integer or `out` is too small.
   */
  macInto(data: Uint8Array, out: Uint8Array, outOffset = 0): void {
    if (!(data instanceof Uint8Array)) throw new TypeError('data: expected a Uint8Array');
    if (!(out instanceof Uint8Array)) throw new TypeError('out: expected a Uint8Array');
    if (!Number.isSafeInteger(outOffset) || outOffset < 0 || outOffset + SM3_DIGEST_SIZE > out.length) {
      throw new RangeError(`outOffset: 32 bytes at ${outOffset} do not fit in out (${out.length} bytes)`);
    }
    const state = STATE;
    // Both keyed states have absorbed exactly one 64-byte block, hence `absorbed` = 64.
    state.set(this.inner);
    continueRange(state, data, 0, data.length, SM3_BLOCK_SIZE);
    writeDigest(state, INNER_DIGEST, 0);
    state.set(this.outer);
    continueRange(state, INNER_DIGEST, 0, SM3_DIGEST_SIZE, SM3_BLOCK_SIZE);
    writeDigest(state, out, outOffset);
  }
}

/**
 * Computes HMAC-SM3(key, data) (RFC 2104 with SM3); use {@link Sm3Hmac} to reuse a key.
 *
 * @throws {TypeError} if `key` or `data` is not a Uint8Array.
 * @example
 * const tag = hmacSm3(key, message); // 32 bytes
 */
export function hmacSm3(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Sm3Hmac(key).mac(data);
}
