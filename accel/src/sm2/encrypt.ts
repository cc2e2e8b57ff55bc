// SM2 public key encryption, GB/T 32918.4-2016 §6 (encryption) and §7 (decryption), with the KDF of
// §5.4.3. The ciphertext order is C1 ‖ C3 ‖ C2 as in the 2016 standard (C1 = kG uncompressed,
// C3 = SM3(x2 ‖ M ‖ y2), C2 = M ⊕ KDF(x2 ‖ y2, |M|)); `order: 'c1c2c3'` reads and writes the 2010 order
// that some older peers still use.
import { timingSafeEqual } from 'node:crypto';
import { AccelError } from '../errors.ts';
import { Sm3 } from '../sm3/index.ts';
import { bigintToBytes32, type Sm2Curve, sm2Curve } from './curve.ts';
import { parseSm2PrivateKey, parseSm2PublicKey, randomScalarBelow } from './keys.ts';

/** Ciphertext component order. */
export type Sm2CipherOrder = 'c1c3c2' | 'c1c2c3';

/** Largest plaintext accepted: encryption is for keys and small secrets, not bulk data. */
export const SM2_MAX_PLAINTEXT_BYTES = 1 << 20;

/** KDF of GB/T 32918.4 §5.4.3: SM3(Z ‖ ct) for ct = 1, 2, … (32-bit big-endian), truncated to klen bytes. */
export function sm2Kdf(z: Uint8Array, klen: number): Uint8Array {
  const out = new Uint8Array(klen);
  const ct = new Uint8Array(4);
  for (let i = 0, counter = 1; i < klen; i += 32, counter++) {
    new DataView(ct.buffer).setUint32(0, counter);
    const block = new Sm3().update(z).update(ct).digest();
    out.set(block.subarray(0, Math.min(32, klen - i)), i);
  }
  return out;
}

/**
 * Encrypts a message to an SM2 public key.
 * @throws {AccelError} SM2_INVALID_PUBLIC_KEY; {RangeError} if the message is larger than 1 MiB.
 */
export function encryptSm2(
  message: Uint8Array,
  publicKey: Uint8Array,
  order: Sm2CipherOrder = 'c1c3c2',
  curve: Sm2Curve = sm2Curve,
  nextK: () => bigint = () => randomScalarBelow(curve.params.n - 1n) + 1n,
): Uint8Array {
  if (message.length > SM2_MAX_PLAINTEXT_BYTES) throw new RangeError('encryptSm2: message larger than 1 MiB');
  const P = parseSm2PublicKey(publicKey, curve);
  for (;;) {
    const k = nextK();
    const c1 = curve.Point.BASE.multiply(k).toBytes(false);
    const { x, y } = P.multiply(k).toAffine();
    const x2 = bigintToBytes32(x);
    const y2 = bigintToBytes32(y);
    const t = sm2Kdf(concat(x2, y2), message.length);
    // A5: an all-zero key stream must be discarded (only possible for an empty message otherwise).
    if (message.length > 0 && t.every((b) => b === 0)) continue;
    const c2 = message.map((b, i) => b ^ t[i]!);
    const c3 = new Sm3().update(x2).update(message).update(y2).digest();
    return order === 'c1c3c2' ? concat(c1, c3, c2) : concat(c1, c2, c3);
  }
}

/**
 * Decrypts an SM2 ciphertext.
 * @throws {AccelError} SM2_INVALID_CIPHERTEXT when C1 is not a curve point or the ciphertext is too short;
 * SM2_DECRYPT_FAILED when the hash C3 does not match (wrong key or tampered ciphertext).
 */
export function decryptSm2(
  ciphertext: Uint8Array,
  privateKey: Uint8Array,
  order: Sm2CipherOrder = 'c1c3c2',
  curve: Sm2Curve = sm2Curve,
): Uint8Array {
  const d = parseSm2PrivateKey(privateKey, curve);
  if (ciphertext.length < 65 + 32 || ciphertext[0] !== 4) {
    throw new AccelError(
      'SM2_INVALID_CIPHERTEXT',
      'SM2 ciphertext must start with an uncompressed C1 and hold C3',
      {
        length: ciphertext.length,
      },
    );
  }
  if (ciphertext.length - 97 > SM2_MAX_PLAINTEXT_BYTES) {
    throw new AccelError('SM2_INVALID_CIPHERTEXT', 'SM2 ciphertext larger than the 1 MiB plaintext limit');
  }
  let C1: ReturnType<typeof parseSm2PublicKey>;
  try {
    C1 = parseSm2PublicKey(ciphertext.subarray(0, 65), curve);
  } catch {
    throw new AccelError('SM2_INVALID_CIPHERTEXT', 'SM2 ciphertext C1 is not a point of the curve');
  }
  const mlen = ciphertext.length - 97;
  const c3 = order === 'c1c3c2' ? ciphertext.subarray(65, 97) : ciphertext.subarray(65 + mlen);
  const c2 = order === 'c1c3c2' ? ciphertext.subarray(97) : ciphertext.subarray(65, 65 + mlen);
  const { x, y } = C1.multiply(d).toAffine();
  const x2 = bigintToBytes32(x);
  const y2 = bigintToBytes32(y);
  const t = sm2Kdf(concat(x2, y2), mlen);
  if (mlen > 0 && t.every((b) => b === 0))
    throw new AccelError('SM2_DECRYPT_FAILED', 'SM2 decryption failed');
  const message = c2.map((b, i) => b ^ t[i]!);
  const u = new Sm3().update(x2).update(message).update(y2).digest();
  // Constant-time comparison: C3 authenticates the plaintext.
  if (!timingSafeEqual(u, c3)) throw new AccelError('SM2_DECRYPT_FAILED', 'SM2 decryption failed');
  return message;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
