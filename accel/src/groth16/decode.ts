// Reading snarkjs JSON into field elements. Proof items are judged, not trusted: anything that is not a
// well-formed proof decodes to `undefined` (the item verifies false). Compared with snarkjs:
// - coordinates must be canonical decimals below p and signals below r (snarkjs reduces coordinates
//   ≥ p modulo p, which lets one proof travel under many encodings; a signal ≥ r is false in both);
// - a point is [x, y] (affine) or [x, y, z], converted to affine exactly as snarkjs does (Jacobian:
//   x/z², y/z³; z = 0 is infinity);
// - the number of signals must be exactly nPublic (snarkjs uses as many IC points as there are signals,
//   so a list missing trailing zero signals passes there);
// - the subgroup of B is checked elsewhere (snarkjs checks only that B is on the curve).

import { type Fp2Value, fp2, P, powMod, R } from '../bn254/params.ts';
import { AccelError } from '../errors.ts';
import { type Groth16Proof, type Groth16VerificationKey, MAX_PUBLIC_SIGNALS } from './types.ts';

/** An affine G1 point, or null for the point at infinity. */
export type G1Value = readonly [bigint, bigint] | null;
/** An affine twist point, or null for infinity. */
export type G2Value = readonly [Fp2Value, Fp2Value] | null;

export interface DecodedProof {
  a: G1Value;
  b: G2Value;
  c: G1Value;
  signals: bigint[];
}

export interface DecodedKey {
  nPublic: number;
  alpha: G1Value;
  beta: G2Value;
  gamma: G2Value;
  delta: G2Value;
  ic: G1Value[];
}

const DECIMAL = /^[0-9]{1,78}$/;

/** A canonical decimal below `bound`, or undefined. */
function decimal(value: unknown, bound: bigint): bigint | undefined {
  if (typeof value !== 'string' || !DECIMAL.test(value)) return undefined;
  const v = BigInt(value);
  return v < bound ? v : undefined;
}

function g1(value: unknown): G1Value | undefined {
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 3)) return undefined;
  const [x, y, z] = (value.length === 2 ? [...value, '1'] : value).map((c) => decimal(c, P));
  if (x === undefined || y === undefined || z === undefined) return undefined;
  if (z === 0n) return null;
  if (z === 1n) return [x, y];
  const zi = powMod(z, P - 2n);
  const zi2 = (zi * zi) % P;
  return [(x * zi2) % P, (((y * zi2) % P) * zi) % P];
}

function fp2Of(value: unknown): Fp2Value | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [c0, c1] = value.map((c) => decimal(c, P));
  return c0 === undefined || c1 === undefined ? undefined : [c0, c1];
}

function g2(value: unknown): G2Value | undefined {
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 3)) return undefined;
  const [x, y, z] = (value.length === 2 ? [...value, ['1', '0']] : value).map(fp2Of);
  if (x === undefined || y === undefined || z === undefined) return undefined;
  if (z[0] === 0n && z[1] === 0n) return null;
  if (z[0] === 1n && z[1] === 0n) return [x, y];
  const zi = fp2.inv(z);
  const zi2 = fp2.mul(zi, zi);
  return [fp2.mul(x, zi2), fp2.mul(fp2.mul(y, zi2), zi)];
}

/**
 * Decodes a proof and its signals for a key with `nPublic` signals; undefined if malformed
 * (shape, non-canonical numbers, wrong signal count, protocol/curve other than groth16/bn128).
 */
export function decodeProof(proof: unknown, signals: unknown, nPublic: number): DecodedProof | undefined {
  if (typeof proof !== 'object' || proof === null) return undefined;
  const p = proof as Partial<Record<keyof Groth16Proof, unknown>>;
  if (p.protocol !== undefined && p.protocol !== 'groth16') return undefined;
  if (p.curve !== undefined && p.curve !== 'bn128') return undefined;
  const a = g1(p.pi_a);
  const b = g2(p.pi_b);
  const c = g1(p.pi_c);
  if (a === undefined || b === undefined || c === undefined) return undefined;
  if (!Array.isArray(signals) || signals.length !== nPublic) return undefined;
  const s: bigint[] = [];
  for (const v of signals) {
    const x = decimal(v, R);
    if (x === undefined) return undefined;
    s.push(x);
  }
  return { a, b, c, signals: s };
}

function invalidKey(reason: string): never {
  throw new AccelError('GROTH16_INVALID_VKEY', `invalid Groth16 verification key: ${reason}`, { reason });
}

/**
 * Decodes a verification key (points are checked on their curves and in their groups by the engine).
 * @throws {AccelError} GROTH16_INVALID_VKEY for anything but a snarkjs groth16/bn128 key.
 */
export function decodeKey(vkey: unknown): DecodedKey {
  if (typeof vkey !== 'object' || vkey === null) invalidKey('not an object');
  const k = vkey as Partial<Record<keyof Groth16VerificationKey, unknown>>;
  if (k.protocol !== 'groth16') invalidKey('protocol is not groth16');
  if (k.curve !== 'bn128') invalidKey('curve is not bn128');
  const n = k.nPublic;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_PUBLIC_SIGNALS) {
    invalidKey(`nPublic must be an integer in [0, ${MAX_PUBLIC_SIGNALS}]`);
  }
  if (!Array.isArray(k.IC) || k.IC.length !== n + 1) invalidKey('IC must hold nPublic + 1 points');
  const point = <T>(v: T | undefined, name: string): T =>
    v === undefined ? invalidKey(`${name} is malformed`) : v;
  return {
    nPublic: n,
    alpha: point(g1(k.vk_alpha_1), 'vk_alpha_1'),
    beta: point(g2(k.vk_beta_2), 'vk_beta_2'),
    gamma: point(g2(k.vk_gamma_2), 'vk_gamma_2'),
    delta: point(g2(k.vk_delta_2), 'vk_delta_2'),
    ic: k.IC.map((p, i) => point(g1(p), `IC[${i}]`)),
  };
}
