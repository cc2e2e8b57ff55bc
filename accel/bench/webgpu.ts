// WebGPU benchmarks: SM3 batches of 64-byte messages, BN254 G1 MSM (2^12 .. 2^16 points) and
// two-input Poseidon batches on the webgpu backend, each against a CPU baseline in the same run
// (Node's OpenSSL, @noble/curves' pippenger, circomlibjs's WASM Poseidon). Runs when any adapter
// exists; on a software adapter every line is labelled as such: SwiftShader runs the kernels on the
// CPU, so its figures check that the kernels work at these sizes and say nothing about GPU speed.
import { createHash } from 'node:crypto';
import { pippenger } from '@noble/curves/abstract/curve.js';
import { bn254 } from '@noble/curves/bn254.js';
import { createCpuAccelerator, createWebGpuAccelerator, type WebGpuAccelerator } from '../src/index.ts';
import { type BenchFlags, type BenchLine, compare, interleave, line, median, progress } from './harness.ts';

const SOFTWARE_NOTE = 'software adapter (SwiftShader) — correctness only, not a performance claim';

interface Circomlibjs {
  buildPoseidon(): Promise<(inputs: bigint[]) => Uint8Array>;
}
const CIRCOMLIBJS = 'circomlibjs';

/** Runs `a` and `b` alternately `rounds` times after warm-ups done by the caller; median ms of each. */
async function alternate(
  rounds: number,
  a: () => Promise<unknown>,
  b: () => unknown,
): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    await a();
    ta.push(performance.now() - t);
    t = performance.now();
    b();
    tb.push(performance.now() - t);
  }
  return [median(ta), median(tb)];
}

function randomScalar(): bigint {
  const b = crypto.getRandomValues(new Uint8Array(40));
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v % bn254.G1.Point.Fn.ORDER;
}

/** Webgpu lines, or none (with a note on stderr) when there is no adapter. */
export async function benchWebGpu(flags: BenchFlags): Promise<BenchLine[]> {
  let gpu: WebGpuAccelerator;
  try {
    gpu = await createWebGpuAccelerator({
      allowSoftwareAdapter: true,
      minGpuBatch: 1,
      fallback: createCpuAccelerator(),
    });
  } catch (err) {
    progress(flags, `webgpu: skipped (${err instanceof Error ? err.message : String(err)})`);
    return [];
  }
  const software = gpu.adapter.software;
  const backend = software
    ? `webgpu:${gpu.adapter.architecture || gpu.adapter.vendor} (${SOFTWARE_NOTE})`
    : `webgpu:${gpu.adapter.vendor} ${gpu.adapter.architecture}`.trim();
  const extra = {
    adapter: `${gpu.adapter.vendor} ${gpu.adapter.architecture} ${gpu.adapter.description}`.trim(),
    ...(software ? { note: SOFTWARE_NOTE } : {}),
  };
  const out: BenchLine[] = [];
  try {
    progress(flags, `webgpu on ${extra.adapter}${software ? ` — ${SOFTWARE_NOTE}` : ''}`);

    // SM3: 64-byte messages, the GPU against OpenSSL on one thread.
    const nSm3 = flags.quick ? 1 << 13 : 1 << 15;
    progress(flags, `webgpu sm3.batch: ${nSm3} × 64 B`);
    const msgs = Array.from({ length: nSm3 }, () => crypto.getRandomValues(new Uint8Array(64)));
    const rSm3 = await interleave(
      [
        { name: 'webgpu', run: async () => (await gpu.sm3Batch(msgs)).length },
        {
          name: 'openssl',
          run: () => {
            for (const m of msgs) createHash('sm3').update(m).digest();
            return msgs.length;
          },
        },
      ],
      flags.quick ? 2 : 5,
    );
    out.push(
      ...compare(rSm3, 'webgpu', ['openssl'], {
        bench: 'accel.webgpu.sm3.batch',
        backend,
        unit: 'ops/s',
        batch: nSm3,
        message_bytes: 64,
        ...extra,
      }),
    );

    // MSM: the same points and scalars through the GPU and noble's pippenger, alternately.
    const P = bn254.G1.Point;
    const sizes = flags.quick ? [12] : [12, 14, 16];
    const maxN = 1 << sizes[sizes.length - 1]!;
    progress(flags, `webgpu msm: building ${maxN} points`);
    const points: InstanceType<typeof P>[] = [P.BASE.multiply(randomScalar())];
    const step = P.BASE.multiply(randomScalar());
    for (let i = 1; i < maxN; i++) points.push(points[i - 1]!.add(step));
    const affine = points.map((q) => q.toAffine());
    const scalars = points.map(() => randomScalar());
    await gpu.msmG1(affine.slice(0, 64), scalars.slice(0, 64)); // compiles the pipelines
    for (const bits of sizes) {
      const n = 1 << bits;
      const rounds = bits <= 12 ? (flags.quick ? 2 : 3) : 1;
      progress(flags, `webgpu msm.g1: 2^${bits} points, ${rounds} round(s)`);
      const pts = affine.slice(0, n);
      const sc = scalars.slice(0, n);
      const [gpuMs, nobleMs] = await alternate(
        rounds,
        () => gpu.msmG1(pts, sc),
        () => pippenger(P, points.slice(0, n), sc),
      );
      out.push(
        line(
          {
            bench: 'accel.webgpu.msm.g1',
            backend,
            unit: 'ms',
            value: gpuMs,
            n: n * rounds,
            points: n,
            ...extra,
          },
          { name: 'noble', value: nobleMs },
        ),
      );
    }

    // Poseidon(a, b): the GPU against circomlibjs's WASM, one hash at a time as its API offers.
    const nPos = flags.quick ? 1 << 10 : 1 << 12;
    progress(flags, `webgpu poseidon2.batch: ${nPos} hashes`);
    const pairs = Array.from({ length: nPos }, () => [randomScalar(), randomScalar()] as [bigint, bigint]);
    const poseidon = await ((await import(CIRCOMLIBJS)) as Circomlibjs).buildPoseidon();
    const sample = pairs.slice(0, 2000);
    const rPos = await interleave(
      [
        { name: 'webgpu', run: async () => (await gpu.poseidon2Batch(pairs)).length },
        {
          name: 'circomlibjs',
          run: () => {
            for (const p of sample) poseidon(p);
            return sample.length;
          },
        },
      ],
      flags.quick ? 2 : 3,
    );
    out.push(
      ...compare(rPos, 'webgpu', ['circomlibjs'], {
        bench: 'accel.webgpu.poseidon2.batch',
        backend,
        unit: 'ops/s',
        batch: nPos,
        ...extra,
      }),
    );
  } finally {
    await gpu.close();
  }
  return out;
}
