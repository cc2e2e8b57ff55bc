/**
 * Child processes of the demo and the end-to-end tests: the `privgate` CLI run to completion, and
 * long-running services (validators, gateways) each started in its own process group, so that stopping
 * one stops everything it spawned (its worker threads die with it; a grandchild would too). Every service
 * is tracked until it exits; {@link Supervisor.stopAll} sends SIGTERM, waits, then SIGKILLs the group, and
 * the supervisor also does so when this process is interrupted (SIGINT, SIGTERM) or exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The CLI entry (TypeScript, run through tsx). */
export const CLI_ENTRY = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
/** The repository root: the working directory of children. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Node's arguments to run a TypeScript entry. */
export function tsEntryArgs(entry: string, args: readonly string[]): string[] {
  return ['--import', 'tsx', entry, ...args];
}

/**
 * Runs the `privgate` CLI to completion and collects its output.
 * @example
 * const { code, stdout } = await runPrivgate(['keys', 'show', 'agency.json']);
 */
export function runPrivgate(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, tsEntryArgs(CLI_ENTRY, args), {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal === null ? -1 : 128), stdout, stderr }),
    );
  });
}

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * The first port of the kernel's ephemeral range (outgoing connections take their local port from it,
 * so a listening port chosen there can be taken between the check and the listen).
 */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/**
 * A base port such that `base + o` is free on `host` for every offset in `offsets` (chosen at random from
 * 10000 up to the ephemeral range, so concurrent runs rarely collide and outgoing connections never
 * take a port between the check and the listen).
 * @throws {Error} if no such range is found in 50 attempts.
 */
export async function freeBasePort(offsets: readonly number[], host = '127.0.0.1'): Promise<number> {
  const span = Math.max(...offsets) + 1;
  const slots = Math.max(1, Math.floor((ephemeralLow() - 10_000) / span));
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * slots) * span;
    const free = await Promise.all(offsets.map((o) => portFree(base + o, host)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port range on 127.0.0.1');
}

/** A running service. */
export interface Service {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Where its stdout and stderr go. */
  readonly logPath: string;
  /** Resolves when the process has exited, with its code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether it is still running. */
  running(): boolean;
}

/** What {@link Supervisor.start} needs. */
export interface ServiceSpec {
  name: string;
  /** Arguments after `node` (e.g. from {@link tsEntryArgs}). */
  args: readonly string[];
  logPath: string;
  env?: Readonly<Record<string, string>>;
  /** Called with every complete stdout line (the line also goes to the log). */
  onStdoutLine?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts, tracks and stops the demo's services. */
export class Supervisor {
  readonly #services = new Map<string, Service>();
  readonly #logs: WriteStream[] = [];
  #onSignal: ((signal: NodeJS.Signals) => void) | undefined;
  #onExit: (() => void) | undefined;

  /** Services started so far, running or not. */
  get services(): Service[] {
    return [...this.#services.values()];
  }

  get(name: string): Service | undefined {
    return this.#services.get(name);
  }

  /**
   * Installs SIGINT/SIGTERM handlers that stop every service, call `cleanup` and exit with 130/143, and an
   * exit hook that SIGKILLs whatever is left (so no child outlives this process). A signal that arrives
   * while stopping (a second Ctrl-C, or the same one relayed by a wrapper such as tsx or npm) does not cut
   * the cleanup short; a third one SIGKILLs every group, cleans up and exits at once.
   */
  handleInterrupts(cleanup: () => void = () => {}): void {
    if (this.#onSignal !== undefined) return;
    let signals = 0;
    const finish = (signal: NodeJS.Signals) => {
      try {
        cleanup();
      } finally {
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
    };
    this.#onSignal = (signal) => {
      signals++;
      if (signals === 1) {
        process.stderr.write(`\n${signal}: stopping every process …\n`);
        void this.stopAll(5_000).finally(() => finish(signal));
      } else if (signals > 2) {
        this.killAll();
        finish(signal);
      }
    };
    this.#onExit = () => this.killAll();
    process.on('SIGINT', this.#onSignal);
    process.on('SIGTERM', this.#onSignal);
    process.once('exit', this.#onExit);
  }

  /** Removes the handlers of {@link handleInterrupts}. */
  releaseInterrupts(): void {
    if (this.#onSignal !== undefined) {
      process.off('SIGINT', this.#onSignal);
      process.off('SIGTERM', this.#onSignal);
    }
    if (this.#onExit !== undefined) process.off('exit', this.#onExit);
    this.#onSignal = undefined;
    this.#onExit = undefined;
  }

  /**
   * Starts `node <args>` as the leader of a new process group, its output appended to `logPath`.
   * @throws {Error} if a service of that name is running.
   */
  start(spec: ServiceSpec): Service {
    if (this.#services.get(spec.name)?.running()) throw new Error(`${spec.name} is already running`);
    const log = createWriteStream(spec.logPath, { flags: 'a', mode: 0o600 });
    this.#logs.push(log);
    const child = spawn(process.execPath, [...spec.args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: stopping it reaches everything it started
    });
    if (child.pid === undefined) throw new Error(`${spec.name}: spawn failed`);
    child.stderr!.pipe(log, { end: false });
    let pending = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      log.write(chunk);
      if (spec.onStdoutLine === undefined) return;
      pending += chunk;
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        spec.onStdoutLine(line);
        nl = pending.indexOf('\n');
      }
      if (pending.length > 1 << 20) pending = ''; // a line this long is not a status line
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const service: Service = {
      name: spec.name,
      child,
      pid: child.pid,
      logPath: spec.logPath,
      exited,
      running: () => child.exitCode === null && child.signalCode === null,
    };
    this.#services.set(spec.name, service);
    return service;
  }

  /** Sends `signal` to a service's whole process group (no-op if it has exited). */
  signal(name: string, signal: NodeJS.Signals): void {
    const s = this.#services.get(name);
    if (s === undefined || !s.running()) return;
    try {
      process.kill(-s.pid, signal);
    } catch {
      // the group is gone already
    }
  }

  /** SIGTERM to a service's group; SIGKILL after `graceMs`. Resolves once it has exited. */
  async stop(name: string, graceMs = 10_000): Promise<void> {
    const s = this.#services.get(name);
    if (s === undefined || !s.running()) return;
    this.signal(name, 'SIGTERM');
    const done = await Promise.race([s.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!done) {
      this.signal(name, 'SIGKILL');
      await s.exited;
    }
    this.#reap(s);
  }

  /** Stops every service (in parallel) and closes the log streams. */
  async stopAll(graceMs = 10_000): Promise<void> {
    await Promise.all(this.services.map((s) => this.stop(s.name, graceMs)));
    for (const s of this.services) this.#reap(s);
    await Promise.all(this.#logs.map((l) => new Promise<void>((r) => (l.closed ? r() : l.end(() => r())))));
    this.#logs.length = 0;
  }

  /** SIGKILLs every group at once (synchronous: for the exit hook). */
  killAll(): void {
    for (const s of this.services) {
      try {
        process.kill(-s.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }

  /** A service leader is gone; kill any member of its group that might survive it. */
  #reap(s: Service): void {
    try {
      process.kill(-s.pid, 'SIGKILL');
    } catch {
      // the group is empty
    }
  }
}

/** Polls `probe` every `everyMs` until it returns a value; throws after `ms` (a bound on waiting). */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  ms: number,
  what: string,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not reached within ${ms} ms`);
    await sleep(everyMs);
  }
}
