// Turning the public request objects into packed batches (main thread side).
import { SM2_DEFAULT_USER_ID } from '../sm2/z.ts';
import { type PackedBytes, packBytes } from './codec.ts';
import type { Sm2SignRequest, Sm2VerifyRequest } from './interface.ts';
import { SIGN_FORMATS } from './kernels.ts';

/** A verify batch as four packed lists. */
export interface PackedVerifyBatch {
  publicKeys: PackedBytes;
  messages: PackedBytes;
  signatures: PackedBytes;
  userIds: PackedBytes;
}

/** A sign batch as packed lists plus one format byte per item. */
export interface PackedSignBatch {
  privateKeys: PackedBytes;
  messages: PackedBytes;
  userIds: PackedBytes;
  formats: Uint8Array;
}

/** Packs verify requests; the default user ID is filled in here so that empty means empty. */
export function packVerifyRequests(items: readonly Sm2VerifyRequest[]): PackedVerifyBatch {
  return {
    publicKeys: packBytes(items.map((x) => x.publicKey)),
    messages: packBytes(items.map((x) => x.message)),
    signatures: packBytes(items.map((x) => x.signature)),
    userIds: packBytes(items.map((x) => x.userId ?? SM2_DEFAULT_USER_ID)),
  };
}

/** Packs sign requests. */
export function packSignRequests(items: readonly Sm2SignRequest[]): PackedSignBatch {
  const formats = new Uint8Array(items.length);
  items.forEach((x, i) => {
    const f = SIGN_FORMATS.indexOf(x.format ?? 'raw');
    if (f < 0) throw new TypeError(`sm2SignBatch: item ${i} has an unknown format`);
    formats[i] = f;
  });
  return {
    privateKeys: packBytes(items.map((x) => x.privateKey)),
    messages: packBytes(items.map((x) => x.message)),
    userIds: packBytes(items.map((x) => x.userId ?? SM2_DEFAULT_USER_ID)),
    formats,
  };
}
