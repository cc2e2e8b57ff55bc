/**
 * npm run bench:circuits [-- --quick] [--json] [--circuit name …]
 *
 * Per circuit: constraints, witness ms, warm prove ms (CircuitProver: wasm and zkey loaded once) and
 * verify ms. Baselines, measured in the same run and interleaved A B A B:
 *  - `circuits.prove.<circuit>`: snarkjs `groth16.fullProve` from the artifact files, cold — the first call
 *    in a fresh Node process, as a script or CLI call runs it (timed inside the child around the call, so
 *    Node's start and module loading are excluded; the curve's thread pool start is included);
 *  - `circuits.prove.<circuit>.vs_repeated`: the same fullProve repeated inside this process (curve and
 *    JIT warm; files re-read and the witness generator re-compiled per call).
 * Then two proofs in parallel on a 2-worker pool against one proof on the same pool.
 * Output format: shared/BENCHMARKS.md (one JSON object per line with --json).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import {
  artifactManifest,
  CIRCUIT_NAMES,
  type CircuitName,
  CircuitProver,
  CircuitProverPool,
  createCircomlibPoseidon,
  encodeInput,
  extractArtifacts,
  PoseidonMerkleTree,
  readArtifact,
  releaseSnarkjsCurve,
  WitnessCalculator,
} from '../src/index.ts';
import { snarkjs } from '../src/vendor/snarkjs.ts';
import { buildFixtures } from './fixtures.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    circuit: { type: 'string', multiple: true },
  },
});
const quick = values.quick;
const json = values.json;

interface Line {
  bench: string;
  backend?: string;
  unit: string;
  value: number;
  baseline?: string;
  baseline_value?: number;
  ratio?: number;
  n: number;
  [extra: string]: unknown;
}
const lines: Line[] = [];
const round = (x: number, digits = 1) => Number(x.toFixed(digits));
function emit(line: Line): void {
  lines.push(line);
  if (json) process.stdout.write(`${JSON.stringify(line)}\n`);
}
function note(text: string): void {
  if (!json) process.stderr.write(`${text}\n`);
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
async function time(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** fullProve once in a fresh process; returns the time of the call as measured inside that process. */
const COLD_SCRIPT = `
import { readFileSync } from 'node:fs';
import * as snarkjs from 'snarkjs';
const [input, wasm, zkey] = process.argv.slice(1);
const parsed = JSON.parse(readFileSync(input, 'utf8'));
const start = performance.now();
await snarkjs.groth16.fullProve(parsed, wasm, zkey);
process.stdout.write(String(performance.now() - start));
process.exit(0);
`;
async function coldFullProve(inputPath: string, wasm: string, zkey: string): Promise<number> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', COLD_SCRIPT, inputPath, wasm, zkey],
    { cwd: new URL('..', import.meta.url).pathname },
  );
  return Number(stdout);
}

const hasher = await createCircomlibPoseidon();
const fixtures = await buildFixtures(hasher);
const manifest = await artifactManifest();
const selected = (values.circuit ?? CIRCUIT_NAMES) as CircuitName[];
// snarkjs's fullProve reads plain files: extract the committed (compressed) artifacts once.
const plain = await mkdtemp(join(tmpdir(), 'privgate-bench-'));
note(
  `circuits bench on ${cpus()[0]?.model ?? 'unknown cpu'} × ${availableParallelism()}${quick ? ' (quick)' : ''}`,
);

for (const circuit of selected) {
  const entry = manifest.circuits[circuit]!;
  const big = entry.constraints > 10_000;
  const rounds = quick ? 1 : big ? 6 : 10;
  const input = fixtures[circuit];
  const encoded = encodeInput(circuit, input);
  const { wasm: wasmPath, zkey: zkeyPath } = await extractArtifacts(circuit, join(plain, circuit));
  const inputPath = join(plain, circuit, 'input.json');
  await writeFile(inputPath, JSON.stringify(encoded));
  const prover = await CircuitProver.load(circuit);
  const calculator = await WitnessCalculator.compile(circuit, await readArtifact(circuit, 'wasm'));

  // Warm up both paths (curve construction, JIT) before measuring.
  const warm = await prover.prove(input);
  await snarkjs.groth16.fullProve(encoded, wasmPath, zkeyPath);
  const warmTimes: number[] = [];
  const coldTimes: number[] = [];
  const repeatedTimes: number[] = [];
  const witnessTimes: number[] = [];
  const witnessBaseline: number[] = [];
  const verifyTimes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    coldTimes.push(await coldFullProve(inputPath, wasmPath, zkeyPath));
    warmTimes.push(await time(() => prover.prove(input)));
    repeatedTimes.push(await time(() => snarkjs.groth16.fullProve(encoded, wasmPath, zkeyPath)));
    witnessBaseline.push(await time(() => snarkjs.wtns.calculate(encoded, wasmPath, { type: 'mem' })));
    witnessTimes.push(await time(() => calculator.calculate(encoded)));
    verifyTimes.push(await time(() => prover.verify(warm.proof, warm.publicSignals)));
  }
  const warmMs = median(warmTimes);
  const coldMs = median(coldTimes);
  const repeatedMs = median(repeatedTimes);
  const common = { constraints: entry.constraints, domain: 2 ** entry.domainPower };
  emit({
    bench: `circuits.prove.${circuit}`,
    backend: 'warm',
    unit: 'ms',
    value: round(warmMs),
    baseline: 'snarkjs',
    baseline_value: round(coldMs),
    ratio: round(coldMs / warmMs, 2),
    n: rounds,
    ...common,
    baseline_mode: 'cold process',
    ...(circuit.startsWith('record_inclusion') || circuit === 'invoice_nullifier' ? { depth: 20 } : {}),
  });
  emit({
    bench: `circuits.prove.${circuit}.vs_repeated`,
    backend: 'warm',
    unit: 'ms',
    value: round(warmMs),
    baseline: 'snarkjs',
    baseline_value: round(repeatedMs),
    ratio: round(repeatedMs / warmMs, 2),
    n: rounds,
    baseline_mode: 'repeated in process',
    ...common,
  });
  const witnessMs = median(witnessTimes);
  const witnessBase = median(witnessBaseline);
  emit({
    bench: `circuits.witness.${circuit}`,
    unit: 'ms',
    value: round(witnessMs, 2),
    baseline: 'snarkjs',
    baseline_value: round(witnessBase, 2),
    ratio: round(witnessBase / witnessMs, 2),
    n: rounds,
    ...common,
  });
  emit({
    bench: `circuits.verify.${circuit}`,
    unit: 'ms',
    value: round(median(verifyTimes), 2),
    n: rounds,
    ...common,
  });
  note(
    `${circuit.padEnd(24)} ${String(entry.constraints).padStart(6)} constraints  witness ${witnessMs.toFixed(1)} ms` +
      `  prove ${warmMs.toFixed(0)} ms (fullProve cold ${coldMs.toFixed(0)} ms ×${(coldMs / warmMs).toFixed(2)},` +
      ` repeated ${repeatedMs.toFixed(0)} ms ×${(repeatedMs / warmMs).toFixed(2)})` +
      `  verify ${median(verifyTimes).toFixed(1)} ms`,
  );
}

// Parallel proving: two single-threaded workers, two proofs at once vs one proof alone on the same pool.
const parallelCircuit: CircuitName = selected.includes('record_inclusion')
  ? 'record_inclusion'
  : selected[0]!;
const pool = await CircuitProverPool.create({ workers: 2, preload: [parallelCircuit] });
const input = fixtures[parallelCircuit];
await Promise.all([pool.prove(parallelCircuit, input), pool.prove(parallelCircuit, input)]);
const encoded = encodeInput(parallelCircuit, input);
const { wasm: wasmPath, zkey: zkeyPath } = await extractArtifacts(
  parallelCircuit,
  join(plain, parallelCircuit),
);
const rounds = quick ? 2 : 10;
const one: number[] = [];
const two: number[] = [];
const cold: number[] = [];
// CPU time of the whole process (all threads): shows whether two proofs cost twice one, independently of
// how much of the shared machine the other processes take during the wall-clock measurement.
const oneCpu: number[] = [];
const twoCpu: number[] = [];
const cpu = async (fn: () => Promise<unknown>, into: number[]) => {
  const start = process.cpuUsage();
  const ms = await time(fn);
  const used = process.cpuUsage(start);
  into.push((used.user + used.system) / 1000);
  return ms;
};
for (let r = 0; r < rounds; r++) {
  one.push(await cpu(() => pool.prove(parallelCircuit, input), oneCpu));
  two.push(
    await cpu(
      () => Promise.all([pool.prove(parallelCircuit, input), pool.prove(parallelCircuit, input)]),
      twoCpu,
    ),
  );
  cold.push(await time(() => snarkjs.groth16.fullProve(encoded, wasmPath, zkeyPath)));
}
await pool.close();
const oneRate = 1000 / median(one);
const twoRate = 2000 / median(two);
const coldRate = 1000 / median(cold);
emit({
  bench: `circuits.prove.${parallelCircuit}.parallel`,
  backend: 'workers:2',
  unit: 'ops/s',
  value: round(twoRate, 2),
  baseline: 'workers:2 one proof',
  baseline_value: round(oneRate, 2),
  ratio: round(twoRate / oneRate, 2),
  n: rounds * 2,
  one_ms: round(median(one)),
  two_ms: round(median(two)),
  one_cpu_ms: round(median(oneCpu)),
  two_cpu_ms: round(median(twoCpu)),
});
emit({
  bench: `circuits.prove.${parallelCircuit}.throughput`,
  backend: 'workers:2',
  unit: 'ops/s',
  value: round(twoRate, 2),
  baseline: 'snarkjs',
  baseline_value: round(coldRate, 2),
  ratio: round(twoRate / coldRate, 2),
  n: rounds * 2,
  baseline_mode: 'repeated in process',
});
note(
  `parallel ${parallelCircuit}: one proof ${median(one).toFixed(0)} ms, two in parallel ${median(two).toFixed(0)} ms ` +
    `→ ×${(twoRate / oneRate).toFixed(2)} throughput; vs fullProve ×${(twoRate / coldRate).toFixed(2)}`,
);
if (!json) {
  process.stdout.write(
    `${lines.map((l) => `${l.bench.padEnd(44)} ${String(l.value).padStart(9)} ${l.unit.padEnd(5)} ${l.baseline ? `${l.baseline} ${l.baseline_value} ×${l.ratio}` : ''}`).join('\n')}\n`,
  );
}
// Merkle tree build: leaves/s through PoseidonMerkleTree against bare circomlibjs pair hashes on the same
// values (the tree's own overhead; a build is ≈ one pair hash per leaf), and the resident memory it adds.
{
  const count = quick ? 1 << 14 : 1 << 20;
  const rounds = quick ? 2 : 1;
  const leaves = Array.from({ length: count }, (_, i) => BigInt(i + 1) * 0x9e3779b97f4a7c15f39cc0605cedc834n);
  const sample = Math.min(count, 1 << 14);
  const builds: number[] = [];
  const bares: number[] = [];
  let rssMb = 0;
  for (let r = 0; r < rounds; r++) {
    const before = process.memoryUsage().rss;
    let tree: PoseidonMerkleTree | undefined;
    builds.push(
      await time(async () => {
        tree = await PoseidonMerkleTree.build(leaves, { hasher, depth: 20 });
      }),
    );
    rssMb = Math.max(rssMb, (process.memoryUsage().rss - before) / 2 ** 20);
    void tree;
    bares.push(
      await time(() => {
        for (let i = 0; i < sample; i++) hasher.hash([leaves[i]!, leaves[(i + 1) % count]!]);
      }),
    );
  }
  const rate = count / (median(builds) / 1000);
  const bare = sample / (median(bares) / 1000);
  emit({
    bench: 'circuits.merkle.build',
    unit: 'ops/s',
    value: round(rate, 0),
    baseline: 'circomlibjs',
    baseline_value: round(bare, 0),
    ratio: round(rate / bare, 2),
    n: count * rounds,
    depth: 20,
    build_ms: round(median(builds), 0),
    rss_mb: round(rssMb, 0),
  });
  note(
    `merkle build ${count} leaves: ${median(builds).toFixed(0)} ms (${rate.toFixed(0)} leaves/s; bare Poseidon ${bare.toFixed(0)}/s)`,
  );
}

await rm(plain, { recursive: true, force: true });
await releaseSnarkjsCurve();
process.exit(0);
