/** Genesis validator sets, thresholds and round-robin proposers. */
import { describe, expect, it } from 'vitest';
import { ConsensusErrorCode, proposerOf, ValidatorSet } from '../../src/consensus/index.ts';

const genesis = (ids: string[]) => ({
  chainId: 'c',
  validators: ids.map((id) => ({ id, publicKey: new Uint8Array([1]) })),
});
const ids = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);

describe('ValidatorSet', () => {
  it.each([
    [1, 0, 1, 1],
    [4, 1, 3, 2],
    [7, 2, 5, 3],
    [10, 3, 7, 4],
  ])('n = %i: f = %i, quorum = %i, skip threshold = %i', (n, f, quorum, skip) => {
    const set = new ValidatorSet(genesis(ids(n)));
    expect(set).toMatchObject({ n, f, quorum, skipThreshold: skip });
    expect(quorum).toBe(2 * f + 1);
  });

  it('keeps two quorums intersecting in f + 1 validators when n is not 3f + 1', () => {
    for (let n = 1; n <= 30; n++) {
      const set = new ValidatorSet(genesis(ids(n)));
      expect(2 * set.quorum - n).toBeGreaterThanOrEqual(set.f + 1);
    }
  });

  it('rejects empty sets, duplicate or empty ids, and empty chain ids', () => {
    const code = { code: ConsensusErrorCode.INVALID_VALIDATOR_SET };
    expect(() => new ValidatorSet(genesis([]))).toThrow(expect.objectContaining(code) as Error);
    expect(() => new ValidatorSet(genesis(['a', 'a']))).toThrow(expect.objectContaining(code) as Error);
    expect(() => new ValidatorSet(genesis(['']))).toThrow(expect.objectContaining(code) as Error);
    expect(() => new ValidatorSet(genesis(['x'.repeat(129)]))).toThrow(
      expect.objectContaining(code) as Error,
    );
    expect(() => new ValidatorSet({ ...genesis(['a']), chainId: '' })).toThrow(
      expect.objectContaining(code) as Error,
    );
  });
});

describe('proposerOf', () => {
  it('is validators[(h + r) mod n]', () => {
    const set = new ValidatorSet(genesis(ids(7)));
    for (let h = 0; h < 20; h++)
      for (let r = 0; r < 20; r++) expect(proposerOf(set, h, r)).toBe(`v${(h + r) % 7}`);
    expect(proposerOf(set, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)).toBe(
      `v${Number((2n * BigInt(Number.MAX_SAFE_INTEGER)) % 7n)}`,
    );
  });

  it('rejects negative or fractional arguments', () => {
    const set = new ValidatorSet(genesis(ids(4)));
    expect(() => proposerOf(set, -1, 0)).toThrow(RangeError);
    expect(() => proposerOf(set, 1, 0.5)).toThrow(RangeError);
  });
});
