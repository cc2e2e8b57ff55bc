/**
 * The gateway's Express app: every route through one RouteRegistry (so `/openapi.json` documents all of
 * them from the schemas that validate them), operator routes behind the operator token, problem+json for
 * every error (unknown routes included), and a `/console` mount for the web console. It holds no
 * resources of its own: `start-gateway.ts` builds the services, `server.ts` listens.
 */
import express, { type Express, type Response } from 'express';
import type { DatasetCommitments } from '../commitments/index.ts';
import { GatewayError } from '../errors.ts';
import {
  type OpenApiInfo,
  problemErrorHandler,
  type RequireCaller,
  RouteRegistry,
  registerDatasetRoutes,
  routeNotFound,
} from '../http/index.ts';
import type { LedgerClient } from '../ledger-client/index.ts';
import type { Logger } from '../logging.ts';
import type { QueryAnswer } from '../query/index.ts';
import type { GatewayStore } from '../store/index.ts';
import { registerCommitRoute } from './commit-route.ts';
import { consoleRouter } from './console-mount.ts';
import { registerLedgerProxyRoutes } from './ledger-proxy.ts';
import type { PeerBindingJson, PeerState } from './peer-discovery.ts';
import type { QueryProgress } from './query-progress.ts';
import { type AuthorisationWindow, registerQueryRoutes } from './query-routes.ts';
import { registerSystemRoutes } from './system-routes.ts';

/** The version the OpenAPI document names. */
export const GATEWAY_API_VERSION = '0.1.0';

/** What the app serves. */
export interface GatewayAppServices {
  store: GatewayStore;
  ledger: LedgerClient;
  commitments: DatasetCommitments;
  /** Runs a query as entry gateway (`QueryGateway.run`). */
  runQuery: (request: unknown, openTx: Uint8Array) => Promise<QueryAnswer>;
  progress: QueryProgress;
  peerId: () => string;
  p2pAddrs: () => string[];
  binding: () => PeerBindingJson;
  peers: () => PeerState[];
}

/** How the app behaves. */
export interface GatewayAppInit {
  orgId: string;
  ministryId: string;
  /** Authenticates operator routes (`operatorTokenAuth`). */
  requireCaller: RequireCaller;
  limits: { jsonBodyBytes: number; recordsBodyBytes: number };
  window: AuthorisationWindow;
  ledgerProbeMs: number;
  /** Directory served at `/console`; default: the console's build (`DEFAULT_CONSOLE_DIR`). */
  consoleDir?: string;
  logger?: Logger;
  clock?: () => number;
}

/** A built app and what shutdown needs of it. */
export interface GatewayApp {
  app: Express;
  registry: RouteRegistry;
  /** From now on, new queries are refused (`SHUTTING_DOWN`) and responses close their connection. */
  beginShutdown(): void;
  /** Ends every open event stream. */
  endStreams(): void;
}

/** Builds the app. */
export function buildGatewayApp(init: GatewayAppInit, services: GatewayAppServices): GatewayApp {
  const { logger } = init;
  let closing = false;
  const streams = new Set<Response>();
  const registry = new RouteRegistry({
    requireCaller: init.requireCaller,
    jsonBodyBytes: init.limits.jsonBodyBytes,
  });

  registerSystemRoutes(registry, {
    orgId: init.orgId,
    ministryId: init.ministryId,
    ledger: services.ledger,
    store: services.store,
    peerId: services.peerId,
    p2pAddrs: services.p2pAddrs,
    binding: services.binding,
    peers: services.peers,
    runningQueries: () => services.progress.running(),
    ledgerProbeMs: init.ledgerProbeMs,
    startedAt: Date.now(),
  });
  registerDatasetRoutes(registry, {
    store: services.store,
    recordsBodyBytes: init.limits.recordsBodyBytes,
    ...(logger === undefined ? {} : { logger }),
  });
  registerCommitRoute(registry, {
    commitments: services.commitments,
    ...(logger === undefined ? {} : { logger }),
  });
  registerLedgerProxyRoutes(registry, { ledger: services.ledger });
  registerQueryRoutes(registry, {
    ledger: services.ledger,
    run: services.runQuery,
    progress: services.progress,
    window: init.window,
    admit: () => {
      if (closing) throw new GatewayError('SHUTTING_DOWN', 'the gateway is shutting down', {});
    },
    trackStream: (res) => {
      streams.add(res);
      return () => streams.delete(res);
    },
    ...(init.clock === undefined ? {} : { clock: init.clock }),
    ...(logger === undefined ? {} : { logger }),
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (closing) res.setHeader('Connection', 'close');
    next();
  });
  app.use(registry.router);
  const info: OpenApiInfo = {
    title: `PrivGate gateway (${init.orgId})`,
    version: GATEWAY_API_VERSION,
    description:
      'One ministry’s privacy-computing gateway: dataset administration, commitments anchored on the ' +
      'consortium ledger, and credit-penetration queries answered by MPC with zero-knowledge proofs.',
  };
  app.get('/openapi.json', registry.openApiHandler(info));

  // --- Web console ---------------------------------------------------------------------------------
  // The operator console is a static single-page app built by its own issue. It is mounted here, at
  // /console, from `consoleDir`; it calls the routes above with the operator token like any client.
  app.use('/console', consoleRouter(init.consoleDir));
  // -------------------------------------------------------------------------------------------------

  app.use(routeNotFound());
  app.use(problemErrorHandler(logger === undefined ? {} : { logger }));

  return {
    app,
    registry,
    beginShutdown() {
      closing = true;
    },
    endStreams() {
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}
