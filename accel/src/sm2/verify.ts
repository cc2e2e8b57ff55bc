// SM2 signature verification, GB/T 32918.2-2016 §7.1.
import { bytesToBigint, type Sm2Curve, type Sm2Point, sm2Curve } from './curve.ts';
import { parseSm2PublicKey } from './keys.ts';
import { decodeSm2Signature, type Sm2Signature } from './signature.ts';
import { computeSm2Z, SM2_DEFAULT_USER_ID, sm2MessageDigest } from './z.ts';

/** Options of a verification. */
export interface Sm2VerifyOptions {
  /** The signer's ID for Z_A; default "1234567812345678". */
  userId?: Uint8Array;
}

/**
 * Verifies e against a decoded signature and a public key point: the core of §7.1 steps B1–B7.
 * Not constant-time (all inputs are public). A point with precomputed tables makes this ~4× faster.
 *
 * A hinted signature (r ‖ s ‖ y1) is valid only when r ‖ s is AND y1 is the y-coordinate of the point
 * (x1, y1) of step B6. Without that rule the hint would be free to change (−y1 is on the curve too), so one
 * signed message would have two valid 96-byte encodings — two ledger transaction ids for one transaction.
 */
export function verifySm2Digest(
  e: bigint,
  sig: Sm2Signature,
  publicKey: Sm2Point,
  curve: Sm2Curve = sm2Curve,
): boolean {
  const { n } = curve.params;
  const { r, s } = sig;
  // B1, B2: r, s ∈ [1, n-1].
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  // B5: t = (r + s) mod n, t ≠ 0.
  const t = (r + s) % n;
  if (t === 0n) return false;
  // B6: (x1, y1) = s'G + tP_A.
  const R = curve.Point.BASE.multiplyUnsafe(s).add(publicKey.multiplyUnsafe(t));
  if (R.is0()) return false;
  // B7: R = (e' + x1) mod n must equal r.
  const { x, y } = R.toAffine();
  return (e + x) % n === r && (sig.y1 === undefined || sig.y1 === y);
}

/**
 * Verifies an SM2 signature over a message.
 * @returns true when the signature is valid for this message, public key and user ID.
 * @throws {AccelError} SM2_INVALID_PUBLIC_KEY, SM2_INVALID_SIGNATURE_ENCODING, SM2_INVALID_USER_ID for
 * input that cannot be a key or a signature at all.
 * @example
 * verifySm2(message, signature, publicKey); // default user ID
 * verifySm2(message, nodeSignature, publicKey, { userId: new Uint8Array(0) }); // Node's OpenSSL
 */
export function verifySm2(
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
  options: Sm2VerifyOptions = {},
): boolean {
  const point = parseSm2PublicKey(publicKey);
  const sig = decodeSm2Signature(signature);
  const z = computeSm2Z(options.userId ?? SM2_DEFAULT_USER_ID, point);
  return verifySm2Digest(bytesToBigint(sm2MessageDigest(z, message)), sig, point);
}
