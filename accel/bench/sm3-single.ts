// Single-thread SM3 throughput of accel/src/sm3 against OpenSSL (node:crypto), sm-crypto and
// sm-crypto-v2, measured in one run with candidate and baselines interleaved round by round (A B A B …)
// so that load from other processes hits all of them; medians are reported (see BENCHMARKS.md).
//
//   npx tsx accel/bench/sm3-single.ts [--quick] [--json]

import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { sm3 as sm3v2 } from 'sm-crypto-v2';
import { sm3, sm3Fixed, sm3MerkleRoot } from '../src/sm3/index.ts';

// sm-crypto is CommonJS without types; bytes go in as a number array (a string would be read as UTF-8).
const smCrypto = createRequire(import.meta.url)('sm-crypto') as { sm3(input: number[]): string };

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const json = args.has('--json');
const ROUNDS = quick ? 5 : 11;
const WARMUP = 2;

interface Line {
  bench: string;
  backend: string;
  unit: 'ops/s' | 'MB/s' | 'ms';
  value: number;
  baseline: string;
  baseline_value: number;
  ratio: number;
  n: number;
  [extra: string]: string | number;
}

/** A workload: one call of `run` processes `items` messages (or leaves) worth `ops` units of the rate. */
interface Contender {
  name: string;
  ops: number;
  items: number;
  run(): void;
}

interface Measured {
  /** Median rate per contender, in `ops` units per second. */
  rates: Map<string, number>;
  /** Messages (or leaves) behind each median: items per round times measured rounds. */
  n: Map<string, number>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Interleaves the contenders for `warmup + rounds` rounds and keeps the medians of the last `rounds`. */
function measure(contenders: Contender[], rounds = ROUNDS, warmup = WARMUP): Measured {
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < warmup + rounds; r++) {
    for (const c of contenders) {
      const t0 = performance.now();
      c.run();
      const seconds = (performance.now() - t0) / 1000;
      if (r >= warmup) samples.get(c.name)!.push(c.ops / seconds);
    }
  }
  const rates = new Map<string, number>();
  const n = new Map<string, number>();
  for (const c of contenders) {
    rates.set(c.name, median(samples.get(c.name)!));
    n.set(c.name, c.items * rounds);
  }
  return { rates, n };
}

const lines: Line[] = [];
function report(
  bench: string,
  unit: Line['unit'],
  result: Measured,
  candidate: string,
  baselines: [string, string][],
  extra: Record<string, string | number> = {},
): void {
  const value = result.rates.get(candidate)!;
  for (const [contender, baseline] of baselines) {
    const baselineValue = result.rates.get(contender)!;
    // Rates: higher is better, ratio = value / baseline (for times it would be the inverse).
    const ratio = unit === 'ms' ? baselineValue / value : value / baselineValue;
    const line: Line = {
      bench,
      backend: 'cpu',
      unit,
      value: round(value),
      baseline,
      baseline_value: round(baselineValue),
      ratio: Math.round(ratio * 100) / 100,
      n: result.n.get(candidate)!,
      ...extra,
    };
    lines.push(line);
    if (json) console.log(JSON.stringify(line));
  }
}

function round(x: number): number {
  return x >= 100 ? Math.round(x) : Math.round(x * 100) / 100;
}

// (a) 64-byte messages: sm3Fixed over batches of 4096 vs one createHash per message.
{
  const batch = 4096;
  const data = new Uint8Array(randomBytes(64 * batch));
  const out = new Uint8Array(32 * batch);
  const reps = quick ? 2 : 4;
  const smReps = 256; // sm-crypto is two orders of magnitude slower: fewer messages per round
  const result = measure([
    {
      name: 'sm3Fixed',
      ops: reps * batch,
      items: reps * batch,
      run: () => repeat(reps, () => sm3Fixed(data, 64, batch, out)),
    },
    {
      name: 'sm3',
      ops: reps * batch,
      items: reps * batch,
      run: () => repeat(reps, () => forEachItem(data, 64, batch, (m) => sm3(m))),
    },
    {
      name: 'openssl',
      ops: reps * batch,
      items: reps * batch,
      run: () =>
        repeat(reps, () => forEachItem(data, 64, batch, (m) => createHash('sm3').update(m).digest())),
    },
    {
      name: 'sm-crypto',
      ops: smReps,
      items: smReps,
      run: () => forEachItem(data, 64, smReps, (m) => smCrypto.sm3(Array.from(m))),
    },
    {
      name: 'sm-crypto-v2',
      ops: smReps * 4,
      items: smReps * 4,
      run: () => forEachItem(data, 64, smReps * 4, (m) => sm3v2(m)),
    },
  ]);
  const baselines: [string, string][] = [
    ['openssl', 'openssl'],
    ['sm-crypto', 'sm-crypto'],
    ['sm-crypto-v2', 'sm-crypto-v2'],
  ];
  report('accel.sm3.hash64.batch', 'ops/s', result, 'sm3Fixed', baselines, { batch, message_bytes: 64 });
  report('accel.sm3.hash64.oneshot', 'ops/s', result, 'sm3', [['openssl', 'openssl']], { message_bytes: 64 });
}

// (b) 1 KiB messages: throughput in MB/s (10^6 bytes per second).
{
  const batch = 1024;
  const size = 1024;
  const data = new Uint8Array(randomBytes(size * batch));
  const out = new Uint8Array(32 * batch);
  const mb = (messages: number) => (messages * size) / 1e6;
  const smCount = 32;
  const result = measure([
    { name: 'sm3Fixed', ops: mb(batch), items: batch, run: () => sm3Fixed(data, size, batch, out) },
    { name: 'sm3', ops: mb(batch), items: batch, run: () => forEachItem(data, size, batch, (m) => sm3(m)) },
    {
      name: 'openssl',
      ops: mb(batch),
      items: batch,
      run: () => forEachItem(data, size, batch, (m) => createHash('sm3').update(m).digest()),
    },
    {
      name: 'sm-crypto',
      ops: mb(smCount),
      items: smCount,
      run: () => forEachItem(data, size, smCount, (m) => smCrypto.sm3(Array.from(m))),
    },
    {
      name: 'sm-crypto-v2',
      ops: mb(smCount * 4),
      items: smCount * 4,
      run: () => forEachItem(data, size, smCount * 4, (m) => sm3v2(m)),
    },
  ]);
  report(
    'accel.sm3.hash1k.batch',
    'MB/s',
    result,
    'sm3Fixed',
    [
      ['openssl', 'openssl'],
      ['sm-crypto', 'sm-crypto'],
      ['sm-crypto-v2', 'sm-crypto-v2'],
    ],
    { batch, message_bytes: size },
  );
  report('accel.sm3.hash1k.oneshot', 'MB/s', result, 'sm3', [['openssl', 'openssl']], {
    message_bytes: size,
  });
}

// Merkle root over 2^20 (quick: 2^16) 32-byte leaves vs the same tree hashed node by node with
// node:crypto, as time per root. The SM3 code is already hot from the sections above, and one 2^20 round
// of the baseline takes seconds, so: a single round, no warm-up (a 2^12 tree warms the baseline path).
{
  const depth = quick ? 16 : 20;
  const n = 1 << depth;
  const data = new Uint8Array(randomBytes(32 * n));
  const offsets = Uint32Array.from({ length: n + 1 }, (_, i) => 32 * i);
  nativeMerkleRoot(data, 1 << 12);
  let ours: Uint8Array = new Uint8Array(0);
  let theirs: Uint8Array = new Uint8Array(0);
  // One "op" is a whole root, so the measured rate is roots per second; convert to milliseconds.
  const result = measure(
    [
      { name: 'sm3MerkleRoot', ops: 1, items: n, run: () => (ours = sm3MerkleRoot({ data, offsets })) },
      { name: 'openssl', ops: 1, items: n, run: () => (theirs = nativeMerkleRoot(data, n)) },
    ],
    1,
    0,
  );
  if (Buffer.compare(ours, theirs) !== 0) {
    throw new Error('Merkle roots differ from the node:crypto reference');
  }
  for (const [name, rate] of result.rates) result.rates.set(name, 1000 / rate);
  report('accel.sm3.merkle.root', 'ms', result, 'sm3MerkleRoot', [['openssl', 'openssl']], {
    leaves: n,
    leaf_bytes: 32,
  });
}

if (!json) {
  console.log(
    `SM3 single thread (${quick ? 'quick' : 'full'}), Node ${process.version}, medians of interleaved rounds`,
  );
  console.table(
    lines.map((l) => ({
      bench: l.bench,
      unit: l.unit,
      value: l.value,
      baseline: l.baseline,
      baseline_value: l.baseline_value,
      ratio: l.ratio,
    })),
  );
}

function repeat(times: number, fn: () => void): void {
  for (let i = 0; i < times; i++) fn();
}

function forEachItem(data: Uint8Array, size: number, count: number, fn: (m: Uint8Array) => unknown): void {
  for (let i = 0; i < count; i++) fn(data.subarray(size * i, size * (i + 1)));
}

// Power-of-two tree, leaf = SM3(0x00 ‖ leaf), node = SM3(0x01 ‖ l ‖ r), one createHash per hash.
function nativeMerkleRoot(data: Uint8Array, n: number): Uint8Array {
  const zero = Uint8Array.of(0);
  const one = Uint8Array.of(1);
  let level: Uint8Array[] = [];
  for (let i = 0; i < n; i++)
    level.push(
      createHash('sm3')
        .update(zero)
        .update(data.subarray(32 * i, 32 * i + 32))
        .digest(),
    );
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(
        createHash('sm3')
          .update(one)
          .update(level[i]!)
          .update(level[i + 1]!)
          .digest(),
      );
    }
    level = next;
  }
  return new Uint8Array(level[0]!);
}
