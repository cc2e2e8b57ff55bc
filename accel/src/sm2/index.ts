export { type Sm2DecodedItem, verifySm2BatchDecoded } from './batch-verify.ts';
export {
  bigintToBytes32,
  bytesToBigint,
  createSm2Curve,
  SM2_PARAMS,
  type Sm2Curve,
  type Sm2CurveParams,
  type Sm2Point,
  sm2Curve,
} from './curve.ts';
export { decryptSm2, encryptSm2, SM2_MAX_PLAINTEXT_BYTES, type Sm2CipherOrder, sm2Kdf } from './encrypt.ts';
export { type Sm2CachedKey, Sm2KeyCache, type Sm2KeyCacheOptions } from './key-cache.ts';
export {
  generateSm2KeyPair,
  getSm2PublicKey,
  normalizeSm2PublicKey,
  parseSm2PrivateKey,
  parseSm2PublicKey,
  randomSm2PrivateKey,
  type Sm2KeyPair,
} from './keys.ts';
export { precomputeSm2Generator, Sm2Signer, type Sm2SignOptions, signSm2 } from './sign.ts';
export {
  decodeSm2Signature,
  encodeSm2Signature,
  encodeSm2SignatureDer,
  SM2_SIGNATURE_HINTED_BYTES,
  SM2_SIGNATURE_RAW_BYTES,
  type Sm2Signature,
} from './signature.ts';
export { type Sm2VerifyOptions, verifySm2, verifySm2Digest } from './verify.ts';
export {
  checkUserId,
  computeSm2Z,
  SM2_DEFAULT_USER_ID,
  SM2_MAX_USER_ID_BYTES,
  sm2MessageDigest,
} from './z.ts';
