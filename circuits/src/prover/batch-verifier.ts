/**
 * Verification of received proofs on the accelerator's batched Groth16 verifier (@privgate/accel
 * `groth16VerifyBatch`: random linear combinations over a batch, bisected down to per-proof verdicts equal
 * to snarkjs's `groth16.verify`). Single `verify` calls of one circuit are coalesced into batches, so a
 * caller checking a contribution's proofs with `Promise.all` pays one batch per circuit.
 */
import {
  type Accelerator,
  BatchingQueue,
  createCpuAccelerator,
  type Groth16VerificationKey,
  type Groth16VerifyItem,
} from '@privgate/accel';
import { type ArtifactOptions, verificationKey } from '../artifacts/load.ts';
import type { CircuitName } from '../registry.ts';
import type { Groth16Proof } from '../vendor/snarkjs.ts';
import { assertProofShape } from './verify.ts';

/** Options of {@link ProofBatchVerifier}. */
export interface ProofBatchVerifierOptions extends ArtifactOptions {
  /** Where batches run (default: a process-wide single-thread engine). */
  accel?: Pick<Accelerator, 'groth16VerifyBatch'>;
  /** Largest batch (default 256) and how long a first proof waits for others, in ms (default 2). */
  maxBatch?: number;
  maxWaitMs?: number;
}

let shared: Pick<Accelerator, 'groth16VerifyBatch'> | undefined;
const defaultAccelerator = () => {
  shared ??= createCpuAccelerator();
  return shared;
};

/**
 * Batched verification of proofs of the committed circuits.
 * @example
 * const verifier = new ProofBatchVerifier({ accel });
 * const ok = await Promise.all(proofs.map((p) => verifier.verify('record_inclusion_batch', p.proof, p.publicSignals)));
 */
export class ProofBatchVerifier {
  readonly #options: ArtifactOptions;
  readonly #accel: Pick<Accelerator, 'groth16VerifyBatch'>;
  readonly #maxBatch: number;
  readonly #maxWaitMs: number;
  readonly #queues = new Map<CircuitName, BatchingQueue<Groth16VerifyItem, boolean>>();

  constructor(options: ProofBatchVerifierOptions = {}) {
    this.#options = {
      ...(options.artifactsDir !== undefined ? { artifactsDir: options.artifactsDir } : {}),
      ...(options.verifyHashes !== undefined ? { verifyHashes: options.verifyHashes } : {}),
    };
    this.#accel = options.accel ?? defaultAccelerator();
    this.#maxBatch = options.maxBatch ?? 256;
    this.#maxWaitMs = options.maxWaitMs ?? 2;
  }

  /**
   * Verifies one proof (coalesced with concurrent calls for the same circuit); false for a wrong proof.
   * @throws {CircuitError} `INPUT_INVALID` when the proof or signals cannot be a proof of `circuit` at all;
   *   `ARTIFACT_MISSING` / `ARTIFACT_STALE` when the verification key cannot be loaded.
   */
  verify(circuit: CircuitName, proof: Groth16Proof, publicSignals: readonly string[]): Promise<boolean> {
    try {
      assertProofShape(circuit, proof, publicSignals);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#queue(circuit).push({ proof, publicSignals: [...publicSignals] });
  }

  /**
   * Verifies proofs of one circuit as one batch; a malformed item is false.
   * @throws {CircuitError} `ARTIFACT_MISSING` / `ARTIFACT_STALE` when the verification key cannot be loaded.
   */
  async verifyBatch(
    circuit: CircuitName,
    items: readonly { proof: Groth16Proof; publicSignals: readonly string[] }[],
  ): Promise<boolean[]> {
    const vkey = await this.#vkey(circuit);
    return this.#accel.groth16VerifyBatch(vkey, items);
  }

  /** Finishes queued verifications. */
  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
  }

  async #vkey(circuit: CircuitName): Promise<Groth16VerificationKey> {
    return (await verificationKey(circuit, this.#options)) as unknown as Groth16VerificationKey;
  }

  #queue(circuit: CircuitName): BatchingQueue<Groth16VerifyItem, boolean> {
    let q = this.#queues.get(circuit);
    if (!q) {
      q = new BatchingQueue<Groth16VerifyItem, boolean>(
        async (items) => this.#accel.groth16VerifyBatch(await this.#vkey(circuit), items),
        { maxBatch: this.#maxBatch, maxWaitMs: this.#maxWaitMs, concurrency: 2 },
      );
      this.#queues.set(circuit, q);
    }
    return q;
  }
}
