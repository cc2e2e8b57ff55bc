// SM2 signature encodings: raw r ‖ s (64 bytes, GB/T 32918.2 §6.1 output as two 32-byte integers),
// ASN.1 DER SEQUENCE { r INTEGER, s INTEGER } (GM/T 0009), and PrivGate's hinted form
// r ‖ s ‖ y1 (96 bytes) that carries the y-coordinate of the signer's point (x1, y1) = kG so that
// batches can be verified with one multi-scalar multiplication (see batch-verify.ts).
import { DER } from '@noble/curves/abstract/der.js';
import { AccelError } from '../errors.ts';
import { bigintToBytes32, bytesToBigint } from './curve.ts';

/** An SM2 signature as integers; `y1` is present when the signature came with a recovery hint. */
export interface Sm2Signature {
  r: bigint;
  s: bigint;
  y1?: bigint;
}

/** Length of the raw r ‖ s form. */
export const SM2_SIGNATURE_RAW_BYTES = 64;
/** Length of the hinted r ‖ s ‖ y1 form. */
export const SM2_SIGNATURE_HINTED_BYTES = 96;

/** Encodes r ‖ s (64 bytes), or r ‖ s ‖ y1 (96 bytes) when `withHint` and the signature has y1. */
export function encodeSm2Signature(sig: Sm2Signature, withHint = false): Uint8Array {
  const out = new Uint8Array(withHint && sig.y1 !== undefined ? 96 : 64);
  out.set(bigintToBytes32(sig.r), 0);
  out.set(bigintToBytes32(sig.s), 32);
  if (out.length === 96) out.set(bigintToBytes32(sig.y1!), 64);
  return out;
}

/** Encodes r, s as strict DER. */
export function encodeSm2SignatureDer(sig: Sm2Signature): Uint8Array {
  const hex = DER.hexFromSig({ r: sig.r, s: sig.s });
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/**
 * Decodes a signature: 64 bytes r ‖ s, 96 bytes r ‖ s ‖ y1, or DER (first byte 0x30).
 * Range checks of r and s belong to verification, which answers false for them.
 * @throws {AccelError} SM2_INVALID_SIGNATURE_ENCODING if the bytes are none of these forms.
 */
export function decodeSm2Signature(bytes: Uint8Array): Sm2Signature {
  if (!(bytes instanceof Uint8Array)) {
    throw new AccelError('SM2_INVALID_SIGNATURE_ENCODING', 'SM2 signature must be bytes');
  }
  if (bytes.length === 64 || bytes.length === 96) {
    const r = bytesToBigint(bytes.subarray(0, 32));
    const s = bytesToBigint(bytes.subarray(32, 64));
    return bytes.length === 96 ? { r, s, y1: bytesToBigint(bytes.subarray(64, 96)) } : { r, s };
  }
  if (bytes[0] === 0x30 && bytes.length <= 72) {
    try {
      const { r, s } = DER.toSig(bytes, 33);
      return { r, s };
    } catch (err) {
      throw new AccelError('SM2_INVALID_SIGNATURE_ENCODING', 'SM2 DER signature is malformed', {
        reason: err instanceof Error ? err.message : String(err),
      });
    }
  }
  throw new AccelError('SM2_INVALID_SIGNATURE_ENCODING', 'SM2 signature must be 64 or 96 bytes, or DER', {
    length: bytes.length,
  });
}
