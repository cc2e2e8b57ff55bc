/** Valid inputs for every compiled circuit, built from one small dataset, for the benchmark. */
import {
  additiveShare,
  BATCH_SIZE,
  type CircuitInput,
  type CircuitName,
  createCredentialIssuer,
  credentialInput,
  invoiceLeaf,
  invoiceNullifierInput,
  type PoseidonHasher,
  PoseidonMerkleTree,
  type RecordWitness,
  recordInclusionBatchInput,
  recordInclusionInput,
  recordLeaf,
  SHARE_PARTIES,
  shamirShare,
  shareBindingBatchInput,
  shareBindingInput,
  TREE_DEPTH,
  thresholdInput,
} from '../src/index.ts';

export type Fixtures = { [C in CircuitName]: CircuitInput<C> };

export async function buildFixtures(hasher: PoseidonHasher): Promise<Fixtures> {
  const records = Array.from({ length: 8 }, (_, i) => ({
    subjectId: 100n + BigInt(i),
    fieldId: 1n,
    value: 10_000n + BigInt(i),
    salt: 900n + BigInt(i),
  }));
  const tree = await PoseidonMerkleTree.build(
    records.map((r) => recordLeaf(hasher, r)),
    { hasher, depth: TREE_DEPTH },
  );
  const item = (i: number): RecordWitness => ({
    record: records[i]!,
    path: tree.path(i),
    blinding: 31n + BigInt(i),
  });
  const sharing = (i: number) => ({
    value: records[i]!.value,
    blinding: 31n + BigInt(i),
    sharing: shamirShare(records[i]!.value, SHARE_PARTIES, 1),
    shareBlindings: [1n, 2n, 3n],
  });
  const invoice = { invoiceNumber: 1n, issuer: 2n, buyer: 3n, amount: 4n, issueDate: 5n, salt: 6n };
  const invoices = await PoseidonMerkleTree.build([invoiceLeaf(hasher, invoice)], {
    hasher,
    depth: TREE_DEPTH,
  });
  const authority = await createCredentialIssuer(new Uint8Array(32).fill(1), hasher);
  const credential = authority.sign({ subject: 7n, attribute: 1n, value: 40n, expiry: 20_000n });
  return {
    record_inclusion: recordInclusionInput(hasher, item(0)),
    record_inclusion_batch: recordInclusionBatchInput(
      hasher,
      Array.from({ length: BATCH_SIZE }, (_, i) => item(i)),
    ),
    threshold: thresholdInput(hasher, { value: 5n, blinding: 6n, threshold: 10n, direction: 'le' }),
    share_binding: shareBindingInput(hasher, sharing(0)),
    share_binding_additive: shareBindingInput(
      hasher,
      { value: 9n, blinding: 1n, sharing: additiveShare(9n, SHARE_PARTIES), shareBlindings: [1n, 2n, 3n] },
      { additive: true },
    ),
    share_binding_batch: shareBindingBatchInput(
      hasher,
      Array.from({ length: BATCH_SIZE }, (_, i) => sharing(i)),
    ),
    invoice_nullifier: invoiceNullifierInput(hasher, { invoice, path: invoices.path(0), amountBlinding: 8n }),
    credential: credentialInput(hasher, {
      credential,
      issuer: authority.publicKey,
      currentDate: 19_000n,
      threshold: 18n,
      direction: 'ge',
      subjectBlinding: 3n,
    }),
  };
}
