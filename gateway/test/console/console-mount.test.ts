/**
 * `/console`: the built console with its Content Security Policy and cache headers; without a build, a
 * page that says how to build it (for a browser) or a CONSOLE_NOT_BUILT problem (for anything else).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, consoleRouter } from '../../src/server/console-mount.ts';
import { tempDir } from '../query/consortium.ts';

const dir = tempDir('console-mount');
const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  dir.remove();
});

async function serve(consoleDir: string): Promise<string> {
  const app = express();
  app.use('/console', consoleRouter(consoleDir));
  app.use((_req, res) => res.status(404).json({ code: 'ROUTE_NOT_FOUND' }));
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('the /console mount', () => {
  it('serves a build with its CSP, caching hashed assets only', async () => {
    const built = join(dir.path, 'built');
    mkdirSync(join(built, 'assets'), { recursive: true });
    writeFileSync(join(built, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(built, 'assets', 'index-abc123.js'), 'export {};');
    const base = await serve(built);
    const page = await fetch(`${base}/console/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>console</title>');
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const asset = await fetch(`${base}/console/assets/index-abc123.js`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const missing = await fetch(`${base}/console/assets/nope.js`);
    expect(missing.status).toBe(404);
    const redirect = await fetch(`${base}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(CONSOLE_CSP).not.toMatch(/'unsafe-eval'|'unsafe-inline'|https?:/);
  });

  it('says how to build it when there is no build', async () => {
    const base = await serve(join(dir.path, 'not-built'));
    const html = await fetch(`${base}/console/`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(503);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toContain('npm run console:build');
    const json = await fetch(`${base}/console/`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(503);
    expect(json.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await json.json()).toMatchObject({ code: 'CONSOLE_NOT_BUILT', status: 503 });
  });
});
