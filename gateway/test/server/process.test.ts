/**
 * The gateway as a real process (`gateway/src/server/main.ts`): one JSON ready line on stdout, logs on
 * stderr, SIGTERM and SIGINT shut it down and the process exits 0 on its own (no handle left open: the
 * entry would log "handles left open" and force the exit); a configuration problem is one failed line
 * and exit code 2. Development ledger inside the process (`ledger.local`), from `privgate ledger init`'s
 * files.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalNetwork, localPaths, writeLocalNetwork } from '@privgate/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../query/consortium.ts';
import { OPERATOR_TOKEN, operator, SUBJECT_KEY_HEX } from './fixtures.ts';

const MAIN = fileURLToPath(new URL('../../src/server/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ORG = 'gw-solo';
const dir = tempDir('server-process');

interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The first stdout line, parsed. */
  first: Promise<Record<string, unknown>>;
}

function run(config: unknown, name: string): Run {
  const file = join(dir.path, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--config', file], {
    cwd: ROOT,
    env: { ...process.env, PRIVGATE_CONFIG: '', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  let stderr = '';
  let buffered = '';
  let resolveFirst: (value: Record<string, unknown>) => void;
  const first = new Promise<Record<string, unknown>>((r) => {
    resolveFirst = r;
  });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      stdout.push(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      if (stdout.length === 1) resolveFirst(JSON.parse(stdout[0]!) as Record<string, unknown>);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout, stderr: () => stderr, exit, first };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms).unref(),
    ),
  ]);
}

function configOf(name: string, extra: Record<string, unknown> = {}) {
  return {
    ministryId: 'solo',
    orgId: ORG,
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: join(dir.path, name),
    logLevel: 'info',
    keyFile: localPaths.orgKey(dir.path, ORG),
    ledger: { local: { dir: join(dir.path, name, 'ledger'), genesisFile: localPaths.genesis(dir.path) } },
    subjectKey: SUBJECT_KEY_HEX,
    operatorToken: OPERATOR_TOKEN,
    provers: { workers: 1 },
    poseidon: { workers: 0 },
    ...extra,
  };
}

const children: ChildProcess[] = [];

beforeAll(async () => {
  const net = await createLocalNetwork({
    validators: 4,
    chainId: 'privgate-process-test',
    seed: 'process-test',
    orgs: [{ id: ORG, roles: ['gateway'] }],
  });
  writeLocalNetwork(dir.path, net);
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  dir.remove();
});

describe('the gateway process', () => {
  it('prints one ready line, serves, and exits 0 on SIGTERM and on SIGINT with nothing left open', async () => {
    const runs = (['SIGTERM', 'SIGINT'] as const).map((signal) => ({
      signal,
      run: run(configOf(signal.toLowerCase()), signal),
    }));
    for (const r of runs) children.push(r.run.child);
    for (const { signal, run: r } of runs) {
      const ready = await within(r.first, 90_000, `${signal} ready line`);
      expect(ready).toMatchObject({ event: 'ready', orgId: ORG, chainId: 'privgate-process-test' });
      expect(ready.http).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+$/);
      expect(ready.peerId).toMatch(/^12D3Koo/);
      const http = ready.http as string;
      expect(await (await fetch(`${http}/healthz`)).json()).toEqual({ status: 'ok' });
      const status = (await (await fetch(`${http}/v1/status`, { headers: operator })).json()) as Record<
        string,
        unknown
      >;
      expect(status).toMatchObject({ orgId: ORG, ledger: { reachable: true }, peerId: ready.peerId });
      const binding = (await (await fetch(`${http}/v1/peer-binding`)).json()) as { addrs: string[] };
      expect(binding.addrs.length).toBeGreaterThan(0);

      r.child.kill(signal);
      const exit = await within(r.exit, 30_000, `${signal} exit`);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(r.stdout).toHaveLength(1);
      const logs = r
        .stderr()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { msg: string; level: string });
      expect(logs.map((l) => l.msg)).toEqual(
        expect.arrayContaining(['gateway started', 'signal received', 'gateway stopped']),
      );
      expect(logs.filter((l) => l.msg.includes('handles left open'))).toEqual([]);
      // No secret reaches the log.
      expect(r.stderr()).not.toContain(OPERATOR_TOKEN);
      expect(r.stderr()).not.toContain(SUBJECT_KEY_HEX);
      await expect(fetch(`${http}/healthz`)).rejects.toThrow();
    }
  }, 150_000);

  it('reports a configuration problem as one failed line and exits 2', async () => {
    const r = run(configOf('broken', { keyFile: undefined, subjectKey: undefined }), 'broken');
    children.push(r.child);
    const exit = await within(r.exit, 30_000, 'exit');
    expect(exit.code).toBe(2);
    expect(r.stdout).toHaveLength(1);
    const failed = JSON.parse(r.stdout[0]!) as { event: string; code: string; message: string };
    expect(failed).toMatchObject({ event: 'failed', code: 'CONFIG_INVALID' });
    expect(failed.message).toContain('keyFile');
    expect(failed.message).toContain('subjectKey');
  }, 60_000);
});
