/**
 * The Groth16 verifier a local ledger hands to its chain: a proof transaction names a circuit and the hash
 * of the verification key registered for it; the proof is checked with @privgate/circuits' verifier when
 * the registered key is byte for byte the committed artifact of that circuit. A key the circuits package
 * does not ship (another circuit, another setup) is answered `false` rather than trusted.
 */
import { sm3 } from '@privgate/accel';
import { CIRCUIT_NAMES, type CircuitName, readArtifact, verifyProof } from '@privgate/circuits';
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

/** A ledger `ProofVerifier` backed by the circuits package, reading registered keys from `state`. */
export function circuitsProofVerifier(state: StateReader): ProofVerifier {
  return {
    async verifyBatch(items: readonly ProofVerificationItem[]): Promise<boolean[]> {
      return Promise.all(
        items.map(async (item) => {
          if (!(CIRCUIT_NAMES as readonly string[]).includes(item.circuit)) return false;
          const circuit = item.circuit as CircuitName;
          const registered = await readVkeyBytes(state, item.vkeyHash);
          if (registered === undefined) return false;
          const hex = Buffer.from(item.vkeyHash).toString('hex');
          if (Buffer.from(sm3(registered)).toString('hex') !== hex) return false;
          if ((await circuitVkeyHash(circuit)) !== hex) return false;
          try {
            return await verifyProof(circuit, item.proof, item.publicSignals);
          } catch {
            return false;
          }
        }),
      );
    },
  };
}
