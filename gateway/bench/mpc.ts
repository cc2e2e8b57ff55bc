// MPC engine latency and traffic: a sum and a compare of 8 inputs for n = 3 and 4 compute parties over
// the in-memory transport (all parties in this one process, so the CPU work of the n parties adds up).
// Baseline, measured interleaved in the same run: `in-memory-floor`, the same message pattern (same
// rounds, senders, receivers and sizes, captured from a real session) replayed with no computation —
// the ratio says how close the engine is to the cost of just moving its messages.
//
//   npx tsx gateway/bench/mpc.ts [--quick] [--json]      (format: /work/shared/BENCHMARKS.md)
import { loadavg } from 'node:os';
import {
  createInMemoryNetwork,
  type MpcProgram,
  type MpcSessionResult,
  type PartyId,
  poseidonShareCommitment,
  queryProgram,
  runMpcSession,
  type ShareCommitment,
} from '../src/mpc/index.ts';

interface Line {
  bench: string;
  backend: string;
  unit: 'ms' | 'bytes';
  value: number;
  baseline?: string;
  baseline_value?: number;
  ratio?: number;
  n: number;
  [extra: string]: unknown;
}

const argv = process.argv.slice(2);
const flags = { quick: argv.includes('--quick'), json: argv.includes('--json') };
const RUNS = flags.quick ? 5 : 25;
const WARMUP = 2;
const INPUTS = 8;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sig = (x: number): number => Number(x.toPrecision(3));
const progress = (msg: string): void => {
  if (!flags.json) process.stderr.write(`· ${msg}\n`);
};

function workload(n: number, compare: boolean) {
  const parties = Array.from({ length: n }, (_, i) => `gw${i}`);
  const builder = queryProgram();
  const values: Record<string, bigint> = {};
  for (let k = 0; k < INPUTS; k++) {
    builder.input(`v${k}`, parties[k % n]!);
    values[`v${k}`] = 1_000_000_007n * BigInt(k + 1);
  }
  const program = compare
    ? builder.sum().compare(20_000_000_000n).output(parties[0]!)
    : builder.sum().output(parties[0]!);
  return { parties, program, values };
}

interface Captured {
  round: number;
  from: PartyId;
  to: PartyId;
  size: number;
}

/** One full session; returns every party's result and the message pattern. */
async function session(
  parties: PartyId[],
  program: MpcProgram,
  values: Record<string, bigint>,
  commitment: ShareCommitment,
  id: string,
): Promise<{ results: MpcSessionResult[]; pattern: Captured[] }> {
  const network = createInMemoryNetwork();
  const pattern: Captured[] = [];
  network.tap((m) =>
    pattern.push({ round: (m.bytes[33]! << 8) | m.bytes[34]!, from: m.from, to: m.to, size: m.bytes.length }),
  );
  const results = await Promise.all(
    parties.map((self) => {
      const inputs: Record<string, bigint> = {};
      for (const input of program.inputs) if (input.holder === self) inputs[input.id] = values[input.id]!;
      return runMpcSession(
        { sessionId: id, self, computeParties: parties, program, inputs },
        { transport: network.endpoint(self), commitment },
      );
    }),
  );
  return { results, pattern };
}

/** Replays a message pattern round by round with random payloads and no computation. */
async function floor(parties: PartyId[], pattern: readonly Captured[]): Promise<void> {
  const network = createInMemoryNetwork();
  const rounds = [...new Set(pattern.map((m) => m.round))].sort((a, b) => a - b);
  await Promise.all(
    parties.map(async (self) => {
      const transport = network.endpoint(self);
      const received = new Map<number, number>();
      let wake: (() => void) | undefined;
      transport.onMessage((_from, bytes) => {
        const r = (bytes[0]! << 8) | bytes[1]!;
        received.set(r, (received.get(r) ?? 0) + 1);
        wake?.();
      });
      for (const r of rounds) {
        for (const m of pattern) {
          if (m.round !== r || m.from !== self) continue;
          const bytes = new Uint8Array(m.size);
          crypto.getRandomValues(bytes.subarray(2, Math.min(m.size, 65536)));
          bytes[0] = r >> 8;
          bytes[1] = r & 0xff;
          transport.send(m.to, bytes);
        }
        const expected = pattern.filter((m) => m.round === r && m.to === self).length;
        while ((received.get(r) ?? 0) < expected) await new Promise<void>((resolve) => (wake = resolve));
      }
    }),
  );
}

async function measure(n: number, compare: boolean, commitment: ShareCommitment): Promise<Line[]> {
  const { parties, program, values } = workload(n, compare);
  const name = compare ? 'compare' : 'sum';
  progress(`${name}, n = ${n}, ${INPUTS} inputs: ${WARMUP} warm-up + ${RUNS} runs`);
  let last = await session(parties, program, values, commitment, 'warm-0');
  for (let i = 1; i < WARMUP; i++) last = await session(parties, program, values, commitment, `warm-${i}`);
  await floor(parties, last.pattern);
  const mpcMs: number[] = [];
  const floorMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let t0 = performance.now();
    await floor(parties, last.pattern);
    floorMs.push(performance.now() - t0);
    t0 = performance.now();
    last = await session(parties, program, values, commitment, `run-${i}`);
    mpcMs.push(performance.now() - t0);
  }
  const output = last.results[0]!.output;
  if (output === undefined) throw new Error('the output party got no output');
  const compute = last.results.slice(0, n);
  const mean = (f: (r: MpcSessionResult) => number): number => compute.reduce((a, r) => a + f(r), 0) / n;
  const value = median(mpcMs);
  const base = median(floorMs);
  const backend = `in-memory:n=${n}`;
  const common = {
    inputs: INPUTS,
    parties: n,
    rounds: last.results[0]!.rounds,
    load1: Number(loadavg()[0]!.toFixed(2)),
  };
  return [
    {
      bench: `gateway.mpc.${name}`,
      backend,
      unit: 'ms',
      value: sig(value),
      baseline: 'in-memory-floor',
      baseline_value: sig(base),
      ratio: Number((base / value).toFixed(3)),
      n: RUNS,
      ...common,
      p90_ms: sig([...mpcMs].sort((a, b) => a - b)[Math.floor(0.9 * (RUNS - 1))]!),
      processes: 1,
    },
    {
      bench: `gateway.mpc.${name}.bytes_per_party`,
      backend,
      unit: 'bytes',
      value: Math.round(mean((r) => r.traffic.bytesSent)),
      n: 1,
      ...common,
      messages_sent_per_party: sig(mean((r) => r.traffic.messagesSent)),
      messages_received_per_party: sig(mean((r) => r.traffic.messagesReceived)),
      bytes_received_per_party: Math.round(mean((r) => r.traffic.bytesReceived)),
    },
  ];
}

function print(lines: readonly Line[]): void {
  if (flags.json) {
    for (const l of lines) process.stdout.write(`${JSON.stringify(l)}\n`);
    return;
  }
  const rows = lines.map((l) => [
    l.bench,
    l.backend,
    `${l.value.toLocaleString('en-US')} ${l.unit}`,
    l.baseline ? `${l.baseline} ${l.baseline_value} ms` : '',
    l.ratio === undefined ? '' : `${l.ratio}×`,
    `${l.messages_sent_per_party === undefined ? `rounds ${l.rounds}` : `msgs sent ${l.messages_sent_per_party}`}, load ${l.load1}`,
  ]);
  const head = ['bench', 'backend', 'value', 'baseline', 'ratio', 'notes'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`${fmt(head)}\n${fmt(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) process.stdout.write(`${fmt(r)}\n`);
}

const commitment = await poseidonShareCommitment();
const lines: Line[] = [];
for (const n of [3, 4])
  for (const compare of [false, true]) lines.push(...(await measure(n, compare, commitment)));
print(lines);
