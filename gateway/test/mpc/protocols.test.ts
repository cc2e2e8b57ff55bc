import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELD_ORDER, fmul } from '../../src/mpc/field.ts';
import { isMpcError } from '../../src/mpc/index.ts';
import { bitLessThanRounds, prefixProducts, publicLessThanBits } from '../../src/mpc/protocols/bit-lt.ts';
import { compareRounds, compareWithThreshold } from '../../src/mpc/protocols/compare.ts';
import { combineDealings, dealRandomness } from '../../src/mpc/protocols/deal.ts';
import { mod2m } from '../../src/mpc/protocols/mod2m.ts';
import { multiply } from '../../src/mpc/protocols/mul.ts';
import { bitsFromOpenedSquares, randomBits } from '../../src/mpc/protocols/random-bit.ts';
import { localGroup } from './local-group.ts';

// Column m of every party's vector: party i's share of value m.
const column = (rows: readonly bigint[][], m: number): bigint[] => rows.map((r) => r[m]!);

/** Deals (as every compute party would in round 1) and combines, giving each party its summed shares. */
function dealt(n: number, t: number, bits: number | undefined, seed: string) {
  const g = localGroup(n, seed);
  const dealings = g.contexts.map((ctx) => dealRandomness(n, t, bits, ctx.rng));
  return Array.from({ length: n }, (_, i) =>
    combineDealings(
      dealings.map((d) => d[i]!),
      bits,
    ),
  );
}

describe('GRR multiplication (degree reduction in one round)', () => {
  it.each([3, 4, 5, 7])('n = %i: products of shared values, one round, fresh degree-t output', async (n) => {
    const g = localGroup(n, `mul${n}`);
    const xs = [0n, 1n, 12345n, FIELD_ORDER - 1n];
    const ys = [9n, FIELD_ORDER - 1n, 678n, FIELD_ORDER - 1n];
    const xShares = xs.map((x) => g.share(x));
    const yShares = ys.map((y) => g.share(y));
    const out = await g.run((ctx, i) =>
      multiply(
        ctx,
        xShares.map((s) => s[i]!),
        yShares.map((s) => s[i]!),
      ),
    );
    xs.forEach((x, m) => expect(g.open(column(out, m))).toBe(fmul(x, ys[m]!)));
    expect(g.rounds()).toBe(1);
  });
});

describe('random bits by the squaring trick (DFKNT TCC 2006)', () => {
  it('derives 0/1 bits, skipping candidates whose square opened to 0 (the retry)', () => {
    const squares = [0n, 4n, 9n];
    // Candidate shares here are the values themselves (a "sharing" among one party).
    const bits = bitsFromOpenedSquares([0n, FIELD_ORDER - 2n, 3n], squares, 2);
    expect(bits).toEqual([0n, 1n]);
    expect(() => bitsFromOpenedSquares([0n, 0n, 3n], [0n, 0n, 9n], 2)).toThrow(/usable/);
  });

  it('rejects an opened value that is not a square (a deviating party)', () => {
    let thrown: unknown;
    try {
      bitsFromOpenedSquares([1n], [5n], 1);
    } catch (err) {
      thrown = err;
    }
    expect(isMpcError(thrown, 'MPC_PROTOCOL_ABORT')).toBe(true);
  });

  it.each([3, 4, 5])('n = %i: shared bits are bits, both values occur, one round', async (n) => {
    const g = localGroup(n, `bits${n}`);
    const material = dealt(n, g.t, 70, `bits${n}`);
    const out = await g.run((ctx, i) =>
      randomBits(ctx, material[i]!.compare!.candidates, material[i]!.compare!.squareMasks, 70),
    );
    const bits = Array.from({ length: 70 }, (_, m) => g.open(column(out, m)));
    expect(bits.every((b) => b === 0n || b === 1n)).toBe(true);
    const ones = bits.filter((b) => b === 1n).length;
    // 70 fair coins: fewer than 15 or more than 55 ones has probability < 1e-6.
    expect(ones).toBeGreaterThan(15);
    expect(ones).toBeLessThan(55);
    expect(g.rounds()).toBe(1);
  });
});

describe('bitwise less-than with a public operand', () => {
  it('computes prefix products in ⌈log2 ℓ⌉ rounds', async () => {
    const g = localGroup(3, 'prefix');
    const values = [2n, 3n, 5n, 7n, 11n, 13n, 17n];
    const shares = values.map((v) => g.share(v));
    const out = await g.run((ctx, i) =>
      prefixProducts(
        ctx,
        shares.map((s) => s[i]!),
      ),
    );
    let acc = 1n;
    values.forEach((v, k) => {
      acc *= v;
      expect(g.open(column(out, k))).toBe(acc);
    });
    expect(g.rounds()).toBe(3);
  });

  it('[c < r] for every c and r of 4 bits (exhaustive, n = 3)', async () => {
    const g = localGroup(3, 'bitlt');
    for (let r = 0; r < 16; r++) {
      const bitShares = [0, 1, 2, 3].map((i) => g.share(BigInt((r >> i) & 1)));
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, c) =>
          g.run((ctx, i) =>
            publicLessThanBits(
              ctx,
              BigInt(c),
              bitShares.map((s) => s[i]!),
            ),
          ),
        ),
      );
      results.forEach((shares, c) => expect(g.open(shares)).toBe(c < r ? 1n : 0n));
    }
    expect(bitLessThanRounds(4)).toBe(2);
    expect(bitLessThanRounds(70)).toBe(7);
  });
});

describe('Mod2m and comparison with a public threshold', () => {
  it('z mod 2^m for z at the edges of [0, 2^k) (n = 4)', async () => {
    const n = 4;
    const m = 8;
    const k = 9;
    for (const z of [0n, 1n, 255n, 256n, 257n, 511n]) {
      const g = localGroup(n, `mod2m${z}`);
      const rBits = Array.from({ length: m }, (_, i) => g.share(BigInt((0xa5 >> i) & 1)));
      const high = g.share(12345n);
      const zShares = g.share(z);
      const out = await g.run((ctx, i) =>
        mod2m(ctx, zShares[i]!, k, {
          bits: rBits.map((s) => s[i]!),
          high: high[i]!,
        }),
      );
      expect(g.open(out)).toBe(z % 256n);
      expect(g.rounds()).toBe(1 + bitLessThanRounds(m));
    }
  });

  it('[x ≥ T] at and around the threshold, with the documented round count (n = 3, 5)', async () => {
    const bits = 70;
    const max = (1n << 70n) - 1n;
    const cases: Array<[bigint, bigint]> = [
      [0n, 0n],
      [0n, 1n],
      [1000n, 999n],
      [1000n, 1000n],
      [1000n, 1001n],
      [max, max],
      [max, 1n << 70n],
      [max - 1n, max],
    ];
    for (const n of [3, 5]) {
      for (const [x, threshold] of n === 3 ? cases : cases.slice(2, 5)) {
        const g = localGroup(n, `cmp${n}/${x}/${threshold}`);
        const material = dealt(n, g.t, bits, `cmp${n}/${x}/${threshold}`);
        const xShares = g.share(x);
        const out = await g.run((ctx, i) =>
          compareWithThreshold(ctx, xShares[i]!, threshold, bits, material[i]!.compare!),
        );
        expect(g.open(out)).toBe(x >= threshold ? 1n : 0n);
        expect(g.rounds()).toBe(compareRounds(bits));
      }
    }
  });

  it('random values and thresholds (property, n = 3)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 0n, max: (1n << 70n) - 1n }),
        fc.bigInt({ min: 0n, max: 1n << 70n }),
        fc.nat(),
        async (x, threshold, seed) => {
          const g = localGroup(3, `prop${seed}`);
          const material = dealt(3, 1, 70, `prop${seed}`);
          const xShares = g.share(x);
          const out = await g.run((ctx, i) =>
            compareWithThreshold(ctx, xShares[i]!, threshold, 70, material[i]!.compare!),
          );
          expect(g.open(out)).toBe(x >= threshold ? 1n : 0n);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('aborts when the value is far outside its bound (detected by the masked opening)', async () => {
    const g = localGroup(3, 'oob');
    const material = dealt(3, 1, 70, 'oob');
    // 2^200: far above the bound. (A small "negative" value such as r − 5 wraps into range and is not
    // detected: the RecordInclusion range proof is what excludes it.)
    const xShares = g.share(1n << 200n);
    const outcomes = await Promise.allSettled(
      g.contexts.map((ctx, i) => compareWithThreshold(ctx, xShares[i]!, 10n, 70, material[i]!.compare!)),
    );
    for (const o of outcomes) {
      expect(o.status).toBe('rejected');
      if (o.status === 'rejected') expect(isMpcError(o.reason, 'MPC_PROTOCOL_ABORT')).toBe(true);
    }
  });
});
