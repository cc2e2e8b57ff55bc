// Groth16 verification: batches of 256 distinct valid proofs of a real circuit (RecordInclusionBatch,
// 8 public signals; the committed vectors hold 4 real proofs made with @privgate/circuits, each
// re-randomised 64 times — A' = A/t, B' = t·B + s·δ, C' = C + s·A' — so every proof differs and is
// valid), against snarkjs's groth16.verify one proof at a time and noble's pairing per proof, in the
// same run.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { bn254 } from '@noble/curves/bn254.js';
import {
  type Accelerator,
  createCpuAccelerator,
  createWorkersAccelerator,
  type Groth16VerificationKey,
  type Groth16VerifyItem,
} from '../src/index.ts';
import { type BenchFlags, type BenchLine, compare, interleave, progress } from './harness.ts';

interface Snarkjs {
  groth16: { verify(vkey: unknown, signals: unknown, proof: unknown, logger?: unknown): Promise<boolean> };
}
const quiet = { debug() {}, info() {}, warn() {}, error() {}, log() {} };

const { Fp2, Fr } = bn254.fields;
const G1 = bn254.G1.Point;
const G2 = bn254.G2.Point;
type G1Point = InstanceType<typeof G1>;
type G2Point = InstanceType<typeof G2>;
const g1 = (a: readonly string[]) => G1.fromAffine({ x: BigInt(a[0]!), y: BigInt(a[1]!) });
const g2 = (b: readonly (readonly string[])[]) =>
  G2.fromAffine({
    x: Fp2.fromBigTuple([BigInt(b[0]![0]!), BigInt(b[0]![1]!)]),
    y: Fp2.fromBigTuple([BigInt(b[1]![0]!), BigInt(b[1]![1]!)]),
  });
const g1Json = (p: G1Point) => [p.toAffine().x.toString(), p.toAffine().y.toString(), '1'];
const g2Json = (q: G2Point) => {
  const a = q.toAffine();
  return [
    [a.x.c0.toString(), a.x.c1.toString()],
    [a.y.c0.toString(), a.y.c1.toString()],
    ['1', '0'],
  ];
};
const scalar = () => {
  const w = crypto.getRandomValues(new BigUint64Array(4));
  return (((w[0]! << 192n) | (w[1]! << 128n) | (w[2]! << 64n) | w[3]!) % (Fr.ORDER - 1n)) + 1n;
};

function rerandomize(vkey: Groth16VerificationKey, item: Groth16VerifyItem): Groth16VerifyItem {
  const t = scalar();
  const s = scalar();
  const a = g1(item.proof.pi_a).multiply(Fr.inv(t));
  const b = g2(item.proof.pi_b).multiply(t).add(g2(vkey.vk_delta_2).multiply(s));
  const c = g1(item.proof.pi_c).add(a.multiply(s));
  return {
    proof: { ...item.proof, pi_a: g1Json(a), pi_b: g2Json(b), pi_c: g1Json(c) },
    publicSignals: item.publicSignals,
  };
}

/** One proof with noble: e(-A, B)·e(α, β)·e(X, γ)·e(C, δ) = 1 with a 4-pair pairingBatch. */
function nobleVerify(vkey: Groth16VerificationKey, item: Groth16VerifyItem): boolean {
  let x = g1(vkey.IC[0]!);
  item.publicSignals.forEach((s, j) => {
    if (s !== '0') x = x.add(g1(vkey.IC[j + 1]!).multiply(BigInt(s)));
  });
  const f = bn254.pairingBatch([
    { g1: g1(item.proof.pi_a).negate(), g2: g2(item.proof.pi_b) },
    { g1: g1(vkey.vk_alpha_1), g2: g2(vkey.vk_beta_2) },
    { g1: x, g2: g2(vkey.vk_gamma_2) },
    { g1: g1(item.proof.pi_c), g2: g2(vkey.vk_delta_2) },
  ]);
  return bn254.fields.Fp12.eql(f, bn254.fields.Fp12.ONE);
}

export async function benchGroth16(flags: BenchFlags): Promise<BenchLine[]> {
  const batch = 256;
  const rounds = flags.quick ? 3 : 7;
  const size = 2;
  const vectors = JSON.parse(
    readFileSync(new URL('../test/vectors/groth16-proofs.json', import.meta.url), 'utf8'),
  ) as {
    record_inclusion_batch: { vkey: Groth16VerificationKey; proofs: Groth16VerifyItem[] };
  };
  const { vkey, proofs } = vectors.record_inclusion_batch;
  progress(flags, `groth16: re-randomising ${proofs.length} real proofs into ${batch}`);
  const items = Array.from({ length: batch }, (_, i) => rerandomize(vkey, proofs[i % proofs.length]!));
  const snarkjs = (await import(String('snarkjs'))) as Snarkjs;
  const workers: Accelerator = createWorkersAccelerator({ size });
  const cpu: Accelerator = createCpuAccelerator();
  const check = (results: boolean[]) => {
    if (!results.every(Boolean)) throw new Error('benchmark batch failed to verify');
    return results.length;
  };
  let k = 0;
  const next = () => items[k++ % items.length]!;
  const small = flags.quick ? 0.5 : 1;

  progress(flags, 'groth16.verify: interleaved rounds');
  const results = await interleave(
    [
      { name: 'workers', run: async () => check(await workers.groth16VerifyBatch(vkey, items)) },
      { name: 'cpu', run: async () => check(await cpu.groth16VerifyBatch(vkey, items)) },
      {
        name: 'snarkjs',
        run: async () => {
          const n = Math.round(16 * small);
          for (let i = 0; i < n; i++) {
            const it = next();
            if (!(await snarkjs.groth16.verify(vkey, it.publicSignals, it.proof, quiet)))
              throw new Error('snarkjs: invalid');
          }
          return n;
        },
      },
      {
        name: 'noble',
        run: () => {
          const n = Math.round(4 * small);
          for (let i = 0; i < n; i++) if (!nobleVerify(vkey, next())) throw new Error('noble: invalid');
          return n;
        },
      },
    ],
    rounds,
  );
  const extra = {
    batch,
    circuit: 'record_inclusion_batch',
    proofs: `${proofs.length} real × ${batch / proofs.length} re-randomised`,
    load1: Number(loadavg()[0]!.toFixed(2)),
  };
  const out = [
    ...compare(results, 'workers', ['snarkjs', 'noble'], {
      bench: 'accel.groth16.verify',
      backend: `workers:${size}`,
      unit: 'ops/s',
      ...extra,
    }),
    ...compare(results, 'cpu', ['snarkjs'], {
      bench: 'accel.groth16.verify',
      backend: 'cpu',
      unit: 'ops/s',
      ...extra,
    }),
  ];
  await Promise.all([workers.close(), cpu.close()]);
  const curve = (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128;
  await curve?.terminate();
  return out;
}
