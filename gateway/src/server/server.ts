/**
 * The gateway's HTTP server: listens for the app, and closes gracefully: it stops accepting connections,
 * lets requests in flight finish (a query runs for seconds) while idle keep-alive connections are
 * closed, and after the drain time cuts whatever is left.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** A listening server. */
export interface GatewayHttpServer {
  server: Server;
  /** `http://host:port` with the bound port. */
  url: string;
  /**
   * Stops accepting connections and waits up to `drainMs` for requests in flight; then closes every
   * connection. Resolves once the server is closed.
   */
  close(drainMs: number): Promise<void>;
}

/** Server timeouts: long enough for a cold query, short enough to shed slow clients. */
const REQUEST_TIMEOUT_MS = 10 * 60_000;
const HEADERS_TIMEOUT_MS = 20_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/**
 * Listens on `host:port` (port 0: an ephemeral one).
 * @throws the listen error (`EADDRINUSE`, `EACCES` …).
 */
export async function listenGateway(
  app: Express,
  listen: { host: string; port: number },
): Promise<GatewayHttpServer> {
  const server = createServer(
    {
      requestTimeout: REQUEST_TIMEOUT_MS,
      headersTimeout: HEADERS_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    },
    app,
  );
  server.listen(listen.port, listen.host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([err]) => {
      throw err;
    }),
  ]);
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://${host}:${port}`,
    close(drainMs) {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections never end on their own; busy ones become idle when their
        // response is sent (the app marks those responses `Connection: close`).
        server.closeIdleConnections();
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        const cut = setTimeout(() => server.closeAllConnections(), drainMs);
        server.once('close', () => {
          clearInterval(sweep);
          clearTimeout(cut);
        });
      });
      return closing;
    },
  };
}
