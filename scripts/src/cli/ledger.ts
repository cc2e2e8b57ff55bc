// `privgate ledger …`: create a local validator network and run one of its validators.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  createJsonLogger,
  createLocalNetwork,
  type LocalOrg,
  type LogLevel,
  localPaths,
  ROLES,
  type Role,
  runLedgerNode,
  writeLocalNetwork,
} from '@privgate/ledger';
import { type Command, InvalidArgumentError, Option } from 'commander';

const integer = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`expected an integer in ${min}..${max}`);
  return n;
};

/** `--org gw-1:gateway` or `--org ministry-x:agency,auditor` (repeatable). */
function parseOrg(value: string, previous: LocalOrg[] = []): LocalOrg[] {
  const [id, roleList] = value.split(':');
  if (!id || !roleList) throw new InvalidArgumentError('expected <id>:<role>[,<role>]');
  const roles = roleList.split(',');
  for (const r of roles) {
    if (!(ROLES as readonly string[]).includes(r) || r === 'validator')
      throw new InvalidArgumentError(`role ${r}: one of agency, auditor, gateway`);
  }
  return [...previous, { id, roles: roles as Role[] }];
}

/** `--vkey circuit=path/to/vkey.json` (repeatable). */
function parseVkey(value: string, previous: { circuit: string; path: string }[] = []) {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('expected <circuit>=<path>');
  return [...previous, { circuit: value.slice(0, at), path: value.slice(at + 1) }];
}

const timeout = (ms: number | undefined, fallback: { baseMs: number; deltaMs: number }) =>
  ms === undefined ? fallback : { baseMs: ms, deltaMs: Math.max(1, Math.round(ms / 2)) };

/** Registers `ledger init` and `ledger start`. */
export function registerLedgerCommands(program: Command): void {
  const ledger = program
    .command('ledger')
    .description('run the consortium ledger (Tendermint BFT validators)');

  ledger
    .command('init')
    .description('create the genesis and 0600 key files of a local validator network')
    .requiredOption('--dir <dir>', 'network directory to create')
    .option('--validators <n>', 'number of validators (3f + 1: 4, 7, …)', integer(4, 100), 4)
    .option('--base-port <port>', 'p2p on base+i, HTTP on base+100+i', integer(1024, 65_000), 7100)
    .option('--host <ip>', 'address the validators listen on', '127.0.0.1')
    .option('--chain-id <id>', 'chain id', 'privgate-local')
    .option('--seed <text>', 'derive every key from this text (reproducible networks; never in production)')
    .option('--org <id:roles>', 'a non-validator organisation, e.g. gw-1:gateway (repeatable)', parseOrg)
    .option(
      '--vkey <circuit=path>',
      'a Groth16 verification key to register at genesis (repeatable)',
      parseVkey,
    )
    .option(
      '--empty-block-ms <ms>',
      'how long an idle proposer waits before an empty block',
      integer(0, 600_000),
    )
    .option('--max-block-txs <n>', 'most transactions per block', integer(1, 20_000))
    .option(
      '--propose-timeout-ms <ms>',
      'round-0 propose timeout (+ half of it per round)',
      integer(100, 600_000),
    )
    .option(
      '--vote-timeout-ms <ms>',
      'round-0 prevote and precommit timeouts (+ half per round)',
      integer(50, 600_000),
    )
    .option('--force', 'overwrite an existing network directory')
    .action(async (opts) => {
      const dir = resolve(opts.dir as string);
      if (existsSync(localPaths.genesis(dir)) && !opts.force) {
        throw new Error(`${localPaths.genesis(dir)} exists (use --force to overwrite)`);
      }
      const base = (await import('@privgate/ledger')).DEFAULT_CHAIN_PARAMS;
      const net = await createLocalNetwork({
        validators: opts.validators as number,
        basePort: opts.basePort as number,
        host: opts.host as string,
        chainId: opts.chainId as string,
        ...(opts.seed === undefined ? {} : { seed: opts.seed as string }),
        orgs: (opts.org as LocalOrg[] | undefined) ?? [],
        vkeys: ((opts.vkey as { circuit: string; path: string }[] | undefined) ?? []).map((v) => ({
          circuit: v.circuit,
          vkey: new Uint8Array(readFileSync(v.path)),
        })),
        params: {
          consensus: {
            ...base.consensus,
            timeouts: {
              propose: timeout(opts.proposeTimeoutMs as number | undefined, base.consensus.timeouts.propose),
              prevote: timeout(opts.voteTimeoutMs as number | undefined, base.consensus.timeouts.prevote),
              precommit: timeout(opts.voteTimeoutMs as number | undefined, base.consensus.timeouts.precommit),
            },
          },
          block: {
            ...base.block,
            ...(opts.emptyBlockMs === undefined ? {} : { emptyBlockIntervalMs: opts.emptyBlockMs as number }),
            ...(opts.maxBlockTxs === undefined ? {} : { maxTxs: opts.maxBlockTxs as number }),
          },
        },
      });
      writeLocalNetwork(dir, net);
      const out = [`network ${net.genesis.chainId} written to ${dir}`];
      for (const v of net.genesis.validators) out.push(`  ${v.id}  p2p ${v.p2p}  http ${v.http}`);
      for (const o of net.orgs)
        out.push(`  ${o.id} (${o.roles.join(', ')})  key ${localPaths.orgKey(dir, o.id)}`);
      out.push(`start each validator with: privgate ledger start --dir ${opts.dir} --id <validator-id>`);
      process.stdout.write(`${out.join('\n')}\n`);
    });

  ledger
    .command('start')
    .description(
      'run one validator in the foreground (JSON log lines on stderr; SIGINT/SIGTERM stop it cleanly)',
    )
    .requiredOption('--dir <dir>', 'network directory (from ledger init)')
    .requiredOption('--id <id>', 'validator id')
    .addOption(
      new Option('--accel <backend>', 'SM2 verification backend')
        .choices(['workers', 'cpu'])
        .default('workers'),
    )
    .option('--workers <n>', 'worker threads of the workers backend', integer(1, 64), 1)
    .addOption(new Option('--log-level <level>').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .option('--passphrase-env <var>', 'environment variable holding the key file passphrase')
    .option('--no-fsync', 'do not fsync block commits (survives process crashes, not power loss)')
    .action(async (opts) => {
      const log = createJsonLogger({
        level: opts.logLevel as LogLevel,
        bindings: { node: opts.id as string },
      });
      const passphrase =
        opts.passphraseEnv === undefined ? undefined : process.env[opts.passphraseEnv as string];
      const running = await runLedgerNode({
        dir: resolve(opts.dir as string),
        id: opts.id as string,
        accel: opts.accel as 'workers' | 'cpu',
        workers: opts.workers as number,
        syncCommits: opts.fsync as boolean,
        logger: log,
        ...(passphrase === undefined ? {} : { passphrase }),
      });
      let exiting = false;
      const shutdown = (signal: string, code: number) => {
        if (exiting) return;
        exiting = true;
        log.info('shutting down', { signal, height: running.node.store.height });
        void running.stop().then(
          () => {
            log.info('stopped', { height: running.node.store.height });
            process.exit(code);
          },
          (err) => {
            log.error('unclean shutdown', { err });
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => shutdown('SIGINT', 0));
      process.on('SIGTERM', () => shutdown('SIGTERM', 0));
      running.node.onFatal(() => shutdown('fatal', 1));
    });
}
