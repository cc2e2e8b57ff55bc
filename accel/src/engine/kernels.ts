// The work itself, on packed batches: the cpu backend calls these on the main thread, each worker
// calls them in its own thread. One implementation for both keeps the backends' answers identical.
import { AccelError } from '../errors.ts';
import { type Sm2DecodedItem, verifySm2BatchDecoded } from '../sm2/batch-verify.ts';
import { bytesToBigint } from '../sm2/curve.ts';
import { Sm2KeyCache } from '../sm2/key-cache.ts';
import { precomputeSm2Generator, Sm2Signer } from '../sm2/sign.ts';
import { decodeSm2Signature, SM2_SIGNATURE_HINTED_BYTES } from '../sm2/signature.ts';
import { checkUserId, sm2MessageDigest } from '../sm2/z.ts';
import { sm3, sm3MerkleRoot, sm3Packed } from '../sm3/index.ts';
import { type PackedBytes, packBytes, packedCount, packedItem } from './codec.ts';

/** Signature formats on the wire: index into this list. */
export const SIGN_FORMATS = ['raw', 'hinted', 'der'] as const;

/** State a thread keeps between batches: decoded keys and tables, and signers. */
export interface KernelState {
  keys: Sm2KeyCache;
  signers: Map<string, Sm2Signer>;
}

/** Fresh per-thread state. */
export function createKernelState(): KernelState {
  return { keys: new Sm2KeyCache(), signers: new Map() };
}

/** SM3 of each message; 32 bytes per message, in order. */
export function sm3BatchKernel(messages: PackedBytes): Uint8Array {
  const out = new Uint8Array(packedCount(messages) * 32);
  sm3Packed(messages.data, messages.offsets, out);
  return out;
}

/** Merkle root of the leaves. */
export function sm3MerkleKernel(leaves: PackedBytes): Uint8Array {
  return sm3MerkleRoot(leaves);
}

/** One byte per item, 1 = valid. Items that cannot be decoded answer 0. */
export function sm2VerifyKernel(
  state: KernelState,
  publicKeys: PackedBytes,
  messages: PackedBytes,
  signatures: PackedBytes,
  userIds: PackedBytes,
): Uint8Array {
  const count = packedCount(publicKeys);
  const decoded = new Array<Sm2DecodedItem | undefined>(count);
  for (let i = 0; i < count; i++) {
    try {
      const sigBytes = packedItem(signatures, i);
      const hinted = sigBytes.length === SM2_SIGNATURE_HINTED_BYTES;
      const { point, z } = state.keys.get(packedItem(publicKeys, i), packedItem(userIds, i), !hinted);
      const sig = decodeSm2Signature(sigBytes);
      decoded[i] = { e: bytesToBigint(sm2MessageDigest(z, packedItem(messages, i))), sig, key: point };
    } catch (err) {
      if (!(err instanceof AccelError)) throw err;
      decoded[i] = undefined;
    }
  }
  const results = verifySm2BatchDecoded(decoded);
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = results[i] ? 1 : 0;
  return out;
}

/**
 * One signature per item. Signers are cached by SM3(private key ‖ 0x00 ‖ user ID), never by the key
 * itself, so the cache's keys do not hold secrets in the clear.
 * @throws {AccelError} SM2_INVALID_PRIVATE_KEY, SM2_INVALID_USER_ID.
 */
export function sm2SignKernel(
  state: KernelState,
  privateKeys: PackedBytes,
  messages: PackedBytes,
  userIds: PackedBytes,
  formats: Uint8Array,
): PackedBytes {
  const count = packedCount(privateKeys);
  if (count >= 64) precomputeSm2Generator();
  const sigs = new Array<Uint8Array>(count);
  for (let i = 0; i < count; i++) {
    const d = packedItem(privateKeys, i);
    const uid = checkUserId(packedItem(userIds, i));
    const tag = new Uint8Array(d.length + 1 + uid.length);
    tag.set(d, 0);
    tag.set(uid, d.length + 1);
    const id = Buffer.from(sm3(tag)).toString('latin1');
    tag.fill(0);
    let signer = state.signers.get(id);
    if (!signer) {
      signer = new Sm2Signer(d, uid);
      if (state.signers.size >= 1024) state.signers.delete(state.signers.keys().next().value!);
      state.signers.set(id, signer);
    }
    const format = SIGN_FORMATS[formats[i]!];
    if (!format)
      throw new AccelError('ACCEL_INVALID_BATCH', `unknown signature format ${formats[i]}`, { index: i });
    sigs[i] = signer.sign(packedItem(messages, i), format);
  }
  return packBytes(sigs);
}
