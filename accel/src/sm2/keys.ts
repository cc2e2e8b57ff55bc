// SM2 key pairs, GB/T 32918.1-2016 §6: private key d in [1, n-2], public key P = dG.
import { AccelError } from '../errors.ts';
import { bigintToBytes32, bytesToBigint, type Sm2Curve, type Sm2Point, sm2Curve } from './curve.ts';

/** An SM2 key pair; the private key is 32 bytes big-endian, the public key SEC1 uncompressed (65 bytes). */
export interface Sm2KeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

/**
 * Draws a private key uniformly from [1, n-2] using `crypto.getRandomValues`.
 * 48 random bytes are reduced modulo n-2, so the bias is below 2^-128.
 */
export function randomSm2PrivateKey(curve: Sm2Curve = sm2Curve): Uint8Array {
  return bigintToBytes32(randomScalarBelow(curve.params.n - 2n) + 1n);
}

/** A uniformly random integer in [0, bound) from the platform CSPRNG (bias < 2^-128). */
export function randomScalarBelow(bound: bigint): bigint {
  const bytes = crypto.getRandomValues(new Uint8Array(48));
  return bytesToBigint(bytes) % bound;
}

/**
 * Generates a fresh SM2 key pair.
 * @example
 * const { privateKey, publicKey } = generateSm2KeyPair();
 */
export function generateSm2KeyPair(curve: Sm2Curve = sm2Curve): Sm2KeyPair {
  const privateKey = randomSm2PrivateKey(curve);
  return { privateKey, publicKey: getSm2PublicKey(privateKey, false, curve) };
}

/**
 * Parses and range-checks a private key.
 * @throws {AccelError} SM2_INVALID_PRIVATE_KEY if it is not 32 bytes or not in [1, n-2].
 */
export function parseSm2PrivateKey(privateKey: Uint8Array, curve: Sm2Curve = sm2Curve): bigint {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== 32) {
    throw new AccelError('SM2_INVALID_PRIVATE_KEY', 'SM2 private key must be 32 bytes', {
      length: privateKey?.length,
    });
  }
  const d = bytesToBigint(privateKey);
  if (d < 1n || d > curve.params.n - 2n) {
    throw new AccelError('SM2_INVALID_PRIVATE_KEY', 'SM2 private key out of range [1, n-2]');
  }
  return d;
}

/**
 * Derives the public key of a private key, SEC1-encoded (65 bytes, or 33 compressed).
 * @throws {AccelError} SM2_INVALID_PRIVATE_KEY for a malformed private key.
 */
export function getSm2PublicKey(
  privateKey: Uint8Array,
  compressed = false,
  curve: Sm2Curve = sm2Curve,
): Uint8Array {
  const d = parseSm2PrivateKey(privateKey, curve);
  return curve.Point.BASE.multiply(d).toBytes(compressed);
}

/**
 * Decodes a SEC1 public key (compressed 02/03 ‖ x, or uncompressed 04 ‖ x ‖ y) and checks that it is
 * a point of the curve other than the point at infinity (GB/T 32918.1 §6.2.1).
 * @throws {AccelError} SM2_INVALID_PUBLIC_KEY if the bytes are not a valid curve point.
 */
export function parseSm2PublicKey(publicKey: Uint8Array, curve: Sm2Curve = sm2Curve): Sm2Point {
  if (!(publicKey instanceof Uint8Array) || (publicKey.length !== 33 && publicKey.length !== 65)) {
    throw new AccelError('SM2_INVALID_PUBLIC_KEY', 'SM2 public key must be 33 or 65 SEC1 bytes', {
      length: publicKey?.length,
    });
  }
  try {
    const point = curve.Point.fromBytes(publicKey);
    point.assertValidity();
    return point;
  } catch (err) {
    throw new AccelError('SM2_INVALID_PUBLIC_KEY', 'SM2 public key is not a point of the curve', {
      reason: err instanceof Error ? err.message : String(err),
    });
  }
}

/** Re-encodes a public key as 65 uncompressed bytes (the form that Z and the caches use). */
export function normalizeSm2PublicKey(publicKey: Uint8Array, curve: Sm2Curve = sm2Curve): Uint8Array {
  const point = parseSm2PublicKey(publicKey, curve);
  return publicKey.length === 65 ? publicKey : point.toBytes(false);
}
