/**
 * The console's Buffer for the browser against Node's own Buffer: the conversions the shared ledger and
 * gateway modules use agree on random inputs (fast-check), including Node's quirks (hex decoding stops at
 * the first non-hex pair), and an encoding it does not implement is refused, not guessed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BrowserBuffer, bufferFrom } from '../../console/src/platform/buffer.ts';

const bytes = fc.uint8Array({ maxLength: 200 });
const same = (a: Uint8Array, b: Uint8Array) => expect(Array.from(a)).toEqual(Array.from(b));

describe('BrowserBuffer (the console’s Buffer) agrees with Node’s Buffer', () => {
  it('hex, base64, latin1 and utf8 round trips', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        for (const enc of ['hex', 'base64', 'latin1', 'binary'] as const) {
          const text = Buffer.from(b).toString(enc);
          expect(bufferFrom(b).toString(enc)).toBe(text);
          same(bufferFrom(text, enc), Buffer.from(text, enc));
        }
        expect(bufferFrom(b).toString('utf8')).toBe(Buffer.from(b).toString('utf8'));
        expect(bufferFrom(b).toString('ascii')).toBe(Buffer.from(b).toString('ascii'));
      }),
    );
  });

  it('text in utf8, latin1 and ascii, and byteLength', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        for (const enc of ['utf8', 'latin1', 'ascii'] as const) {
          same(bufferFrom(s, enc), Buffer.from(s, enc));
          expect(BrowserBuffer.byteLength(s, enc)).toBe(Buffer.byteLength(s, enc));
        }
      }),
    );
  });

  it('decodes hex as Node does: up to the first pair that is not hex', () => {
    for (const text of ['0a0b', '0a0', 'zz01', '01zz02', '', 'ABcd', '0x12']) {
      same(bufferFrom(text, 'hex'), Buffer.from(text, 'hex'));
    }
  });

  it('decodes URL-safe and unpadded base64 as Node does', () => {
    for (const text of ['-_-_', 'AQID', 'AQI', 'AQ', 'A Q I D', '/+/+']) {
      same(bufferFrom(text, 'base64'), Buffer.from(text, 'base64'));
    }
  });

  it('compare, equals, concat and views of an ArrayBuffer', () => {
    fc.assert(
      fc.property(bytes, bytes, fc.nat({ max: 300 }), (a, b, limit) => {
        expect(BrowserBuffer.compare(a, b)).toBe(Buffer.compare(a, b));
        expect(bufferFrom(a).equals(b)).toBe(Buffer.from(a).equals(b));
        same(BrowserBuffer.concat([a, b]), Buffer.concat([a, b]));
        same(
          BrowserBuffer.concat([a, b], Math.min(limit, a.length + b.length)),
          Buffer.concat([a, b], Math.min(limit, a.length + b.length)),
        );
        const offset = Math.min(limit, a.length);
        same(bufferFrom(a.buffer, a.byteOffset + offset, a.length - offset), a.subarray(offset));
      }),
    );
  });

  it('copies arrays of bytes (as Buffer.from does) and shares ArrayBuffers', () => {
    const source = Uint8Array.of(1, 2, 3);
    const copy = bufferFrom(source);
    const view = bufferFrom(source.buffer);
    source[0] = 9;
    expect(copy[0]).toBe(1);
    expect(view[0]).toBe(9);
    expect(BrowserBuffer.isBuffer(copy)).toBe(true);
    expect(BrowserBuffer.isBuffer(source)).toBe(false);
  });

  it('refuses an encoding it does not implement, and values that are not bytes', () => {
    expect(() => bufferFrom('abc', 'ucs2')).toThrow(TypeError);
    expect(() => bufferFrom(Uint8Array.of(1)).toString('utf16le')).toThrow(/Unknown encoding/);
    expect(() => bufferFrom(42 as unknown as string)).toThrow(TypeError);
  });

  it('is Buffer.from on the constructor, so `Buffer.from(…)` calls it once installed', () => {
    const B = BrowserBuffer as unknown as { from: typeof bufferFrom };
    expect(B.from('ff00', 'hex').toString('hex')).toBe('ff00');
    expect(B.from('ff00', 'hex')).toBeInstanceOf(BrowserBuffer);
  });
});
