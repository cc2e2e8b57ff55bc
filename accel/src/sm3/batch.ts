// Batched SM3 (GB/T 32905-2016): many messages per call, the unit of work the worker backend ships.
//
// Messages travel packed (one byte buffer plus offsets) so a batch crosses a worker boundary as two
// transferable buffers, and digests land in a caller-provided buffer. Nothing is allocated per message:
// whole blocks are compressed in place and only the padded tail goes through a scratch buffer.
// Messages of equal length (a whole batch, or a packed batch whose offsets advance by a constant) go
// to the 4-lane WebAssembly SIMD kernel (simd/sm3x4.ts) where the engine has one.

import { compressBlock } from './compress.ts';
import { sm3x4Fixed } from './simd/sm3x4.ts';
import { hashRange, resetState, SM3_BLOCK_SIZE, SM3_DIGEST_SIZE, writeDigest } from './sm3.ts';

// Below this many equal-length messages the scalar path is as fast: a SIMD group is four lanes.
const SIMD_MIN_COUNT = 4;

/** Messages packed into one buffer: message `i` is `data.subarray(offsets[i], offsets[i + 1])`. */
export interface PackedMessages {
  /** The concatenated message bytes. */
  readonly data: Uint8Array;
  /** `count + 1` non-decreasing byte offsets into `data`. */
  readonly offsets: Uint32Array;
}

const STATE = new Uint32Array(8);
// Tail scratch for sm3Fixed: the padding (0x80, zeros, bit length) is the same for every item of a
// batch, so it is written once per call and only each item's last `itemSize % 64` bytes are copied in.
const TAIL = new Uint8Array(2 * SM3_BLOCK_SIZE);

function assertBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name}: expected a Uint8Array`);
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name}: expected a non-negative integer, got ${value}`);
  }
}

function assertOutput(out: unknown, outOffset: number, count: number): asserts out is Uint8Array {
  assertBytes(out, 'out');
  assertCount(outOffset, 'outOffset');
  const need = outOffset + SM3_DIGEST_SIZE * count;
  if (need > out.length) {
    throw new RangeError(
      `out: ${count} digests at offset ${outOffset} need ${need} bytes, got ${out.length}`,
    );
  }
}

/**
 * Checks that `offsets` describe `offsets.length - 1` messages inside `data` and returns that count.
 *
 * @throws {TypeError} if `data` is not a Uint8Array or `offsets` not a Uint32Array.
 * @throws {RangeError} if `offsets` is empty, decreases, or points past the end of `data`.
 */
export function validatePackedMessages(data: Uint8Array, offsets: Uint32Array): number {
  assertBytes(data, 'data');
  if (!(offsets instanceof Uint32Array)) throw new TypeError('offsets: expected a Uint32Array');
  if (offsets.length === 0) throw new RangeError('offsets: expected count + 1 entries, got 0');
  let previous = offsets[0]!;
  for (let i = 1; i < offsets.length; i++) {
    const next = offsets[i]!;
    if (next < previous) {
      throw new RangeError(`offsets: must not decrease, but offsets[${i}] = ${next} < ${previous}`);
    }
    previous = next;
  }
  if (previous > data.length) {
    throw new RangeError(`offsets: last offset ${previous} is past the end of data (${data.length} bytes)`);
  }
  return offsets.length - 1;
}

/**
 * Hashes every message of a packed batch: digest `i` of `SM3(data[offsets[i] .. offsets[i+1]))` is
 * written to `out[outOffset + 32 i .. + 32)`. `out` must not overlap the messages still to be read.
 *
 * @throws {TypeError} if `data` or `out` is not a Uint8Array, or `offsets` not a Uint32Array.
 * @throws {RangeError} if `offsets` is empty, decreasing or past the end of `data`, `outOffset` is not a
 *   non-negative integer, or `out` is too small for `offsets.length - 1` digests.
 * @example
 * const { data, offsets } = packMessages([a, b, c]);
 * const out = new Uint8Array(3 * 32);
 * sm3Packed(data, offsets, out);
 */
export function sm3Packed(data: Uint8Array, offsets: Uint32Array, out: Uint8Array, outOffset = 0): void {
  const count = validatePackedMessages(data, offsets);
  assertOutput(out, outOffset, count);
  const size = uniformSize(offsets);
  if (size >= 0) {
    hashFixedRun(data, offsets[0]!, size, count, out, outOffset);
    return;
  }
  const state = STATE;
  let start = offsets[0]!;
  for (let i = 0; i < count; i++) {
    const end = offsets[i + 1]!;
    hashRange(state, data, start, end);
    writeDigest(state, out, outOffset + SM3_DIGEST_SIZE * i);
    start = end;
  }
}

/**
 * Hashes `count` consecutive messages of `itemSize` bytes each from the start of `data`; digest `i`
 * goes to `out[outOffset + 32 i .. + 32)`. Faster than {@link sm3Packed} for equal sizes: the padding
 * is prepared once per call. `out` must not overlap the items still to be read.
 *
 * @throws {TypeError} if `data` or `out` is not a Uint8Array.
 * @throws {RangeError} if `itemSize`, `count` or `outOffset` is not a non-negative integer, the items
 *   do not fit in `data`, or `out` is too small.
 * @example
 * const out = new Uint8Array(4096 * 32);
 * sm3Fixed(records, 64, 4096, out); // records: 4096 × 64 bytes
 */
export function sm3Fixed(
  data: Uint8Array,
  itemSize: number,
  count: number,
  out: Uint8Array,
  outOffset = 0,
): void {
  assertBytes(data, 'data');
  assertCount(itemSize, 'itemSize');
  assertCount(count, 'count');
  if (itemSize * count > data.length) {
    throw new RangeError(
      `data: ${count} items of ${itemSize} bytes need ${itemSize * count}, got ${data.length}`,
    );
  }
  assertOutput(out, outOffset, count);
  hashFixedRun(data, 0, itemSize, count, out, outOffset);
}

/** The common size of the messages of `offsets` if they all have the same, else -1. */
function uniformSize(offsets: Uint32Array): number {
  const count = offsets.length - 1;
  if (count < SIMD_MIN_COUNT) return -1;
  const size = offsets[1]! - offsets[0]!;
  for (let i = 1; i < count; i++) if (offsets[i + 1]! - offsets[i]! !== size) return -1;
  return size;
}

/** sm3Fixed's work on validated arguments, for `count` items from `data[start]`. */
function hashFixedRun(
  data: Uint8Array,
  start: number,
  itemSize: number,
  count: number,
  out: Uint8Array,
  outOffset: number,
): void {
  if (count >= SIMD_MIN_COUNT && sm3x4Fixed(data, start, itemSize, count, out, outOffset)) return;
  hashFixedScalar(data, start, itemSize, count, out, outOffset);
}

/**
 * The scalar equal-length path: one message at a time through the unrolled compression, the padding
 * prepared once. Used below SIMD_MIN_COUNT and where WebAssembly SIMD is missing; exported for tests.
 *
 * @internal
 */
export function hashFixedScalar(
  data: Uint8Array,
  start: number,
  itemSize: number,
  count: number,
  out: Uint8Array,
  outOffset: number,
): void {
  const state = STATE;
  const tail = TAIL;
  const rest = itemSize % SM3_BLOCK_SIZE;
  const fullBytes = itemSize - rest;
  const tailBlocks = prepareTail(tail, rest, itemSize);
  let at = outOffset;
  for (let i = 0; i < count; i++, start += itemSize, at += SM3_DIGEST_SIZE) {
    resetState(state);
    const fullEnd = start + fullBytes;
    for (let o = start; o < fullEnd; o += SM3_BLOCK_SIZE) compressBlock(state, data, o);
    for (let k = 0; k < rest; k++) tail[k] = data[fullEnd + k]!;
    compressBlock(state, tail, 0);
    if (tailBlocks === 2) compressBlock(state, tail, SM3_BLOCK_SIZE);
    writeDigest(state, out, at);
  }
}

/**
 * Writes the padding of a message of `totalLength` bytes whose last partial block holds `rest` bytes
 * (GB/T 32905 §5.2) into `tail`, leaving `tail[0 .. rest)` for the message bytes; returns how many
 * blocks the tail spans.
 */
function prepareTail(tail: Uint8Array, rest: number, totalLength: number): 1 | 2 {
  const blocks = rest < 56 ? 1 : 2;
  const lengthAt = blocks * SM3_BLOCK_SIZE - 8;
  tail.fill(0);
  tail[rest] = 0x80;
  const hi = Math.floor(totalLength / 0x20000000);
  const lo = (totalLength << 3) >>> 0;
  for (let k = 0; k < 4; k++) {
    tail[lengthAt + k] = hi >>> (24 - 8 * k);
    tail[lengthAt + 4 + k] = lo >>> (24 - 8 * k);
  }
  return blocks;
}

/**
 * Packs messages into the {@link PackedMessages} form that {@link sm3Packed} and the worker backend take.
 *
 * @throws {TypeError} if `messages` is not an array of Uint8Array.
 * @throws {RangeError} if the total size exceeds 2^32 - 1 bytes (offsets are 32-bit).
 */
export function packMessages(messages: readonly Uint8Array[]): PackedMessages {
  if (!Array.isArray(messages)) throw new TypeError('messages: expected an array of Uint8Array');
  let total = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (!(m instanceof Uint8Array)) throw new TypeError(`messages[${i}]: expected a Uint8Array`);
    total += m.length;
  }
  if (total > 0xffffffff) throw new RangeError(`messages: ${total} bytes do not fit 32-bit offsets`);
  const data = new Uint8Array(total);
  const offsets = new Uint32Array(messages.length + 1);
  let at = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    data.set(m, at);
    at += m.length;
    offsets[i + 1] = at;
  }
  return { data, offsets };
}
