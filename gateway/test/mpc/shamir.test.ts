import { shamirShare as circuitsShamirShare, reconstructShamir } from '@privgate/circuits';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELD_ORDER, fadd, fmul } from '../../src/mpc/field.ts';
import {
  evaluationPoint,
  lagrangeCoefficients,
  reconstructSecret,
  ShareOpener,
  shamirShare,
  shamirSharesFrom,
  thresholdFor,
} from '../../src/mpc/index.ts';
import { seededRandomness } from './helpers.ts';

const secret = fc.bigInt({ min: 0n, max: FIELD_ORDER - 1n });
const parties = fc.integer({ min: 3, max: 9 });
const rng = seededRandomness('shamir');

describe('Shamir sharing over F_r (points x_i = i + 1)', () => {
  it('uses t = ⌊(n − 1)/2⌋ and the circuits evaluation points', () => {
    expect([3, 4, 5, 6, 7].map(thresholdFor)).toEqual([1, 1, 2, 2, 3]);
    expect(evaluationPoint(0)).toBe(1n);
    expect(shamirSharesFrom(5n, [7n], 3)).toEqual([12n, 19n, 26n]);
  });

  it('is bit-for-bit the sharing of @privgate/circuits (ShareBinding) for the same coefficients (property)', () => {
    fc.assert(
      fc.property(secret, parties, (s, n) => {
        const t = thresholdFor(n);
        const ours = shamirShare(s, n, t, rng);
        const theirs = circuitsShamirShare(s, n, t, ours.coefficients);
        expect(ours.shares).toEqual(theirs.shares);
        expect(reconstructShamir(ours.shares.map((share, index) => ({ index, share })))).toBe(s);
      }),
      { numRuns: 30 },
    );
  });

  it('any t + 1 shares reconstruct the secret (property)', () => {
    fc.assert(
      fc.property(secret, parties, fc.array(fc.nat(), { minLength: 9, maxLength: 9 }), (s, n, keys) => {
        const t = thresholdFor(n);
        const { shares } = shamirShare(s, n, t, rng);
        // A pseudo-random (t + 1)-subset: sort party indices by the generated keys.
        const subset = shares
          .map((share, index) => ({ index, share, key: keys[index]! }))
          .sort((a, b) => a.key - b.key || a.index - b.index)
          .slice(0, t + 1);
        expect(reconstructSecret(subset)).toBe(s);
      }),
      { numRuns: 50 },
    );
  });

  it('sum and weighted sum of shares are shares of the sum and weighted sum (property)', () => {
    fc.assert(
      fc.property(
        parties,
        fc.array(fc.tuple(secret, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })), {
          minLength: 1,
          maxLength: 6,
        }),
        (n, terms) => {
          const t = thresholdFor(n);
          const sharings = terms.map(([v]) => shamirShare(v, n, t, rng).shares);
          const sumShares = Array.from({ length: n }, (_, i) =>
            sharings.reduce((acc, s) => fadd(acc, s[i]!), 0n),
          );
          const weighted = Array.from({ length: n }, (_, i) =>
            sharings.reduce((acc, s, k) => fadd(acc, fmul(terms[k]![1], s[i]!)), 0n),
          );
          const sum = terms.reduce((acc, [v]) => fadd(acc, v), 0n);
          const wsum = terms.reduce((acc, [v, w]) => fadd(acc, fmul(w, v)), 0n);
          const opener = new ShareOpener(n, t);
          expect(opener.open(sumShares)).toEqual({ consistent: true, secret: sum });
          expect(opener.open(weighted)).toEqual({ consistent: true, secret: wsum });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('products of two degree-t sharings open at degree 2t', () => {
    for (const n of [3, 4, 5]) {
      const t = thresholdFor(n);
      const a = shamirShare(6n, n, t, rng).shares;
      const b = shamirShare(7n, n, t, rng).shares;
      const product = a.map((x, i) => fmul(x, b[i]!));
      expect(new ShareOpener(n, 2 * t).open(product)).toEqual({ consistent: true, secret: 42n });
      // At degree t the product is (almost surely) not consistent when there is a redundant point.
      expect(new ShareOpener(n, t).open(product).consistent).toBe(false);
    }
  });

  it('detects a changed share when n ≥ d + 2 and names the party when n ≥ d + 3 (property)', () => {
    fc.assert(
      fc.property(
        secret,
        fc.integer({ min: 3, max: 8 }),
        fc.nat(),
        fc.bigInt({ min: 1n, max: FIELD_ORDER - 1n }),
        (s, n, pick, delta) => {
          const t = thresholdFor(n);
          const shares = shamirShare(s, n, t, rng).shares;
          const bad = pick % n;
          shares[bad] = fadd(shares[bad]!, delta);
          const result = new ShareOpener(n, t).open(shares);
          expect(result.consistent).toBe(false);
          if (!result.consistent) expect(result.blamed).toBe(n >= t + 3 ? bad : undefined);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the Lagrange coefficients at 0 over all n points sum to 1 and reconstruct degree-(n − 1) sharings', () => {
    for (const n of [3, 4, 5, 7]) {
      const lambda = lagrangeCoefficients(Array.from({ length: n }, (_, i) => i));
      expect(lambda.reduce(fadd, 0n)).toBe(1n);
      const { shares } = shamirShare(99n, n, n - 1, rng);
      expect(shares.reduce((acc, s, i) => fadd(acc, fmul(lambda[i]!, s)), 0n)).toBe(99n);
    }
  });

  it('rejects impossible parameters', () => {
    expect(() => shamirShare(1n, 3, 3, rng)).toThrow(RangeError);
    expect(() => new ShareOpener(3, 3)).toThrow(RangeError);
    expect(() => lagrangeCoefficients([0, 0])).toThrow(RangeError);
    expect(() => new ShareOpener(3, 1).open([1n, 2n])).toThrow(RangeError);
  });
});
