// The signer identity hash Z_A, GB/T 32918.2-2016 §5.5:
// Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A), ENTL_A = bit length of ID_A as 2 bytes.
import { AccelError } from '../errors.ts';
import { sm3 } from '../sm3/index.ts';
import { bigintToBytes32, type Sm2Curve, type Sm2Point, sm2Curve } from './curve.ts';

/** The user ID that GB/T 32918 and GM/T 0009 use when none is agreed: the ASCII string "1234567812345678". */
export const SM2_DEFAULT_USER_ID: Uint8Array = new TextEncoder().encode('1234567812345678');

/** ENTL is 16 bits, so an ID may have at most 8191 bytes. */
export const SM2_MAX_USER_ID_BYTES = 8191;

/**
 * Validates a user ID: bytes, at most 8191 of them (an empty ID is allowed; Node's OpenSSL SM2 uses it).
 * @throws {AccelError} SM2_INVALID_USER_ID if it is too long or not bytes.
 */
export function checkUserId(userId: Uint8Array): Uint8Array {
  if (!(userId instanceof Uint8Array) || userId.length > SM2_MAX_USER_ID_BYTES) {
    throw new AccelError(
      'SM2_INVALID_USER_ID',
      `SM2 user ID must be bytes, at most ${SM2_MAX_USER_ID_BYTES}`,
      {
        length: userId?.length,
      },
    );
  }
  return userId;
}

/**
 * Computes Z_A for a user ID and a public key point.
 * @throws {AccelError} SM2_INVALID_USER_ID for an ID longer than 8191 bytes.
 */
export function computeSm2Z(userId: Uint8Array, publicKey: Sm2Point, curve: Sm2Curve = sm2Curve): Uint8Array {
  checkUserId(userId);
  const { x, y } = publicKey.toAffine();
  const buf = new Uint8Array(2 + userId.length + 128 + 64);
  const bits = userId.length * 8;
  buf[0] = bits >>> 8;
  buf[1] = bits & 0xff;
  buf.set(userId, 2);
  let o = 2 + userId.length;
  buf.set(curve.zConstants, o);
  o += 128;
  buf.set(bigintToBytes32(x), o);
  buf.set(bigintToBytes32(y), o + 32);
  return sm3(buf);
}

/** e = SM3(Z ‖ M) as an integer (GB/T 32918.2 §6.1 steps A1–A2), not reduced modulo n. */
export function sm2MessageDigest(z: Uint8Array, message: Uint8Array): Uint8Array {
  const buf = new Uint8Array(z.length + message.length);
  buf.set(z, 0);
  buf.set(message, z.length);
  return sm3(buf);
}
