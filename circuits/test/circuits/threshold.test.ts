import { beforeAll, describe, expect, it } from 'vitest';
import {
  createCircomlibPoseidon,
  FIELD_MODULUS,
  type PoseidonHasher,
  type ThresholdInput,
  thresholdInput,
} from '../../src/index.ts';
import { expectFail, expectPass, tweak } from '../helpers.ts';

const MAX64 = (1n << 64n) - 1n;
let hasher: PoseidonHasher;

/** An input without the builder's range checks, to go past the 64-bit boundary. */
function raw(value: bigint, threshold: bigint, direction: bigint): ThresholdInput {
  return { valueCommitment: hasher.hash([value, 9n]), threshold, direction, value, blinding: 9n };
}

beforeAll(async () => {
  hasher = await createCircomlibPoseidon();
});

describe('Threshold', () => {
  it('value ≤ threshold: equal passes, one above fails', async () => {
    const pub = await expectPass(
      'threshold',
      thresholdInput(hasher, { value: 500n, blinding: 3n, threshold: 500n, direction: 'le' }),
    );
    expect(pub).toEqual({ valueCommitment: hasher.hash([500n, 3n]), threshold: 500n, direction: 0n });
    await expectFail('threshold', raw(501n, 500n, 0n));
    await expectPass('threshold', raw(0n, 0n, 0n));
  });

  it('value ≥ threshold: equal passes, one below fails', async () => {
    await expectPass(
      'threshold',
      thresholdInput(hasher, { value: 500n, blinding: 3n, threshold: 500n, direction: 'ge' }),
    );
    await expectFail('threshold', raw(499n, 500n, 1n));
    await expectPass('threshold', raw(MAX64, 0n, 1n));
  });

  it('accepts 2^64 − 1 and rejects 2^64, as value and as threshold', async () => {
    await expectPass('threshold', raw(MAX64, MAX64, 0n));
    await expectPass('threshold', raw(MAX64, MAX64, 1n));
    await expectFail('threshold', raw(1n << 64n, MAX64, 1n));
    await expectFail('threshold', raw(5n, 1n << 64n, 0n));
  });

  it('rejects a threshold near p that would wrap the difference into 64 bits', async () => {
    // 5 ≥ p − 1 is false, yet 5 − (p − 1) = 6 mod p: only the range check on the threshold stops it.
    await expectFail('threshold', raw(5n, FIELD_MODULUS - 1n, 1n));
  });

  it('rejects a direction that is not a bit and a wrong commitment', async () => {
    const input = thresholdInput(hasher, { value: 1n, blinding: 2n, threshold: 10n, direction: 'le' });
    await expectFail(
      'threshold',
      tweak(input, (i) => (i.direction = 2n)),
    );
    await expectFail(
      'threshold',
      tweak(input, (i) => (i.valueCommitment += 1n)),
    );
    await expectFail(
      'threshold',
      tweak(input, (i) => (i.blinding += 1n)),
    );
  });
});
