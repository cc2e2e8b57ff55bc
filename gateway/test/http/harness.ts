/** A test app assembled from the http/ building blocks, on 127.0.0.1 with an ephemeral port. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  admitEveryCaller,
  problemErrorHandler,
  type RequireCaller,
  RouteRegistry,
  registerDatasetRoutes,
  routeNotFound,
} from '../../src/http/index.ts';
import { createLogger } from '../../src/logging.ts';
import { type GatewayStore, openSqliteStore } from '../../src/store/index.ts';

export interface TestApp {
  base: string;
  store: GatewayStore;
  registry: RouteRegistry;
  /** Log lines the app wrote, parsed. */
  logs: Record<string, unknown>[];
  /** Raw log output. */
  logText: () => string;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  requireCaller?: RequireCaller;
  jsonBodyBytes?: number;
  recordsBodyBytes?: number;
  /** Extra routes on the registry before the app is assembled. */
  extend?: (registry: RouteRegistry) => void;
}

export const OPENAPI_INFO = { title: 'PrivGate gateway (test)', version: '0.0.0-test' };

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const store = openSqliteStore({ path: ':memory:' });
  const raw: string[] = [];
  const logger = createLogger({ level: 'debug' }, { write: (line: string) => void raw.push(line) });
  const registry = new RouteRegistry({
    requireCaller: options.requireCaller ?? admitEveryCaller,
    jsonBodyBytes: options.jsonBodyBytes ?? 64 * 1024,
  });
  registerDatasetRoutes(registry, {
    store,
    recordsBodyBytes: options.recordsBodyBytes ?? 256 * 1024,
    logger,
  });
  options.extend?.(registry);

  const app = express();
  app.use(registry.router);
  app.get('/openapi.json', registry.openApiHandler(OPENAPI_INFO));
  app.use(routeNotFound());
  app.use(problemErrorHandler({ logger }));

  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    store,
    registry,
    get logs() {
      return raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    logText: () => raw.join(''),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

export const ARREARS_DECLARATION = {
  name: 'tax.arrears',
  title: 'Tax arrears',
  subject: 'uscc',
  fields: [
    { name: 'uscc', type: 'uscc' },
    { name: 'amount', type: 'decimal', scale: 2, unit: 'CNY fen' },
    { name: 'due_date', type: 'date' },
  ],
};

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Reads a problem+json answer, checking the RFC 9457 members and the media type. */
export async function problemOf(response: Response): Promise<Record<string, unknown> & { code: string }> {
  if (!response.headers.get('content-type')?.startsWith('application/problem+json')) {
    throw new Error(
      `expected problem+json, got ${response.headers.get('content-type')}: ${await response.text()}`,
    );
  }
  const body = (await response.json()) as Record<string, unknown> & { code: string };
  for (const member of ['type', 'title', 'status', 'detail', 'code', 'instance']) {
    if (!(member in body)) throw new Error(`problem lacks ${member}: ${JSON.stringify(body)}`);
  }
  if (body.status !== response.status) throw new Error('problem status differs from the HTTP status');
  if (body.type !== `https://privgate.dev/problems/${body.code}`)
    throw new Error(`bad type ${String(body.type)}`);
  return body;
}
