/**
 * SM2 (GB/T 32918.2) signatures for consensus messages: a validator signs proposals and votes with its
 * `Sm2Signer` (raw r ‖ s, default user ID), and checks its peers' with `verifySm2Digest` on keys decoded
 * once per validator — the point with a precomputed multiplication table and its Z value are cached, so
 * a vote costs one SM3 and one double-scalar multiplication instead of a point decompression, an SM3
 * for Z and an untabled multiplication each time.
 */
import {
  bytesToBigint,
  computeSm2Z,
  decodeSm2Signature,
  parseSm2PublicKey,
  SM2_DEFAULT_USER_ID,
  type Sm2Point,
  Sm2Signer,
  sm2MessageDigest,
  verifySm2Digest,
} from '@privgate/accel';
import type { ConsensusCrypto, ValidatorId } from '../consensus/interface.ts';
import type { ValidatorSet } from '../consensus/validator-set.ts';

interface CachedKey {
  readonly point: Sm2Point;
  readonly z: Uint8Array;
}

/**
 * The SM2 `ConsensusCrypto` of a node. Without a private key it only verifies (an auditor, an observer);
 * `sign` then throws.
 * A validator whose genesis key is not an SM2 point, or a signature that cannot be decoded, verifies false.
 * @throws {AccelError} `SM2_INVALID_PRIVATE_KEY` for a bad private key.
 * @example
 * const crypto = createSm2ConsensusCrypto(validatorSetOf(genesis), keys.sm2PrivateKey);
 * new Tendermint({ validatorId, validators }, { crypto, app });
 */
export function createSm2ConsensusCrypto(validators: ValidatorSet, privateKey?: Uint8Array): ConsensusCrypto {
  const signer = privateKey === undefined ? undefined : new Sm2Signer(privateKey);
  const keys = new Map<ValidatorId, CachedKey | null>();
  const keyOf = (id: ValidatorId): CachedKey | null => {
    let key = keys.get(id);
    if (key === undefined) {
      const publicKey = validators.publicKeyOf(id);
      key = null;
      if (publicKey !== undefined) {
        try {
          const point = parseSm2PublicKey(publicKey);
          // A table makes each verification ~4× cheaper; validators send several messages per height.
          point.precompute(8, false);
          key = { point, z: computeSm2Z(SM2_DEFAULT_USER_ID, point) };
        } catch {
          key = null;
        }
      }
      keys.set(id, key);
    }
    return key;
  };
  return {
    sign(bytes: Uint8Array): Uint8Array {
      if (signer === undefined) throw new TypeError('privateKey: this node has no signing key');
      return signer.sign(bytes, 'raw');
    },
    verify(validatorId: ValidatorId, bytes: Uint8Array, signature: Uint8Array): boolean {
      const key = keyOf(validatorId);
      if (key === null) return false;
      let decoded: ReturnType<typeof decodeSm2Signature>;
      try {
        decoded = decodeSm2Signature(signature);
      } catch {
        return false;
      }
      return verifySm2Digest(bytesToBigint(sm2MessageDigest(key.z, bytes)), decoded, key.point);
    },
  };
}
