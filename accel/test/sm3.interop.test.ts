// SM3 and HMAC-SM3 cross-checked against two independent implementations: OpenSSL through node:crypto
// and sm-crypto, then fast-check properties linking the one-shot, streaming and batched paths.
import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSm3, packMessages, Sm3, Sm3Hmac, sm3, sm3Fixed, sm3Packed } from '../src/sm3/index.ts';

// sm-crypto is CommonJS without type declarations. Its sm3() treats a string as UTF-8 text, so bytes
// go in as a number array; with { key } it computes HMAC-SM3 (key as hex or bytes). Both return hex.
interface SmCrypto {
  sm3(input: number[], options?: { key: number[] }): string;
}
const smCrypto = createRequire(import.meta.url)('sm-crypto') as SmCrypto;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const nodeSm3 = (m: Uint8Array): string => createHash('sm3').update(m).digest('hex');

// Deterministic bytes (xorshift32), so a failure reproduces.
function prng(seed: number): (n: number) => Uint8Array {
  let x = seed | 0 || 1;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = next() & 0xff;
    return out;
  };
}

const BOUNDARY_LENGTHS = [
  0, 1, 3, 31, 32, 33, 55, 56, 57, 63, 64, 65, 119, 120, 121, 127, 128, 129, 191, 192,
];

describe('SM3 against OpenSSL (node:crypto) and sm-crypto', () => {
  const bytes = prng(0x5eed);
  const lengths = [...BOUNDARY_LENGTHS];
  const pickLength = prng(0x1e9);
  for (let i = 0; i < 300; i++) {
    const r = pickLength(2);
    lengths.push(((r[0]! << 8) | r[1]!) % 5001);
  }

  it(`agrees on ${lengths.length} messages of 0..5000 bytes, boundaries included`, () => {
    let checked = 0;
    for (const len of lengths) {
      const m = bytes(len);
      const ours = hex(sm3(m));
      expect(ours, `length ${len} vs OpenSSL`).toBe(nodeSm3(m));
      expect(ours, `length ${len} vs sm-crypto`).toBe(smCrypto.sm3(Array.from(m)));
      checked++;
    }
    expect(checked).toBe(lengths.length);
  });

  it('agrees on every length 0..300 through one-shot, streaming and batched paths', () => {
    const m = bytes(300);
    const messages: Uint8Array[] = [];
    for (let len = 0; len <= 300; len++) messages.push(m.subarray(0, len));
    const { data, offsets } = packMessages(messages);
    const batched = new Uint8Array(32 * messages.length);
    sm3Packed(data, offsets, batched);
    messages.forEach((msg, i) => {
      const expected = nodeSm3(msg);
      expect(hex(sm3(msg))).toBe(expected);
      expect(hex(new Sm3().update(msg).digest())).toBe(expected);
      expect(hex(batched.subarray(32 * i, 32 * i + 32))).toBe(expected);
    });
  });

  it('hashes a 1 MiB message like OpenSSL (length field beyond 16 bits)', () => {
    const m = bytes(1 << 20);
    expect(hex(sm3(m))).toBe(nodeSm3(m));
  });
});

describe('properties', () => {
  it('streaming in random chunks equals one-shot', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 700 }),
        fc.array(fc.nat({ max: 150 }), { maxLength: 12 }),
        (msg, cuts) => {
          const h = new Sm3();
          let at = 0;
          for (const c of cuts) {
            h.update(msg.subarray(at, at + c));
            at = Math.min(msg.length, at + c);
          }
          h.update(msg.subarray(at));
          expect(hex(h.digest())).toBe(hex(sm3(msg)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sm3Packed of a random message set equals per-message sm3, at any outOffset', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }),
        fc.nat({ max: 3 }),
        (messages, slot) => {
          const { data, offsets } = packMessages(messages);
          const out = new Uint8Array(32 * (messages.length + slot)).fill(0xee);
          sm3Packed(data, offsets, out, 32 * slot);
          expect(out.subarray(0, 32 * slot).every((b) => b === 0xee)).toBe(true);
          messages.forEach((m, i) => {
            expect(hex(out.subarray(32 * (slot + i), 32 * (slot + i + 1)))).toBe(hex(sm3(m)));
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('sm3Packed honours offsets that do not start at 0 and leave gaps unused', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 400 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (data, raw) => {
          const offsets = Uint32Array.from(raw.map((r) => r % (data.length + 1)).sort((a, b) => a - b));
          if (offsets.length === 0) return;
          const count = offsets.length - 1;
          const out = new Uint8Array(32 * count);
          sm3Packed(data, offsets, out);
          for (let i = 0; i < count; i++) {
            expect(hex(out.subarray(32 * i, 32 * i + 32))).toBe(
              nodeSm3(data.subarray(offsets[i]!, offsets[i + 1]!)),
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('sm3Fixed equals per-item sm3 for every item size around the padding boundaries', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 0xffff }),
        (itemSize, count, seed) => {
          const data = prng(seed + 1)(itemSize * count + 7); // trailing bytes must be ignored
          const out = new Uint8Array(32 * count);
          sm3Fixed(data, itemSize, count, out);
          for (let i = 0; i < count; i++) {
            const item = data.subarray(itemSize * i, itemSize * (i + 1));
            expect(hex(out.subarray(32 * i, 32 * i + 32))).toBe(nodeSm3(item));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('HMAC-SM3 against OpenSSL (node:crypto) and sm-crypto', () => {
  const bytes = prng(0xac);
  const keyLengths = [0, 1, 16, 32, 63, 64, 65, 100, 128, 200];

  it('agrees for keys shorter than, equal to and longer than the 64-byte block', () => {
    for (const keyLength of keyLengths) {
      const key = bytes(keyLength);
      for (const len of [0, 1, 55, 56, 64, 65, 1000]) {
        const data = bytes(len);
        const ours = hex(hmacSm3(key, data));
        expect(ours, `key ${keyLength}, data ${len}`).toBe(createHmac('sm3', key).update(data).digest('hex'));
        if (keyLength > 0) {
          expect(ours, `sm-crypto, key ${keyLength}`).toBe(
            smCrypto.sm3(Array.from(data), { key: Array.from(key) }),
          );
        }
      }
    }
  });

  it('a reusable Sm3Hmac gives the same tags as one-shot calls and as macInto', () => {
    const key = bytes(70);
    const mac = new Sm3Hmac(key);
    const out = new Uint8Array(40);
    for (const len of [0, 10, 64, 129]) {
      const data = bytes(len);
      const expected = createHmac('sm3', key).update(data).digest('hex');
      expect(hex(mac.mac(data))).toBe(expected);
      mac.macInto(data, out, 8);
      expect(hex(out.subarray(8))).toBe(expected);
    }
  });

  it('different keys give different tags (the key is actually used)', () => {
    const data = bytes(20);
    expect(hex(hmacSm3(bytes(16), data))).not.toBe(hex(hmacSm3(bytes(16), data)));
  });

  it('rejects bad arguments', () => {
    expect(() => hmacSm3('k' as unknown as Uint8Array, new Uint8Array(1))).toThrow(TypeError);
    expect(() => hmacSm3(new Uint8Array(1), 'd' as unknown as Uint8Array)).toThrow(TypeError);
    const mac = new Sm3Hmac(new Uint8Array(8));
    expect(() => mac.macInto(new Uint8Array(1), new Uint8Array(31))).toThrow(RangeError);
    expect(() => mac.macInto(new Uint8Array(1), new Uint8Array(40), 9)).toThrow(/outOffset/);
  });
});
