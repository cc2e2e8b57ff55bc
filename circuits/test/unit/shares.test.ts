import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  additiveShare,
  FIELD_MODULUS,
  reconstructAdditive,
  reconstructShamir,
  shamirShare,
  shareEvaluationPoint,
} from '../../src/index.ts';

const secret = fc.bigInt({ min: 0n, max: FIELD_MODULUS - 1n });

describe('secret sharing (ShareBinding conventions)', () => {
  it('evaluates party i at x = i + 1', () => {
    expect(shareEvaluationPoint(0)).toBe(1n);
    const { shares } = shamirShare(5n, 3, 1, [7n]);
    expect(shares).toEqual([12n, 19n, 26n]);
  });

  it('Shamir: any t + 1 shares reconstruct the secret (property)', () => {
    fc.assert(
      fc.property(
        secret,
        fc
          .integer({ min: 2, max: 6 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n - 1 }))),
        fc.nat(),
        (s, [n, t], skip) => {
          const { shares } = shamirShare(s, n, t);
          const all = shares.map((share, index) => ({ index, share }));
          expect(reconstructShamir(all)).toBe(s);
          // Drop parties so that exactly t + 1 remain, starting at a random offset.
          const start = skip % (n - t);
          expect(reconstructShamir(all.slice(start, start + t + 1))).toBe(s);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('additive: the shares sum to the secret (property)', () => {
    fc.assert(
      fc.property(secret, fc.integer({ min: 2, max: 8 }), (s, n) => {
        const { shares, degree } = additiveShare(s, n);
        expect(degree).toBe(0);
        expect(shares).toHaveLength(n);
        expect(reconstructAdditive(shares)).toBe(s);
      }),
      { numRuns: 30 },
    );
  });

  it('rejects impossible parameters', () => {
    expect(() => shamirShare(1n, 3, 3)).toThrow(RangeError);
    expect(() => shamirShare(1n, 1, 0)).toThrow(RangeError);
    expect(() => shamirShare(1n, 3, 1, [1n, 2n])).toThrow(RangeError);
    expect(() =>
      reconstructShamir([
        { index: 0, share: 1n },
        { index: 0, share: 2n },
      ]),
    ).toThrow(RangeError);
  });
});
