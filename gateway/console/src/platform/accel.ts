/**
 * `@privgate/accel` in the browser: the pure SM3 and SM2 modules, without the package index's worker
 * pool (`node:worker_threads`, `node:os`) and SM2 encryption (`node:crypto`). The console's Vite build
 * resolves `@privgate/accel` here (`vite.config.ts`), so the ledger's and the gateway's own modules sign
 * and verify in the browser with the same code as on the server.
 */

export type { Accelerator, Sm2VerifyRequest } from '../../../../accel/src/engine/interface.ts';
export {
  AccelError,
  type AccelErrorCode,
  CodedError,
  type SerializedError,
} from '../../../../accel/src/errors.ts';
export {
  bigintToBytes32,
  bytesToBigint,
  SM2_PARAMS,
  type Sm2Curve,
  type Sm2Point,
  sm2Curve,
} from '../../../../accel/src/sm2/curve.ts';
export {
  generateSm2KeyPair,
  getSm2PublicKey,
  normalizeSm2PublicKey,
  parseSm2PrivateKey,
  parseSm2PublicKey,
  type Sm2KeyPair,
} from '../../../../accel/src/sm2/keys.ts';
export {
  precomputeSm2Generator,
  Sm2Signer,
  type Sm2SignOptions,
  signSm2,
} from '../../../../accel/src/sm2/sign.ts';
export {
  decodeSm2Signature,
  encodeSm2Signature,
  SM2_SIGNATURE_HINTED_BYTES,
  SM2_SIGNATURE_RAW_BYTES,
  type Sm2Signature,
} from '../../../../accel/src/sm2/signature.ts';
export { type Sm2VerifyOptions, verifySm2, verifySm2Digest } from '../../../../accel/src/sm2/verify.ts';
export { computeSm2Z, SM2_DEFAULT_USER_ID, sm2MessageDigest } from '../../../../accel/src/sm2/z.ts';
export { SM3_DIGEST_SIZE, Sm3, sm3 } from '../../../../accel/src/sm3/sm3.ts';
