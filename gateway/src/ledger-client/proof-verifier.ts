/**
 * The Groth16 verifier a local ledger hands to its chain: a proof transaction names a circuit and the hash
 * of the verification key registered for it; the proofs are checked in one batch per circuit with
 * @privgate/circuits' batched verifier (the accelerator's `groth16VerifyBatch`) when the registered key is
 * byte for byte the committed artifact of that circuit. A key the circuits package does not ship (another
 * circuit, another setup) is answered `false` rather than trusted.
 */
import { type Accelerator, sm3 } from '@privgate/accel';
import { CIRCUIT_NAMES, type CircuitName, ProofBatchVerifier, readArtifact } from '@privgate/circuits';
import {
  type ProofVerificationItem,
  type ProofVerifier,
  readVkeyBytes,
  type StateReader,
} from '@privgate/ledger';

const artifactHashes = new Map<CircuitName, Promise<string>>();

/** SM3 (hex) of a circuit's committed verification key, as genesis or a vkey change registers it. */
export function circuitVkeyHash(circuit: CircuitName): Promise<string> {
  let hash = artifactHashes.get(circuit);
  if (hash === undefined) {
    hash = readArtifact(circuit, 'vkey').then((bytes) => Buffer.from(sm3(bytes)).toString('hex'));
    hash.catch(() => artifactHashes.delete(circuit));
    artifactHashes.set(circuit, hash);
  }
  return hash;
}

let shared: ProofBatchVerifier | undefined;

/**
 * A ledger `ProofVerifier` backed by the circuits package, reading registered keys from `state`; batches
 * run on `accel` (default: a process-wide single-thread engine).
 */
export function circuitsProofVerifier(
  state: StateReader,
  accel?: Pick<Accelerator, 'groth16VerifyBatch'>,
): ProofVerifier {
  if (accel === undefined) shared ??= new ProofBatchVerifier();
  const verifier = accel === undefined ? shared! : new ProofBatchVerifier({ accel });
  return {
    async verifyBatch(items: readonly ProofVerificationItem[]): Promise<boolean[]> {
      const out = new Array<boolean>(items.length).fill(false);
      const byCircuit = new Map<CircuitName, number[]>();
      await Promise.all(
        items.map(async (item, i) => {
          if (!(CIRCUIT_NAMES as readonly string[]).includes(item.circuit)) return;
          const circuit = item.circuit as CircuitName;
          const registered = await readVkeyBytes(state, item.vkeyHash);
          if (registered === undefined) return;
          const hex = Buffer.from(item.vkeyHash).toString('hex');
          if (Buffer.from(sm3(registered)).toString('hex') !== hex) return;
          if ((await circuitVkeyHash(circuit)) !== hex) return;
          let list = byCircuit.get(circuit);
          if (!list) {
            list = [];
            byCircuit.set(circuit, list);
          }
          list.push(i);
        }),
      );
      for (const [circuit, indices] of byCircuit) {
        const verdicts = await verifier.verifyBatch(
          circuit,
          indices.map((i) => ({ proof: items[i]!.proof, publicSignals: items[i]!.publicSignals })),
        );
        indices.forEach((idx, k) => {
          out[idx] = verdicts[k] === true;
        });
      }
      return out;
    },
  };
}
