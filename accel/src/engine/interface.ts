// The accelerator's contract: every backend (cpu, workers, and later webgpu) implements it and
// passes the same compliance suite (test/engine.compliance.test.ts). Work is expressed as async
// batches of independent items so that a backend can split, ship and run them wherever is fastest.
import type { Groth16VerificationKey, Groth16VerifyItem } from '../groth16/types.ts';

export type { Groth16Proof, Groth16VerificationKey, Groth16VerifyItem } from '../groth16/types.ts';

/** Names of the backends. */
export type BackendName = 'cpu' | 'workers' | 'webgpu';

/** One SM2 signature to check. */
export interface Sm2VerifyRequest {
  /** SEC1 public key, 33 or 65 bytes. */
  publicKey: Uint8Array;
  message: Uint8Array;
  /** r ‖ s (64 bytes), r ‖ s ‖ y1 (96 bytes, batch-friendly) or DER. */
  signature: Uint8Array;
  /** Signer ID for Z_A; default "1234567812345678"; empty for Node's OpenSSL signatures. */
  userId?: Uint8Array;
}

/** One SM2 signature to make. */
export interface Sm2SignRequest {
  privateKey: Uint8Array;
  message: Uint8Array;
  userId?: Uint8Array;
  /** `raw` r ‖ s (default), `hinted` r ‖ s ‖ y1, or `der`. */
  format?: 'raw' | 'hinted' | 'der';
}

/** The crypto engine. Batch methods answer one result per item, in order. */
export interface Accelerator {
  readonly backend: BackendName;
  /** How many batches can run at once (1 for cpu, the pool size for workers). */
  readonly parallelism: number;
  /** SM3 of each message. */
  sm3Batch(messages: readonly Uint8Array[]): Promise<Uint8Array[]>;
  /** Root of the SM3 Merkle tree over the leaves (domain-separated, RFC 6962 shape; see sm3/merkle.ts). */
  sm3MerkleRoot(leaves: readonly Uint8Array[]): Promise<Uint8Array>;
  /**
   * One boolean per item, exactly what `verifySm2` says for it alone; an item that cannot be decoded
   * (bad key, bad signature encoding, user ID too long) answers false instead of failing the batch.
   */
  sm2VerifyBatch(items: readonly Sm2VerifyRequest[]): Promise<boolean[]>;
  /** One signature per item. Rejects the whole batch if a private key is invalid. */
  sm2SignBatch(items: readonly Sm2SignRequest[]): Promise<Uint8Array[]>;
  /**
   * circomlib's Poseidon (BN254 scalar field, as circomlibjs computes it) of each group of `arity`
   * (1..16) consecutive elements of `inputs`, elements being 32-byte little-endian integers (values ≥ r
   * are reduced mod r); 32 bytes per group, in order.
   * @throws {RangeError} for a bad arity or an input that is not whole groups.
   */
  poseidonHashBatch(arity: number, inputs: Uint8Array): Promise<Uint8Array>;
  /**
   * Root of the circuits' Poseidon Merkle tree of `depth` (1..32) over packed 32-byte little-endian leaves:
   * node = Poseidon(left, right), missing leaves 0 (the tree of `merkle.circom`); 32 bytes.
   * @throws {RangeError} for more than 2^depth leaves or a bad depth.
   */
  poseidonMerkleRoot(leaves: Uint8Array, depth: number): Promise<Uint8Array>;
  /**
   * One verdict per item: whether the Groth16 proof is valid for its public signals under `vkey`, as
   * snarkjs's `groth16.verify` decides it alone (checked together with random linear combinations;
   * a failing batch is bisected). Malformed items answer false; B must also lie in G2.
   * @throws {AccelError} GROTH16_INVALID_VKEY for a key that is not a valid groth16/bn128 key.
   */
  groth16VerifyBatch(vkey: Groth16VerificationKey, items: readonly Groth16VerifyItem[]): Promise<boolean[]>;
  /** Stops accepting work, finishes what is running, and releases threads. Idempotent. */
  close(): Promise<void>;
}

/** Bounds of a single batch call, enforced by every backend. */
export const MAX_BATCH_ITEMS = 1 << 20;
/** Largest single message accepted by the batch methods. */
export const MAX_MESSAGE_BYTES = 64 << 20;
/** Most proofs in one `groth16VerifyBatch` call. */
export const MAX_GROTH16_ITEMS = 1 << 16;
