// `privgate audit chain`: re-verify a ledger chain from genesis (hash chain, headers, tx roots, every
// transaction's SM2 signature by re-execution, every commit certificate) and print a verdict.
// `privgate audit verify <queryId>`: verify one query from the ledger alone (every proof, signature and
// commitment behind its answer, re-checked against a validator's HTTP API) and print a verdict.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createAccelerator } from '@privgate/accel';
import { releaseSnarkjsCurve, verifyProof } from '@privgate/circuits';
import {
  AuditError,
  formatQueryAuditReport,
  HttpLedgerClient,
  verifyQueryFromLedger,
} from '@privgate/gateway';
import {
  auditChain,
  type ChainSource,
  formatAuditReport,
  httpChainSource,
  type LedgerGenesis,
  readLedgerGenesis,
  releaseGroth16,
  storeChainSource,
} from '@privgate/ledger';
import type { Command } from 'commander';

/** Registers `audit chain` and `audit verify`. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('independent verification for auditors');
  audit
    .command('chain')
    .description('re-verify a ledger chain from genesis; exit 1 if anything fails')
    .option('--url <url>', "a validator's HTTP API, e.g. http://127.0.0.1:7201")
    .option('--dir <dir>', "a stopped validator's data directory, e.g. ./demo-data/ledger/validator-1")
    .option(
      '--genesis <file>',
      "the genesis file to trust (default: the node's own, or <dir>/../genesis.json)",
    )
    .option('--json', 'print the report as JSON')
    .action(async (opts) => {
      if ((opts.url === undefined) === (opts.dir === undefined))
        throw new Error('give exactly one of --url and --dir');
      let genesis: LedgerGenesis | undefined;
      if (opts.genesis !== undefined) genesis = readLedgerGenesis(resolve(opts.genesis as string));
      let source: ChainSource;
      if (opts.url !== undefined) source = httpChainSource(opts.url as string);
      else {
        const dir = resolve(opts.dir as string);
        if (genesis === undefined) {
          const candidates = [join(dir, 'genesis.json'), join(dirname(dir), 'genesis.json')];
          const found = candidates.find((p) => existsSync(p));
          if (found === undefined)
            throw new Error('no genesis.json beside the data directory: pass --genesis');
          genesis = readLedgerGenesis(found);
        }
        source = await storeChainSource(dir, genesis);
      }
      const accel = createAccelerator({ backend: 'workers', workers: 2 });
      try {
        const report = await auditChain(source, {
          accel,
          ...(genesis === undefined ? {} : { genesis }),
        });
        process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : formatAuditReport(report));
        process.exitCode = report.verdict === 'PASS' ? 0 : 1;
      } finally {
        await source.close();
        await accel.close();
        await releaseGroth16();
      }
    });

  audit
    .command('verify')
    .description(
      'verify a query from the ledger alone: every proof, signature and commitment behind its answer; exit 1 if anything fails',
    )
    .argument('<queryId>', 'the query id, 64 hex characters')
    .requiredOption(
      '--url <urls>',
      "a validator's HTTP API, e.g. http://127.0.0.1:7201 (several, comma-separated, for failover)",
    )
    .option('--json', 'print the report as JSON')
    .action(async (queryId: string, opts: { url: string; json?: boolean }) => {
      const urls = opts.url
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u !== '');
      const ledger = await HttpLedgerClient.connect({ urls });
      try {
        const report = await verifyQueryFromLedger(ledger, queryId, { verify: verifyProof });
        process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : formatQueryAuditReport(report));
        process.exitCode = report.verdict === 'PASS' ? 0 : 1;
      } catch (err) {
        if (!(err instanceof AuditError)) throw err;
        process.stdout.write(
          opts.json
            ? `${JSON.stringify({ queryId, chainId: ledger.chainId, error: err.toJSON(), verdict: 'FAIL' })}\n`
            : `${err.message} (chain ${ledger.chainId})\nVERDICT: FAIL (unknown query)\n`,
        );
        process.exitCode = 1;
      } finally {
        await ledger.close();
        await releaseSnarkjsCurve();
      }
    });
}
