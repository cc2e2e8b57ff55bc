/**
 * Credential issuing with EdDSA over Baby Jubjub using Poseidon as the hash (circomlib's EdDSA-Poseidon,
 * as EIP-2494 defines the curve), through circomlibjs. The authority signs
 * Poseidon(subject, attribute, value, expiry); the Credential circuit verifies that signature.
 */
import { type CredentialClaim, credentialMessage } from '../poseidon/commitments.ts';
import type { PoseidonHasher } from '../poseidon/interface.ts';

/** A Baby Jubjub public key in affine coordinates. */
export interface IssuerPublicKey {
  x: bigint;
  y: bigint;
}

/** An EdDSA-Poseidon signature: R8 = r·B8 and S. */
export interface CredentialSignature {
  R8x: bigint;
  R8y: bigint;
  S: bigint;
}

export interface SignedCredential {
  claim: CredentialClaim;
  signature: CredentialSignature;
}

/** An issuing authority holding a Baby Jubjub private key. */
export interface CredentialIssuer {
  readonly publicKey: IssuerPublicKey;
  sign(claim: CredentialClaim): SignedCredential;
  verify(credential: SignedCredential, publicKey?: IssuerPublicKey): boolean;
}

interface BabyField {
  e(value: bigint): Uint8Array;
  toObject(element: Uint8Array): bigint;
}
interface CircomlibEddsa {
  F: BabyField;
  prv2pub(privateKey: Uint8Array): [Uint8Array, Uint8Array];
  signPoseidon(privateKey: Uint8Array, message: Uint8Array): { R8: [Uint8Array, Uint8Array]; S: bigint };
  verifyPoseidon(
    message: Uint8Array,
    signature: { R8: [Uint8Array, Uint8Array]; S: bigint },
    publicKey: [Uint8Array, Uint8Array],
  ): boolean;
}
interface CircomlibjsModule {
  buildEddsa(): Promise<CircomlibEddsa>;
}

const CIRCOMLIBJS = 'circomlibjs';
let eddsaPromise: Promise<CircomlibEddsa> | undefined;

/**
 * Creates an issuer from a 32-byte private key (circomlib's key derivation: BLAKE-512, pruned scalar).
 * @throws {RangeError} when the key is not 32 bytes.
 */
export async function createCredentialIssuer(
  privateKey: Uint8Array,
  hasher: PoseidonHasher,
): Promise<CredentialIssuer> {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== 32) {
    throw new RangeError('privateKey must be 32 bytes');
  }
  eddsaPromise ??= ((await import(CIRCOMLIBJS)) as CircomlibjsModule).buildEddsa();
  const eddsa = await eddsaPromise;
  const F = eddsa.F;
  const key = Uint8Array.from(privateKey);
  const [ax, ay] = eddsa.prv2pub(key);
  const publicKey = { x: F.toObject(ax), y: F.toObject(ay) };
  return {
    publicKey,
    sign(claim) {
      const message = credentialMessage(hasher, claim);
      const { R8, S } = eddsa.signPoseidon(key, F.e(message));
      return { claim: { ...claim }, signature: { R8x: F.toObject(R8[0]), R8y: F.toObject(R8[1]), S } };
    },
    verify(credential, pk = publicKey) {
      const message = credentialMessage(hasher, credential.claim);
      const { R8x, R8y, S } = credential.signature;
      return eddsa.verifyPoseidon(F.e(message), { R8: [F.e(R8x), F.e(R8y)], S }, [F.e(pk.x), F.e(pk.y)]);
    },
  };
}
