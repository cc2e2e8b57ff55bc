// Argument checks of the batched SM3 entry points: every mistake is a TypeError or a RangeError that
// names the parameter, and nothing is written to `out` when the arguments are rejected.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { packMessages, sm3Fixed, sm3Packed, validatePackedMessages } from '../src/sm3/index.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('sm3Packed arguments', () => {
  const data = new Uint8Array(100).map((_, i) => i);

  it('rejects decreasing offsets', () => {
    const out = new Uint8Array(64);
    expect(() => sm3Packed(data, Uint32Array.of(0, 10, 5), out)).toThrow(RangeError);
    expect(() => sm3Packed(data, Uint32Array.of(0, 10, 5), out)).toThrow(/offsets/);
    expect(out.every((b) => b === 0)).toBe(true);
  });

  it('rejects offsets past the end of data', () => {
    expect(() => sm3Packed(data, Uint32Array.of(0, 101), new Uint8Array(32))).toThrow(
      /offsets.*past the end/,
    );
    expect(() => sm3Packed(data, Uint32Array.of(200, 200), new Uint8Array(32))).toThrow(RangeError);
  });

  it('rejects empty offsets and non-Uint32Array offsets', () => {
    expect(() => sm3Packed(data, new Uint32Array(0), new Uint8Array(0))).toThrow(/offsets/);
    expect(() => sm3Packed(data, [0, 1] as unknown as Uint32Array, new Uint8Array(32))).toThrow(TypeError);
    expect(() => sm3Packed(data, Int32Array.of(0, 1) as unknown as Uint32Array, new Uint8Array(32))).toThrow(
      TypeError,
    );
  });

  it('rejects an out buffer that is too small, counting outOffset', () => {
    const offsets = Uint32Array.of(0, 10, 20);
    expect(() => sm3Packed(data, offsets, new Uint8Array(63))).toThrow(/out/);
    expect(() => sm3Packed(data, offsets, new Uint8Array(64), 1)).toThrow(RangeError);
    expect(() => sm3Packed(data, offsets, new Uint8Array(64), -1)).toThrow(/outOffset/);
    expect(() => sm3Packed(data, offsets, new Uint8Array(96), 1.5)).toThrow(/outOffset/);
  });

  it('rejects data and out that are not Uint8Array', () => {
    expect(() =>
      sm3Packed([1, 2] as unknown as Uint8Array, Uint32Array.of(0, 1), new Uint8Array(32)),
    ).toThrow(/data/);
    expect(() => sm3Packed(data, Uint32Array.of(0, 1), new Array(32) as unknown as Uint8Array)).toThrow(
      /out/,
    );
  });

  it('accepts zero messages, empty messages and an exactly sized out', () => {
    sm3Packed(data, Uint32Array.of(7), new Uint8Array(0));
    const out = new Uint8Array(64);
    sm3Packed(data, Uint32Array.of(5, 5, 100), out);
    expect(hex(out.subarray(0, 32))).toBe(createHash('sm3').update(new Uint8Array(0)).digest('hex'));
    expect(hex(out.subarray(32))).toBe(createHash('sm3').update(data.subarray(5)).digest('hex'));
  });

  it('validatePackedMessages returns the message count', () => {
    expect(validatePackedMessages(data, Uint32Array.of(0, 1, 1, 100))).toBe(3);
    expect(validatePackedMessages(new Uint8Array(0), Uint32Array.of(0))).toBe(0);
  });
});

describe('sm3Fixed arguments', () => {
  const data = new Uint8Array(256);

  it('rejects items that do not fit in data', () => {
    expect(() => sm3Fixed(data, 64, 5, new Uint8Array(160))).toThrow(/data/);
  });

  it('rejects an out buffer that is too small', () => {
    expect(() => sm3Fixed(data, 64, 4, new Uint8Array(127))).toThrow(RangeError);
    expect(() => sm3Fixed(data, 64, 4, new Uint8Array(128), 1)).toThrow(/out/);
  });

  it('rejects negative or fractional sizes and counts', () => {
    const out = new Uint8Array(1024);
    expect(() => sm3Fixed(data, -1, 1, out)).toThrow(/itemSize/);
    expect(() => sm3Fixed(data, 1.5, 1, out)).toThrow(/itemSize/);
    expect(() => sm3Fixed(data, 1, -1, out)).toThrow(/count/);
    expect(() => sm3Fixed(data, 1, Number.NaN, out)).toThrow(/count/);
    expect(() => sm3Fixed(data, 1, 1, out, -32)).toThrow(/outOffset/);
  });

  it('hashes zero-length items and writes at outOffset', () => {
    const out = new Uint8Array(96);
    sm3Fixed(data, 0, 2, out, 32);
    const empty = createHash('sm3').update(new Uint8Array(0)).digest('hex');
    expect(out.subarray(0, 32).every((b) => b === 0)).toBe(true);
    expect(hex(out.subarray(32, 64))).toBe(empty);
    expect(hex(out.subarray(64))).toBe(empty);
  });
});

describe('packMessages', () => {
  it('packs in order with count + 1 offsets', () => {
    const { data, offsets } = packMessages([Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3)]);
    expect(Array.from(data)).toEqual([1, 2, 3]);
    expect(Array.from(offsets)).toEqual([0, 2, 2, 3]);
  });

  it('rejects non-byte items', () => {
    expect(() => packMessages([Uint8Array.of(1), 'x' as unknown as Uint8Array])).toThrow(/messages\[1\]/);
    expect(() => packMessages('x' as unknown as Uint8Array[])).toThrow(TypeError);
  });
});
