import { beforeAll, describe, expect, it } from 'vitest';
import {
  additiveShare,
  BATCH_SIZE,
  createCircomlibPoseidon,
  type PoseidonHasher,
  SHARE_PARTIES,
  type SharingWitness,
  shamirShare,
  shareBindingBatchInput,
  shareBindingInput,
  shareCommitment,
  valueCommitment,
} from '../../src/index.ts';
import { expectFail, expectPass, tweak } from '../helpers.ts';

let hasher: PoseidonHasher;
const blindings = [101n, 102n, 103n];

function shamirWitness(value: bigint, coefficient: bigint): SharingWitness {
  return {
    value,
    blinding: 77n,
    sharing: shamirShare(value, SHARE_PARTIES, 1, [coefficient]),
    shareBlindings: blindings,
  };
}

beforeAll(async () => {
  hasher = await createCircomlibPoseidon();
});

describe('ShareBinding(3, 1)', () => {
  it('accepts a degree-1 Shamir sharing of the committed value; commitments match the reference', async () => {
    const witness = shamirWitness(123_456n, 987_654_321n);
    const pub = await expectPass('share_binding', shareBindingInput(hasher, witness));
    expect(pub.valueCommitment).toBe(valueCommitment(hasher, 123_456n, 77n));
    expect(pub.shareCommitments).toEqual(
      witness.sharing.shares.map((s, i) => shareCommitment(hasher, s, blindings[i]!)),
    );
  });

  it('rejects a wrong share even when its commitment is recomputed to match', async () => {
    const input = shareBindingInput(hasher, shamirWitness(5n, 9n));
    const bad = tweak(input, (i) => {
      i.shares[2]! += 1n;
      i.shareCommitments[2] = shareCommitment(hasher, i.shares[2]!, blindings[2]!);
    });
    await expectFail('share_binding', bad);
  });

  it('rejects a share that does not open its public commitment, and a wrong value', async () => {
    const input = shareBindingInput(hasher, shamirWitness(5n, 9n));
    await expectFail(
      'share_binding',
      tweak(input, (i) => (i.shareBlindings[0]! += 1n)),
    );
    await expectFail(
      'share_binding',
      tweak(input, (i) => (i.shareCommitments[1]! += 1n)),
    );
    await expectFail(
      'share_binding',
      tweak(input, (i) => (i.value += 1n)),
    );
    await expectFail(
      'share_binding',
      tweak(input, (i) => (i.coefficients[0]! += 1n)),
    );
  });
});

describe('ShareBinding(3, 0): additive', () => {
  it('accepts shares summing to the value and rejects any other', async () => {
    const witness: SharingWitness = {
      value: 42n,
      blinding: 1n,
      sharing: additiveShare(42n, 3),
      shareBlindings: blindings,
    };
    const input = shareBindingInput(hasher, witness, { additive: true });
    await expectPass('share_binding_additive', input);
    const bad = tweak(input, (i) => {
      i.shares[0]! += 1n;
      i.shareCommitments[0] = shareCommitment(hasher, i.shares[0]!, blindings[0]!);
    });
    await expectFail('share_binding_additive', bad);
  });
});

describe(`ShareBindingBatch(3, 1, ${BATCH_SIZE})`, () => {
  it('binds each slot independently and pads empty slots with a sharing of 0', async () => {
    const padded = shareBindingBatchInput(hasher, [shamirWitness(1n, 2n)]);
    const pub = await expectPass('share_binding_batch', padded);
    expect(pub.valueCommitments[BATCH_SIZE - 1]).toBe(valueCommitment(hasher, 0n, 0n));
    const full = shareBindingBatchInput(
      hasher,
      Array.from({ length: BATCH_SIZE }, (_, i) => shamirWitness(BigInt(i + 1), BigInt(i + 10))),
    );
    await expectPass('share_binding_batch', full);
    const bad = tweak(full, (i) => {
      i.shares[BATCH_SIZE - 1]![0]! += 1n;
      i.shareCommitments[BATCH_SIZE - 1]![0] = shareCommitment(
        hasher,
        i.shares[BATCH_SIZE - 1]![0]!,
        blindings[0]!,
      );
    });
    await expectFail('share_binding_batch', bad);
    expect(() =>
      shareBindingBatchInput(
        hasher,
        Array.from({ length: BATCH_SIZE + 1 }, () => shamirWitness(1n, 1n)),
      ),
    ).toThrow(/need 1 to/);
  });
});
