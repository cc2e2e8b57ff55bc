// Poseidon (circomlib's, BN254): batches of arity-2 and arity-4 hashes and a 2^20-leaf Merkle tree
// (2^16 with --quick), against circomlibjs's buildPoseidon (WebAssembly, one thread, one hash per call)
// in the same run. The Merkle baseline is circomlibjs hashing a tree node by node: its leaves/s is its
// pair-hash rate (a tree of n leaves costs n - 1 hashes).
import { loadavg } from 'node:os';
import {
  type Accelerator,
  createCpuAccelerator,
  createWorkersAccelerator,
  packFieldElements,
} from '../src/index.ts';
import { type BenchFlags, type BenchLine, compare, interleave, progress } from './harness.ts';

type CircomlibPoseidon = (inputs: bigint[]) => Uint8Array;

const random = () => {
  const w = crypto.getRandomValues(new BigUint64Array(4));
  return ((w[0]! & 0x0fff_ffff_ffff_ffffn) << 192n) | (w[1]! << 128n) | (w[2]! << 64n) | w[3]!;
};

export async function benchPoseidon(flags: BenchFlags): Promise<BenchLine[]> {
  const rounds = flags.quick ? 3 : 7;
  const size = 2;
  const backend = `workers:${size}`;
  const lib = (await import(String('circomlibjs'))) as { buildPoseidon(): Promise<CircomlibPoseidon> };
  const circomlib = await lib.buildPoseidon();
  const workers: Accelerator = createWorkersAccelerator({ size });
  const cpu: Accelerator = createCpuAccelerator();
  const out: BenchLine[] = [];
  const small = flags.quick ? 0.5 : 1;

  for (const arity of [2, 4]) {
    const count = flags.quick ? 1 << 14 : 1 << 16;
    progress(flags, `poseidon.hash: arity ${arity}, batches of ${count}`);
    const values = Array.from({ length: count * arity }, random);
    const packed = packFieldElements(values);
    const sample = Array.from({ length: 512 }, (_, i) => values.slice(i * arity, (i + 1) * arity));
    let k = 0;
    const results = await interleave(
      [
        { name: 'workers', run: async () => (await workers.poseidonHashBatch(arity, packed)).length / 32 },
        {
          name: 'cpu',
          run: async () =>
            (await cpu.poseidonHashBatch(arity, packed.subarray(0, (count / 4) * arity * 32))).length / 32,
        },
        {
          name: 'circomlibjs',
          run: () => {
            const n = Math.round(2000 * small);
            for (let i = 0; i < n; i++) circomlib(sample[k++ % sample.length]!);
            return n;
          },
        },
      ],
      rounds,
    );
    const extra = { arity, batch: count, load1: Number(loadavg()[0]!.toFixed(2)) };
    const name = arity === 2 ? 'accel.poseidon.hash' : `accel.poseidon.hash.arity${arity}`;
    out.push(
      ...compare(results, 'workers', ['circomlibjs'], { bench: name, backend, unit: 'ops/s', ...extra }),
      ...compare(results, 'cpu', ['circomlibjs'], { bench: name, backend: 'cpu', unit: 'ops/s', ...extra }),
    );
  }

  const depth = flags.quick ? 16 : 20;
  const leaves = packFieldElements(Array.from({ length: 2 ** depth }, random));
  progress(flags, `poseidon.merkle: 2^${depth} leaves`);
  const pair = [random(), random()];
  const results = await interleave(
    [
      {
        name: 'workers',
        run: async () => {
          await workers.poseidonMerkleRoot(leaves, depth);
          return 2 ** depth;
        },
      },
      {
        name: 'circomlibjs',
        run: () => {
          const n = Math.round(2000 * small);
          for (let i = 0; i < n; i++) circomlib(pair);
          return n;
        },
      },
    ],
    flags.quick ? 2 : 3,
  );
  out.push(
    ...compare(results, 'workers', ['circomlibjs'], {
      bench: 'accel.poseidon.merkle',
      backend,
      unit: 'leaves/s',
      depth,
      leaves: 2 ** depth,
      load1: Number(loadavg()[0]!.toFixed(2)),
    }),
  );
  await Promise.all([workers.close(), cpu.close()]);
  return out;
}
