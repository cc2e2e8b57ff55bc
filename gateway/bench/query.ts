// Secondary, in-process figures (`npm run bench:gateway` runs `network.ts` for the headline ones): credit-
// penetration query latency with 4 gateways (market regulation, taxation, customs, state bank) in this one
// process — real libp2p on 127.0.0.1, a LocalLedger (one node, no consensus), real Groth16 proofs on one
// shared 2-worker prover pool.
//
//   gateway.query.inprocess.k0.cold / k2.cold   fresh subjects every run: every inclusion proof is new
//   gateway.query.inprocess.k0.warm / k2.warm   the same subjects again: inclusion proofs are reused,
//                                               share bindings (fresh shares) are proven again
//
// All gateways share this process and its 2 cores: each gateway's proof checks run on the one main
// thread and every holder's proofs queue on the same 2 workers, so a query costs about what 4 gateways
// on 4 machines would spend added up, not the latency of one of them. No baseline: the demo network's
// `network.ts` is the measured figure; this one isolates the pipeline from HTTP, processes and consensus.
//
//   npx tsx gateway/bench/query.ts [--quick] [--json]      (format: /work/shared/BENCHMARKS.md)
import { loadavg } from 'node:os';
import {
  BATCH_SIZE,
  PoseidonMerkleTree,
  recordInclusionBatchInput,
  recordLeaf,
  releaseSnarkjsCurve,
  shamirShare,
  shareBindingInput,
} from '@privgate/circuits';
import type { QueryAnswer } from '../src/query/index.ts';
import {
  METRIC_HOLDERS,
  POLICY_AGGREGATE,
  PURPOSE,
  startTestNetwork,
  type TestNetwork,
} from '../test/query/network.ts';
import { relatedInClear, usccOf } from '../test/query/synthetic.ts';

interface Line {
  bench: string;
  backend: string;
  unit: 'ms';
  value: number;
  baseline?: string;
  baseline_value?: number;
  ratio?: number;
  n: number;
  [extra: string]: unknown;
}

const argv = process.argv.slice(2);
const flags = { quick: argv.includes('--quick'), json: argv.includes('--json') };
const ENTERPRISES = flags.quick ? 300 : 1000;
const COLD_K0 = flags.quick ? 2 : 10;
const WARM_K0 = flags.quick ? 2 : 10;
const COLD_K2 = flags.quick ? 1 : 5;
const WARM_K2 = flags.quick ? 1 : 5;

const sig = (x: number): number => Number(x.toPrecision(3));
const progress = (msg: string): void => {
  if (!flags.json) process.stderr.write(`· ${msg}\n`);
};
const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i]!;
};
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const lines: Line[] = [];
const emit = (line: Line): void => {
  lines.push(line);
  if (flags.json) process.stdout.write(`${JSON.stringify(line)}\n`);
};

// --- queries ---------------------------------------------------------------------------------------

async function queryBench(): Promise<void> {
  progress(`starting 4 gateways with ${ENTERPRISES} enterprises`);
  const net: TestNetwork = await startTestNetwork({ enterprises: ENTERPRISES, proverWorkers: 2 });
  try {
    const metrics = Object.keys(METRIC_HOLDERS).map((dataset) => ({ dataset }));
    const ask = (subject: string, depth: number) =>
      net.ask(net.gateways.bank, net.agencies.credit, {
        policyId: POLICY_AGGREGATE,
        subject,
        depth,
        metrics,
        disclosure: { mode: 'aggregate' },
        purpose: PURPOSE,
      });

    // Where proving time goes: one proof of each circuit the query uses, on the warm pool.
    const hasher = net.hasher;
    const tree = await PoseidonMerkleTree.build(
      [1n, 2n].map((v) => recordLeaf(hasher, { subjectId: v, fieldId: 1n, value: v, salt: v })),
      { hasher },
    );
    const items = [0, 1].map((i) => ({
      record: { subjectId: BigInt(i + 1), fieldId: 1n, value: BigInt(i + 1), salt: BigInt(i + 1) },
      path: tree.path(i),
      blinding: 7n,
    }));
    const sharing = shamirShare(5n, 3, 1);
    const timeIt = async (fn: () => Promise<unknown>): Promise<number> => {
      const t = performance.now();
      await fn();
      return performance.now() - t;
    };
    const thrice = async (fn: () => Promise<unknown>): Promise<number> => {
      const out: number[] = [];
      for (let i = 0; i < 3; i++) out.push(await timeIt(fn));
      return median(out);
    };
    const ribMs = await thrice(() =>
      net.provers.prove('record_inclusion_batch', recordInclusionBatchInput(hasher, items)),
    );
    const sbMs = await thrice(() =>
      net.provers.prove(
        'share_binding',
        shareBindingInput(hasher, { value: 5n, blinding: 3n, sharing, shareBlindings: [1n, 2n, 3n] }),
      ),
    );
    progress(
      `one record_inclusion_batch proof ${sig(ribMs)} ms, one share_binding proof ${sig(sbMs)} ms (2 workers)`,
    );

    progress('warm-up query');
    await ask(usccOf(1), 0);

    const k2Subjects: string[] = [];
    for (let i = 10; i < net.data.enterprises.length && k2Subjects.length < COLD_K2 + 1; i++) {
      const s = net.data.enterprises[i]!;
      const n = relatedInClear(net.data, s, 2).length;
      if (n === 3) k2Subjects.push(s);
    }

    const runSeries = async (name: string, subjects: string[], depth: number) => {
      const answers: QueryAnswer[] = [];
      for (const s of subjects) {
        answers.push(await ask(s, depth));
        progress(`${name}: ${sig(answers[answers.length - 1]!.timings.total)} ms`);
      }
      const totals = answers.map((a) => a.timings.total);
      const related = answers[0]!.bundle.record.subjectCount;
      const proofs = answers[0]!.bundle.contributions.reduce(
        (n, c) => n + c.inclusion.length + c.binding.length,
        0,
      );
      const part = (k: keyof QueryAnswer['timings']) => sig(median(answers.map((a) => a.timings[k])));
      emit({
        bench: `gateway.query.inprocess.${name}`,
        backend: 'libp2p+LocalLedger, 4 gateways, prover pool 2 workers',
        unit: 'ms',
        value: sig(quantile(totals, 0.5)),
        p50_ms: sig(quantile(totals, 0.5)),
        p99_ms: sig(quantile(totals, 0.99)),
        n: totals.length,
        gateways: 4,
        depth,
        related,
        metrics: metrics.length,
        proofs,
        batch: BATCH_SIZE,
        authorise_ms: part('authorise'),
        resolve_ms: part('resolve'),
        contribute_and_compute_ms: part('contributeAndCompute'),
        finish_ms: part('finish'),
        anchor_ms: part('anchor'),
        inclusion_proof_ms: sig(ribMs),
        share_binding_proof_ms: sig(sbMs),
        load1: Number(loadavg()[0]!.toFixed(2)),
      });
    };

    const fresh = (from: number, count: number) => Array.from({ length: count }, (_, i) => usccOf(from + i));
    await runSeries('k0.cold', fresh(100, COLD_K0), 0);
    await runSeries(
      'k0.warm',
      Array.from({ length: WARM_K0 }, () => usccOf(100)),
      0,
    );
    await runSeries('k2.cold', k2Subjects.slice(0, COLD_K2), 2);
    await runSeries(
      'k2.warm',
      Array.from({ length: WARM_K2 }, () => k2Subjects[0]!),
      2,
    );
  } finally {
    await net.close();
  }
}

await queryBench();
if (!flags.json) {
  console.log('\nbench                               value        p50 ms    p99 ms    n     notes');
  for (const l of lines) {
    const notes = `${l.related} parties, ${l.proofs} proofs, contribute+compute ${l.contribute_and_compute_ms} ms, load ${l.load1}`;
    console.log(
      `${l.bench.padEnd(36)}${`${l.value} ${l.unit}`.padEnd(13)}${String(l.p50_ms ?? '').padEnd(10)}${String(l.p99_ms ?? '').padEnd(10)}${String(l.n).padEnd(6)}${notes}`,
    );
  }
}
// snarkjs keeps the main thread's BN254 curve (and its worker threads) alive; release it before leaving.
await releaseSnarkjsCurve();
process.exit(0);
