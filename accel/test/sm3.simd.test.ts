// The 4-lane WebAssembly SIMD kernel (src/sm3/simd): GB/T 32905 vectors, every length 0..300 and the
// block boundaries beyond, batch sizes that are not multiples of four, against OpenSSL (node:crypto);
// the scalar equal-length path it replaces, and the binary writer's argument checks.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashFixedScalar } from '../src/sm3/batch.ts';
import { packMessages, sm3, sm3Fixed, sm3MerkleRoot, sm3Packed } from '../src/sm3/index.ts';
import {
  SM3X4_MAX_ITEM,
  sm3x4Available,
  sm3x4Fixed,
  sm3x4Prefixed,
  sm3x4Validates,
} from '../src/sm3/simd/sm3x4.ts';
import { buildSm3x4Module } from '../src/sm3/simd/sm3x4-module.ts';
import { FunctionBody } from '../src/sm3/simd/wasm-writer.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const nodeSm3 = (m: Uint8Array): string => createHash('sm3').update(m).digest('hex');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

// Deterministic bytes (xorshift32), so a failure reproduces.
function prng(seed: number): (n: number) => Uint8Array {
  let x = seed | 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
    return out;
  };
}

/** Runs the kernel on `count` items of `size` bytes at `start` of `data`, digests at `outOffset`. */
function kernel(data: Uint8Array, start: number, size: number, count: number, outOffset = 0): Uint8Array {
  const out = new Uint8Array(outOffset + 32 * count);
  expect(sm3x4Fixed(data, start, size, count, out, outOffset)).toBe(true);
  return out;
}

function expectDigests(
  data: Uint8Array,
  start: number,
  size: number,
  count: number,
  out: Uint8Array,
  at = 0,
) {
  for (let i = 0; i < count; i++) {
    const item = data.subarray(start + size * i, start + size * (i + 1));
    expect(hex(out.subarray(at + 32 * i, at + 32 * i + 32)), `size ${size}, item ${i} of ${count}`).toBe(
      nodeSm3(item),
    );
  }
}

describe('4-lane SIMD SM3 kernel', () => {
  it('runs on this engine (Node 20 has WebAssembly SIMD) and the module validates', () => {
    expect(sm3x4Available()).toBe(true);
    expect(sm3x4Validates(8)).toBe(true);
    expect(buildSm3x4Module(8).subarray(0, 4)).toEqual(Uint8Array.of(0, 0x61, 0x73, 0x6d));
  });

  it('GB/T 32905 Appendix A: "abc" and "abcd" x 16 in every lane', () => {
    const abc = new Uint8Array(3 * 5);
    for (let i = 0; i < 5; i++) abc.set(ascii('abc'), 3 * i);
    const out = kernel(abc, 0, 3, 5);
    for (let i = 0; i < 5; i++) {
      expect(hex(out.subarray(32 * i, 32 * i + 32))).toBe(
        '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
      );
    }
    const abcd = ascii('abcd'.repeat(16 * 6));
    const out64 = kernel(abcd, 0, 64, 6);
    for (let i = 0; i < 6; i++) {
      expect(hex(out64.subarray(32 * i, 32 * i + 32))).toBe(
        'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
      );
    }
  });

  it('agrees with OpenSSL for every length 0..300, with 1 to 9 messages, from an odd start', () => {
    const bytes = prng(0x51d);
    for (let size = 0; size <= 300; size++) {
      const count = 1 + (size % 9);
      const data = bytes(3 + size * count + 5);
      expectDigests(data, 3, size, count, kernel(data, 3, size, count, 64), 64);
    }
  });

  it('agrees around the block boundaries of longer messages and at the size limit', () => {
    const bytes = prng(0xb10c);
    for (const size of [511, 512, 513, 1000, 1023, 1024, 1080, 1085, 4096, 5000, SM3X4_MAX_ITEM - 1]) {
      const data = bytes(size * 5);
      expectDigests(data, 0, size, 5, kernel(data, 0, size, 5));
    }
  });

  it('handles batches larger than one kernel call, and lanes past the end of a partial group', () => {
    const bytes = prng(0xca11);
    for (const [size, count] of [
      [64, 4096 + 4 + 3],
      [65, 4099],
      [33, 8195],
      [1024, 257],
      [0, 5000],
    ] as const) {
      const data = bytes(size * count);
      expectDigests(data, 0, size, count, kernel(data, 0, size, count));
    }
  });

  it('keeps results apart when the item size changes between calls (padding is re-prepared)', () => {
    const bytes = prng(0x5a5a);
    for (const size of [64, 57, 64, 1, 56, 0, 128, 55, 64]) {
      const data = bytes(size * 7);
      expectDigests(data, 0, size, 7, kernel(data, 0, size, 7));
    }
  });

  it('writes only the digests it was asked for', () => {
    const data = prng(7)(64 * 6);
    const out = new Uint8Array(32 * 8).fill(0xee);
    expect(sm3x4Fixed(data, 0, 64, 6, out, 32)).toBe(true);
    expect(out.subarray(0, 32).every((b) => b === 0xee)).toBe(true);
    expect(out.subarray(32 * 7).every((b) => b === 0xee)).toBe(true);
    expectDigests(data, 0, 64, 6, out, 32);
  });

  it('declines items over its size limit without touching the output', () => {
    const data = new Uint8Array((SM3X4_MAX_ITEM + 1) * 4);
    const out = new Uint8Array(32 * 4).fill(0xee);
    expect(sm3x4Fixed(data, 0, SM3X4_MAX_ITEM + 1, 4, out, 0)).toBe(false);
    expect(out.every((b) => b === 0xee)).toBe(true);
    // sm3Fixed still hashes them, through the scalar path.
    sm3Fixed(data, SM3X4_MAX_ITEM + 1, 4, out);
    expectDigests(data, 0, SM3X4_MAX_ITEM + 1, 4, out);
  });
});

describe('4-lane kernel with a prefix byte (Merkle leaves and nodes)', () => {
  const prefixed = (prefix: number, m: Uint8Array): string =>
    createHash('sm3').update(Uint8Array.of(prefix)).update(m).digest('hex');

  it('agrees with OpenSSL on prefix ‖ message for every length 0..300 and several prefixes', () => {
    const bytes = prng(0x9e);
    for (let size = 0; size <= 300; size++) {
      const prefix = [0x00, 0x01, 0x80, 0xff][size % 4]!;
      const count = 1 + (size % 7);
      const data = bytes(1 + size * count);
      const out = new Uint8Array(32 * count);
      expect(sm3x4Prefixed(data, 1, size, count, prefix, out, 0)).toBe(true);
      for (let i = 0; i < count; i++) {
        const m = data.subarray(1 + size * i, 1 + size * (i + 1));
        expect(hex(out.subarray(32 * i, 32 * i + 32)), `size ${size}, item ${i}`).toBe(prefixed(prefix, m));
      }
    }
  });

  it('reduces a level of digests in place: SM3(0x01 ‖ left ‖ right) for each pair', () => {
    const level = prng(0x1e7)(32 * 2 * 4103);
    const pairs = level.slice();
    expect(sm3x4Prefixed(level, 0, 64, 4103, 0x01, level, 0)).toBe(true);
    for (let p = 0; p < 4103; p++) {
      expect(hex(level.subarray(32 * p, 32 * p + 32))).toBe(
        prefixed(0x01, pairs.subarray(64 * p, 64 * p + 64)),
      );
    }
  });

  it('declines messages whose prefixed length reaches the size limit', () => {
    const out = new Uint8Array(128).fill(0xee);
    const data = new Uint8Array(4 * SM3X4_MAX_ITEM);
    expect(sm3x4Prefixed(data, 0, SM3X4_MAX_ITEM, 4, 0x00, out, 0)).toBe(false);
    expect(out.every((b) => b === 0xee)).toBe(true);
  });

  it('Merkle roots of packed leaves that start past offset 0 match the array form', () => {
    const leaves = Array.from({ length: 1000 }, (_, i) => prng(i + 3)(32));
    const packed = packMessages([new Uint8Array(5), ...leaves]);
    const offsets = packed.offsets.subarray(1);
    expect(offsets[0]).toBe(5);
    expect(hex(sm3MerkleRoot({ data: packed.data, offsets }))).toBe(hex(sm3MerkleRoot(leaves)));
  });
});

describe('equal-length batches through the public entry points', () => {
  it('the scalar path (no SIMD engines, tiny batches) equals the SIMD path', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 4, max: 13 }),
        fc.integer({ min: 0, max: 0xffff }),
        (size, count, seed) => {
          const data = prng(seed + 1)(size * count + 2);
          const simd = new Uint8Array(32 * count);
          const scalar = new Uint8Array(32 * count);
          expect(sm3x4Fixed(data, 2, size, count, simd, 0)).toBe(true);
          hashFixedScalar(data, 2, size, count, scalar, 0);
          expect(hex(simd)).toBe(hex(scalar));
          expect(hex(simd.subarray(0, 32))).toBe(hex(sm3(data.subarray(2, 2 + size))));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('sm3Packed takes the equal-length path when offsets advance evenly, from any first offset', () => {
    const bytes = prng(0xfeed);
    for (const [first, size, count] of [
      [0, 64, 9],
      [5, 32, 4],
      [1, 65, 11],
      [0, 0, 6],
      [3, 56, 3],
    ] as const) {
      const data = bytes(first + size * count + 4);
      const offsets = Uint32Array.from({ length: count + 1 }, (_, i) => first + size * i);
      const out = new Uint8Array(32 * count);
      sm3Packed(data, offsets, out);
      expectDigests(data, first, size, count, out);
    }
  });

  it('a batch with one odd length out still hashes every message right', () => {
    const messages = Array.from({ length: 10 }, (_, i) => prng(i + 1)(i === 6 ? 63 : 64));
    const { data, offsets } = packMessages(messages);
    const out = new Uint8Array(32 * messages.length);
    sm3Packed(data, offsets, out);
    messages.forEach((m, i) => expect(hex(out.subarray(32 * i, 32 * i + 32))).toBe(nodeSm3(m)));
  });
});

describe('WebAssembly binary writer', () => {
  it('rejects a shuffle without 16 lane indices in 0..31', () => {
    const fb = new FunctionBody(0);
    expect(() => fb.shuffle([0, 1, 2])).toThrow(RangeError);
    expect(() => fb.shuffle(Array.from({ length: 16 }, () => 32))).toThrow(RangeError);
  });

  it('rejects a negative or fractional local index', () => {
    const fb = new FunctionBody(0);
    expect(() => fb.get(-1)).toThrow(RangeError);
    expect(() => fb.get(1.5)).toThrow(RangeError);
  });
});
