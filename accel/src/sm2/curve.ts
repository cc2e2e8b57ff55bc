// SM2 elliptic curve parameters, GB/T 32918.5-2017 (recommended 256-bit prime curve).
// Each constant is checked in test/sm2.curve.test.ts against OpenSSL's explicit parameters
// (`openssl ecparam -name SM2 -param_enc explicit -text`) and G is checked to lie on the curve.
import {
  type WeierstrassPoint,
  type WeierstrassPointCons,
  weierstrass,
} from '@noble/curves/abstract/weierstrass.js';

/** Domain parameters of a prime-field Weierstrass curve used with the SM2 algorithms. */
export interface Sm2CurveParams {
  readonly p: bigint;
  readonly a: bigint;
  readonly b: bigint;
  readonly n: bigint;
  readonly Gx: bigint;
  readonly Gy: bigint;
}

/** A curve ready for the SM2 algorithms: parameters, the point class and encoded constants for Z. */
export interface Sm2Curve {
  readonly params: Sm2CurveParams;
  readonly Point: WeierstrassPointCons<bigint>;
  /** a ‖ b ‖ Gx ‖ Gy as 32-byte big-endian strings: the fixed part of Z (GB/T 32918.2 §5.5). */
  readonly zConstants: Uint8Array;
}

/** The recommended curve of GB/T 32918.5. */
export const SM2_PARAMS: Sm2CurveParams = Object.freeze({
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
});

/**
 * Builds an SM2 curve context from domain parameters. Used for the recommended curve and, in
 * tests, for the 256-bit example curve of GB/T 32918.2 Annex A, whose worked examples fix k.
 * @throws {RangeError} if the generator is not on the curve.
 */
export function createSm2Curve(params: Sm2CurveParams): Sm2Curve {
  const Point = weierstrass({
    p: params.p,
    n: params.n,
    h: 1n,
    a: params.a,
    b: params.b,
    Gx: params.Gx,
    Gy: params.Gy,
  });
  const { p, a, b, Gx, Gy } = params;
  if ((((Gy * Gy - Gx * Gx * Gx - a * Gx - b) % p) + p) % p !== 0n) {
    throw new RangeError('createSm2Curve: generator is not on the curve');
  }
  const zConstants = new Uint8Array(128);
  [a, b, Gx, Gy].forEach((v, i) => zConstants.set(bigintToBytes32(v), i * 32));
  return Object.freeze({ params, Point, zConstants });
}

/** The recommended SM2 curve. */
export const sm2Curve: Sm2Curve = createSm2Curve(SM2_PARAMS);

/** A point of an SM2 curve. */
export type Sm2Point = WeierstrassPoint<bigint>;

/** Big-endian 32-byte encoding of a non-negative integer below 2^256. */
export function bigintToBytes32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let x = v;
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** Big-endian bytes to a non-negative integer. */
export function bytesToBigint(bytes: Uint8Array): bigint {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]!];
  return hex === '' ? 0n : BigInt('0x' + hex);
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
