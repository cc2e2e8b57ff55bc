import { beforeAll, describe, expect, it } from 'vitest';
import {
  createCircomlibPoseidon,
  type Invoice,
  type InvoiceNullifierInput,
  invoiceLeaf,
  invoiceNullifier,
  invoiceNullifierInput,
  type PoseidonHasher,
  PoseidonMerkleTree,
  TREE_DEPTH,
  valueCommitment,
} from '../../src/index.ts';
import { expectFail, expectPass, tweak } from '../helpers.ts';

const MAX64 = (1n << 64n) - 1n;
const ISSUER = 0xabcdefn;
let hasher: PoseidonHasher;
let tree: PoseidonMerkleTree;
const invoices: Invoice[] = [
  { invoiceNumber: 20240001n, issuer: ISSUER, buyer: 501n, amount: 1_250_000n, issueDate: 19_800n, salt: 1n },
  { invoiceNumber: 20240002n, issuer: ISSUER, buyer: 502n, amount: MAX64, issueDate: 19_801n, salt: 2n },
];
const overflowing = {
  invoiceNumber: 20240003n,
  issuer: ISSUER,
  buyer: 503n,
  amount: 1n << 64n,
  issueDate: 19_802n,
  salt: 3n,
};

beforeAll(async () => {
  hasher = await createCircomlibPoseidon();
  const o = overflowing;
  tree = await PoseidonMerkleTree.build(
    [
      ...invoices.map((i) => invoiceLeaf(hasher, i)),
      hasher.hash([o.invoiceNumber, o.issuer, o.buyer, o.amount, o.issueDate, o.salt]),
    ],
    { hasher, depth: TREE_DEPTH },
  );
});

describe('InvoiceNullifier(20)', () => {
  it('outputs the nullifier and amount commitment the TypeScript reference computes', async () => {
    const input = invoiceNullifierInput(hasher, {
      invoice: invoices[0]!,
      path: tree.path(0),
      amountBlinding: 31n,
    });
    const pub = await expectPass('invoice_nullifier', input);
    expect(pub).toEqual({
      nullifier: invoiceNullifier(hasher, invoices[0]!.invoiceNumber, ISSUER),
      amountCommitment: valueCommitment(hasher, invoices[0]!.amount, 31n),
      root: tree.root,
      issuer: ISSUER,
    });
  });

  it('two banks financing the same invoice get the same nullifier; other invoices differ', async () => {
    const bankA = await expectPass(
      'invoice_nullifier',
      invoiceNullifierInput(hasher, { invoice: invoices[0]!, path: tree.path(0), amountBlinding: 1n }),
    );
    const bankB = await expectPass(
      'invoice_nullifier',
      invoiceNullifierInput(hasher, { invoice: invoices[0]!, path: tree.path(0), amountBlinding: 2n }),
    );
    const other = await expectPass(
      'invoice_nullifier',
      invoiceNullifierInput(hasher, { invoice: invoices[1]!, path: tree.path(1), amountBlinding: 1n }),
    );
    expect(bankA.nullifier).toBe(bankB.nullifier);
    expect(bankA.amountCommitment).not.toBe(bankB.amountCommitment);
    expect(other.nullifier).not.toBe(bankA.nullifier);
  });

  it('accepts an amount of 2^64 − 1 and rejects 2^64', async () => {
    await expectPass(
      'invoice_nullifier',
      invoiceNullifierInput(hasher, { invoice: invoices[1]!, path: tree.path(1), amountBlinding: 1n }),
    );
    const path = tree.path(2);
    const input: InvoiceNullifierInput = {
      root: tree.root,
      issuer: ISSUER,
      invoiceNumber: overflowing.invoiceNumber,
      buyer: overflowing.buyer,
      amount: overflowing.amount,
      issueDate: overflowing.issueDate,
      salt: overflowing.salt,
      amountBlinding: 1n,
      siblings: path.siblings,
      pathIndices: path.pathIndices,
    };
    await expectFail('invoice_nullifier', input);
  });

  it('rejects a wrong sibling, root, issuer or invoice field', async () => {
    const input = invoiceNullifierInput(hasher, {
      invoice: invoices[0]!,
      path: tree.path(0),
      amountBlinding: 1n,
    });
    await expectFail(
      'invoice_nullifier',
      tweak(input, (i) => (i.siblings[0]! += 1n)),
    );
    await expectFail(
      'invoice_nullifier',
      tweak(input, (i) => (i.root += 1n)),
    );
    await expectFail(
      'invoice_nullifier',
      tweak(input, (i) => (i.issuer += 1n)),
    );
    await expectFail(
      'invoice_nullifier',
      tweak(input, (i) => (i.invoiceNumber += 1n)),
    );
    await expectFail(
      'invoice_nullifier',
      tweak(input, (i) => (i.amount -= 1n)),
    );
  });
});
