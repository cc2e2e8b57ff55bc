// Which gateway an operator command talks to: `--gateway <url> --token-file <file>`, or the gateway a
// configuration file describes (`--config gateway.json`: its listen address and operator token).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { GatewayHttpClient } from '../client/gateway-http.ts';

/** Adds `--gateway`, `--token-file` and `--config` to an operator command. */
export function withGatewayTarget(command: Command): Command {
  return command
    .option('--gateway <url>', "the gateway's HTTP API, e.g. http://127.0.0.1:8443")
    .option('--token-file <file>', 'a file holding the operator token (with --gateway)')
    .option('--config <file>', "the gateway's configuration file (its address and operator token)");
}

/** Reads a token file: its first line, trimmed. */
export function readTokenFile(path: string): string {
  const token = readFileSync(path, 'utf8').split('\n')[0]!.trim();
  if (token === '') throw new Error(`${path}: empty token file`);
  return token;
}

/**
 * The client of the gateway the options name.
 * @throws {Error} when neither or both of `--gateway` and `--config` are given, or the token is missing.
 */
export async function gatewayTarget(opts: {
  gateway?: string;
  tokenFile?: string;
  config?: string;
}): Promise<GatewayHttpClient> {
  if ((opts.gateway === undefined) === (opts.config === undefined))
    throw new Error('give exactly one of --gateway <url> and --config <file>');
  if (opts.gateway !== undefined) {
    const token =
      opts.tokenFile !== undefined
        ? readTokenFile(resolve(opts.tokenFile))
        : process.env.PRIVGATE_OPERATOR_TOKEN;
    if (token === undefined || token === '')
      throw new Error('--token-file <file> (or PRIVGATE_OPERATOR_TOKEN) is required with --gateway');
    return new GatewayHttpClient(opts.gateway, { token });
  }
  const { loadConfig } = await import('@privgate/gateway');
  const config = loadConfig({ file: resolve(opts.config!) });
  const host =
    config.listen.host === '0.0.0.0' || config.listen.host === '::' ? '127.0.0.1' : config.listen.host;
  const token =
    config.operatorToken ??
    readTokenFile(resolve(config.operatorTokenFile ?? join(resolve(config.dataDir), 'operator.token')));
  return new GatewayHttpClient(`http://${host.includes(':') ? `[${host}]` : host}:${config.listen.port}`, {
    token,
  });
}
