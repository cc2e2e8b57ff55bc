/**
 * Inclusion proofs of a transaction in a block: the RFC 6962 §2.1.1 audit path of its id in the block's
 * tx tree, plus the encoded header, so a client can check the proof against a block hash it trusts
 * (from a commit certificate) without any other data.
 */
import { sm3, verifySm3MerkleProof } from '@privgate/accel';
import { bytesEqual } from '../tx/bytes.ts';
import { type BlockHeader, decodeHeader } from './codec.ts';

/** Proof that the transaction `txId` is number `index` of the block whose header is `header`. */
export interface TxInclusionProof {
  readonly txId: Uint8Array;
  readonly height: number;
  readonly index: number;
  /** The block's encoded header: its SM3 is the block hash, and it carries txRoot and txCount. */
  readonly header: Uint8Array;
  /** Audit path, sibling digests from the leaf upwards. */
  readonly path: readonly Uint8Array[];
}

/**
 * Checks an inclusion proof; with `blockHash`, also that the header is that block's.
 * @returns false for any mismatch (wrong id, index, path, header, or block hash); never throws on a bad proof.
 * @example
 * const proof = await store.txProof(txId);
 * verifyTxInclusion(proof, trustedBlockHash); // true
 */
export function verifyTxInclusion(proof: TxInclusionProof, blockHash?: Uint8Array): boolean {
  let header: BlockHeader;
  try {
    header = decodeHeader(proof.header);
  } catch {
    return false;
  }
  if (header.height !== proof.height) return false;
  if (blockHash !== undefined && !bytesEqual(sm3(proof.header), blockHash)) return false;
  if (proof.txId.length !== 32 || proof.path.some((p) => p.length !== 32)) return false;
  if (!Number.isSafeInteger(proof.index) || proof.index < 0) return false;
  return verifySm3MerkleProof(header.txRoot, proof.txId, proof.index, header.txCount, proof.path);
}
