/**
 * The gateway on the demo network — the headline figures of `npm run bench:gateway`. Every party is its
 * own process on 127.0.0.1, started by the demo's orchestration (`scripts/src/demo`, the same module
 * `npm run demo` uses; the one gateway bench that imports from scripts, since the process network lives
 * there): four validators committing by consensus, four ministry gateways (market regulation resolves
 * related parties; taxation, customs and the state bank hold the four metrics, the bank two of them),
 * one prover worker and one Poseidon worker per gateway, the synthetic economy ingested and anchored
 * over HTTP, and the credit agency asking through the gateways' HTTP API.
 *
 *   gateway.query.k0 / .k2   what the agency waits for (its HTTP exchange, proofs included) for a query
 *                            about one enterprise (4 metrics) and about one with its related parties two
 *                            hops out (|P| = 4, 3 metrics, as the demo asks), aggregate and verdict
 *                            alternating, the entry gateway rotating over the four ministries. Every
 *                            query is about subjects no earlier query touched, so no holder can reuse an
 *                            inclusion proof: each figure is a query's full proving. Each answer is
 *                            compared with the clear computation; the first of each kind is also checked
 *                            against the ledger by the agency (not timed).
 *   gateway.ingest.http      records/s of a CSV upload to a gateway's `POST /v1/datasets/:name/records`.
 *   gateway.commit.network   (with --commit) build the Poseidon tree of the uploaded dataset on the
 *                            gateway and anchor its root through consensus (`POST …/commit`).
 *
 * Baselines, each measured in the same run and interleaved with the candidate (A B A B):
 *  - queries: `clear-one-process` — the same query answered in the clear by one process holding every
 *    ministry's records in one SQLite store (the resolver's graph code, then one record read per party
 *    and metric). It is the honest alternative a privacy gateway replaces — pooling the data — and so
 *    the ratio is the price of privacy (proofs, MPC, signatures, ledger); it is tiny, by design. The
 *    cold first query after start is reported beside it (`cold_first_ms`), not as the baseline: it is one
 *    sample, and it measures warm-up, not an alternative.
 *  - ingest: `in-process` — the same file imported by the same library call (`importRecordsFromFile`)
 *    into SQLite in this process; the ratio is what the HTTP path costs.
 * Where the time goes: the median of the entry gateway's stage timings (`answer.timings`), and from each
 * gateway's own progress events the proving time of each holder and dataset and when it finished,
 * counted from the query's opening on the ledger. Every figure carries the 1-minute load average at its
 * start and end (`load1`): the machine is shared, and a loaded one inflates every absolute figure.
 *
 *   npx tsx gateway/bench/network.ts [--quick] [--json] [--enterprises N] [--queries N] [--provers N] [--keep]
 *   [--commit]
 *   (format: /work/shared/BENCHMARKS.md; --queries = measured queries per k, default 4 quick / 8 full)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { releaseSnarkjsCurve } from '@privgate/circuits';
import { releaseGroth16 } from '@privgate/ledger';
import type { AgencyClient, AgencyQuery, AgencyResult } from '../../scripts/src/client/agency.ts';
import { DEMO_ORGS, POLICY_AGGREGATE, POLICY_VERDICT, QUERY_PURPOSE } from '../../scripts/src/demo/ledger.ts';
import { DemoNetwork } from '../../scripts/src/demo/network.ts';
import {
  clearOutput,
  type GatewayQueryView,
  gatewayViews,
  outputMatches,
} from '../../scripts/src/demo/queries.ts';
import { declareDataset, importRecordsFromFile } from '../src/datasets/index.ts';
import { openSqliteStore } from '../src/store/index.ts';
import {
  METRIC_DATASETS,
  type Ministry,
  relatedInClear,
  type SyntheticData,
} from '../src/synthetic/index.ts';
import { arrearsDeclaration, writeArrearsCsv } from './arrears-csv.ts';
import { type ClearQuery, PooledClearQuery } from './clear-baseline.ts';

const argv = process.argv.slice(2);
const numberFlag = (name: string, fallback: number): number => {
  const i = argv.indexOf(name);
  const v = i >= 0 ? Number(argv[i + 1]) : Number.NaN;
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const flags = {
  quick: argv.includes('--quick'),
  json: argv.includes('--json'),
  keep: argv.includes('--keep'),
  commit: argv.includes('--commit'),
};
const ENTERPRISES = numberFlag('--enterprises', flags.quick ? 2000 : 10_000);
/** Prover worker threads per gateway (the demo's default is 1). */
const PROVERS = numberFlag('--provers', 1);
/** Measured queries per k (half aggregate, half verdict). */
const QUERIES = numberFlag('--queries', flags.quick ? 4 : 8);
const GROUP = 4;
const INGEST_RECORDS = flags.quick ? 100_000 : 300_000;
const INGEST_ROUNDS = flags.quick ? 1 : 2;
const TARGET_P50_MS = 1500;
/** Repetitions of each clear query (it takes well under a millisecond). */
const CLEAR_REPS = 20;

interface Line {
  bench: string;
  backend: string;
  unit: 'ms' | 'ops/s';
  value: number;
  baseline?: string;
  baseline_value?: number;
  ratio?: number;
  n: number;
  [extra: string]: unknown;
}

const sig = (x: number): number => Number(x.toPrecision(3));
const load1 = (): number => Number(loadavg()[0]!.toFixed(2));
const progress = (msg: string): void => {
  if (!flags.json) process.stderr.write(`· ${msg}\n`);
};
const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
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

// --- the queries ------------------------------------------------------------------------------------

const K0_METRICS = METRIC_DATASETS.map((dataset) => ({ dataset }));
/** The demo's k = 2 metrics: three holders, one weighted. */
const K2_METRICS = [
  { dataset: 'tax.arrears', weight: '2' },
  { dataset: 'customs.penalties' },
  { dataset: 'bank.loans' },
];
/** Entry gateways in turn. */
const ENTRIES: Ministry[] = ['bank', 'market', 'tax', 'customs'];

/**
 * Subjects for `count` k = 0 queries and `count` k = 2 queries (|P| = GROUP), every query's set of parties
 * disjoint from every other's (no inclusion proof can be reused), plus one more k = 0 subject for the
 * cold first query.
 */
function pickSubjects(data: SyntheticData, count: number): { k0: string[]; k2: string[] } {
  const used = new Set<string>();
  const k2: string[] = [];
  for (let i = 100; i < data.enterprises.length && k2.length < count; i += 7) {
    const s = data.enterprises[i]!;
    const related = relatedInClear(data, s, 2);
    if (related.length !== GROUP || related.some((r) => used.has(r))) continue;
    for (const r of related) used.add(r);
    k2.push(s);
  }
  const k0: string[] = [];
  for (let i = 50; i < data.enterprises.length && k0.length < count + 1; i += 3) {
    const s = data.enterprises[i]!;
    if (!used.has(s)) {
      used.add(s);
      k0.push(s);
    }
  }
  if (k2.length < count || k0.length < count + 1)
    throw new Error(`the economy of ${data.enterprises.length} enterprises has too few disjoint subjects`);
  return { k0, k2 };
}

function agencyQuery(data: SyntheticData, subject: string, depth: 0 | 2, verdict: boolean): AgencyQuery {
  const metrics = depth === 0 ? K0_METRICS : K2_METRICS;
  const base = { purpose: QUERY_PURPOSE, subject, depth, metrics };
  if (!verdict) return { ...base, policyId: POLICY_AGGREGATE, disclosure: { mode: 'aggregate' } };
  // Half the true figure (YES) — the threshold's value changes nothing in the cost of the comparison.
  const { expected } = clearOutput(data, {
    ...base,
    policyId: POLICY_AGGREGATE,
    disclosure: { mode: 'aggregate' },
  });
  const value = expected.kind === 'aggregate' ? expected.value : 0n;
  return {
    ...base,
    policyId: POLICY_VERDICT,
    disclosure: { mode: 'verdict', threshold: (value / 2n).toString() },
  };
}

/** One query's measurements. */
interface Sample {
  ms: number;
  timings: AgencyResult['answer']['timings'];
  mode: 'aggregate' | 'verdict';
  entry: Ministry;
  related: number;
  proofs: number;
  /** Per dataset: its holder's proving time, and when it was proved (ms after the opening). */
  proving: Record<string, { ms: number; at: number; holder: string }>;
  /** When the entry gateway had the MPC output (ms after the opening). */
  computedAt: number | undefined;
  clearMs: number;
}

function provingOf(views: Partial<Record<Ministry, GatewayQueryView>>): {
  proving: Sample['proving'];
  computedAt: number | undefined;
} {
  const all = Object.values(views).filter((v): v is GatewayQueryView => v !== undefined);
  const entry = all.find((v) => v.role === 'entry');
  const opened = entry?.events.find((e) => e.stage === 'opened')?.at;
  const proving: Sample['proving'] = {};
  for (const [ministry, view] of Object.entries(views) as [Ministry, GatewayQueryView | undefined][]) {
    for (const e of view?.events ?? []) {
      if (e.stage !== 'proved' || opened === undefined) continue;
      proving[String(e.details.dataset)] = {
        ms: Number(e.details.provingMs),
        at: e.at - opened,
        holder: ministry,
      };
    }
  }
  const computed = entry?.events.find((e) => e.stage === 'computed')?.at;
  return {
    proving,
    computedAt: computed === undefined || opened === undefined ? undefined : computed - opened,
  };
}

async function timeClear(pooled: PooledClearQuery, q: ClearQuery): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < CLEAR_REPS; i++) {
    const t = performance.now();
    await pooled.answer(q);
    times.push(performance.now() - t);
  }
  return median(times);
}

async function runQuery(
  net: DemoNetwork,
  agency: AgencyClient,
  pooled: PooledClearQuery,
  query: AgencyQuery,
  entry: Ministry,
  check: boolean,
): Promise<Sample> {
  const result = await agency.ask(net.gateways[entry].client, query, { verify: false });
  const { expected } = clearOutput(net.data, query);
  if (!outputMatches(result, expected))
    throw new Error(
      `query ${result.queryId} answered ${JSON.stringify(result.answer.output, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}, not the clear figure`,
    );
  if (check) {
    const verdict = await agency.check(result.answer);
    if (!verdict.valid)
      throw new Error(
        `query ${result.queryId}: the agency's check against the ledger fails: ${verdict.reason}`,
      );
  }
  // The baseline, right after the candidate (A B A B …).
  const clear: ClearQuery = {
    subject: query.subject,
    depth: query.depth,
    metrics: query.metrics.map((m) => ({
      dataset: m.dataset,
      ...(m.weight === undefined ? {} : { weight: String(m.weight) }),
    })),
    ...(query.disclosure.mode === 'verdict' ? { threshold: BigInt(query.disclosure.threshold) } : {}),
  };
  const inClear = await pooled.answer(clear);
  const want = expected.kind === 'aggregate' ? expected.value : expected.aggregate;
  if (inClear.aggregate !== want)
    throw new Error(`the clear baseline computes ${inClear.aggregate}, not ${want}`);
  const clearMs = await timeClear(pooled, clear);
  const a = result.answer;
  return {
    ms: result.ms,
    timings: a.timings,
    mode: query.disclosure.mode,
    entry,
    related: a.bundle.record.subjectCount,
    proofs: a.bundle.contributions.reduce((n, c) => n + c.inclusion.length + c.binding.length, 0),
    ...provingOf(await gatewayViews(net, result.queryId)),
    clearMs,
  };
}

function queryLine(
  k: 0 | 2,
  samples: Sample[],
  coldFirstMs: number | undefined,
  loads: [number, number],
): Line {
  const ms = samples.map((s) => s.ms);
  const p50 = quantile(ms, 0.5);
  const clear = median(samples.map((s) => s.clearMs));
  const stage = (key: keyof Sample['timings']) => sig(median(samples.map((s) => s.timings[key])));
  const datasets = [...new Set(samples.flatMap((s) => Object.keys(s.proving)))].sort();
  const perDataset = (f: (p: Sample['proving'][string]) => number) =>
    Object.fromEntries(
      datasets.map((d) => [d, sig(median(samples.flatMap((s) => (s.proving[d] ? [f(s.proving[d])] : []))))]),
    );
  const byMode = (mode: Sample['mode']) => {
    const xs = samples.filter((s) => s.mode === mode).map((s) => s.ms);
    return xs.length === 0 ? undefined : sig(quantile(xs, 0.5));
  };
  const computed = samples.flatMap((s) => (s.computedAt === undefined ? [] : [s.computedAt]));
  return {
    bench: `gateway.query.k${k}`,
    backend: `demo network: 4 validator + 4 gateway processes, ${PROVERS} prover worker(s) each, ${availableParallelism()} cores`,
    unit: 'ms',
    value: sig(p50),
    baseline: 'clear-one-process',
    baseline_value: Number(clear.toPrecision(3)),
    ratio: Number((clear / p50).toPrecision(3)),
    n: samples.length,
    p50_ms: sig(p50),
    p99_ms: sig(quantile(ms, 0.99)),
    target_p50_ms: TARGET_P50_MS,
    met: p50 <= TARGET_P50_MS,
    aggregate_p50_ms: byMode('aggregate'),
    verdict_p50_ms: byMode('verdict'),
    cold_first_ms: coldFirstMs === undefined ? undefined : sig(coldFirstMs),
    depth: k,
    related: median(samples.map((s) => s.related)),
    metrics: k === 0 ? K0_METRICS.length : K2_METRICS.length,
    gateways: 4,
    proofs: median(samples.map((s) => s.proofs)),
    authorise_ms: stage('authorise'),
    resolve_ms: stage('resolve'),
    contribute_and_compute_ms: stage('contributeAndCompute'),
    finish_ms: stage('finish'),
    anchor_ms: stage('anchor'),
    gateway_total_ms: stage('total'),
    http_ms: sig(median(samples.map((s) => s.ms - s.timings.total))),
    proving_ms: perDataset((p) => p.ms),
    proved_at_ms: perDataset((p) => p.at),
    computed_at_ms: computed.length === 0 ? undefined : sig(median(computed)),
    load1: loads,
  };
}

async function queryBench(net: DemoNetwork, pooled: PooledClearQuery): Promise<void> {
  const agency = await net.agency(DEMO_ORGS.agency.id);
  const subjects = pickSubjects(net.data, QUERIES);
  const loads: [number, number] = [load1(), 0];

  progress('cold first query (k=0 aggregate through the state bank)');
  const cold = await runQuery(
    net,
    agency,
    pooled,
    agencyQuery(net.data, subjects.k0[QUERIES]!, 0, false),
    'bank',
    true,
  );
  progress(`  ${sig(cold.ms)} ms`);

  const samples: Record<0 | 2, Sample[]> = { 0: [], 2: [] };
  for (let i = 0; i < QUERIES; i++) {
    for (const k of [0, 2] as const) {
      const verdict = i % 2 === 1;
      const entry = ENTRIES[(i + k / 2) % ENTRIES.length]!;
      const subject = (k === 0 ? subjects.k0 : subjects.k2)[i]!;
      const s = await runQuery(
        net,
        agency,
        pooled,
        agencyQuery(net.data, subject, k, verdict),
        entry,
        i === 0,
      );
      samples[k].push(s);
      progress(
        `k=${k} ${s.mode.padEnd(9)} entry ${entry.padEnd(7)} ${String(Math.round(s.ms)).padStart(6)} ms ` +
          `(resolve ${Math.round(s.timings.resolve)}, contribute+compute ${Math.round(s.timings.contributeAndCompute)}, ` +
          `finish ${Math.round(s.timings.finish)}, anchor ${Math.round(s.timings.anchor)}; proving ` +
          `${Object.entries(s.proving)
            .map(([d, p]) => `${d} ${Math.round(p.ms)}`)
            .join(', ')}) load ${load1()}`,
      );
    }
  }
  loads[1] = load1();
  emit(queryLine(0, samples[0], cold.ms, loads));
  emit(queryLine(2, samples[2], undefined, loads));
}

// --- ingest (and commit) over HTTP -------------------------------------------------------------------

async function ingestBench(net: DemoNetwork): Promise<void> {
  const gateway = net.gateways.tax;
  const dataset = 'bench.arrears';
  const dir = mkdtempSync(join(tmpdir(), 'privgate-bench-net-'));
  try {
    const csv = join(dir, 'arrears.csv');
    const bytes = writeArrearsCsv(csv, INGEST_RECORDS);
    await gateway.client.declareDataset(arrearsDeclaration(dataset), true);
    const loads: [number, number] = [load1(), 0];
    const http: number[] = [];
    const local: number[] = [];
    for (let round = 0; round < INGEST_ROUNDS; round++) {
      let t = performance.now();
      const report = await gateway.client.importFile(dataset, csv, { mode: 'replace' });
      http.push(report.imported / ((performance.now() - t) / 1000));
      if (report.imported !== INGEST_RECORDS) throw new Error('the gateway lost records');
      const path = join(dir, `local-${round}.sqlite`);
      const store = openSqliteStore({ path });
      try {
        await declareDataset(store, arrearsDeclaration(dataset));
        t = performance.now();
        const r = await importRecordsFromFile(store, dataset, csv);
        local.push(r.imported / ((performance.now() - t) / 1000));
      } finally {
        await store.close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      }
      progress(
        `ingest round ${round + 1}: over HTTP ${Math.round(http.at(-1)!)} records/s, in-process ${Math.round(local.at(-1)!)} records/s`,
      );
    }
    loads[1] = load1();
    const value = median(http);
    const base = median(local);
    const startup = net.timings.ingest;
    emit({
      bench: 'gateway.ingest.http',
      backend: 'demo gateway process, sqlite, HTTP upload (text/csv)',
      unit: 'ops/s',
      value: Math.round(value),
      baseline: 'in-process',
      baseline_value: Math.round(base),
      ratio: Number((value / base).toFixed(2)),
      n: INGEST_RECORDS,
      rounds: INGEST_ROUNDS,
      mb_s: Number((((bytes / INGEST_RECORDS) * value) / 1e6).toFixed(1)),
      target_ops_s: 50_000,
      met: value >= 50_000,
      startup_records: startup.reduce((n, r) => n + r.imported, 0),
      startup_slowest_ms: Math.round(Math.max(...startup.map((r) => r.ms))),
      load1: loads,
    });

    if (flags.commit) {
      const before = load1();
      progress(`commit and anchor ${INGEST_RECORDS} records on the taxation gateway`);
      const t = performance.now();
      const report = await gateway.client.commitDataset(dataset);
      const ms = performance.now() - t;
      emit({
        bench: 'gateway.commit.network',
        backend: 'demo gateway process, 1 Poseidon worker, anchored by 4-validator consensus',
        unit: 'ms',
        value: sig(ms),
        seconds: sig(ms / 1000),
        n: report.count,
        records_per_s: sig(report.count / (ms / 1000)),
        read_ms: report.timings.readMs,
        leaves_ms: report.timings.leavesMs,
        tree_ms: report.timings.treeMs,
        persist_ms: report.timings.persistMs,
        anchor_ms: report.timings.anchorMs,
        load1: [before, load1()],
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- main --------------------------------------------------------------------------------------------

const started = performance.now();
progress(`starting the demo network: 4 validators, 4 gateways, ${ENTERPRISES} enterprises (load ${load1()})`);
const net = await DemoNetwork.start({
  enterprises: ENTERPRISES,
  keep: flags.keep,
  proverWorkers: PROVERS,
  say: (l) => progress(`  ${l}`),
});
const work = mkdtempSync(join(tmpdir(), 'privgate-bench-clear-'));
let failed = false;
try {
  const pooled = await PooledClearQuery.open(work, net.files);
  try {
    progress(`pooled clear store: ${pooled.records} records in ${Math.round(pooled.importMs)} ms`);
    await queryBench(net, pooled);
  } finally {
    await pooled.close();
  }
  await ingestBench(net);
} catch (err) {
  failed = true;
  process.stderr.write(
    `network bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
} finally {
  await net.close();
  rmSync(work, { recursive: true, force: true });
}

if (!flags.json) {
  const t = net.timings;
  console.log(
    `\nnetwork up: ledger ${sig(t.ledgerMs / 1000)} s, gateways ${sig(t.gatewaysMs / 1000)} s, ` +
      `slowest anchor ${sig(Math.max(...t.anchor.map((a) => a.ms)) / 1000)} s; bench ${sig((performance.now() - started) / 1000)} s`,
  );
  console.log(
    'bench                   value          p50 ms   p99 ms   n    baseline                       ratio     load1',
  );
  for (const l of lines) {
    console.log(
      `${l.bench.padEnd(24)}${`${l.value.toLocaleString('en')} ${l.unit}`.padEnd(15)}${String(l.p50_ms ?? '').padEnd(9)}` +
        `${String(l.p99_ms ?? '').padEnd(9)}${String(l.n).padEnd(5)}` +
        `${l.baseline ? `${l.baseline} ${l.baseline_value}` : ''}`.padEnd(31) +
        `${l.ratio ?? ''}`.padEnd(10) +
        `${(l.load1 as number[]).join('→')}`,
    );
    if (l.bench.startsWith('gateway.query'))
      console.log(
        `    stages (median ms): authorise ${l.authorise_ms}, resolve ${l.resolve_ms}, contribute+compute ${l.contribute_and_compute_ms}, ` +
          `finish ${l.finish_ms}, anchor ${l.anchor_ms}, HTTP ${l.http_ms}; ${l.related} parties, ${l.proofs} proofs` +
          (l.cold_first_ms === undefined ? '' : `; cold first query ${l.cold_first_ms} ms`) +
          `\n    proving per dataset (median ms): ${JSON.stringify(l.proving_ms)}, proved at ${JSON.stringify(l.proved_at_ms)}, output at ${l.computed_at_ms}`,
      );
  }
}
await releaseSnarkjsCurve().catch(() => {});
await releaseGroth16().catch(() => {});
if (flags.keep) progress(`kept ${net.dir}`);
process.exit(failed ? 1 : 0);
