// The accelerator's contract: every backend (cpu, workers, and later webgpu) implements it and
// passes the same compliance suite (test/engine.compliance.test.ts). Work is expressed as async
// batches of independent items so that a backend can split, ship and run them wherever is fastest.

/** Names of the backends. */
export type BackendName = 'cpu' | 'workers';

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
  /** Stops accepting work, finishes what is running, and releases threads. Idempotent. */
  close(): Promise<void>;
}

/** Bounds of a single batch call, enforced by every backend. */
export const MAX_BATCH_ITEMS = 1 << 20;
/** Largest single message accepted by the batch methods. */
export const MAX_MESSAGE_BYTES = 64 << 20;
