// Packing of batches into a few flat buffers, so that a batch crosses to a worker as transferable
// ArrayBuffers (no structured clone of thousands of small objects, no JSON).
//
// A packed list of byte strings is `{ data, offsets }`: item i is data[offsets[i] .. offsets[i+1]).
import { AccelError } from '../errors.ts';
import { MAX_BATCH_ITEMS, MAX_MESSAGE_BYTES } from './interface.ts';

/** A list of byte strings in one buffer. */
export interface PackedBytes {
  data: Uint8Array;
  offsets: Uint32Array;
}

/**
 * Packs byte strings into one buffer.
 * @throws {AccelError} ACCEL_INVALID_BATCH for too many items, an item that is not bytes or is too large.
 */
export function packBytes(items: readonly Uint8Array[]): PackedBytes {
  if (items.length > MAX_BATCH_ITEMS) {
    throw new AccelError('ACCEL_INVALID_BATCH', `batch larger than ${MAX_BATCH_ITEMS} items`, {
      items: items.length,
    });
  }
  const offsets = new Uint32Array(items.length + 1);
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!(item instanceof Uint8Array)) {
      throw new AccelError('ACCEL_INVALID_BATCH', `batch item ${i} is not a Uint8Array`, { index: i });
    }
    if (item.length > MAX_MESSAGE_BYTES) {
      throw new AccelError('ACCEL_INVALID_BATCH', `batch item ${i} larger than ${MAX_MESSAGE_BYTES} bytes`, {
        index: i,
      });
    }
    total += item.length;
    if (total > 0xffff_ffff) throw new AccelError('ACCEL_INVALID_BATCH', 'batch larger than 4 GiB');
    offsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  for (let i = 0; i < items.length; i++) data.set(items[i]!, offsets[i]!);
  return { data, offsets };
}

/** Views item i of a packed list (no copy). */
export function packedItem(p: PackedBytes, i: number): Uint8Array {
  return p.data.subarray(p.offsets[i]!, p.offsets[i + 1]!);
}

/** Number of items of a packed list. */
export function packedCount(p: PackedBytes): number {
  return p.offsets.length - 1;
}

/** Splits a packed list of fixed-size items (e.g. 32-byte digests) back into views. */
export function unpackFixed(data: Uint8Array, size: number): Uint8Array[] {
  const out = new Array<Uint8Array>(data.length / size);
  for (let i = 0; i < out.length; i++) out[i] = data.subarray(i * size, (i + 1) * size);
  return out;
}

/** The ArrayBuffers to transfer for a set of packed lists. */
export function transferList(...packs: PackedBytes[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const p of packs) out.push(p.data.buffer as ArrayBuffer, p.offsets.buffer as ArrayBuffer);
  return out;
}

/**
 * Checks a batch of byte strings exactly as {@link packBytes} does, without packing it, so a batch that
 * is shipped in pieces is refused whole before any piece leaves. Returns the total size in bytes.
 * @throws {AccelError} ACCEL_INVALID_BATCH for too many items, an item that is not bytes or is too large.
 */
export function checkBytesBatch(items: readonly Uint8Array[]): number {
  if (items.length > MAX_BATCH_ITEMS) {
    throw new AccelError('ACCEL_INVALID_BATCH', `batch larger than ${MAX_BATCH_ITEMS} items`, {
      items: items.length,
    });
  }
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!(item instanceof Uint8Array)) {
      throw new AccelError('ACCEL_INVALID_BATCH', `batch item ${i} is not a Uint8Array`, { index: i });
    }
    if (item.length > MAX_MESSAGE_BYTES) {
      throw new AccelError('ACCEL_INVALID_BATCH', `batch item ${i} larger than ${MAX_MESSAGE_BYTES} bytes`, {
        index: i,
      });
    }
    total += item.length;
  }
  return total;
}

/**
 * Packs `items[start .. end)`, already checked by {@link checkBytesBatch}, without copying the array.
 * @throws {AccelError} ACCEL_INVALID_BATCH if the range holds more than 4 GiB.
 */
export function packBytesRange(items: readonly Uint8Array[], start: number, end: number): PackedBytes {
  const offsets = new Uint32Array(end - start + 1);
  let total = 0;
  for (let i = start; i < end; i++) {
    total += items[i]!.length;
    if (total > 0xffff_ffff) throw new AccelError('ACCEL_INVALID_BATCH', 'batch larger than 4 GiB');
    offsets[i - start + 1] = total;
  }
  const data = new Uint8Array(total);
  for (let i = start; i < end; i++) data.set(items[i]!, offsets[i - start]!);
  return { data, offsets };
}
