/**
 * The demo consortium on one machine, every party its own process on 127.0.0.1: four validators
 * (`privgate ledger start`) and four ministry gateways (`privgate node start`), fresh keys, a
 * deterministic synthetic economy written to CSV files, ingested and anchored through the gateways' HTTP
 * API, and the credit agency's policies granted by the validators. `npm run demo` and the end-to-end
 * tests both start it through {@link DemoNetwork.start}; {@link DemoNetwork.close} stops every process
 * group and removes the directory (unless kept).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DATASET_HOLDERS,
  HttpLedgerClient,
  METRIC_DATASETS,
  MINISTRIES,
  type Ministry,
  OWNERSHIP_DATASET,
  REGISTRY_DATASET,
  type SyntheticData,
  type SyntheticFile,
  syntheticData,
  syntheticDeclarations,
  writeSyntheticFiles,
} from '@privgate/gateway';
import { AgencyClient } from '../client/agency.ts';
import { type CommitReportJson, GatewayHttpClient, type ImportReportJson } from '../client/gateway-http.ts';
import {
  DEMO_ORGS,
  type DemoLedger,
  grantDemoPolicies,
  initDemoLedger,
  startValidators,
  validatorPortOffsets,
  waitForValidators,
} from './ledger.ts';
import { CLI_ENTRY, freeBasePort, type Service, Supervisor, tsEntryArgs, waitFor } from './processes.ts';

/** The ministries' gateways: their ledger org, display name and `ministryId`. */
export const MINISTRY_INFO: Record<Ministry, { orgId: string; name: string; ministryId: string }> = {
  market: { ...pick(DEMO_ORGS.gateways.market), ministryId: 'market-regulation' },
  tax: { ...pick(DEMO_ORGS.gateways.tax), ministryId: 'taxation' },
  customs: { ...pick(DEMO_ORGS.gateways.customs), ministryId: 'customs' },
  bank: { ...pick(DEMO_ORGS.gateways.bank), ministryId: 'state-bank' },
};

function pick(g: { id: string; name: string }): { orgId: string; name: string } {
  return { orgId: g.id, name: g.name };
}

/** Port offsets from the base port: gateways' HTTP (201..) and libp2p (301..). */
const GATEWAY_HTTP = 201;
const GATEWAY_P2P = 301;

/** Options of {@link DemoNetwork.start}. */
export interface DemoNetworkOptions {
  enterprises: number;
  /** Seed of the synthetic economy (default 7). */
  seed?: number;
  /** Keep the directory after close (default false). */
  keep?: boolean;
  /** Where progress lines go (default: nowhere). */
  say?: (line: string) => void;
  /** Extra environment of the gateway processes (test hooks). */
  gatewayEnv?: Readonly<Record<string, string>>;
  /** Node's arguments to start a gateway from its configuration (default: `privgate node start --config`). */
  gatewayArgs?: (configPath: string) => string[];
  /** Prover worker threads per gateway (default 1). */
  proverWorkers?: number;
  /** MPC round and stage timeouts of the gateways, ms. */
  mpcRoundMs?: number;
  stageMs?: number;
  /** Record file format (default csv). */
  format?: 'csv' | 'jsonl';
  /** Install SIGINT/SIGTERM handlers that tear the network down (default true). */
  handleInterrupts?: boolean;
}

/** One running gateway. */
export interface DemoGateway {
  ministry: Ministry;
  orgId: string;
  name: string;
  ministryId: string;
  url: string;
  p2p: string;
  dataDir: string;
  configPath: string;
  tokenFile: string;
  /** Operator client (with the operator token). */
  client: GatewayHttpClient;
  /** The libp2p peer id it announced when ready. */
  peerId: string;
}

/** Timings of the start-up, ms. */
export interface DemoStartTimings {
  ledgerMs: number;
  dataMs: number;
  gatewaysMs: number;
  ingest: (ImportReportJson & { ms: number; holder: Ministry })[];
  anchor: (CommitReportJson & { ms: number; holder: Ministry })[];
  policiesMs: number;
}

/** The consortium, running. */
export class DemoNetwork {
  readonly dir: string;
  readonly supervisor: Supervisor;
  readonly ledger: DemoLedger;
  readonly ledgerClient: HttpLedgerClient;
  readonly data: SyntheticData;
  readonly files: SyntheticFile[];
  readonly gateways: Record<Ministry, DemoGateway>;
  readonly timings: DemoStartTimings;
  readonly #keep: boolean;
  readonly #agencies: AgencyClient[] = [];
  readonly #launch: GatewayLaunch;
  #closed = false;

  private constructor(init: {
    dir: string;
    supervisor: Supervisor;
    ledger: DemoLedger;
    ledgerClient: HttpLedgerClient;
    data: SyntheticData;
    files: SyntheticFile[];
    gateways: Record<Ministry, DemoGateway>;
    timings: DemoStartTimings;
    keep: boolean;
    launch: GatewayLaunch;
  }) {
    this.dir = init.dir;
    this.supervisor = init.supervisor;
    this.ledger = init.ledger;
    this.ledgerClient = init.ledgerClient;
    this.data = init.data;
    this.files = init.files;
    this.gateways = init.gateways;
    this.timings = init.timings;
    this.#keep = init.keep;
    this.#launch = init.launch;
  }

  /**
   * Starts the whole consortium (see the file comment). On any failure everything started so far is
   * stopped and the directory removed (unless `keep`) before the error is rethrown.
   */
  static async start(options: DemoNetworkOptions): Promise<DemoNetwork> {
    const say = options.say ?? (() => {});
    const keep = options.keep ?? false;
    const dir = mkdtempSync(join(tmpdir(), 'privgate-demo-'));
    const logDir = join(dir, 'logs');
    mkdirSync(logDir, { mode: 0o700 });
    const supervisor = new Supervisor();
    const removeDir = () => {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    };
    if (options.handleInterrupts ?? true) supervisor.handleInterrupts(removeDir);
    let ledgerClient: HttpLedgerClient | undefined;
    try {
      const base = await freeBasePort([
        ...validatorPortOffsets(4),
        ...MINISTRIES.flatMap((_, i) => [GATEWAY_HTTP + i, GATEWAY_P2P + i]),
      ]);

      // 1. The ledger: validators start; the gateways start beside them and wait for the ledger.
      const t0Ledger = performance.now();
      let t0 = t0Ledger;
      const ledger = await initDemoLedger(join(dir, 'ledger'), { basePort: base });
      startValidators(supervisor, ledger, logDir);

      // 2. The synthetic economy, as files.
      t0 = performance.now();
      const data = syntheticData(options.enterprises, options.seed ?? 7);
      const files = writeSyntheticFiles(data, join(dir, 'data'), { format: options.format ?? 'csv' });
      const dataMs = performance.now() - t0;
      say(
        `data: ${data.enterprises.length.toLocaleString('en')} enterprises, ${data.edges.length.toLocaleString('en')} ownership edges, ` +
          `${files.length} files (${kib(files.reduce((n, f) => n + f.bytes, 0))}) in ${s(dataMs)}`,
      );

      // 3. The gateways.
      t0 = performance.now();
      const subjectKeyFile = join(dir, 'subject.key');
      writeFileSync(subjectKeyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
      const launch: GatewayLaunch = {
        env: options.gatewayEnv ?? {},
        args:
          options.gatewayArgs ?? ((config) => tsEntryArgs(CLI_ENTRY, ['node', 'start', '--config', config])),
        logDir,
      };
      const gateways = {} as Record<Ministry, DemoGateway>;
      MINISTRIES.forEach((ministry, i) => {
        const info = MINISTRY_INFO[ministry];
        const dataDir = join(dir, 'gateways', info.ministryId);
        mkdirSync(dataDir, { recursive: true, mode: 0o700 });
        const tokenFile = join(dataDir, 'operator.token');
        writeFileSync(tokenFile, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
        const url = `http://127.0.0.1:${base + GATEWAY_HTTP + i}`;
        gateways[ministry] = {
          ministry,
          ...info,
          url,
          p2p: `/ip4/127.0.0.1/tcp/${base + GATEWAY_P2P + i}`,
          dataDir,
          configPath: join(dataDir, 'gateway.json'),
          tokenFile,
          client: new GatewayHttpClient(url, { token: readToken(tokenFile) }),
          peerId: '',
        };
      });
      for (const g of Object.values(gateways)) {
        const config = {
          ministryId: g.ministryId,
          orgId: g.orgId,
          keyFile: ledger.orgKeyFile(g.orgId),
          listen: { host: '127.0.0.1', port: Number(new URL(g.url).port) },
          dataDir: g.dataDir,
          logLevel: 'info',
          ledger: { urls: ledger.urls },
          p2p: { listen: [g.p2p] },
          peers: Object.values(gateways)
            .filter((o) => o !== g)
            .map((o) => ({ orgId: o.orgId, url: o.url })),
          ownershipDataset: OWNERSHIP_DATASET,
          ...(g.ministry === 'market'
            ? { resolver: { ownedField: 'owned', registryDataset: REGISTRY_DATASET } }
            : {}),
          provers: { workers: options.proverWorkers ?? 1 },
          poseidon: { workers: 1 },
          subjectKeyFile,
          operatorTokenFile: g.tokenFile,
          timeouts: {
            mpcRoundMs: options.mpcRoundMs ?? 60_000,
            stageMs: options.stageMs ?? 120_000,
            peerRetryMaxMs: 2000,
            drainMs: 5000,
          },
        };
        writeFileSync(g.configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
      }
      const ready = Promise.all(
        Object.values(gateways).map(async (g) => {
          g.peerId = await startGatewayProcess(supervisor, g, launch);
        }),
      );
      ready.catch(() => {}); // awaited below; a failure while the ledger starts must not go unhandled

      await waitForValidators(ledger, 1, 90_000);
      ledgerClient = await HttpLedgerClient.connect({ urls: ledger.urls, commitTimeoutMs: 60_000 });
      const ledgerMs = performance.now() - t0Ledger;
      say(
        `ledger: ${ledger.validatorIds.length} validators committing (${ledger.urls.join(', ')}) ${s(ledgerMs)} after start`,
      );
      await ready;
      await waitForPeers(Object.values(gateways), 90_000);
      const gatewaysMs = performance.now() - t0;
      say(
        `gateways: ${MINISTRIES.length} processes ready and bound to each other ${s(gatewaysMs)} after start`,
      );

      // 4. Each ministry ingests its datasets, then commits and anchors them.
      const declarations = syntheticDeclarations();
      const ingest: DemoStartTimings['ingest'] = [];
      const anchor: DemoStartTimings['anchor'] = [];
      await Promise.all(
        Object.values(gateways).map(async (g) => {
          for (const f of files.filter((x) => x.holder === g.ministry)) {
            await g.client.declareDataset(declarations[f.dataset]!, true);
            const t = performance.now();
            const report = await g.client.importFile(f.dataset, f.path, { mode: 'replace' });
            ingest.push({ ...report, ms: performance.now() - t, holder: g.ministry });
          }
        }),
      );
      for (const r of sortByDataset(ingest))
        say(
          `ingest: ${r.dataset.padEnd(18)} at ${gateways[r.holder].orgId.padEnd(14)} ${r.imported.toLocaleString('en').padStart(7)} records ` +
            `in ${s(r.ms)} (${Math.round((r.imported / Math.max(r.ms, 1)) * 1000).toLocaleString('en')} records/s)`,
        );
      await Promise.all(
        Object.values(gateways).map(async (g) => {
          for (const f of files.filter((x) => x.holder === g.ministry)) {
            const t = performance.now();
            const report = await g.client.commitDataset(f.dataset);
            anchor.push({ ...report, ms: performance.now() - t, holder: g.ministry });
          }
        }),
      );
      for (const r of sortByDataset(anchor))
        say(
          `anchor: ${r.dataset.padEnd(18)} v${r.version} root ${r.root.slice(0, 14)}… height ${String(r.height).padStart(3)} ` +
            `in ${s(r.ms)} (tree ${r.timings.leavesMs + r.timings.treeMs} ms, ledger ${r.timings.anchorMs} ms)`,
        );

      // 5. The validators grant the credit agency its policies (the datasets must be anchored first).
      t0 = performance.now();
      await grantDemoPolicies(ledger, ledgerClient, [...METRIC_DATASETS]);
      const policiesMs = performance.now() - t0;
      say(
        `policies: aggregate and verdict policies granted to ${DEMO_ORGS.agency.id} by validator quorum in ${s(policiesMs)}`,
      );

      return new DemoNetwork({
        dir,
        supervisor,
        ledger,
        ledgerClient,
        data,
        files,
        gateways,
        timings: { ledgerMs, dataMs, gatewaysMs, ingest, anchor, policiesMs },
        keep,
        launch,
      });
    } catch (err) {
      await ledgerClient?.close().catch(() => {});
      await supervisor.stopAll(5000);
      supervisor.releaseInterrupts();
      if (keep) say(`kept ${dir} (logs in ${logDir})`);
      else {
        // The logs say why: show the tail of each before they go.
        reportLogTails(supervisor.services, say);
        removeDir();
      }
      throw err;
    }
  }

  /** An agency client for a genesis agency (its key file from the network directory). */
  async agency(orgId: string): Promise<AgencyClient> {
    const client = await AgencyClient.open({
      keyFile: this.ledger.orgKeyFile(orgId),
      ledgerUrls: this.ledger.urls,
    });
    this.#agencies.push(client);
    return client;
  }

  /** The supervisor's service of a gateway. */
  service(ministry: Ministry): Service | undefined {
    return this.supervisor.get(this.gateways[ministry].orgId);
  }

  /** SIGKILLs a gateway's process group (a crash). */
  async kill(ministry: Ministry): Promise<void> {
    const service = this.service(ministry);
    if (service === undefined || !service.running()) return;
    this.supervisor.signal(service.name, 'SIGKILL');
    await service.exited;
  }

  /** Restarts a gateway that was stopped or killed, and waits until it is bound to its peers again. */
  async restart(ministry: Ministry): Promise<void> {
    const g = this.gateways[ministry];
    await this.supervisor.stop(g.orgId);
    g.peerId = await startGatewayProcess(this.supervisor, g, this.#launch);
    await waitForPeers(Object.values(this.gateways), 90_000);
  }

  /** Stops every process, closes clients and removes the directory unless kept. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const a of this.#agencies) await a.close().catch(() => {});
    await this.ledgerClient.close().catch(() => {});
    await this.supervisor.stopAll(10_000);
    this.supervisor.releaseInterrupts();
    if (!this.#keep) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** How gateway processes are started. */
interface GatewayLaunch {
  env: Readonly<Record<string, string>>;
  args: (configPath: string) => string[];
  logDir: string;
}

function readToken(file: string): string {
  return readFileSync(file, 'utf8').trim();
}

/**
 * Starts one gateway (`privgate node start --config …`) and waits for its ready line
 * `{"event":"ready","orgId","http","peerId"}` on stdout.
 * @throws {Error} if it exits first or is not ready within 120 s.
 */
async function startGatewayProcess(
  supervisor: Supervisor,
  g: DemoGateway,
  launch: GatewayLaunch,
): Promise<string> {
  let ready: ((peerId: string) => void) | undefined;
  const readyLine = new Promise<string>((resolve) => {
    ready = resolve;
  });
  const service = supervisor.start({
    name: g.orgId,
    args: launch.args(g.configPath),
    logPath: join(launch.logDir, `${g.orgId}.log`),
    env: launch.env,
    onStdoutLine: (line) => {
      if (!line.startsWith('{')) return;
      try {
        const event = JSON.parse(line) as { event?: string; peerId?: string };
        if (event.event === 'ready' && typeof event.peerId === 'string') ready?.(event.peerId);
      } catch {
        // not a status line
      }
    },
  });
  const outcome = await Promise.race([
    readyLine.then((peerId) => ({ peerId })),
    service.exited.then((e) => ({ exited: e })),
    new Promise<{ timeout: true }>((r) => setTimeout(() => r({ timeout: true }), 120_000).unref()),
  ]);
  if ('peerId' in outcome) return outcome.peerId;
  if ('exited' in outcome)
    throw new Error(
      `${g.orgId} exited before it was ready (${outcome.exited.code ?? outcome.exited.signal}); see ${service.logPath}`,
    );
  throw new Error(`${g.orgId} not ready within 120 s; see ${service.logPath}`);
}

/** Waits until every gateway knows every other (their bindings verified against the ledger). */
async function waitForPeers(gateways: DemoGateway[], ms: number): Promise<void> {
  let last = '';
  try {
    await waitFor(
      async () => {
        const views = await Promise.all(
          gateways.map((g) =>
            g.client
              .status<{ peers: { orgId: string; known: boolean }[] }>()
              .then((st) => {
                const missing = st.peers.filter((p) => !p.known).map((p) => p.orgId);
                if (missing.length > 0) last = `${g.orgId} misses ${missing.join(', ')}`;
                return missing.length === 0;
              })
              .catch((err: unknown) => {
                last = `${g.orgId}: ${err instanceof Error ? err.message : String(err)}`;
                return false;
              }),
          ),
        );
        return views.every(Boolean) ? true : undefined;
      },
      ms,
      'gateways bound to each other',
      250,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message} (${last})`);
  }
}

function sortByDataset<T extends { dataset: string }>(rows: T[]): T[] {
  const order = Object.keys(DATASET_HOLDERS);
  return [...rows].sort((a, b) => order.indexOf(a.dataset) - order.indexOf(b.dataset));
}

function reportLogTails(services: Service[], say: (line: string) => void): void {
  for (const svc of services) {
    try {
      const tail = readFileSync(svc.logPath, 'utf8').trimEnd().split('\n').slice(-3);
      say(`--- ${svc.name} (last lines of its log)`);
      for (const line of tail) say(`    ${line.slice(0, 240)}`);
    } catch {
      // no log
    }
  }
}

/** ms as seconds with two decimals. */
export const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
