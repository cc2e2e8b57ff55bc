/**
 * The gateway process entry.
 *
 *   node --import tsx gateway/src/server/main.ts --config gateway.json      (or PRIVGATE_CONFIG=…)
 *
 * Contract, for the CLI (`privgate node start`) and for process supervisors:
 * - the configuration comes from `--config <file>` (else `$PRIVGATE_CONFIG`), overridden by the
 *   environment (`CONFIG_ENV`); the key file's passphrase from `$PRIVGATE_KEY_PASSPHRASE`;
 * - stdout carries exactly one JSON line: when the gateway serves,
 *   `{"event":"ready","orgId":…,"http":"http://127.0.0.1:port","peerId":…,"chainId":…,"p2p":[…]}`,
 *   or, when it cannot start, `{"event":"failed","code":…,"message":…}`;
 * - logs are JSON lines (pino) on stderr;
 * - SIGTERM or SIGINT shut it down gracefully (queries in flight finish) and the process exits 0; a
 *   second signal exits at once with 1; a failed start exits 2 for a configuration problem, 1 otherwise.
 */
import { pathToFileURL } from 'node:url';
import { CodedError } from '@privgate/accel';
import { releaseSnarkjsCurve } from '@privgate/circuits';
import { loadConfig } from '../config.ts';
import { isGatewayError } from '../errors.ts';
import { createLogger } from '../logging.ts';
import { type GatewayComponents, type RunningGateway, startGateway } from './start-gateway.ts';

/** Options of {@link startGatewayFromArgs}. */
export interface GatewayProcessOptions {
  /** Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where the ready line goes; default `process.stdout`. */
  stdout?: { write(text: string): unknown };
  /** Where logs go; default `process.stderr`. */
  stderr?: { write(text: string): unknown };
  /** Install SIGTERM/SIGINT handlers that stop the gateway and end the process (default true). */
  handleSignals?: boolean;
  /** Collaborators handed to `startGateway` (tests). */
  components?: GatewayComponents;
}

/** A started gateway process. */
export interface GatewayProcess {
  gateway: RunningGateway;
  /** The ready line's content. */
  ready: { event: 'ready'; orgId: string; http: string; peerId: string; chainId: string; p2p: string[] };
  /** Stops the gateway (as a signal would, without ending the process). */
  stop(): Promise<void>;
}

/** How long a stopped process may take to exit on its own before it is ended, ms. */
const EXIT_GRACE_MS = 5000;

/**
 * Parses `argv` (the arguments after the program: `--config <file>`), starts the gateway and writes the
 * ready line.
 * @throws {RangeError} for an unknown or incomplete argument.
 * @throws {GatewayError} `CONFIG_INVALID`, and whatever {@link startGateway} throws.
 * @example
 * const { gateway } = await startGatewayFromArgs(['--config', 'gateway.json']);
 */
export async function startGatewayFromArgs(
  argv: readonly string[],
  options: GatewayProcessOptions = {},
): Promise<GatewayProcess> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const file = parseArgs(argv).config;
  const config = loadConfig({ ...(file === undefined ? {} : { file }), env });
  const logger =
    options.components?.logger ??
    createLogger(
      { level: config.logLevel, name: config.orgId ?? config.ministryId },
      {
        write: (line: string) => void stderr.write(line),
      },
    );
  const gateway = await startGateway(config, { env, ...options.components, logger });
  const ready = {
    event: 'ready' as const,
    orgId: gateway.orgId,
    http: gateway.url,
    peerId: gateway.peerId,
    chainId: gateway.chainId,
    p2p: gateway.p2p,
  };
  stdout.write(`${JSON.stringify(ready)}\n`);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= gateway.close();
    return stopping;
  };
  if (options.handleSignals ?? true) {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      logger.info({ signal }, 'signal received');
      void stop()
        .then(() => releaseSnarkjsCurve())
        .then(
          () => {
            process.off('SIGTERM', onSignal);
            process.off('SIGINT', onSignal);
            process.exitCode = 0;
            // Everything is closed: the event loop should be empty now. If a handle was left open the
            // process would hang; name it as a bug in the log and end anyway.
            setTimeout(() => {
              logger.error('handles left open after shutdown; exiting');
              process.exit(0);
            }, EXIT_GRACE_MS).unref();
          },
          (err: unknown) => {
            logger.error({ err }, 'unclean shutdown');
            process.exit(1);
          },
        );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return { gateway, ready, stop };
}

function parseArgs(argv: readonly string[]): { config?: string } {
  const out: { config?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--config' || arg === '-c') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('-')) throw new RangeError(`${arg} needs a file`);
      out.config = value;
    } else if (arg.startsWith('--config=')) {
      out.config = arg.slice('--config='.length);
    } else {
      throw new RangeError(`unknown argument ${arg} (usage: --config <file>)`);
    }
  }
  return out;
}

/** Runs the process: starts, or reports the failure on stdout and exits. */
async function main(): Promise<void> {
  try {
    await startGatewayFromArgs(process.argv.slice(2));
  } catch (err) {
    const code = err instanceof CodedError ? err.code : err instanceof RangeError ? 'USAGE' : 'START_FAILED';
    const message = err instanceof Error ? err.message : String(err);
    process.stdout.write(`${JSON.stringify({ event: 'failed', code, message })}\n`);
    process.stderr.write(`privgate gateway: ${message}\n`);
    await releaseSnarkjsCurve().catch(() => {});
    process.exit(isGatewayError(err, 'CONFIG_INVALID') || err instanceof RangeError ? 2 : 1);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
