// SM3 (GB/T 32905-2016) and the SM3 Merkle tree the ledger uses for transaction roots.
import { sm3, sm3MerkleProof, sm3MerkleRoot, verifySm3MerkleProof } from '@privgate/accel';

const utf8 = (text: string) => new TextEncoder().encode(text);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** The digest of "abc": GB/T 32905's first example, 66c7f0f4…8f4ba8e0. */
export function sm3OfAbc(): string {
  return hex(sm3(utf8('abc')));
}

/** A Merkle root over three transaction ids, and whether the proof of the second one checks out. */
export function merkleInclusion(): { root: string; included: boolean; forgedIncluded: boolean } {
  const leaves = ['tx-1', 'tx-2', 'tx-3'].map((id) => sm3(utf8(id)));
  const root = sm3MerkleRoot(leaves);
  const proof = sm3MerkleProof(leaves, 1);
  return {
    root: hex(root),
    included: verifySm3MerkleProof(root, leaves[1]!, 1, leaves.length, proof),
    forgedIncluded: verifySm3MerkleProof(root, sm3(utf8('tx-forged')), 1, leaves.length, proof),
  };
}
