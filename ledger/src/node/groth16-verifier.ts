/**
 * The node's Groth16 `ProofVerifier`: checks each proof with snarkjs's `groth16.verify` against the
 * verification key registered on the ledger under the proof's key hash (the vkey registry is the
 * consortium's source of truth, so any key it holds is used, not only the circuits package's own).
 * Parsed keys are cached by hash. A proof that does not verify, or that snarkjs cannot even read as
 * points, is `false`; only a missing key store or snarkjs itself failing to load throws.
 */

import type { Groth16Proof, ProofVerificationItem, ProofVerifier } from '../contracts/interface.ts';
import { readVkeyBytes } from '../contracts/vkey-registry.ts';
import type { StateReader } from '../state/interface.ts';
import { toHex } from '../tx/bytes.ts';

interface Snarkjs {
  groth16: {
    verify(
      vkey: unknown,
      publicSignals: readonly string[],
      proof: Groth16Proof,
      logger?: unknown,
    ): Promise<boolean>;
  };
}

let snarkjsModule: Promise<Snarkjs> | undefined;
// A non-literal specifier: snarkjs ships no types, and an ambient module declaration would leak into the
// workspace (circuits vendors its own typed view the same way).
const loadSnarkjs = (): Promise<Snarkjs> => {
  snarkjsModule ??= import(String('snarkjs')) as Promise<Snarkjs>;
  return snarkjsModule;
};

/** Releases snarkjs's BN254 worker threads so the process can exit. */
export async function releaseGroth16(): Promise<void> {
  const curve = (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128;
  await curve?.terminate();
  delete (globalThis as { curve_bn128?: unknown }).curve_bn128;
}

/** A `ProofVerifier` reading registered keys from `state` (the committed state of a node). */
export class Groth16ProofVerifier implements ProofVerifier {
  private readonly keys = new Map<string, Promise<unknown>>();
  /** Proofs checked so far (metrics). */
  verified = 0;

  constructor(private readonly state: StateReader) {}

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
    const snarkjs = await loadSnarkjs();
    const out: boolean[] = [];
    for (const item of items) {
      let vkey: unknown;
      try {
        vkey = await this.key(item.vkeyHash);
      } catch {
        vkey = undefined; // bytes registered under the hash that are not JSON cannot verify anything
      }
      if (vkey === undefined) {
        out.push(false);
        continue;
      }
      this.verified++;
      try {
        out.push(await snarkjs.groth16.verify(vkey, [...item.publicSignals], item.proof, quiet));
      } catch {
        out.push(false);
      }
    }
    return out;
  }
}

/** snarkjs logs "OK!"/"Invalid proof" through its logger argument; a node keeps its log its own. */
const quiet = { debug() {}, info() {}, warn() {}, error() {}, log() {} };
