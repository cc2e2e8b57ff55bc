import { beforeAll, describe, expect, it } from 'vitest';
import {
  BATCH_SIZE,
  buildRecordTree,
  createCircomlibPoseidon,
  FIELD_MODULUS,
  type PoseidonHasher,
  PoseidonMerkleTree,
  type RecordInclusionBatchInput,
  type RecordInclusionInput,
  type RecordWitness,
  recordInclusionBatchInput,
  recordInclusionInput,
  recordLeaf,
  TREE_DEPTH,
  valueCommitment,
} from '../../src/index.ts';
import { expectFail, expectPass, tweak } from '../helpers.ts';

const MAX64 = (1n << 64n) - 1n;
let hasher: PoseidonHasher;
let tree: PoseidonMerkleTree;
const records = [
  { subjectId: 1001n, fieldId: 7n, value: 0n, salt: 11n },
  { subjectId: 1002n, fieldId: 7n, value: MAX64, salt: 12n },
  { subjectId: 1003n, fieldId: 8n, value: 123_456n, salt: 13n },
  { subjectId: 1004n, fieldId: 8n, value: 42n, salt: 14n },
  { subjectId: 1005n, fieldId: 9n, value: 99n, salt: 15n },
];
// A leaf whose value is 2^64: the tree accepts any field element, the circuit's range check must not.
const overflowing = { subjectId: 1006n, fieldId: 7n, value: 1n << 64n, salt: 16n };

function witnessFor(index: number): RecordWitness {
  return { record: records[index]!, path: tree.path(index), blinding: 5000n + BigInt(index) };
}

beforeAll(async () => {
  hasher = await createCircomlibPoseidon();
  tree = await PoseidonMerkleTree.build(
    [
      ...records.map((r) => recordLeaf(hasher, r)),
      hasher.hash([overflowing.subjectId, overflowing.fieldId, overflowing.value, overflowing.salt]),
    ],
    { hasher, depth: TREE_DEPTH },
  );
});

describe('RecordInclusion(20)', () => {
  it('accepts records at value 0 and 2^64 − 1; public signals match the TypeScript reference', async () => {
    for (const index of [0, 1, 2]) {
      const input = recordInclusionInput(hasher, witnessFor(index));
      const pub = await expectPass('record_inclusion', input);
      expect(pub).toEqual({
        root: tree.root,
        subjectId: records[index]!.subjectId,
        fieldId: records[index]!.fieldId,
        valueCommitment: valueCommitment(hasher, records[index]!.value, 5000n + BigInt(index)),
      });
    }
  });

  it('rejects a value of 2^64 even when the leaf is in the tree', async () => {
    const path = tree.path(5);
    const input: RecordInclusionInput = {
      root: tree.root,
      subjectId: overflowing.subjectId,
      fieldId: overflowing.fieldId,
      valueCommitment: hasher.hash([overflowing.value, 1n]),
      value: overflowing.value,
      salt: overflowing.salt,
      blinding: 1n,
      siblings: path.siblings,
      pathIndices: path.pathIndices,
    };
    await expectFail('record_inclusion', input);
  });

  it('rejects a wrong sibling, root, path bit, subject, field or commitment', async () => {
    const input = recordInclusionInput(hasher, witnessFor(2));
    await expectFail(
      'record_inclusion',
      tweak(input, (i) => (i.siblings[3]! += 1n)),
    );
    await expectFail(
      'record_inclusion',
      tweak(input, (i) => (i.root += 1n)),
    );
    await expectFail(
      'record_inclusion',
      tweak(input, (i) => (i.pathIndices[0] = i.pathIndices[0] === 0 ? 1 : 0)),
    );
    await expectFail(
      'record_inclusion',
      tweak(input, (i) => (i.subjectId = records[3]!.subjectId)),
    );
    await expectFail(
      'record_inclusion',
      tweak(input, (i) => (i.fieldId += 1n)),
    );
    await expectFail(
      'record_inclusion',
      tweak(input, (i) => (i.valueCommitment += 1n)),
    );
    await expectFail(
      'record_inclusion',
      tweak(input, (i) => (i.value += 1n)),
    );
  });

  it('rejects a path index that is not a bit', async () => {
    // With bit 2 the swap would mix the children; the booleanity constraint must stop it.
    const input = recordInclusionInput(hasher, witnessFor(0));
    await expectFail(
      'record_inclusion',
      tweak(input, (i) => ((i.pathIndices as number[])[0] = 2)),
    );
    await expectFail(
      'record_inclusion',
      tweak(input, (i) => ((i.pathIndices as unknown as bigint[])[1] = FIELD_MODULUS - 1n)),
    );
  });
});

describe(`RecordInclusionBatch(20, ${BATCH_SIZE})`, () => {
  it('accepts 1 to k records under one root, padding the rest', async () => {
    for (let count = 1; count <= BATCH_SIZE; count++) {
      const items = [1, 2, 3, 4].slice(0, count).map(witnessFor);
      const input = recordInclusionBatchInput(hasher, items);
      const pub = await expectPass('record_inclusion_batch', input);
      expect(pub.count).toBe(BigInt(count));
      expect(pub.root).toBe(tree.root);
      expect(pub.subjectIds.slice(0, count)).toEqual(items.map((i) => i.record.subjectId));
      expect(pub.valueCommitments.slice(0, count)).toEqual(
        items.map((i) => valueCommitment(hasher, i.record.value, i.blinding)),
      );
    }
  });

  it('ignores padding slots past count but checks every slot before it', async () => {
    const input = recordInclusionBatchInput(hasher, [witnessFor(2)]);
    const last = BATCH_SIZE - 1;
    // Garbage in a padding slot is fine...
    await expectPass(
      'record_inclusion_batch',
      tweak(input, (i) => (i.siblings[last]![0] = 77n)),
    );
    // ...but counting the padding slot as real fails, as does a wrong sibling in a real slot.
    await expectFail(
      'record_inclusion_batch',
      tweak(input, (i) => (i.count = BigInt(BATCH_SIZE))),
    );
    await expectFail(
      'record_inclusion_batch',
      tweak(input, (i) => (i.siblings[0]![5]! += 1n)),
    );
    await expectFail(
      'record_inclusion_batch',
      tweak(input, (i) => (i.count = BigInt(BATCH_SIZE + 1))),
    );
    await expectFail(
      'record_inclusion_batch',
      tweak(input, (i) => (i.count = FIELD_MODULUS - 1n)),
    );
  });

  it('checks every slot when the batch is full', async () => {
    const items = Array.from({ length: BATCH_SIZE }, (_, i) => witnessFor(i));
    const input = recordInclusionBatchInput(hasher, items);
    await expectPass('record_inclusion_batch', input);
    await expectFail(
      'record_inclusion_batch',
      tweak(input, (i) => (i.siblings[BATCH_SIZE - 1]![0]! += 1n)),
    );
    await expectFail(
      'record_inclusion_batch',
      tweak(input, (i) => (i.subjectIds[0] = 1n)),
    );
  });

  it('range-checks the values of real slots', async () => {
    const input: RecordInclusionBatchInput = recordInclusionBatchInput(hasher, [witnessFor(1)]);
    await expectPass('record_inclusion_batch', input);
    const path = tree.path(5);
    const bad = tweak(input, (i) => {
      i.count = 2n;
      i.subjectIds[1] = overflowing.subjectId;
      i.fieldIds[1] = overflowing.fieldId;
      i.values[1] = overflowing.value;
      i.salts[1] = overflowing.salt;
      i.blindings[1] = 1n;
      i.valueCommitments[1] = hasher.hash([overflowing.value, 1n]);
      i.siblings[1] = path.siblings;
      i.pathIndices[1] = path.pathIndices;
    });
    await expectFail('record_inclusion_batch', bad);
  });

  it('buildRecordTree gives the same tree as hashing the leaves by hand', async () => {
    const byRecords = await buildRecordTree(hasher, records.slice(0, 3), { depth: TREE_DEPTH });
    const byLeaves = await PoseidonMerkleTree.build(
      records.slice(0, 3).map((r) => recordLeaf(hasher, r)),
      { hasher, depth: TREE_DEPTH },
    );
    expect(byRecords.root).toBe(byLeaves.root);
  });

  it('builder refuses records under different roots', async () => {
    const other = await PoseidonMerkleTree.build([recordLeaf(hasher, records[0]!)], {
      hasher,
      depth: TREE_DEPTH,
    });
    expect(() =>
      recordInclusionBatchInput(hasher, [
        witnessFor(0),
        { record: records[0]!, path: other.path(0), blinding: 1n },
      ]),
    ).toThrow(/same root/);
  });
});
