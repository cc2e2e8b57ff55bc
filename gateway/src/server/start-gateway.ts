/**
 * One ministry's gateway as a running process: the composition of the building blocks that
 * `test/query/network.ts` wires four times in one process, here once, against any `LedgerClient`.
 *
 *   store → ledger client → Poseidon hasher and pool → ledger account → dataset commitments →
 *   peer directory → libp2p host → MPC session transports → prover pool (warm) → contribution builder
 *   and verifier → query service → Express app → HTTP server → peer discovery
 *
 * Shutdown runs the other way: stop taking work (new connections, new queries, peer discovery), let the
 * queries in flight finish (the HTTP exchanges of queries entered here, then sessions this gateway takes
 * part in for others), then close the session transports, the host, the provers and the store.
 */
import { join, resolve } from 'node:path';
import {
  type CircuitName,
  CircuitProverPool,
  type CircuitProvingEngine,
  defaultPoseidon,
  type PoseidonHasher,
} from '@privgate/circuits';
import { genesisDocumentOf, readLedgerGenesis } from '@privgate/ledger';
import type { Express } from 'express';
import { DatasetCommitments, PoseidonPool } from '../commitments/index.ts';
import type { GatewayConfig } from '../config.ts';
import { ContributionVerifier, ProvingContributions } from '../contribution/index.ts';
import { GatewayError } from '../errors.ts';
import type { RouteRegistry } from '../http/index.ts';
import { HttpLedgerClient } from '../ledger-client/http-ledger.ts';
import { isLedgerRejection, LedgerAccount, type LedgerClient, LocalLedger } from '../ledger-client/index.ts';
import { createLogger, type Logger } from '../logging.ts';
import {
  type GatewayHost,
  PeerDirectory,
  SessionTransports,
  signPeerBinding,
  startGatewayHost,
} from '../mpc-transport/index.ts';
import { QueryGateway } from '../query/index.ts';
import { type GatewayStore, openStore } from '../store/index.ts';
import { buildGatewayApp } from './app.ts';
import { operatorTokenAuth } from './operator-auth.ts';
import { PeerDiscovery, type PeerState, peerBindingToJson } from './peer-discovery.ts';
import { QueryProgress } from './query-progress.ts';
import { listenGateway } from './server.ts';
import { type GatewaySettings, type LedgerSettings, resolveSettings } from './settings.ts';

/** The circuits a gateway proves with in queries; its prover pool loads them at startup. */
export const QUERY_PROOF_CIRCUITS: readonly CircuitName[] = [
  'record_inclusion',
  'record_inclusion_batch',
  'share_binding',
  'share_binding_batch',
];

/** How long startup waits for a ledger validator to answer, ms. */
const LEDGER_CONNECT_MS = 60_000;

/**
 * Collaborators a caller may provide (tests share one prover pool across gateways; an embedding process
 * may share a ledger client). What is provided is not closed by the gateway.
 */
export interface GatewayComponents {
  /** The ledger; default: built from `config.ledger`. */
  ledger?: LedgerClient;
  /** Default: pino JSON lines on stderr at `config.logLevel`, named after the organisation. */
  logger?: Logger;
  /** Default: a pool of `config.provers.workers` workers with the query circuits preloaded. */
  provers?: CircuitProvingEngine;
  /** Default: a pool of `config.poseidon.workers` workers. */
  poseidon?: PoseidonPool;
  hasher?: PoseidonHasher;
  /** Environment (`PRIVGATE_KEY_PASSPHRASE`); default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A running gateway. */
export interface RunningGateway {
  orgId: string;
  chainId: string;
  /** Base URL of the HTTP API, e.g. `http://127.0.0.1:8443`. */
  url: string;
  /** libp2p peer id. */
  peerId: string;
  /** Multiaddrs in the signed peer binding. */
  p2p: string[];
  app: Express;
  /** The app's routes (what `/openapi.json` documents). */
  registry: RouteRegistry;
  store: GatewayStore;
  ledger: LedgerClient;
  host: GatewayHost;
  directory: PeerDirectory;
  query: QueryGateway;
  commitments: DatasetCommitments;
  progress: QueryProgress;
  logger: Logger;
  /** How every configured peer stands. */
  peers(): PeerState[];
  /**
   * Resolves once the configured peers (or those named) are found and verified.
   * @throws {Error} after `timeoutMs` (default 60 s), naming those still missing.
   */
  waitForPeers(orgIds?: readonly string[], timeoutMs?: number): Promise<void>;
  /** Shuts down gracefully (see the file comment); safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts a gateway: opens its store and ledger client, starts its libp2p host and prover pool, serves its
 * HTTP API on `config.listen` and finds its peers in the background.
 * @throws {GatewayError} `CONFIG_INVALID` listing every missing or unreadable setting, or when the ledger
 *   does not register this organisation as a gateway with this key.
 * @throws {LedgerClientError} `LEDGER_UNAVAILABLE` when no validator answers within a minute.
 * @example
 * const gateway = await startGateway(loadConfig({ file: 'gateway.json' }));
 * console.log(gateway.url, gateway.peerId);
 * await gateway.close();
 */
export async function startGateway(
  config: GatewayConfig,
  components: GatewayComponents = {},
): Promise<RunningGateway> {
  const settings = await resolveSettings(config, {
    ...(components.env === undefined ? {} : { env: components.env }),
    ledgerInjected: components.ledger !== undefined,
  });
  const { orgId, timeouts } = settings;
  const logger =
    components.logger ??
    createLogger(
      { level: config.logLevel, name: orgId },
      { write: (line: string) => void process.stderr.write(line) },
    );
  if (settings.operatorTokenCreated !== undefined) {
    logger.info({ file: settings.operatorTokenCreated }, 'operator token created');
  }

  // Resources in opening order; a failure on the way closes those already open, in reverse.
  const opened: { name: string; close: () => Promise<void> | void }[] = [];
  const unwind = async () => {
    for (const r of opened.reverse()) {
      try {
        await r.close();
      } catch (err) {
        logger.error({ err, resource: r.name }, 'close failed');
      }
    }
  };
  try {
    const store = await openStore(config);
    opened.push({ name: 'store', close: () => store.close() });
    const ledger = components.ledger ?? (await openLedger(settings.ledger, logger));
    if (components.ledger === undefined) opened.push({ name: 'ledger', close: () => ledger.close() });
    await checkIdentity(ledger, settings, logger);

    const hasher = components.hasher ?? (await defaultPoseidon());
    const poseidon =
      components.poseidon ?? (await PoseidonPool.create({ workers: settings.poseidonWorkers }));
    if (components.poseidon === undefined) opened.push({ name: 'poseidon', close: () => poseidon.close() });
    const provers =
      components.provers ??
      (await CircuitProverPool.create({ workers: settings.proverWorkers, preload: QUERY_PROOF_CIRCUITS }));
    if (components.provers === undefined) opened.push({ name: 'provers', close: () => provers.close() });
    const account = new LedgerAccount(orgId, settings.signer, ledger);
    const commitments = new DatasetCommitments(
      { dir: join(resolve(config.dataDir), 'commitments'), subjectKey: settings.subjectKey },
      { store, account, pool: poseidon, hasher },
    );

    const directory = new PeerDirectory(ledger);
    const host = await startGatewayHost(
      {
        self: orgId,
        peerKey: settings.peerKey,
        listen: settings.p2p.listen,
        limits: { refreshMs: timeouts.peerRefreshMs, rpcTimeoutMs: timeouts.stageMs },
      },
      { directory },
    );
    opened.push({ name: 'host', close: () => host.stop() });
    const sessions = new SessionTransports(host);
    opened.push({ name: 'sessions', close: () => sessions.close() });

    const progress = new QueryProgress();
    const query = new QueryGateway(
      {
        ownershipDataset: settings.ownershipDataset,
        ...(settings.resolver === undefined ? {} : { resolver: settings.resolver }),
        mpcRoundTimeoutMs: timeouts.mpcRoundMs,
        stageTimeoutMs: timeouts.stageMs,
      },
      {
        account,
        host,
        directory,
        sessions,
        // The pool verifies in batches: a contribution's proofs of one circuit, checked together, are one
        // accelerator batch (≈ 4 ms a proof against ≈ 25 ms for snarkjs's verify one by one).
        verifier: new ContributionVerifier({ ledger, verify: (c, p, s) => provers.verify(c, p, s) }),
        hasher,
        store,
        commitments,
        contributions: new ProvingContributions({ commitments, prover: provers, hasher }),
        logger,
        onEvent: (event) => progress.record(event),
      },
    );

    const p2p = settings.p2p.announce ?? host.addrs();
    const binding = peerBindingToJson(
      ledger.chainId,
      signPeerBinding(ledger.chainId, { orgId, peerId: host.peerId, addrs: p2p }, settings.signer),
    );
    const discovery = new PeerDiscovery(
      {
        chainId: ledger.chainId,
        peers: settings.peers,
        retryMaxMs: timeouts.peerRetryMaxMs,
        refreshMs: timeouts.peerRefreshMs,
      },
      { directory, logger },
    );
    opened.push({ name: 'discovery', close: () => discovery.stop() });

    const built = buildGatewayApp(
      {
        orgId,
        ministryId: config.ministryId,
        requireCaller: operatorTokenAuth(settings.operatorToken),
        limits: config.limits,
        window: { maxAgeMs: timeouts.authorisationMaxAgeMs, maxSkewMs: timeouts.clockSkewMs },
        ledgerProbeMs: timeouts.ledgerProbeMs,
        ...(settings.consoleDir === undefined ? {} : { consoleDir: settings.consoleDir }),
        logger,
      },
      {
        store,
        ledger,
        commitments,
        runQuery: (request, openTx) => query.run(request, openTx),
        progress,
        peerId: () => host.peerId,
        p2pAddrs: () => [...p2p],
        binding: () => binding,
        peers: () => discovery.states(),
      },
    );
    const http = await listenGateway(built.app, config.listen);
    discovery.start();
    logger.info(
      {
        orgId,
        http: http.url,
        peerId: host.peerId,
        p2p,
        chainId: ledger.chainId,
        peers: settings.peers.length,
      },
      'gateway started',
    );

    let closing: Promise<void> | undefined;
    const close = async (): Promise<void> => {
      logger.info({ orgId }, 'gateway shutting down');
      built.beginShutdown();
      discovery.stop();
      built.endStreams();
      // Queries entered here end with their HTTP exchange; then sessions run for other entry gateways.
      await http.close(timeouts.drainMs);
      await withTimeout(query.drain(), timeouts.drainMs);
      await unwind();
      logger.info({ orgId }, 'gateway stopped');
    };
    return {
      orgId,
      chainId: ledger.chainId,
      url: http.url,
      peerId: host.peerId,
      p2p: [...p2p],
      app: built.app,
      registry: built.registry,
      store,
      ledger,
      host,
      directory,
      query,
      commitments,
      progress,
      logger,
      peers: () => discovery.states(),
      waitForPeers: (orgIds, timeoutMs) => discovery.waitForPeers(orgIds, timeoutMs),
      close: () => {
        closing ??= close();
        return closing;
      },
    };
  } catch (err) {
    await unwind();
    throw err;
  }
}

/** Opens the configured ledger client, waiting up to a minute for a validator to answer. */
async function openLedger(ledger: LedgerSettings, logger: Logger): Promise<LedgerClient> {
  switch (ledger.kind) {
    case 'local': {
      const genesis = readLedgerGenesis(ledger.genesisFile);
      logger.warn({ dir: ledger.dir }, 'DEV MODE: a single-node local ledger inside this process');
      return LocalLedger.open({
        chainId: genesis.chainId,
        dir: ledger.dir,
        genesis: genesisDocumentOf(genesis),
      });
    }
    case 'urls': {
      const deadline = Date.now() + LEDGER_CONNECT_MS;
      for (let attempt = 0; ; attempt++) {
        try {
          return await HttpLedgerClient.connect({
            urls: ledger.urls,
            ...(ledger.chainId === undefined ? {} : { chainId: ledger.chainId }),
          });
        } catch (err) {
          if (Date.now() >= deadline) throw err;
          logger.warn({ reason: (err as Error).message }, 'ledger not reachable yet; retrying');
          await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
        }
      }
    }
    default:
      throw new TypeError('a ledger client must be provided');
  }
}

/** The ledger must register this organisation as a gateway with this key (else nothing it signs counts). */
async function checkIdentity(ledger: LedgerClient, settings: GatewaySettings, logger: Logger): Promise<void> {
  let identity: Awaited<ReturnType<LedgerClient['identity']>>;
  try {
    identity = await ledger.identity(settings.orgId);
  } catch (err) {
    if (isLedgerRejection(err)) throw err;
    logger.warn({ reason: (err as Error).message }, 'cannot check this gateway’s identity on the ledger yet');
    return;
  }
  const problem =
    identity === undefined
      ? 'is not registered on the ledger'
      : identity.publicKey === null
        ? 'is removed from the ledger'
        : !identity.roles.includes('gateway')
          ? 'does not hold the gateway role on the ledger'
          : Buffer.compare(Buffer.from(identity.publicKey), Buffer.from(settings.signer.publicKey)) !== 0
            ? 'is registered on the ledger with another key than the key file’s'
            : undefined;
  if (problem !== undefined) {
    const errors = [{ in: 'config', path: 'orgId', message: `${settings.orgId} ${problem}` }];
    throw new GatewayError('CONFIG_INVALID', `cannot run the gateway: ${settings.orgId} ${problem}`, {
      errors,
    });
  }
}

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
