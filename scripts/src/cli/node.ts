// `privgate node start --config gateway.json`: runs one ministry's gateway in the foreground. The
// process contract is the gateway entry's (`gateway/src/server/main.ts`): one JSON line on stdout when it
// serves (`{"event":"ready",…}`) or cannot start (`{"event":"failed",…}`), pino logs on stderr, SIGTERM
// or SIGINT stop it gracefully.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { passphraseFromEnv } from './keys.ts';

/** Registers `node start`. */
export function registerNodeCommands(program: Command): void {
  const node = program.command('node').description("run a ministry's gateway");
  node
    .command('start')
    .description('run a gateway in the foreground (ready line on stdout, JSON logs on stderr)')
    .requiredOption('--config <file>', "the gateway's configuration (environment variables override it)")
    .option('--passphrase-env <var>', 'environment variable holding the key file passphrase')
    .action(async (opts) => {
      const [{ CodedError }, { releaseSnarkjsCurve }, { isGatewayError, startGatewayFromArgs }] =
        await Promise.all([
          import('@privgate/accel'),
          import('@privgate/circuits'),
          import('@privgate/gateway'),
        ]);
      const env: Record<string, string | undefined> = { ...process.env };
      try {
        const passphrase = passphraseFromEnv(opts.passphraseEnv as string | undefined);
        if (passphrase !== undefined) env.PRIVGATE_KEY_PASSPHRASE = passphrase;
        await startGatewayFromArgs(['--config', resolve(opts.config as string)], { env });
      } catch (err) {
        const code = err instanceof CodedError ? err.code : 'START_FAILED';
        const message = err instanceof Error ? err.message : String(err);
        process.stdout.write(`${JSON.stringify({ event: 'failed', code, message })}\n`);
        process.stderr.write(`privgate node: ${message}\n`);
        await releaseSnarkjsCurve().catch(() => {});
        process.exit(isGatewayError(err, 'CONFIG_INVALID') ? 2 : 1);
      }
    });
}
