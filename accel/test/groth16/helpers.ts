// Shared by the Groth16 tests: the committed proof vectors, snarkjs as the oracle, and noble-built
// variants of real proofs (re-randomised valid proofs, tampered and malformed ones).
import { readFileSync } from 'node:fs';
import { bn254 } from '@noble/curves/bn254.js';
import type { Groth16Proof, Groth16VerificationKey, Groth16VerifyItem } from '../../src/index.ts';

interface Vectors {
  threshold: { vkey: Groth16VerificationKey; proofs: Groth16VerifyItem[] };
  record_inclusion_batch: { vkey: Groth16VerificationKey; proofs: Groth16VerifyItem[] };
}

export const vectors = JSON.parse(
  readFileSync(new URL('../vectors/groth16-proofs.json', import.meta.url), 'utf8'),
) as Vectors;

/** Base field modulus p and scalar field modulus r. */
export const P = bn254.fields.Fp.ORDER;
export const R = bn254.fields.Fr.ORDER;

interface Snarkjs {
  groth16: { verify(vkey: unknown, signals: unknown, proof: unknown, logger?: unknown): Promise<boolean> };
}
const quiet = { debug() {}, info() {}, warn() {}, error() {}, log() {} };
let snarkjs: Promise<Snarkjs> | undefined;

/** snarkjs's verdict; a throw (input it cannot read) counts as false. */
export async function snarkjsVerify(vkey: unknown, item: Groth16VerifyItem): Promise<boolean> {
  // A non-literal specifier: snarkjs ships no types.
  snarkjs ??= import(String('snarkjs')) as Promise<Snarkjs>;
  try {
    return await (await snarkjs).groth16.verify(vkey, item.publicSignals, item.proof, quiet);
  } catch {
    return false;
  }
}

/** Releases snarkjs's BN254 worker threads. */
export async function releaseSnarkjs(): Promise<void> {
  const curve = (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128;
  await curve?.terminate();
  delete (globalThis as { curve_bn128?: unknown }).curve_bn128;
}

const { Fp2 } = bn254.fields;
type G1 = InstanceType<typeof bn254.G1.Point>;
type G2 = InstanceType<typeof bn254.G2.Point>;

export const g1Of = (a: readonly string[]): G1 =>
  bn254.G1.Point.fromAffine({ x: BigInt(a[0]!), y: BigInt(a[1]!) });
export const g2Of = (b: readonly (readonly string[])[]): G2 =>
  bn254.G2.Point.fromAffine({
    x: Fp2.fromBigTuple([BigInt(b[0]![0]!), BigInt(b[0]![1]!)]),
    y: Fp2.fromBigTuple([BigInt(b[1]![0]!), BigInt(b[1]![1]!)]),
  });
export const g1Json = (p: G1): string[] => {
  if (p.is0()) return ['0', '1', '0'];
  const a = p.toAffine();
  return [a.x.toString(), a.y.toString(), '1'];
};
export const g2Json = (q: G2): string[][] => {
  if (q.is0())
    return [
      ['0', '0'],
      ['1', '0'],
      ['0', '0'],
    ];
  const a = q.toAffine();
  return [
    [a.x.c0.toString(), a.x.c1.toString()],
    [a.y.c0.toString(), a.y.c1.toString()],
    ['1', '0'],
  ];
};

/** A random non-zero scalar. */
export function randomScalar(): bigint {
  const w = crypto.getRandomValues(new BigUint64Array(4));
  const v = ((w[0]! << 192n) | (w[1]! << 128n) | (w[2]! << 64n) | w[3]!) % R;
  return v === 0n ? 1n : v;
}

/**
 * Another valid proof of the same statement: A' = A/t, B' = t·B + s·δ, C' = C + s·A'
 * (e(A', B') = e(A, B)·e(s·A', δ), which C' compensates).
 */
export function rerandomize(vkey: Groth16VerificationKey, item: Groth16VerifyItem): Groth16VerifyItem {
  const t = randomScalar();
  const s = randomScalar();
  const tInv = bn254.fields.Fr.inv(t);
  const a = g1Of(item.proof.pi_a).multiply(tInv);
  const b = g2Of(item.proof.pi_b).multiply(t).add(g2Of(vkey.vk_delta_2).multiply(s));
  const c = g1Of(item.proof.pi_c).add(a.multiply(s));
  return {
    proof: { ...item.proof, pi_a: g1Json(a), pi_b: g2Json(b), pi_c: g1Json(c) } as Groth16Proof,
    publicSignals: [...item.publicSignals],
  };
}

/** A twist point (on E'(Fp2)) outside G2: a random x with x³ + b' a square. */
export function twistPointOutsideG2(): string[][] {
  const b = bn254.G2.Point.BASE;
  // b' from the curve equation at the generator: y² - x³.
  const g = b.toAffine();
  const twistB = Fp2.sub(Fp2.sqr(g.y), Fp2.mul(Fp2.sqr(g.x), g.x));
  for (let i = 1n; ; i++) {
    const x = Fp2.fromBigTuple([i, 7n]);
    const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), twistB);
    let y: ReturnType<typeof Fp2.sqrt>;
    try {
      y = Fp2.sqrt(rhs);
    } catch {
      continue;
    }
    if (!Fp2.eql(Fp2.sqr(y), rhs)) continue;
    return [
      [x.c0.toString(), x.c1.toString()],
      [y.c0.toString(), y.c1.toString()],
      ['1', '0'],
    ];
  }
}

/** Jacobian coordinates (x·z², y·z³, z) of an affine G1 point, the form snarkjs also reads. */
export function jacobianG1(a: readonly string[], z: bigint): string[] {
  const z2 = (z * z) % P;
  return [
    ((BigInt(a[0]!) * z2) % P).toString(),
    ((((BigInt(a[1]!) * z2) % P) * z) % P).toString(),
    z.toString(),
  ];
}

/** A deep copy with one change. */
export function tweak(
  item: Groth16VerifyItem,
  change: (copy: { proof: Record<string, unknown>; publicSignals: string[] }) => void,
): Groth16VerifyItem {
  const copy = structuredClone(item) as unknown as {
    proof: Record<string, unknown>;
    publicSignals: string[];
  };
  change(copy);
  return copy as unknown as Groth16VerifyItem;
}
