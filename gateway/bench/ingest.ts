/**
 * gateway.ingest: records/s of a CSV import into SQLite (stream → parse → validate with zod → salt →
 * staged batches → one commit), against the naive way in the same run: the same parsing and validation,
 * then one INSERT per row in autocommit, on a smaller sample. Both on a file database in WAL mode with
 * the store's `synchronous = FULL`. Rounds interleave candidate and baseline; medians are reported.
 *
 *   tsx gateway/bench/ingest.ts [--quick] [--json] [--dir <path>]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  CsvParser,
  compileRecordValidator,
  declareDataset,
  importRecordsFromFile,
  parseDeclaration,
} from '../src/datasets/index.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { arrearsDeclaration, writeArrearsCsv } from './arrears-csv.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const json = args.includes('--json');
const dirArg = args.indexOf('--dir');
const baseDir = dirArg >= 0 && args[dirArg + 1] !== undefined ? args[dirArg + 1]! : tmpdir();

const N = quick ? 100_000 : 1_000_000;
const NAIVE_N = quick ? 2_000 : 10_000;
const ROUNDS = 3;

const DECLARATION = arrearsDeclaration();

function log(message: string): void {
  if (!json) process.stderr.write(`${message}\n`);
}

const writeCsv = writeArrearsCsv;

/** The candidate: the gateway's import. */
async function batched(dir: string, csv: string, count: number): Promise<number> {
  const path = join(dir, `batched-${Date.now()}-${Math.random()}.sqlite`);
  const store = openSqliteStore({ path });
  try {
    await declareDataset(store, DECLARATION);
    const started = performance.now();
    const report = await importRecordsFromFile(store, 'tax.arrears', csv);
    const seconds = (performance.now() - started) / 1000;
    if (report.imported !== count) throw new Error('import lost records');
    return report.imported / seconds;
  } finally {
    await store.close();
    removeDb(path);
  }
}

/** The baseline: same parsing and validation, one INSERT per row in autocommit. */
async function naive(dir: string, csvText: string, count: number): Promise<number> {
  const path = join(dir, `naive-${Date.now()}-${Math.random()}.sqlite`);
  await openSqliteStore({ path }).close(); // the same schema, migrated
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const id = Number(
      db
        .prepare(
          "INSERT INTO datasets (name, declaration, schema_hash, created_at) VALUES ('tax.arrears', '{}', '', '')",
        )
        .run().lastInsertRowid,
    );
    const insert = db.prepare(
      'INSERT INTO records (dataset_id, row_number, subject_id, salt, field_values) VALUES (?, ?, ?, ?, ?)',
    );
    const validator = compileRecordValidator(parseDeclaration(DECLARATION));
    const started = performance.now();
    const parser = new CsvParser();
    const records = [...parser.feed(csvText), ...parser.end()];
    const header = records[0]!.fields;
    let row = 0;
    for (const record of records.slice(1)) {
      const input: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) input[header[i]!] = record.fields[i]!;
      const outcome = validator.validate(input);
      if (!outcome.ok) throw new Error(outcome.reason);
      const salt = crypto.getRandomValues(new Uint8Array(31));
      insert.run(id, row++, outcome.record.subjectId, salt, JSON.stringify(outcome.record.values));
    }
    const seconds = (performance.now() - started) / 1000;
    if (row !== count) throw new Error('naive import lost records');
    return count / seconds;
  } finally {
    db.close();
    removeDb(path);
  }
}

function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(baseDir, 'privgate-bench-ingest-'));
  try {
    log(`writing ${N} records of CSV …`);
    const bigCsv = join(dir, 'arrears.csv');
    const bytes = writeCsv(bigCsv, N);
    const sampleCsv = join(dir, 'arrears-sample.csv');
    writeCsv(sampleCsv, NAIVE_N);
    const sampleText = readFileSync(sampleCsv, 'utf8');
    const warmCsv = join(dir, 'warmup.csv');
    writeCsv(warmCsv, 5000);

    log('warming up …');
    await batched(dir, warmCsv, 5000);
    await naive(dir, readFileSync(warmCsv, 'utf8').split('\r\n').slice(0, 301).join('\r\n'), 300);

    const candidate: number[] = [];
    const baseline: number[] = [];
    const loadBefore = Number(loadavg()[0]!.toFixed(2));
    for (let round = 0; round < ROUNDS; round++) {
      candidate.push(await batched(dir, bigCsv, N));
      baseline.push(await naive(dir, sampleText, NAIVE_N));
      log(
        `round ${round + 1}/${ROUNDS}: batched ${Math.round(candidate.at(-1)!)} records/s, ` +
          `naive ${Math.round(baseline.at(-1)!)} records/s`,
      );
    }
    const value = median(candidate);
    const baselineValue = median(baseline);
    const result = {
      bench: 'gateway.ingest',
      backend: 'sqlite',
      unit: 'ops/s',
      value: Math.round(value),
      baseline: 'naive-autocommit',
      baseline_value: Math.round(baselineValue),
      ratio: Number((value / baselineValue).toFixed(1)),
      n: N,
      baseline_n: NAIVE_N,
      rounds: ROUNDS,
      format: 'csv',
      mb_s: Number((((bytes / N) * value) / 1e6).toFixed(1)),
      synchronous: 'FULL',
      rss_mb: Math.round(process.memoryUsage().rss / 1e6),
      load1: [loadBefore, Number(loadavg()[0]!.toFixed(2))],
    };
    if (json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      console.log('');
      console.log('bench            backend  n          records/s   baseline (naive autocommit)   ratio');
      console.log(
        `${result.bench.padEnd(17)}${result.backend.padEnd(9)}${String(N).padEnd(11)}` +
          `${String(result.value).padEnd(12)}${`${result.baseline_value} records/s (n=${NAIVE_N})`.padEnd(30)}${result.ratio}x`,
      );
      console.log(
        `(${result.mb_s} MB/s of CSV, synchronous=FULL, WAL, ${result.rss_mb} MB RSS, median of ${ROUNDS}, load ${result.load1.join('→')})`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
