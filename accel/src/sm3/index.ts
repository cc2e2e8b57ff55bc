// SM3 (GB/T 32905-2016): one-shot and streaming hashing, HMAC-SM3, batched hashing for the worker
// backend and domain-separated Merkle trees.

export type { PackedMessages } from './batch.ts';
export { packMessages, sm3Fixed, sm3Packed, validatePackedMessages } from './batch.ts';
export { hmacSm3, Sm3Hmac } from './hmac.ts';
export type { Sm3MerkleLeaves } from './merkle.ts';
export {
  Sm3MerkleTree,
  sm3MerkleLeaf,
  sm3MerkleNode,
  sm3MerkleProof,
  sm3MerkleRoot,
  verifySm3MerkleProof,
} from './merkle.ts';
export { SM3_BLOCK_SIZE, SM3_DIGEST_SIZE, Sm3, sm3, sm3Compress, sm3InitState } from './sm3.ts';
