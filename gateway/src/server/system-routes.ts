/**
 * The gateway's own routes: liveness (`/healthz`), the operator's status view (`/v1/status`), and the
 * signed peer binding other gateways fetch to find this one (`/v1/peer-binding`).
 */
import { z } from 'zod';
import { listDatasetSummaries } from '../datasets/index.ts';
import type { RouteRegistry } from '../http/index.ts';
import type { LedgerClient } from '../ledger-client/index.ts';
import type { GatewayStore } from '../store/index.ts';
import { type PeerBindingJson, PeerBindingJsonSchema, type PeerState } from './peer-discovery.ts';

export const HealthSchema = z.object({ status: z.literal('ok') });

export const GatewayStatusSchema = z
  .object({
    orgId: z.string(),
    ministryId: z.string(),
    chainId: z.string(),
    peerId: z.string(),
    p2p: z.array(z.string()).describe('Multiaddrs other gateways dial.'),
    uptimeSeconds: z.number(),
    ledger: z.object({
      reachable: z.boolean(),
      latencyMs: z.number().optional(),
      error: z.string().optional(),
    }),
    peers: z.array(
      z.object({
        orgId: z.string(),
        url: z.string(),
        known: z.boolean().describe('A binding of it verified against the ledger.'),
        peerId: z.string().optional(),
        seenAt: z.number().optional(),
        lastError: z.string().optional(),
      }),
    ),
    datasets: z.array(
      z.object({
        name: z.string(),
        recordCount: z.number().int(),
        latestVersion: z.number().int().nullable(),
        anchoredTxId: z.string().nullable(),
      }),
    ),
    queries: z.object({ running: z.number().int().describe('Queries in progress at this gateway.') }),
  })
  .describe('How this gateway stands: its identities, the ledger, its peers and datasets.');

/** What the system routes read. */
export interface SystemRoutesDeps {
  orgId: string;
  ministryId: string;
  ledger: LedgerClient;
  store: GatewayStore;
  peerId: () => string;
  p2pAddrs: () => string[];
  binding: () => PeerBindingJson;
  peers: () => PeerState[];
  runningQueries: () => number;
  /** Longest wait for the ledger probe, ms. */
  ledgerProbeMs: number;
  startedAt: number;
}

/** Registers `GET /healthz`, `GET /v1/status` and `GET /v1/peer-binding`. */
export function registerSystemRoutes(registry: RouteRegistry, deps: SystemRoutesDeps): void {
  registry.component('GatewayStatus', GatewayStatusSchema);
  registry.component('PeerBinding', PeerBindingJsonSchema);

  registry.defineRoute({
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    summary: 'Liveness',
    description: 'Answers while the process serves HTTP; says nothing about the ledger or the peers.',
    tags: ['system'],
    responses: { 200: { description: 'Alive.', schema: HealthSchema } },
    handler: ({ res }) => {
      res.json({ status: 'ok' });
    },
  });

  registry.defineRoute({
    method: 'get',
    path: '/v1/peer-binding',
    operationId: 'getPeerBinding',
    summary: 'This gateway’s signed peer binding',
    description:
      'The libp2p peer id and addresses of this gateway, signed with its ledger key. Other gateways fetch ' +
      'it and accept it only if the ledger registers this organisation as a gateway with that key.',
    tags: ['system'],
    responses: { 200: { description: 'The binding.', schema: PeerBindingJsonSchema } },
    handler: ({ res }) => {
      res.json(deps.binding());
    },
  });

  registry.defineRoute({
    method: 'get',
    path: '/v1/status',
    operationId: 'getStatus',
    summary: 'Gateway status',
    tags: ['system'],
    role: 'operator',
    responses: { 200: { description: 'The status.', schema: GatewayStatusSchema } },
    handler: async ({ res }) => {
      const [ledger, datasets] = await Promise.all([probeLedger(deps), datasetStatus(deps.store)]);
      res.json({
        orgId: deps.orgId,
        ministryId: deps.ministryId,
        chainId: deps.ledger.chainId,
        peerId: deps.peerId(),
        p2p: deps.p2pAddrs(),
        uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
        ledger,
        peers: deps.peers(),
        datasets,
        queries: { running: deps.runningQueries() },
      });
    },
  });
}

async function probeLedger(
  deps: SystemRoutesDeps,
): Promise<{ reachable: boolean; latencyMs?: number; error?: string }> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      deps.ledger.lastNonce(deps.orgId),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${deps.ledgerProbeMs} ms`)),
          deps.ledgerProbeMs,
        );
      }),
    ]);
    return { reachable: true, latencyMs: Math.round((performance.now() - t0) * 10) / 10 };
  } catch (err) {
    return { reachable: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

async function datasetStatus(store: GatewayStore) {
  const summaries = await listDatasetSummaries(store);
  return Promise.all(
    summaries.map(async (d) => {
      const latest = await store.getCommitmentVersion(d.name);
      return {
        name: d.name,
        recordCount: d.recordCount,
        latestVersion: latest?.version ?? null,
        anchoredTxId: latest?.anchoredTxId ?? null,
      };
    }),
  );
}
