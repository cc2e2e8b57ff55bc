/** Listens with the node's HTTP API (`http-api.ts`) and closes cleanly (block streams included). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpApi, type HttpApiOptions } from './http-api.ts';
import type { LedgerNode } from './ledger-node.ts';

/** A listening API server. */
export interface NodeHttpServer {
  /** `http://host:port` it listens on. */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * Starts the API on `host:port` (port 0 picks a free one).
 * @throws if the address cannot be bound.
 */
export async function startHttpServer(
  node: LedgerNode,
  listen: { host: string; port: number },
  options: HttpApiOptions = {},
): Promise<NodeHttpServer> {
  const server = createServer(createHttpApi(node, options));
  // Slow clients may not hold sockets forever; batches of 10,000 transactions still fit.
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${listen.host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
