/**
 * Validators as separate processes on 127.0.0.1, started through the `privgate` CLI (`node --import tsx
 * scripts/src/cli/main.ts ledger start …`), for the end-to-end suite and the network benchmark: free
 * ports, network init, start / SIGKILL / SIGTERM of one validator, and small HTTP helpers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI entry. */
export const CLI = fileURLToPath(new URL('../../../scripts/src/cli/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the CLI to completion. */
export function runCli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port with base+1..base+n (p2p) and base+101..base+100+n (HTTP) free. */
export async function freeBasePort(n: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 400) * 100;
    const ports = Array.from({ length: n }, (_, i) => [base + i + 1, base + 101 + i]).flat();
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
  throw new Error('no free port range');
}

/** JSON over HTTP: status and parsed body (undefined for an empty one). */
export async function http(
  url: string,
  init: { method?: string; body?: unknown; raw?: string; contentType?: string } = {},
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are read field by field in tests
): Promise<{ status: number; body: any }> {
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const res = await fetch(url, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    ...(body === undefined
      ? {}
      : { body, headers: { 'content-type': init.contentType ?? 'application/json' } }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** A local network of validator processes. */
export class ProcessNetwork {
  readonly dir: string;
  readonly ids: string[];
  readonly urls: string[];
  private readonly children = new Map<string, ChildProcess>();
  private readonly exits = new Map<string, Promise<number | null>>();

  private constructor(
    dir: string,
    readonly basePort: number,
    n: number,
  ) {
    this.dir = dir;
    this.ids = Array.from({ length: n }, (_, i) => `validator-${i + 1}`);
    this.urls = this.ids.map((_, i) => `http://127.0.0.1:${basePort + 101 + i}`);
  }

  /** `privgate ledger init` in a fresh temporary directory (extra CLI flags in `initArgs`). */
  static async init(n: number, initArgs: readonly string[] = []): Promise<ProcessNetwork> {
    const dir = mkdtempSync(join(tmpdir(), 'privgate-e2e-'));
    const base = await freeBasePort(n);
    const r = await runCli([
      'ledger',
      'init',
      '--dir',
      dir,
      '--validators',
      String(n),
      '--base-port',
      String(base),
      ...initArgs,
    ]);
    if (r.code !== 0) throw new Error(`ledger init failed: ${r.stderr}`);
    return new ProcessNetwork(dir, base, n);
  }

  url(id: string): string {
    return this.urls[this.ids.indexOf(id)]!;
  }

  /** Starts a validator process (its log appends to `<dir>/<id>.log`). */
  start(id: string, extra: readonly string[] = [], nodeFlags: readonly string[] = []): void {
    const log = createWriteStream(join(this.dir, `${id}.log`), { flags: 'a' });
    const child = spawn(
      process.execPath,
      [...nodeFlags, '--import', 'tsx', CLI, 'ledger', 'start', '--dir', this.dir, '--id', id, ...extra],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.children.set(id, child);
    this.exits.set(
      id,
      new Promise((resolve) => {
        child.on('exit', (code) => resolve(code));
      }),
    );
  }

  /** The process id of a running validator. */
  pid(id: string): number | undefined {
    return this.running(id) ? this.children.get(id)?.pid : undefined;
  }

  /** Whether the validator's process is running. */
  running(id: string): boolean {
    const c = this.children.get(id);
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  /** Sends a signal and waits for the process to exit; resolves with its exit code. */
  async signal(id: string, signal: NodeJS.Signals): Promise<number | null> {
    const child = this.children.get(id);
    if (child === undefined || !this.running(id)) return child?.exitCode ?? null;
    child.kill(signal);
    return this.exits.get(id)!;
  }

  /** The `/v1/status` of a validator, or undefined if it does not answer. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON answer
  async status(id: string): Promise<any | undefined> {
    try {
      const r = await http(`${this.url(id)}/v1/status`);
      return r.status === 200 ? r.body : undefined;
    } catch {
      return undefined;
    }
  }

  /** SIGTERM to every validator, then removes the directory (unless `keep`). */
  async close(keep = false): Promise<void> {
    await Promise.all(
      this.ids.map(async (id) => {
        const code = await Promise.race([
          this.signal(id, 'SIGTERM'),
          new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000)),
        ]);
        if (code === 'timeout') await this.signal(id, 'SIGKILL');
      }),
    );
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls `cond` every 100 ms until true; throws after `ms` (a bound on waiting, not a timed assertion). */
export async function waitFor<T>(
  cond: () => Promise<T | undefined | false> | T | undefined | false,
  ms: number,
  what: string,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`${what}: not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
