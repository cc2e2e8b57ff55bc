/**
 * Benchmarks of the assembled ledger (output format: /work/shared/BENCHMARKS.md).
 *
 *   npx tsx ledger/bench/network.ts [--quick] [--json] [--profile] [--window N] [--batch N] [--max-rate N]
 *
 * ledger.tps     4 validators as separate processes on 127.0.0.1 (`privgate ledger start`, SM2 verification on
 *                one worker thread each, fsync on every commit), 250-byte SM2-signed dataset anchors from 64
 *                gateways, pre-signed before the run and submitted over HTTP (`POST /v1/txs`, batches spread
 *                round-robin over the validators, a bounded number in flight). Sustained tx/s over 30 s (10 s
 *                with --quick) after a warm-up, with p50/p99 commit latency: from the moment a batch is sent to
 *                the `block` event (`/v1/blocks/stream?txids=1`) of the block that includes the transaction.
 *                Baseline in the same run: the same transactions through ONE node's application layer alone
 *                (mempool admission with batch SM2 verification on 2 workers → propose → commit (fsync) →
 *                update), no consensus, no network — the ratio is the cost of replicating on 4 validators
 *                that each verify every signature on the same 2 cores.
 * ledger.proofs  Groth16-carrying transactions (the multiplier fixture proofs of ledger/test/app/fixtures)
 *                through one node's admission (SM2 + snarkjs Groth16 against the registered key) and commit.
 *                Baseline: snarkjs `groth16.verify` alone on the same proofs.
 *
 * Where the time goes: the validators' CPU time (user + system, from /proc) during the measured window
 * divided by the transactions committed in it (`validators_cpu_ms_per_tx`, all 4 processes), next to
 * the same figure for the single-node baseline (`baseline_cpu_ms_per_tx`); `ceiling_tx_s_on_2_cores` is
 * what 2 cores sustain at that cost. --profile adds V8 CPU profiles of validator-1's threads (busy time
 * by category and heaviest functions; the profiles include start-up). --window bounds the transactions in
 * flight (latency ≈ window / throughput); --max-rate sizes the pre-signed stream.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Accelerator, createAccelerator, sm3 } from '@privgate/accel';
import {
  datasetAnchorPayload,
  encodeCanonical,
  type Groth16Proof,
  Groth16ProofVerifier,
  genesisDocumentOf,
  LedgerChain,
  type LedgerGenesis,
  localPaths,
  Mempool,
  proofSubmissionPayload,
  readKeyFile,
  readLedgerGenesis,
  releaseGroth16,
  StateStore,
  TX_SIGN_DOMAIN,
  TX_VERSION,
  TxKind,
} from '../src/index.ts';
import { http, ProcessNetwork, waitFor } from '../test/e2e/processes.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const json = args.includes('--json');
const profile = args.includes('--profile');
const keep = args.includes('--keep');
const debugLogs = args.includes('--debug');
const flag = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const GATEWAYS = 64;
const DURATION_S = flag('--duration', quick ? 10 : 30);
const WARMUP_S = quick ? 3 : 5;
const BATCH = flag('--batch', 250);
const WINDOW = flag('--window', 2000);
const MAX_RATE = flag('--max-rate', 1500); // tx/s the pre-signed stream is sized for
const here = fileURLToPath(new URL('.', import.meta.url));
const FIXTURES = join(here, '../test/app/fixtures');

const round3 = (x: number): number => Number(x.toPrecision(3));
const percentile = (xs: number[], p: number): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const progress = (m: string) => {
  if (!json) process.stderr.write(`  … ${m}\n`);
};

interface Org {
  id: string;
  privateKey: Uint8Array;
}

/** Signs transactions in batches on the accelerator's workers (hinted SM2, as `signTx` does). */
async function presign(
  accel: Accelerator,
  chainId: string,
  items: { org: Org; kind: number; nonce: number; payload: Parameters<typeof encodeCanonical>[0][] }[],
): Promise<Uint8Array[]> {
  const now = Date.now();
  const unsigned = items.map((t) => [TX_VERSION, chainId, t.kind, t.org.id, t.nonce, now, t.payload]);
  const out: Uint8Array[] = [];
  for (let at = 0; at < unsigned.length; at += 4096) {
    const chunk = unsigned.slice(at, at + 4096);
    const bodies = chunk.map((u) => encodeCanonical(u));
    const sigs = await accel.sm2SignBatch(
      bodies.map((b, i) => {
        const m = new Uint8Array(TX_SIGN_DOMAIN.length + b.length);
        m.set(TX_SIGN_DOMAIN, 0);
        m.set(b, TX_SIGN_DOMAIN.length);
        return { privateKey: items[at + i]!.org.privateKey, message: m, format: 'hinted' as const };
      }),
    );
    chunk.forEach((u, i) => out.push(encodeCanonical([...u, sigs[i]!])));
  }
  return out;
}

/** 250-byte dataset anchors, round-robin over the gateways, consecutive nonces per gateway. */
async function anchorTxs(
  accel: Accelerator,
  chainId: string,
  orgs: Org[],
  count: number,
): Promise<Uint8Array[]> {
  const build = (pad: number) =>
    Array.from({ length: count }, (_, i) => {
      const org = orgs[i % orgs.length]!;
      const nonce = 1 + Math.floor(i / orgs.length);
      return {
        org,
        kind: TxKind.datasetAnchor,
        nonce,
        payload: datasetAnchorPayload({
          dataset: `${org.id}/records-${'x'.repeat(pad)}`,
          schemaHash: sm3(Buffer.from('schema')),
          recordCount: 1_000_000 + i,
          poseidonRoot: new Uint8Array(32),
          version: nonce,
        }),
      };
    });
  const probe = await presign(accel, chainId, build(20).slice(0, 1));
  return presign(accel, chainId, build(20 + 250 - probe[0]!.length));
}

/** Follows `/v1/blocks/stream?txids=1` and records when each transaction was seen committed. */
function followBlocks(url: string, seen: Map<string, number>, blocks: { at: number; txs: number }[]) {
  const abort = new AbortController();
  const done = (async () => {
    const res = await fetch(`${url}/v1/blocks/stream?txids=1`, { signal: abort.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      buf += decoder.decode(value, { stream: true });
      for (let cut = buf.indexOf('\n\n'); cut >= 0; cut = buf.indexOf('\n\n')) {
        const event = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const data = event.split('\n').find((l) => l.startsWith('data: '));
        if (data === undefined) continue;
        const b = JSON.parse(data.slice(6)) as { txIds: string[]; txCount: number };
        const now = performance.now();
        blocks.push({ at: now, txs: b.txCount });
        for (const id of b.txIds) if (!seen.has(id)) seen.set(id, now);
      }
    }
  })().catch(() => {});
  return { stop: () => abort.abort(), done };
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; undefined elsewhere). */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function's self time is counted. */
function category(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(program)' || url === '') return 'v8/runtime';
  if (url.includes('/accel/src/')) return 'accel (SM2/SM3)';
  if (url.includes('@noble/')) return 'noble bigint (SM2 math)';
  if (/ledger\/src\/(state|block|contracts|mempool|tx)\//.test(url))
    return 'ledger app layer (execute, state)';
  if (/ledger\/src\/(node|consensus|codec|net)\//.test(url)) return 'node driver, consensus, codecs';
  if (/@libp2p|@chainsafe|libp2p|multiformats|uint8array|it-/.test(url)) return 'libp2p (noise, yamux)';
  if (url.includes('classic-level') || url.includes('abstract-level')) return 'LevelDB bindings';
  if (url.includes('cborg')) return 'cborg (CBOR)';
  if (url.startsWith('node:') || url.includes('internal/')) return 'node core (http, streams, fs)';
  if (url.includes('tsx') || url.includes('esbuild')) return 'tsx loader';
  return 'other';
}

/** Busy time of one thread's V8 profile by category, and its heaviest functions (idle left out). */
function profileSummary(file: string): { busyMs: number; byCategory: Record<string, number>; top: string[] } {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((x) => [x.id, x]));
  const cat = new Map<string, number>();
  const fns = new Map<string, number>();
  let busy = 0;
  prof.samples.forEach((s, i) => {
    const { functionName, url, lineNumber } = byId.get(s)!.callFrame;
    if (functionName === '(idle)') return;
    const dt = (prof.timeDeltas[i] ?? 0) / 1000;
    busy += dt;
    const c = category(url, functionName);
    cat.set(c, (cat.get(c) ?? 0) + dt);
    const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + dt);
  });
  const pct = (x: number) => Number(((100 * x) / Math.max(busy, 1)).toFixed(1));
  return {
    busyMs: Math.round(busy),
    byCategory: Object.fromEntries([...cat].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, pct(v)])),
    top: [...fns]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, v]) => `${pct(v)}% ${k}`),
  };
}

// --- ledger.tps over 4 processes ----------------------------------------------------------------

async function benchNetwork(accel: Accelerator): Promise<{
  line: Record<string, unknown>;
  txs: Uint8Array[];
  genesis: LedgerGenesis;
  orgs: Org[];
  dir: string;
  net: ProcessNetwork;
}> {
  const orgFlags = Array.from({ length: GATEWAYS }, (_, i) => [
    '--org',
    `gateway-${String(i).padStart(2, '0')}:gateway`,
  ]).flat();
  const net = await ProcessNetwork.init(4, [
    '--seed',
    'bench',
    ...orgFlags,
    '--org',
    'prover-1:gateway',
    '--vkey',
    `multiplier=${join(FIXTURES, 'multiplier.vkey.json')}`,
    '--empty-block-ms',
    '200',
  ]);
  const genesis = readLedgerGenesis(localPaths.genesis(net.dir));
  const orgs: Org[] = readdirSync(join(net.dir, 'orgs'))
    .filter((f) => f.startsWith('gateway-'))
    .sort()
    .map((f) => {
      const k = readKeyFile(join(net.dir, 'orgs', f));
      return { id: k.id, privateKey: k.sm2PrivateKey };
    });
  const total = Math.min(100_000, (WARMUP_S + DURATION_S + 5) * MAX_RATE);
  progress(`pre-signing ${total} transactions`);
  const txs = await anchorTxs(accel, genesis.chainId, orgs, total);
  const ids = txs.map((t) => hex(sm3(t)));
  const profDir = mkdtempSync(join(tmpdir(), 'privgate-prof-'));
  progress('starting 4 validators');
  net.ids.forEach((id, i) =>
    net.start(
      id,
      debugLogs ? ['--log-level', 'debug'] : [],
      i === 0 && profile ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [],
    ),
  );
  await waitFor(
    async () => (await Promise.all(net.ids.map((id) => net.status(id)))).every((s) => s?.height >= 1),
    60_000,
    'validators up',
  );
  const committedAt = new Map<string, number>();
  const blocks: { at: number; txs: number }[] = [];
  const follower = followBlocks(net.urls[0]!, committedAt, blocks);
  const sentAt: number[] = new Array(txs.length);
  let next = 0;
  let rejected = 0;
  const t0 = performance.now();
  const tStart = t0 + WARMUP_S * 1000;
  const tEnd = tStart + DURATION_S * 1000;
  progress(`load: batches of ${BATCH}, ≤ ${WINDOW} in flight, ${WARMUP_S} s warm-up + ${DURATION_S} s`);
  let cpuAtStart: (number | undefined)[] = [];
  let clientCpuAtStart = 0;
  const cpuTimer = setTimeout(() => {
    cpuAtStart = net.ids.map((id) => cpuMs(net.pid(id)));
    clientCpuAtStart = process.cpuUsage().user + process.cpuUsage().system;
  }, tStart - performance.now());
  const cpuEnd = new Promise<{ nodes: (number | undefined)[]; client: number }>((resolve) =>
    setTimeout(
      () =>
        resolve({
          nodes: net.ids.map((id) => cpuMs(net.pid(id))),
          client: process.cpuUsage().user + process.cpuUsage().system,
        }),
      tEnd - performance.now(),
    ),
  );
  const submitter = async (node: number) => {
    while (performance.now() < tEnd && next < txs.length) {
      if (next - committedAt.size - rejected >= WINDOW) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      const from = next;
      const batch = txs.slice(from, from + BATCH);
      next += batch.length;
      const at = performance.now();
      for (let i = 0; i < batch.length; i++) sentAt[from + i] = at;
      const r = await http(`${net.urls[node]}/v1/txs`, {
        body: { txs: batch.map((t) => Buffer.from(t).toString('base64')), encoding: 'base64' },
      });
      if (r.status !== 200) throw new Error(`POST /v1/txs: ${r.status} ${JSON.stringify(r.body)}`);
      rejected += r.body.rejected as number;
    }
  };
  await Promise.all(net.ids.map((_, i) => submitter(i)));
  const sent = next;
  clearTimeout(cpuTimer);
  const cpuAtEnd = performance.now() >= tEnd - 1 ? await cpuEnd : undefined;
  const ranOut = performance.now() < tEnd;
  const measuredEnd = Math.min(performance.now(), tEnd);
  // Let the tail commit (bounded), then stop.
  await waitFor(() => committedAt.size >= sent - rejected || undefined, 30_000, 'tail committed').catch(
    () => {},
  );
  follower.stop();
  const inWindow = blocks.filter((b) => b.at >= tStart && b.at < measuredEnd);
  const committed = inWindow.reduce((n, b) => n + b.txs, 0);
  const seconds = (measuredEnd - tStart) / 1000;
  const latencies: number[] = [];
  for (let i = 0; i < sent; i++) {
    const s = sentAt[i]!;
    const c = committedAt.get(ids[i]!);
    if (s >= tStart && s < measuredEnd && c !== undefined) latencies.push(c - s);
  }
  const statuses = await Promise.all(net.ids.map((id) => net.status(id)));
  let threads: ReturnType<typeof profileSummary>[] | undefined;
  if (profile) {
    await net.signal(net.ids[0]!, 'SIGTERM'); // writes the profiles (main thread and workers) on a clean exit
    threads = readdirSync(profDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => profileSummary(join(profDir, f)))
      .sort((a, b) => b.busyMs - a.busyMs)
      .filter((t) => t.busyMs > 50);
  }
  if (!keep) rmSync(profDir, { recursive: true, force: true });
  else process.stderr.write(`profiles kept in ${profDir}\n`);
  const value = committed / seconds;
  // CPU the validators used in the window, per committed transaction: what the 2 cores can sustain.
  let cpu: Record<string, number> = {};
  if (cpuAtEnd !== undefined && cpuAtStart.every((x) => x !== undefined) && committed > 0) {
    const used = cpuAtEnd.nodes.reduce<number>((n, x, i) => n + (x! - cpuAtStart[i]!), 0);
    const client = (cpuAtEnd.client - clientCpuAtStart) / 1000;
    cpu = {
      validators_cpu_ms_per_tx: round3(used / committed),
      client_cpu_ms_per_tx: round3(client / committed),
      cores_busy: round3((used + client) / (seconds * 1000)),
      ceiling_tx_s_on_2_cores: Math.round((2000 * committed) / (used + client)),
    };
  }
  return {
    net,
    dir: net.dir,
    genesis,
    orgs,
    txs: txs.slice(0, Math.min(sent, 20_000)),
    line: {
      bench: 'ledger.tps',
      backend: '4 processes, workers:1 each',
      unit: 'tx/s',
      value: round3(value),
      n: committed,
      validators: 4,
      duration_s: round3(seconds),
      p50_ms: Math.round(percentile(latencies, 50)),
      p99_ms: Math.round(percentile(latencies, 99)),
      tx_bytes: txs[0]!.length,
      batch: BATCH,
      window: WINDOW,
      blocks: inWindow.length,
      avg_block_txs: inWindow.length === 0 ? 0 : Math.round(committed / inWindow.length),
      rejected,
      ran_out_of_txs: ranOut,
      rounds_above_zero: statuses.reduce((n, s) => n + (s?.counters?.roundsAboveZero ?? 0), 0),
      sig_verifications_per_committed_tx: round3(
        statuses.reduce((n, s) => n + (s?.counters?.signaturesVerified ?? 0), 0) /
          Math.max(1, statuses[0]?.counters?.txsCommitted ?? 1),
      ),
      heights: statuses.map((s) => s?.height ?? null),
      ...cpu,
      ...(threads === undefined ? {} : { profile_validator1_threads: threads }),
    },
  };
}

// --- one node's application layer (the baseline) ----------------------------------------------------

async function benchAppLayer(
  accel: Accelerator,
  genesis: LedgerGenesis,
  txs: readonly Uint8Array[],
  blockTxs: number,
): Promise<{ rate: number; cpuMsPerTx: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'privgate-bench-app-'));
  const store = await StateStore.open(dir, { sync: true });
  try {
    const proofVerifier = new Groth16ProofVerifier(store);
    const mempool = new Mempool(
      { chainId: genesis.chainId, maxTxs: 1_000_000, maxBytes: 1 << 30 },
      { store, accel, proofVerifier },
    );
    const chain = new LedgerChain(
      { chainId: genesis.chainId },
      { store, accel, proofVerifier, preverified: mempool },
    );
    await chain.initGenesis(genesisDocumentOf(genesis));
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let admitting: Promise<unknown> = mempool.add(txs.slice(0, blockTxs));
    let committed = 0;
    for (let at = 0; at < txs.length; at += blockTxs) {
      await admitting;
      const reaped = await mempool.reapParsed(16 << 20, blockTxs);
      const nextAt = at + blockTxs;
      admitting = nextAt < txs.length ? mempool.add(txs.slice(nextAt, nextAt + blockTxs)) : Promise.resolve();
      const timestamp = Math.max(Date.now(), store.head!.timestamp + 1);
      const proposed = await chain.propose({ proposer: genesis.validators[0]!.id, timestamp, txs: reaped });
      await chain.commit(proposed);
      await mempool.update({ txs: proposed.block.txs, txIds: proposed.execution.txIds });
      committed += proposed.block.txs.length;
    }
    await admitting;
    const cpu = process.cpuUsage(cpu0);
    return {
      rate: committed / ((performance.now() - t0) / 1000),
      cpuMsPerTx: (cpu.user + cpu.system) / 1000 / committed,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- ledger.proofs ------------------------------------------------------------------------------

async function benchProofs(
  accel: Accelerator,
  genesis: LedgerGenesis,
  netDir: string,
): Promise<Record<string, unknown>> {
  const proofs = JSON.parse(readFileSync(join(FIXTURES, 'multiplier.proofs.json'), 'utf8')) as {
    proof: Groth16Proof;
    publicSignals: string[];
  }[];
  const vkeyBytes = readFileSync(join(FIXTURES, 'multiplier.vkey.json'));
  const vkeyHash = sm3(vkeyBytes);
  const prover = readKeyFile(localPaths.orgKey(netDir, 'prover-1'));
  const count = quick ? 24 : 96;
  const txs = await presign(
    accel,
    genesis.chainId,
    Array.from({ length: count }, (_, i) => {
      const p = proofs[i % proofs.length]!;
      return {
        org: { id: 'prover-1', privateKey: prover.sm2PrivateKey },
        kind: TxKind.proofSubmit,
        nonce: i + 1,
        payload: proofSubmissionPayload({
          circuit: 'multiplier',
          vkeyHash,
          proof: p.proof,
          publicSignals: p.publicSignals,
          context: null,
        }),
      };
    }),
  );
  const { rate } = await benchAppLayer(accel, genesis, txs, 24);
  // Baseline: snarkjs alone.
  const snarkjs = (await import(String('snarkjs'))) as {
    groth16: { verify(v: unknown, s: string[], p: Groth16Proof, l?: unknown): Promise<boolean> };
  };
  const vkey = JSON.parse(vkeyBytes.toString('utf8'));
  const quiet = { debug() {}, info() {}, warn() {}, error() {}, log() {} };
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const p = proofs[i % proofs.length]!;
    if (!(await snarkjs.groth16.verify(vkey, p.publicSignals, p.proof, quiet)))
      throw new Error('fixture proof');
  }
  const baseline = count / ((performance.now() - t0) / 1000);
  return {
    bench: 'ledger.proofs',
    backend: 'snarkjs groth16 (1 node, app layer)',
    unit: 'ops/s',
    value: round3(rate),
    baseline: 'snarkjs',
    baseline_value: round3(baseline),
    ratio: Number((rate / baseline).toFixed(2)),
    n: count,
    circuit: 'multiplier (test fixture)',
  };
}

// --- main -----------------------------------------------------------------------------------------

const accel = createAccelerator({ backend: 'workers', workers: 2 });
let network: ProcessNetwork | undefined;
try {
  const result = await benchNetwork(accel);
  network = result.net;
  await network.close(true);
  progress(`baseline: ${result.txs.length} txs through one node's application layer`);
  const base = await benchAppLayer(accel, result.genesis, result.txs, 2000);
  const tps = {
    ...result.line,
    baseline: 'app-layer-1-node',
    baseline_value: round3(base.rate),
    ratio: Number(((result.line.value as number) / base.rate).toFixed(2)),
    baseline_cpu_ms_per_tx: round3(base.cpuMsPerTx),
  };
  progress('ledger.proofs');
  const proofsLine = await benchProofs(accel, result.genesis, result.dir);
  const lines = [tps, proofsLine];
  if (json) for (const l of lines) process.stdout.write(`${JSON.stringify(l)}\n`);
  else {
    for (const l of lines) {
      const { bench, unit, value, baseline, baseline_value, ratio, n, ...rest } = l as Record<
        string,
        unknown
      >;
      process.stdout.write(
        `${String(bench).padEnd(14)} ${String(value).padStart(9)} ${unit}   ${baseline}: ${baseline_value} ${unit}   ×${ratio}   n=${n}\n` +
          `${''.padEnd(14)} ${JSON.stringify(rest)}\n`,
      );
    }
  }
} finally {
  await network?.close(keep).catch(() => {});
  if (keep && network) process.stderr.write(`network kept in ${network.dir}\n`);
  await accel.close();
  await releaseGroth16();
}
