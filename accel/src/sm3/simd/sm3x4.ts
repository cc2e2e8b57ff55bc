// Batched SM3 of equal-length messages, optionally behind a one-byte prefix (Merkle domain bytes), on
// the 4-lane WebAssembly kernel (sm3x4-module.ts): one module instance per thread, messages copied into
// its memory a chunk at a time (one copy in, one copy out). The memory has a fixed size, so the views
// of it made at load time stay valid.
//
// The last block of an equal-length batch is the same for every message whenever it holds no message
// bytes (length ≡ 0 mod 64: 0x80, zeros, bit length; length mod 64 ≥ 56: zeros, bit length), so its
// message expansion is computed once per batch and the kernel only runs the rounds over it: for 64-byte
// messages that is half the blocks.

import { buildSm3x4Module, CONST_W_AT, CONST_W_PRIME, FREE_AT, TAILS_AT } from './sm3x4-module.ts';

/** Largest message size the kernel takes: four of them fill the module's input area. */
export const SM3X4_MAX_ITEM = 1 << 16;
// Input bytes per kernel call (at least four messages), and messages per call.
const CHUNK_BYTES = 1 << 18;
const CHUNK_ITEMS = 1 << 12;
const IN_AT = FREE_AT;
const OUT_AT = IN_AT + Math.max(CHUNK_BYTES, 4 * SM3X4_MAX_ITEM);
const PAGES = Math.ceil((OUT_AT + 32 * CHUNK_ITEMS) / 65536);

// lib ES2023 without DOM types declares no WebAssembly value; describe the calls used here.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const Wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

type HashExport = (
  inPtr: number,
  stride: number,
  count: number,
  out: number,
  fullBlocks: number,
  tailLen: number,
  constBlock: number,
  shift: number,
  tailSrc: number,
  tailDst: number,
  mask0: number,
  set0: number,
) => void;

interface Kernel {
  hash: HashExport;
  memory: Uint8Array;
  words: DataView;
  /** The message length and prefix the tails and constant table were last prepared for. */
  preparedLength: number;
  preparedPrefix: number;
}

// undefined: not tried yet; null: this engine cannot run it (no WebAssembly SIMD).
let kernel: Kernel | null | undefined;

function load(): Kernel | null {
  if (Wasm === undefined) return null;
  try {
    const bytes = buildSm3x4Module(PAGES);
    // Synchronous compilation is fine here: Node has no main-thread size limit, and it runs once per thread.
    const instance = new Wasm.Instance(new Wasm.Module(bytes));
    const memory = instance.exports.memory as { buffer: ArrayBuffer };
    return {
      hash: instance.exports.hash as HashExport,
      memory: new Uint8Array(memory.buffer),
      words: new DataView(memory.buffer),
      preparedLength: -1,
      preparedPrefix: -1,
    };
  } catch {
    return null;
  }
}

/** Whether this engine accepts the module: WebAssembly with 128-bit SIMD and bulk memory. */
export function sm3x4Validates(pages: number): boolean {
  return Wasm?.validate(buildSm3x4Module(pages)) === true;
}

/** True when this thread can run the 4-lane kernel (WebAssembly with 128-bit SIMD). */
export function sm3x4Available(): boolean {
  if (kernel === undefined) kernel = load();
  return kernel !== null;
}

/**
 * Expands one 64-byte block (GB/T 32905 §5.3.2) into W_0..W_67 and W'_0..W'_63 at CONST_W_AT, for the
 * kernel's constant-block rounds.
 */
function writeExpandedBlock(k: Kernel, block: Uint8Array): void {
  const w = new Int32Array(68);
  for (let i = 0; i < 16; i++) {
    w[i] = (block[4 * i]! << 24) | (block[4 * i + 1]! << 16) | (block[4 * i + 2]! << 8) | block[4 * i + 3]!;
  }
  const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n));
  for (let j = 16; j < 68; j++) {
    const x = w[j - 16]! ^ w[j - 9]! ^ rotl(w[j - 3]!, 15);
    w[j] = x ^ rotl(x, 15) ^ rotl(x, 23) ^ rotl(w[j - 13]!, 7) ^ w[j - 6]!;
  }
  for (let j = 0; j < 68; j++) k.words.setInt32(CONST_W_AT + 4 * j, w[j]!, true);
  for (let j = 0; j < 64; j++) k.words.setInt32(CONST_W_AT + CONST_W_PRIME + 4 * j, w[j]! ^ w[j + 4]!, true);
}

/** Writes the 64-bit big-endian bit length of `bytes` bytes at `block[56 .. 64)`. */
function writeBitLength(block: Uint8Array, bytes: number): void {
  const hi = Math.floor(bytes / 0x20000000);
  const lo = (bytes << 3) >>> 0;
  for (let i = 0; i < 4; i++) {
    block[56 + i] = hi >>> (24 - 8 * i);
    block[60 + i] = lo >>> (24 - 8 * i);
  }
}

/**
 * Prepares the padding for messages of `length` bytes (§5.2): the tail template in each lane's tail
 * block when the last partial block holds message bytes (with the prefix byte in front when the whole
 * message fits in it), and the expanded constant block when the last block holds none.
 */
function prepare(k: Kernel, length: number, prefix: number): void {
  if (k.preparedLength === length && k.preparedPrefix === prefix) return;
  const rest = length % 64;
  if (rest > 0) {
    const tail = new Uint8Array(64);
    if (prefix >= 0 && length < 64) tail[0] = prefix;
    tail[rest] = 0x80;
    if (rest < 56) writeBitLength(tail, length);
    for (let lane = 0; lane < 4; lane++) k.memory.set(tail, TAILS_AT + 64 * lane);
  }
  if (rest === 0 || rest >= 56) {
    const last = new Uint8Array(64);
    if (rest === 0) last[0] = 0x80;
    writeBitLength(last, length);
    writeExpandedBlock(k, last);
  }
  k.preparedLength = length;
  k.preparedPrefix = prefix;
}

/**
 * Hashes `count` messages `prefix ‖ data[start + stride i .. + itemSize)` (no prefix when `prefix` is
 * -1), digest i to `out[outOffset + 32 i ..]`. Reads `stride` ≥ `itemSize` bytes per message. Returns
 * false, having done nothing, if the kernel cannot run here or the messages are too long.
 */
function run(
  data: Uint8Array,
  start: number,
  itemSize: number,
  stride: number,
  count: number,
  prefix: number,
  out: Uint8Array,
  outOffset: number,
): boolean {
  if (stride > SM3X4_MAX_ITEM) return false;
  if (kernel === undefined) kernel = load();
  const k = kernel;
  if (k === null) return false;
  const prefixed = prefix >= 0 ? 1 : 0;
  const length = itemSize + prefixed;
  prepare(k, length, prefix);
  const rest = length % 64;
  const fullBlocks = (length - rest) / 64;
  const constBlock = rest === 0 || rest >= 56 ? 1 : 0;
  // Message bytes of the tail: after the full blocks (which, with a prefix, start one byte early), or
  // the whole message after the prefix already in the template when there is no full block.
  const tailSrc = fullBlocks === 0 ? 0 : 64 * fullBlocks - prefixed;
  const tailDst = fullBlocks === 0 ? prefixed : 0;
  const tailLen = rest === 0 ? 0 : rest - tailDst;
  const mask0 = prefixed ? 0x00ffffff : -1;
  const set0 = prefixed ? prefix << 24 : 0;
  const perCall = Math.max(4, Math.min(CHUNK_ITEMS, Math.floor(CHUNK_BYTES / Math.max(1, stride))) & ~3);
  const memory = k.memory;
  for (let first = 0; first < count; first += perCall) {
    const n = Math.min(perCall, count - first);
    const from = start + first * stride;
    // The last message needs only itemSize bytes: do not read past the end of data.
    memory.set(data.subarray(from, from + (n - 1) * stride + itemSize), IN_AT);
    k.hash(
      IN_AT,
      stride,
      n,
      OUT_AT,
      fullBlocks,
      tailLen,
      constBlock,
      -prefixed,
      tailSrc,
      tailDst,
      mask0,
      set0,
    );
    out.set(memory.subarray(OUT_AT, OUT_AT + 32 * n), outOffset + 32 * first);
  }
  return true;
}

/**
 * Hashes `count` messages of `itemSize` bytes starting at `data[start]`; digest i goes to
 * `out[outOffset + 32 i ..]`. Returns false, having done nothing, if the kernel cannot run here or
 * `itemSize` exceeds {@link SM3X4_MAX_ITEM}. The caller has validated every range.
 *
 * @internal
 */
export function sm3x4Fixed(
  data: Uint8Array,
  start: number,
  itemSize: number,
  count: number,
  out: Uint8Array,
  outOffset: number,
): boolean {
  return run(data, start, itemSize, itemSize, count, -1, out, outOffset);
}

/**
 * Hashes `count` messages `prefix ‖ data[start + itemSize i .. + itemSize)` (a Merkle tree's domain
 * byte in front of a leaf, or of two child digests); digest i goes to `out[outOffset + 32 i ..]`. `out`
 * may be `data` itself if digest i never lands on message bytes after message i (32 ≤ itemSize and
 * outOffset ≤ start). Returns false, having done nothing, if the kernel cannot run here or `itemSize`
 * is at least {@link SM3X4_MAX_ITEM}. The caller has validated every range.
 *
 * @internal
 */
export function sm3x4Prefixed(
  data: Uint8Array,
  start: number,
  itemSize: number,
  count: number,
  prefix: number,
  out: Uint8Array,
  outOffset: number,
): boolean {
  if (itemSize + 1 > SM3X4_MAX_ITEM) return false;
  return run(data, start, itemSize, itemSize, count, prefix & 0xff, out, outOffset);
}
