// `privgate query`: an agency runs a credit-penetration query through an entry gateway, authorising it
// with its own ledger key, and checks the answer's proof bundle against the ledger.
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { AgencyQuery } from '../client/agency.ts';
import { GatewayHttpClient } from '../client/gateway-http.ts';
import { reportingProblems } from './datasets.ts';
import { passphraseFromEnv } from './keys.ts';

/** `--metric tax.arrears` or `--metric tax.arrears:3` (weight 3), repeatable. */
function parseMetric(value: string, previous: { dataset: string; weight?: string }[] = []) {
  const [dataset, weight, extra] = value.split(':');
  if (!dataset || extra !== undefined || (weight !== undefined && !/^[0-9]{1,20}$/.test(weight)))
    throw new InvalidArgumentError('expected <dataset>[:<weight>]');
  return [...previous, weight === undefined ? { dataset } : { dataset, weight }];
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter((s) => s !== '')];
}

/** Registers `query`. */
export function registerQueryCommand(program: Command): void {
  program
    .command('query')
    .description('run a credit-penetration query as an agency (signs the authorisation with the agency key)')
    .requiredOption('--gateway <url>', "the entry gateway's HTTP API")
    .requiredOption('--agency-key <file>', "the agency's ledger key file")
    .requiredOption('--ledger <url>', "a validator's HTTP API (repeatable or comma-separated)", collect)
    .requiredOption('--subject <uscc>', 'the enterprise (unified social credit code)')
    .option(
      '--depth <k>',
      'hops along ownership and control (0: the enterprise alone)',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 3) throw new InvalidArgumentError('expected 0..3');
        return n;
      },
      0,
    )
    .requiredOption(
      '--metric <dataset[:weight]>',
      'a metric dataset, optionally weighted (repeatable)',
      parseMetric,
    )
    .addOption(
      new Option('--disclosure <mode>', 'reveal the aggregate, or only whether it reaches --threshold')
        .choices(['aggregate', 'verdict'])
        .default('aggregate'),
    )
    .option('--threshold <n>', 'the verdict threshold (with --disclosure verdict)')
    .requiredOption('--policy <id>', 'the policy the query is made under')
    .requiredOption('--purpose <text>', 'the purpose, exactly as the policy states it')
    .option('--passphrase-env <var>', 'environment variable holding the key file passphrase')
    .option('--no-verify', "skip the agency's own check of the proof bundle against the ledger")
    .option('--json', 'print the answer (output, queryId, bundle check, timings) as JSON')
    .action((opts) =>
      reportingProblems(async () => {
        const disclosure =
          opts.disclosure === 'verdict'
            ? { mode: 'verdict' as const, threshold: requireThreshold(opts.threshold as string | undefined) }
            : { mode: 'aggregate' as const };
        if (opts.disclosure !== 'verdict' && opts.threshold !== undefined)
          throw new Error('--threshold goes with --disclosure verdict');
        const query: AgencyQuery = {
          policyId: opts.policy as string,
          subject: opts.subject as string,
          depth: opts.depth as number,
          metrics: opts.metric as AgencyQuery['metrics'],
          disclosure,
          purpose: opts.purpose as string,
        };
        const passphrase = passphraseFromEnv(opts.passphraseEnv as string | undefined);
        const { AgencyClient } = await import('../client/agency.ts');
        const agency = await AgencyClient.open({
          keyFile: resolve(opts.agencyKey as string),
          ledgerUrls: opts.ledger as string[],
          ...(passphrase === undefined ? {} : { passphrase }),
        });
        try {
          const result = await agency.ask(new GatewayHttpClient(opts.gateway as string), query, {
            verify: opts.verify as boolean,
          });
          const { answer } = result;
          const output =
            answer.output.kind === 'aggregate'
              ? { kind: 'aggregate', value: answer.output.value.toString() }
              : {
                  kind: 'verdict',
                  value: answer.output.value,
                  threshold: answer.output.threshold.toString(),
                };
          if (opts.json) {
            process.stdout.write(
              `${JSON.stringify({
                queryId: answer.queryId,
                output,
                subjectCount: answer.bundle.record.subjectCount,
                proofs: answer.bundle.contributions.reduce(
                  (n, c) => n + c.inclusion.length + c.binding.length,
                  0,
                ),
                ledger: answer.bundle.ledger,
                check: result.check ?? null,
                timings: answer.timings,
                ms: Math.round(result.ms),
              })}\n`,
            );
          } else {
            process.stdout.write(
              `query ${answer.queryId}\n` +
                (answer.output.kind === 'aggregate'
                  ? `  aggregate  ${answer.output.value}\n`
                  : `  verdict    ${answer.output.value ? 'YES' : 'NO'}: aggregate ${answer.output.value ? '≥' : '<'} ${answer.output.threshold}\n`) +
                `  subjects   ${answer.bundle.record.subjectCount}\n` +
                `  answered   tx ${answer.bundle.ledger.answerTxId}\n` +
                `  bundle     ${result.check === undefined ? 'not checked' : result.check.valid ? 'valid against the ledger' : `INVALID: ${result.check.reason}`}\n` +
                `  time       ${Math.round(result.ms)} ms\n`,
            );
          }
          if (result.check !== undefined && !result.check.valid) process.exitCode = 1;
        } finally {
          await agency.close();
        }
      }).then(endOneShot, async (err: unknown) => {
        process.stderr.write(`privgate: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 2;
        await endOneShot();
      }),
    );
}

/**
 * Ends the process once its output is flushed. The bundle check verified Groth16 proofs: snarkjs's curve
 * is released, but concurrent first verifications can build a second curve that nothing releases (its
 * MessagePorts keep the process alive), so this one-shot command does not wait for an empty event loop.
 */
async function endOneShot(): Promise<never> {
  await (await import('@privgate/circuits')).releaseSnarkjsCurve().catch(() => {});
  await new Promise<void>((r) => process.stdout.write('', () => r()));
  await new Promise<void>((r) => process.stderr.write('', () => r()));
  process.exit(process.exitCode ?? 0);
}

function requireThreshold(value: string | undefined): string {
  if (value === undefined || !/^(0|[1-9][0-9]{0,19})$/.test(value))
    throw new Error('--disclosure verdict needs --threshold <non-negative integer>');
  return value;
}
