/**
 * The node's Groth16 `ProofVerifier`: checks a block's proofs with the accelerator's batched verifier
 * (`groth16VerifyBatch`: one random linear combination per verification key, bisected down to per-proof
 * verdicts that equal snarkjs's `groth16.verify`), against the verification key registered on the ledger
 * under each proof's key hash (the vkey registry is the consortium's source of truth, so any key it holds
 * is used, not only the circuits package's own). Parsed keys are cached by hash. A proof that does not
 * verify, that cannot be read as points, or whose registered key is not a valid key, is `false`; only a
 * missing key store or a failing accelerator throws.
 */

import {
  AccelError,
  type Accelerator,
  createCpuAccelerator,
  type Groth16VerificationKey,
} from '@privgate/accel';
import type { ProofVerificationItem, ProofVerifier } from '../contracts/interface.ts';
import { readVkeyBytes } from '../contracts/vkey-registry.ts';
import type { StateReader } from '../state/interface.ts';
import { toHex } from '../tx/bytes.ts';

/** What the verifier needs of an accelerator. */
export type Groth16Accelerator = Pick<Accelerator, 'groth16VerifyBatch'>;

let fallback: Groth16Accelerator | undefined;
/** A process-wide single-thread engine for verifiers built without an accelerator. */
const defaultAccelerator = (): Groth16Accelerator => {
  fallback ??= createCpuAccelerator();
  return fallback;
};

/**
 * Releases snarkjs's BN254 worker threads so the process can exit (callers that verified or proved with
 * snarkjs elsewhere in the process; this verifier no longer uses it).
 */
export async function releaseGroth16(): Promise<void> {
  const curve = (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128;
  await curve?.terminate();
  delete (globalThis as { curve_bn128?: unknown }).curve_bn128;
}

/** A `ProofVerifier` reading registered keys from `state` (the committed state of a node). */
export class Groth16ProofVerifier implements ProofVerifier {
  private readonly keys = new Map<string, Promise<unknown>>();
  private readonly accel: Groth16Accelerator;
  /** Proofs checked so far (metrics). */
  verified = 0;

  /** `accel`: the node's accelerator (default: a shared single-thread one). */
  constructor(
    private readonly state: StateReader,
    accel?: Groth16Accelerator,
  ) {
    this.accel = accel ?? defaultAccelerator();
  }

  private key(vkeyHash: Uint8Array): Promise<unknown> {
    const id = toHex(vkeyHash);
    let key = this.keys.get(id);
    if (key === undefined) {
      key = readVkeyBytes(this.state, vkeyHash).then((bytes) =>
        bytes === undefined ? undefined : JSON.parse(Buffer.from(bytes).toString('utf8')),
      );
      // A key registered later must be found then: forget misses and failures.
      key.then(
        (k) => k === undefined && this.keys.delete(id),
        () => this.keys.delete(id),
      );
      this.keys.set(id, key);
    }
    return key;
  }

  async verifyBatch(items: readonly ProofVerificationItem[]): Promise<boolean[]> {
    const out = new Array<boolean>(items.length).fill(false);
    // One batch per verification key.
    const groups = new Map<string, { hash: Uint8Array; indices: number[] }>();
    items.forEach((item, i) => {
      const id = toHex(item.vkeyHash);
      let g = groups.get(id);
      if (!g) {
        g = { hash: item.vkeyHash, indices: [] };
        groups.set(id, g);
      }
      g.indices.push(i);
    });
    for (const { hash, indices } of groups.values()) {
      let vkey: unknown;
      try {
        vkey = await this.key(hash);
      } catch {
        vkey = undefined; // bytes registered under the hash that are not JSON cannot verify anything
      }
      if (vkey === undefined) continue;
      this.verified += indices.length;
      let verdicts: boolean[];
      try {
        verdicts = await this.accel.groth16VerifyBatch(
          vkey as Groth16VerificationKey,
          indices.map((i) => ({ proof: items[i]!.proof, publicSignals: items[i]!.publicSignals })),
        );
      } catch (err) {
        if (err instanceof AccelError && err.code === 'GROTH16_INVALID_VKEY') continue;
        throw err;
      }
      indices.forEach((idx, k) => {
        out[idx] = verdicts[k] === true;
      });
    }
    return out;
  }
}
