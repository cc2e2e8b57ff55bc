// SM3 against the examples of GB/T 32905-2016 Appendix A, plus the streaming object's contract.
import { describe, expect, it } from 'vitest';
import { Sm3, sm3, sm3Compress, sm3InitState } from '../src/sm3/index.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

// GB/T 32905-2016 Appendix A.1 and A.2.
const ABC_DIGEST = '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0';
const ABCD16_DIGEST = 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732';
// SM3 of the empty message (also the empty Merkle tree's root); OpenSSL gives the same value.
const EMPTY_DIGEST = '1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b';

describe('GB/T 32905-2016 Appendix A', () => {
  it('A.1: SM3("abc")', () => {
    expect(hex(sm3(ascii('abc')))).toBe(ABC_DIGEST);
  });

  it('A.2: SM3("abcd" x 16), a 64-byte message that needs a whole padding block', () => {
    expect(hex(sm3(ascii('abcd'.repeat(16))))).toBe(ABCD16_DIGEST);
  });

  it('the empty message', () => {
    expect(hex(sm3(new Uint8Array(0)))).toBe(EMPTY_DIGEST);
  });

  it('A.1 through the bare compression function on the padded block of §5.2', () => {
    const block = new Uint8Array(64);
    block.set(ascii('abc'));
    block[3] = 0x80;
    block[63] = 24; // bit length
    const state = new Uint32Array(8);
    sm3InitState(state);
    sm3Compress(state, block, 0);
    expect(Array.from(state, (w) => w.toString(16).padStart(8, '0')).join('')).toBe(ABC_DIGEST);
  });

  it('the compression function reads the block at the given offset', () => {
    const data = new Uint8Array(70);
    data.set(ascii('abc'), 5);
    data[8] = 0x80;
    data[68] = 24;
    const state = new Uint32Array(8);
    sm3InitState(state);
    sm3Compress(state, data, 5);
    expect(Array.from(state, (w) => w.toString(16).padStart(8, '0')).join('')).toBe(ABC_DIGEST);
  });

  it('streams the vectors in every split', () => {
    const msg = ascii('abcd'.repeat(16));
    for (let cut = 0; cut <= msg.length; cut++) {
      const h = new Sm3().update(msg.subarray(0, cut)).update(msg.subarray(cut));
      expect(hex(h.digest())).toBe(ABCD16_DIGEST);
    }
    expect(hex(new Sm3().update(ascii('a')).update(ascii('')).update(ascii('bc')).digest())).toBe(ABC_DIGEST);
  });

  it('does not modify its input', () => {
    const msg = ascii('abcd'.repeat(20));
    const copy = msg.slice();
    sm3(msg);
    new Sm3().update(msg).digest();
    expect(msg).toEqual(copy);
  });
});

describe('Sm3 streaming object', () => {
  it('refuses update, digest and clone after digest', () => {
    const h = new Sm3().update(ascii('abc'));
    expect(hex(h.digest())).toBe(ABC_DIGEST);
    expect(() => h.digest()).toThrow(/digest\(\) was already called/);
    expect(() => h.update(ascii('x'))).toThrow(Error);
    expect(() => h.clone()).toThrow(Error);
  });

  it('clone() forks an independent computation', () => {
    const prefix = new Sm3().update(ascii('ab'));
    const fork = prefix.clone();
    expect(hex(prefix.update(ascii('c')).digest())).toBe(ABC_DIGEST);
    // The fork is unaffected by the original's later update and digest.
    expect(hex(fork.update(ascii('c')).digest())).toBe(ABC_DIGEST);
    const other = new Sm3().update(ascii('ab'));
    const otherFork = other.clone().update(ascii('zz'));
    expect(hex(other.update(ascii('c')).digest())).toBe(ABC_DIGEST);
    expect(hex(otherFork.digest())).not.toBe(ABC_DIGEST);
  });

  it('clone() carries buffered bytes and the length across a block boundary', () => {
    const msg = ascii('abcd'.repeat(16));
    const h = new Sm3().update(msg.subarray(0, 61));
    const c = h.clone();
    expect(hex(c.update(msg.subarray(61)).digest())).toBe(ABCD16_DIGEST);
    expect(hex(h.update(msg.subarray(61)).digest())).toBe(ABCD16_DIGEST);
  });

  it('update returns this for chaining', () => {
    const h = new Sm3();
    expect(h.update(ascii('a'))).toBe(h);
  });
});

describe('argument checks', () => {
  it('sm3 and update reject non-bytes with TypeError', () => {
    expect(() => sm3('abc' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => new Sm3().update([1, 2, 3] as unknown as Uint8Array)).toThrow(/chunk/);
  });

  it('sm3Compress checks the state and the block range', () => {
    const state = new Uint32Array(8);
    sm3InitState(state);
    const block = new Uint8Array(64);
    expect(() => sm3Compress(new Uint32Array(7), block, 0)).toThrow(RangeError);
    expect(() => sm3Compress(new Int32Array(8) as unknown as Uint32Array, block, 0)).toThrow(TypeError);
    expect(() => sm3Compress(state, block, 1)).toThrow(/offset/);
    expect(() => sm3Compress(state, block, -1)).toThrow(RangeError);
    expect(() => sm3Compress(state, block, 0.5)).toThrow(RangeError);
    expect(() => sm3Compress(state, new Uint8Array(63), 0)).toThrow(RangeError);
    expect(() => sm3InitState(new Uint32Array(9))).toThrow(RangeError);
  });
});
