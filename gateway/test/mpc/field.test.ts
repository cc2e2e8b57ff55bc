import { FIELD_MODULUS } from '@privgate/circuits';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FIELD_ORDER,
  fadd,
  fieldElementBytes,
  finv,
  fmul,
  fneg,
  fsqrtCanonical,
  fsub,
  readFieldElement,
} from '../../src/mpc/field.ts';
import { randomBelowPowerOfTwo, randomFieldElement, systemRandomness } from '../../src/mpc/randomness.ts';
import { seededRandomness } from './helpers.ts';

const element = fc.bigInt({ min: 0n, max: FIELD_ORDER - 1n });
const nonZero = fc.bigInt({ min: 1n, max: FIELD_ORDER - 1n });

describe('F_r arithmetic (BN254 scalar field)', () => {
  it('is the circuits field', () => {
    expect(FIELD_ORDER).toBe(FIELD_MODULUS);
  });

  it('add, sub, neg and mul agree with bigint arithmetic mod r (property)', () => {
    fc.assert(
      fc.property(element, element, (a, b) => {
        expect(fadd(a, b)).toBe((a + b) % FIELD_ORDER);
        expect(fsub(a, b)).toBe((((a - b) % FIELD_ORDER) + FIELD_ORDER) % FIELD_ORDER);
        expect(fadd(a, fneg(a))).toBe(0n);
        expect(fmul(a, b)).toBe((a * b) % FIELD_ORDER);
      }),
      { numRuns: 100 },
    );
  });

  it('inverts every non-zero element and refuses zero', () => {
    fc.assert(
      fc.property(nonZero, (a) => {
        expect(fmul(a, finv(a))).toBe(1n);
      }),
      { numRuns: 50 },
    );
    expect(() => finv(0n)).toThrow(RangeError);
  });

  it('takes the canonical root of a square: the same for a and −a, at most (r − 1)/2 (property)', () => {
    fc.assert(
      fc.property(nonZero, (a) => {
        const s = fsqrtCanonical(fmul(a, a));
        expect(fmul(s, s)).toBe(fmul(a, a));
        expect(s <= FIELD_ORDER >> 1n).toBe(true);
        expect(fsqrtCanonical(fmul(fneg(a), fneg(a)))).toBe(s);
        expect(s === a || s === fneg(a)).toBe(true);
      }),
      { numRuns: 20 },
    );
    // A small quadratic non-residue, found by Euler's criterion.
    const nonResidue = [5n, 7n, 11n, 13n].find(
      (x) => modPow(x, (FIELD_ORDER - 1n) / 2n) === FIELD_ORDER - 1n,
    )!;
    expect(() => fsqrtCanonical(nonResidue)).toThrow(RangeError);
  });

  it('encodes elements as 32 big-endian bytes and back (property)', () => {
    fc.assert(
      fc.property(element, (a) => {
        const bytes = fieldElementBytes(a);
        expect(bytes).toHaveLength(32);
        expect(readFieldElement(bytes, 0)).toBe(a);
      }),
      { numRuns: 100 },
    );
    expect(fieldElementBytes(1n)[31]).toBe(1);
    expect(() => fieldElementBytes(FIELD_ORDER)).toThrow(RangeError);
  });
});

describe('randomness', () => {
  it('draws field elements and bounded integers in range', () => {
    for (const rng of [systemRandomness, seededRandomness('range')]) {
      for (let i = 0; i < 200; i++) {
        const x = randomFieldElement(rng);
        expect(x >= 0n && x < FIELD_ORDER).toBe(true);
        expect(randomBelowPowerOfTwo(rng, 41) < 1n << 41n).toBe(true);
      }
    }
    expect(() => randomBelowPowerOfTwo(systemRandomness, 0)).toThrow(RangeError);
  });

  it('the seeded TEST source is reproducible and seed-dependent; the system source is not repeatable', () => {
    const a = seededRandomness(7);
    const b = seededRandomness(7);
    const c = seededRandomness(8);
    const xa = randomFieldElement(a);
    expect(randomFieldElement(b)).toBe(xa);
    expect(randomFieldElement(c)).not.toBe(xa);
    expect(randomFieldElement(systemRandomness)).not.toBe(randomFieldElement(systemRandomness));
  });

  it('uses the top bits of 41-bit draws (no stuck bits)', () => {
    const rng = seededRandomness('bits');
    let or = 0n;
    for (let i = 0; i < 64; i++) or |= randomBelowPowerOfTwo(rng, 41);
    expect(or).toBe((1n << 41n) - 1n);
  });
});

function modPow(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = base % FIELD_ORDER;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % FIELD_ORDER;
    b = (b * b) % FIELD_ORDER;
    e >>= 1n;
  }
  return result;
}
