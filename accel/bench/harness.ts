// Benchmark harness (format: ../shared/BENCHMARKS.md). Candidates and baselines run interleaved
// (A B A B …) after a warm-up, so machine drift hits both; medians are reported, with ratios computed
// inside the same run.

/** Command-line flags every benchmark accepts. */
export interface BenchFlags {
  quick: boolean;
  json: boolean;
}

/** Reads `--quick` and `--json` from argv. */
export function parseFlags(argv: readonly string[] = process.argv.slice(2)): BenchFlags {
  return { quick: argv.includes('--quick'), json: argv.includes('--json') };
}

/** One output line. */
export interface BenchLine {
  bench: string;
  backend?: string;
  unit: 'ops/s' | 'MB/s' | 'ms' | 'tx/s' | 'bytes' | 'leaves/s';
  value: number;
  baseline?: string;
  baseline_value?: number;
  ratio?: number;
  n: number;
  [extra: string]: unknown;
}

/** A measured contender: `run()` performs some work and returns how many operations it did. */
export interface Contender {
  name: string;
  run: () => Promise<number> | number;
}

/** Median of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Runs contenders interleaved for `rounds` rounds after one warm-up round each.
 * @returns per contender: median ops/s and the total operations measured.
 */
export async function interleave(
  contenders: readonly Contender[],
  rounds: number,
): Promise<Map<string, { rate: number; n: number }>> {
  for (const c of contenders) await c.run();
  const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const counts = new Map<string, number>(contenders.map((c) => [c.name, 0]));
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) {
      const t0 = performance.now();
      const ops = await c.run();
      const dt = (performance.now() - t0) / 1000;
      rates.get(c.name)!.push(ops / dt);
      counts.set(c.name, counts.get(c.name)! + ops);
    }
  }
  return new Map(
    contenders.map((c) => [c.name, { rate: median(rates.get(c.name)!), n: counts.get(c.name)! }]),
  );
}

/** Rounds a figure to 3 significant digits (ratios to 2 decimals). */
export function round(x: number): number {
  if (!Number.isFinite(x)) return x;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x) || 1)));
  return Number(x.toFixed(Math.min(digits, 3)));
}

/** Builds a line with a baseline ratio (rates: value / baseline; times: baseline / value). */
export function line(base: BenchLine, baseline?: { name: string; value: number }): BenchLine {
  const out: BenchLine = { ...base, value: round(base.value) };
  if (baseline) {
    out.baseline = baseline.name;
    out.baseline_value = round(baseline.value);
    out.ratio = Number(
      (base.unit === 'ms' ? baseline.value / base.value : base.value / baseline.value).toFixed(2),
    );
  }
  return out;
}

/** Measured rates by contender name, as `interleave` returns them. */
export type Results = Map<string, { rate: number; n: number }>;

/**
 * One line per baseline for the contender `candidate`: the candidate's median against each
 * baseline's median from the same interleaved run.
 */
export function compare(
  results: Results,
  candidate: string,
  baselines: readonly string[],
  base: Omit<BenchLine, 'value' | 'n'>,
): BenchLine[] {
  const c = results.get(candidate);
  if (!c) throw new Error(`bench: no results for ${candidate}`);
  const own = { ...base, value: c.rate, n: c.n } as BenchLine;
  if (baselines.length === 0) return [line(own)];
  return baselines.map((b) => {
    const r = results.get(b);
    if (!r) throw new Error(`bench: no results for baseline ${b}`);
    return line(own, { name: b, value: r.rate });
  });
}

/** Prints lines as JSON (one per line) or as a table. */
export function print(lines: readonly BenchLine[], flags: BenchFlags): void {
  if (flags.json) {
    for (const l of lines) process.stdout.write(JSON.stringify(l) + '\n');
    return;
  }
  const rows = lines.map((l) => [
    l.bench,
    l.backend ?? '',
    `${l.value.toLocaleString('en-US')} ${l.unit}`,
    l.baseline ? `${l.baseline} ${l.baseline_value?.toLocaleString('en-US')}` : '',
    l.ratio === undefined ? '' : `${l.ratio}×`,
    String(l.n),
  ]);
  const head = ['bench', 'backend', 'value', 'baseline', 'ratio', 'n'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(fmt(head) + '\n' + fmt(widths.map((w) => '-'.repeat(w))) + '\n');
  for (const r of rows) process.stdout.write(fmt(r) + '\n');
}

/** Progress to stderr (never pollutes --json output). */
export function progress(flags: BenchFlags, msg: string): void {
  if (!flags.json) process.stderr.write(`· ${msg}\n`);
}
