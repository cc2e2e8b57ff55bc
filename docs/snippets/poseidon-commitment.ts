// Poseidon commitments to a dataset: record leaves, the depth-20 Merkle tree whose root is anchored on
// the ledger, a Merkle path, and a value commitment that hides a figure.
import {
  computeMerkleRoot,
  defaultPoseidon,
  PoseidonMerkleTree,
  randomFieldElement,
  recordLeaf,
  valueCommitment,
} from '@privgate/circuits';

export async function commitDataset(): Promise<{
  root: bigint;
  pathRecomputesRoot: boolean;
  commitment: bigint;
  sameValueOtherBlinding: bigint;
}> {
  const hasher = await defaultPoseidon();
  const records = [120_000n, 0n, 9_500n].map((value, i) => ({
    subjectId: 1000n + BigInt(i), // keyed subject id (HMAC-SM3 of the enterprise's code)
    fieldId: 1n,
    value, // e.g. tax arrears in yuan, < 2^64
    salt: randomFieldElement(), // secret: keeps the leaf from being guessed
  }));
  const tree = await PoseidonMerkleTree.build(
    records.map((r) => recordLeaf(hasher, r)),
    { hasher },
  );

  // A Merkle path is what a record_inclusion proof consumes (privately).
  const path = tree.path(2);
  const pathRecomputesRoot =
    computeMerkleRoot(hasher, path.leaf, path.siblings, path.pathIndices) === tree.root;

  // Two commitments to the same value under different blindings look unrelated.
  const commitment = valueCommitment(hasher, records[2]!.value, randomFieldElement());
  const sameValueOtherBlinding = valueCommitment(hasher, records[2]!.value, randomFieldElement());
  return { root: tree.root, pathRecomputesRoot, commitment, sameValueOtherBlinding };
}
