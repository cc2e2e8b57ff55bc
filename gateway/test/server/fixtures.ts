/**
 * Fixtures of the gateway server tests: the consortium's test keys written as 0600 ledger key files,
 * gateway configurations on 127.0.0.1, free ports, and HTTP helpers.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sm3 } from '@privgate/accel';
import { writeKeyFile } from '@privgate/ledger';
import { parseConfig } from '../../src/config.ts';
import type { GatewayConfig } from '../../src/index.ts';
import { testSigner } from '../query/consortium.ts';

export const OPERATOR_TOKEN = 'test-operator-token-0123456789';
/** TEST ONLY: the consortium's subject key (the same as the query tests'). */
export const SUBJECT_KEY_HEX = '5a'.repeat(32);

/** Writes `name`'s test key (see `testSigner`) as a ledger key file with mode 0600; returns its path. */
export function writeTestKeyFile(dir: string, name: string): string {
  const path = join(dir, `${name}.key.json`);
  const signer = testSigner(name);
  writeKeyFile(path, {
    id: name,
    sm2PrivateKey: sm3(new TextEncoder().encode(`privgate-gateway-test-key/${name}`)),
    sm2PublicKey: signer.publicKey,
    peerKey: new Uint8Array(0),
    peerId: 'none',
  });
  return path;
}

/** Ports free right now on 127.0.0.1 (bound to port 0, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** A configuration of gateway `orgId` in `dir` (its key file written there). */
export function gatewayConfig(
  dir: string,
  orgId: string,
  extra: Record<string, unknown> = {},
): GatewayConfig {
  return parseConfig({
    ministryId: orgId,
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: join(dir, orgId),
    logLevel: 'silent',
    keyFile: writeTestKeyFile(dir, orgId),
    subjectKey: SUBJECT_KEY_HEX,
    operatorToken: OPERATOR_TOKEN,
    p2p: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    ...extra,
  });
}

export const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };

export async function getJson(url: string, headers: Record<string, string> = operator): Promise<Response> {
  return fetch(url, { headers });
}

export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = operator,
  contentType = 'application/json',
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
