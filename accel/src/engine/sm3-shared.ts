// SM3 batches through shared memory: the calling thread packs messages into a SharedArrayBuffer arena
// that the worker threads read in place and write digests into, so a batch costs no per-call buffer
// allocation (and page faults), no transfer, and no result buffer per piece. Arenas are reused from call
// to call; a few are kept between calls.
//
// Arena layout for `count` messages of `dataBytes` bytes in all:
//   [0, 4 (count + 1))             offsets, Uint32: message i is data[offsets[i] .. offsets[i + 1])
//   [digestsAt, + 32 count)        digests, 32 bytes per message, in order
//   [dataAt, + dataBytes)          the messages, concatenated

import { AccelError } from '../errors.ts';
import { sm3Packed } from '../sm3/index.ts';

/** Where the parts of an arena for `count` messages of `dataBytes` bytes lie. */
export interface Sm3ArenaLayout {
  count: number;
  dataBytes: number;
  digestsAt: number;
  dataAt: number;
  /** Bytes the arena needs. */
  bytes: number;
}

/** Largest arena a batch may use; bigger batches take the transferable-buffer path. */
export const SM3_ARENA_MAX_BYTES = 1 << 28;

/** The layout of an arena (see the file header). */
export function sm3ArenaLayout(count: number, dataBytes: number): Sm3ArenaLayout {
  const digestsAt = Math.ceil((4 * (count + 1)) / 16) * 16;
  const dataAt = digestsAt + 32 * count;
  return { count, dataBytes, digestsAt, dataAt, bytes: dataAt + dataBytes };
}

/**
 * Worker side: hashes messages `start .. end` of the arena in place, digests into the arena.
 * @throws {AccelError} ACCEL_INVALID_BATCH if the arena is too small for its layout or the range is not
 *   inside it; RangeError if its offsets are not a valid packing (sm3Packed's checks).
 */
export function sm3SharedKernel(
  buffer: SharedArrayBuffer,
  count: number,
  dataBytes: number,
  start: number,
  end: number,
): void {
  const valid =
    buffer instanceof SharedArrayBuffer &&
    Number.isSafeInteger(count) &&
    Number.isSafeInteger(dataBytes) &&
    Number.isSafeInteger(start) &&
    Number.isSafeInteger(end) &&
    count >= 0 &&
    dataBytes >= 0 &&
    start >= 0 &&
    start <= end &&
    end <= count;
  const layout = valid ? sm3ArenaLayout(count, dataBytes) : undefined;
  if (!layout || layout.bytes > buffer.byteLength) {
    throw new AccelError('ACCEL_INVALID_BATCH', 'shared SM3 batch does not fit its arena', {
      count,
      dataBytes,
      start,
      end,
    });
  }
  const offsets = new Uint32Array(buffer, 0, count + 1).subarray(start, end + 1);
  const data = new Uint8Array(buffer, layout.dataAt, dataBytes);
  const digests = new Uint8Array(buffer, layout.digestsAt, 32 * count);
  sm3Packed(data, offsets, digests, 32 * start);
}

/**
 * Main side: copies `messages[start .. end)` into the arena's data and offsets, continuing at byte
 * `at` of the data; returns where the next message goes. Offsets[start] must already be `at`.
 */
export function packIntoArena(
  arena: SharedArrayBuffer,
  layout: Sm3ArenaLayout,
  messages: readonly Uint8Array[],
  start: number,
  end: number,
  at: number,
): number {
  const offsets = new Uint32Array(arena, 0, layout.count + 1);
  const data = new Uint8Array(arena, layout.dataAt, layout.dataBytes);
  for (let i = start; i < end; i++) {
    const m = messages[i]!;
    data.set(m, at);
    at += m.length;
    offsets[i + 1] = at;
  }
  return at;
}

/** A few SharedArrayBuffers kept for reuse: `take` one big enough, `give` it back when done. */
export class SharedArenas {
  readonly #free: SharedArrayBuffer[] = [];
  readonly #maxRetainedBytes: number;

  constructor(maxRetainedBytes: number) {
    this.#maxRetainedBytes = maxRetainedBytes;
  }

  /** The smallest kept arena of at least `bytes`, or a new one (rounded up to 64 KiB). */
  take(bytes: number): SharedArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const size = this.#free[i]!.byteLength;
      if (size >= bytes && (best < 0 || size < this.#free[best]!.byteLength)) best = i;
    }
    if (best >= 0) return this.#free.splice(best, 1)[0]!;
    return new SharedArrayBuffer(Math.max(1, Math.ceil(bytes / 65536)) * 65536);
  }

  /** Returns an arena no thread uses any more; the smallest are dropped past the retention limit. */
  give(arena: SharedArrayBuffer): void {
    this.#free.push(arena);
    this.#free.sort((a, b) => b.byteLength - a.byteLength);
    let total = 0;
    for (let i = 0; i < this.#free.length; i++) {
      total += this.#free[i]!.byteLength;
      if (total > this.#maxRetainedBytes) {
        this.#free.length = i;
        break;
      }
    }
  }

  /** Bytes held for reuse. */
  get retainedBytes(): number {
    return this.#free.reduce((s, a) => s + a.byteLength, 0);
  }
}
