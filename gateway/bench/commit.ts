// gateway.commit: build the Poseidon tree of N records of one dataset and anchor its root (N = 10^6; quick
// 5·10^4), in this process: a SQLite store, the gateway's DatasetCommitments on a Poseidon worker pool of
// one worker per core, and a LocalLedger (one node, no consensus: the anchor is one local commit; the
// demo network's commit over consensus is `network.ts --commit`).
//
//   gateway.commit        the whole commit, with its stages (read + key the rows, leaves, tree, persist, anchor)
//   gateway.commit.hash   leaves + tree only, the worker pool against the single-thread circomlibjs
//                         `PoseidonMerkleTree` of @privgate/circuits (baseline `circomlibjs`) on the first
//                         BASELINE_RECORDS records (10^5; quick 10^4), compared as records/s: hashing is
//                         linear in the records, and the whole 10^6 on one thread would take minutes more.
//                         (The gateway's tests check its trees against PoseidonMerkleTree's roots.)
//
//   npx tsx gateway/bench/commit.ts [--quick] [--json]      (format: /work/shared/BENCHMARKS.md)
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { defaultPoseidon, PoseidonMerkleTree, recordLeaf, releaseSnarkjsCurve } from '@privgate/circuits';
import { DatasetCommitments, fieldIdOf, PoseidonPool, SubjectPseudonyms } from '../src/commitments/index.ts';
import { LedgerAccount } from '../src/ledger-client/index.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { GATEWAYS, openTestLedger, tempDir, testSigner } from '../test/query/consortium.ts';
import { loadMetricDataset, seeded, usccOf } from '../test/query/synthetic.ts';

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

const argv = process.argv.slice(2);
const flags = { quick: argv.includes('--quick'), json: argv.includes('--json') };
const COMMIT_RECORDS = flags.quick ? 50_000 : 1_000_000;
const BASELINE_RECORDS = flags.quick ? 10_000 : 100_000;

const sig = (x: number): number => Number(x.toPrecision(3));
const load1 = (): number => Number(loadavg()[0]!.toFixed(2));
const progress = (msg: string): void => {
  if (!flags.json) process.stderr.write(`· ${msg}\n`);
};
const lines: Line[] = [];
const emit = (line: Line): void => {
  lines.push(line);
  if (flags.json) process.stdout.write(`${JSON.stringify(line)}\n`);
};

// --- commitments -----------------------------------------------------------------------------------

async function commitBench(): Promise<void> {
  const dir = tempDir('commit-bench');
  const ledger = await openTestLedger(join(dir.path, 'ledger'));
  const store = await openSqliteStore({ path: join(dir.path, 'tax.sqlite') });
  const workers = availableParallelism();
  const pool = await PoseidonPool.create({ workers });
  try {
    const hasher = await defaultPoseidon();
    progress(`importing ${COMMIT_RECORDS} records`);
    const rnd = seeded(3);
    const values = new Map<string, bigint>();
    for (let i = 0; i < COMMIT_RECORDS; i++) values.set(usccOf(i + 1), BigInt(Math.floor(rnd() * 1e9)));
    await loadMetricDataset(store, 'tax.arrears', values);
    values.clear();
    const commitments = new DatasetCommitments(
      { dir: join(dir.path, 'commitments'), subjectKey: new Uint8Array(32).fill(1) },
      { store, account: new LedgerAccount(GATEWAYS.tax, testSigner(GATEWAYS.tax), ledger), pool, hasher },
    );
    progress(`committing ${COMMIT_RECORDS} records on ${workers} Poseidon workers`);
    const before = load1();
    const result = await commitments.commit('tax.arrears', {
      onProgress: (stage, done, total) => {
        if (stage !== 'read' || done === total) progress(`  ${stage} ${done}/${total}`);
      },
    });
    const t = result.timings;
    emit({
      bench: 'gateway.commit',
      backend: `sqlite + poseidon-workers:${workers} + LocalLedger`,
      unit: 'ms',
      value: sig(t.totalMs),
      seconds: sig(t.totalMs / 1000),
      records_per_s: sig(result.recordCount / (t.totalMs / 1000)),
      n: result.recordCount,
      depth: commitments.depth,
      read_ms: sig(t.readMs),
      leaves_ms: sig(t.leavesMs),
      tree_ms: sig(t.treeMs),
      persist_ms: sig(t.persistMs),
      anchor_ms: sig(t.anchorMs),
      load1: [before, load1()],
    });

    // Baseline: the same leaves and tree with circomlibjs on this one thread (PoseidonMerkleTree.build),
    // over the first BASELINE_RECORDS records.
    progress(`baseline: single-thread circomlibjs leaves + tree of ${BASELINE_RECORDS} records`);
    const baseBefore = load1();
    const pseudonyms = new SubjectPseudonyms(new Uint8Array(32).fill(1));
    const fieldId = fieldIdOf('tax.arrears', 'amount');
    const started = performance.now();
    const leaves: bigint[] = [];
    let afterRow = -1;
    while (leaves.length < BASELINE_RECORDS) {
      const page = await store.listRecords('tax.arrears', {
        afterRow,
        limit: Math.min(10_000, BASELINE_RECORDS - leaves.length),
      });
      if (page.length === 0) break;
      for (const r of page) {
        leaves.push(
          recordLeaf(hasher, {
            subjectId: pseudonyms.of(r.subjectId),
            fieldId,
            value: BigInt(r.values.amount!),
            salt: BigInt(`0x${Buffer.from(r.salt).toString('hex')}`),
          }),
        );
      }
      afterRow = page[page.length - 1]!.rowNumber;
    }
    await PoseidonMerkleTree.build(leaves, { hasher });
    const baselineMs = performance.now() - started;
    const oursMs = t.readMs + t.leavesMs + t.treeMs;
    const ours = result.recordCount / (oursMs / 1000);
    const base = leaves.length / (baselineMs / 1000);
    emit({
      bench: 'gateway.commit.hash',
      backend: `poseidon-workers:${workers}`,
      unit: 'ops/s',
      value: sig(ours),
      baseline: 'circomlibjs',
      baseline_value: sig(base),
      ratio: sig(ours / base),
      n: result.recordCount,
      baseline_n: leaves.length,
      ms: sig(oursMs),
      baseline_ms: sig(baselineMs),
      load1: [baseBefore, load1()],
    });
  } finally {
    await pool.close();
    await store.close();
    await ledger.close();
    dir.remove();
  }
}

await commitBench();

if (!flags.json) {
  console.log('\nbench                 value          n          notes');
  for (const l of lines) {
    const notes = l.baseline
      ? `${l.baseline} ${l.baseline_value} records/s (n ${l.baseline_n}), ratio ${l.ratio}`
      : `${l.seconds} s, ${l.records_per_s} records/s (read ${l.read_ms}, leaves ${l.leaves_ms}, tree ${l.tree_ms}, persist ${l.persist_ms}, anchor ${l.anchor_ms} ms)`;
    console.log(
      `${l.bench.padEnd(22)}${`${l.value} ${l.unit}`.padEnd(15)}${String(l.n).padEnd(11)}${notes}  load ${(l.load1 as number[]).join('→')}`,
    );
  }
}
await releaseSnarkjsCurve();
process.exit(0);
