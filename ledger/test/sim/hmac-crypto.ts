/**
 * The signature collaborator of the simulation: HMAC-SHA256 (@noble/hashes) with one secret per
 * validator, derived from the run's seed.
 *
 * Why not SM2: the production `ConsensusCrypto` is SM2 from `accel`, exercised by the real-network
 * tests. A simulation run needs tens of thousands of signatures and verifications, and a thousand
 * runs must fit in CI; HMAC costs microseconds. It is still a real keyed construction: a validator
 * can only produce tags with its own secret, and the Byzantine code in the simulation is handed only
 * its own signing function, so it cannot forge others' votes. (Unlike a signature, a MAC can be
 * verified only by someone holding the secret, so the verifier table below stands in for the
 * public-key directory and is used only by honest code and the invariant checker.)
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { ConsensusCrypto, Genesis, ValidatorId } from '../../src/consensus/index.ts';
import { ValidatorSet } from '../../src/consensus/index.ts';

type KeyedMac = ReturnType<typeof hmac.create>;

/** Per-validator secrets and the matching sign/verify functions. */
export class HmacKeyring {
  private readonly macs = new Map<ValidatorId, KeyedMac>();

  constructor(seed: number, ids: readonly ValidatorId[]) {
    for (const id of ids) {
      const secret = sha256(new TextEncoder().encode(`privgate-sim-secret|${seed}|${id}`));
      this.macs.set(id, hmac.create(sha256, secret));
    }
  }

  /** Tag of `bytes` under `id`'s secret. */
  private tag(id: ValidatorId, bytes: Uint8Array): Uint8Array {
    const mac = this.macs.get(id);
    if (mac === undefined) throw new RangeError(`no secret for ${id}`);
    return mac.clone().update(bytes).digest();
  }

  /** The signing function of one validator: the only capability a (Byzantine) node receives. */
  signerFor(id: ValidatorId): (bytes: Uint8Array) => Uint8Array {
    if (!this.macs.has(id)) throw new RangeError(`no secret for ${id}`);
    return (bytes) => this.tag(id, bytes);
  }

  /** Verifies a tag of any validator (honest code and invariant checks only). */
  verify(id: ValidatorId, bytes: Uint8Array, signature: Uint8Array): boolean {
    if (!this.macs.has(id) || signature.length !== 32) return false;
    const expected = this.tag(id, bytes);
    let diff = 0;
    for (let i = 0; i < 32; i++) diff |= expected[i]! ^ signature[i]!;
    return diff === 0;
  }

  /** The `ConsensusCrypto` for a node signing as `id`. */
  cryptoFor(id: ValidatorId): ConsensusCrypto {
    const sign = this.signerFor(id);
    return { sign, verify: (v, bytes, sig) => this.verify(v, bytes, sig) };
  }
}

/** Validator ids `v0`…`v{n-1}` in genesis order, the keyring and the validator set of a test run. */
export function makeValidators(
  n: number,
  seed = 1,
): { ids: ValidatorId[]; keyring: HmacKeyring; set: ValidatorSet } {
  const ids = Array.from({ length: n }, (_, i) => `v${i}`);
  const keyring = new HmacKeyring(seed, ids);
  const genesis: Genesis = {
    chainId: 'privgate-sim',
    validators: ids.map((id) => ({ id, publicKey: new Uint8Array([0]) })),
  };
  return { ids, keyring, set: new ValidatorSet(genesis) };
}
