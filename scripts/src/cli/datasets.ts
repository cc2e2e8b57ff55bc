// `privgate ingest` and `privgate anchor`: a ministry's operator loads a record file into its gateway and
// anchors the dataset's commitment on the ledger, through the gateway's HTTP API.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { GatewayProblem, type ImportReportJson } from '../client/gateway-http.ts';
import { gatewayTarget, withGatewayTarget } from './gateway-target.ts';
import { mib, progressBar } from './progress.ts';

/** One line describing a gateway's problem: its code, detail, and for a bad row where it is. */
export function describeProblem(err: GatewayProblem): string {
  const c = err.context;
  if (err.code === 'IMPORT_BAD_ROW') {
    const where = `line ${c.line}${c.field === undefined ? '' : `, field ${c.field}`}`;
    return `IMPORT_BAD_ROW: ${c.dataset ?? 'import'}: ${where}: ${c.reason} (nothing was imported)`;
  }
  return err.message;
}

/** Runs a command body; a gateway problem is printed on one line and exits 1. */
export async function reportingProblems(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (!(err instanceof GatewayProblem)) throw err;
    process.stderr.write(`privgate: ${describeProblem(err)}\n`);
    process.exitCode = 1;
  }
}

/** Registers `ingest` and `anchor`. */
export function registerDatasetCommands(program: Command): void {
  withGatewayTarget(
    program
      .command('ingest')
      .description(
        "stream a CSV or JSON-lines file into a dataset of the ministry's gateway (all or nothing)",
      )
      .requiredOption('--dataset <name>', 'the dataset, e.g. tax.arrears')
      .requiredOption('--file <file>', 'records: .csv (header line of field names) or .jsonl'),
  )
    .option(
      '--declare <file>',
      'declare the dataset first from this JSON declaration (if it is not declared)',
    )
    .addOption(
      new Option('--mode <mode>', 'append to or replace the records')
        .choices(['append', 'replace'])
        .default('append'),
    )
    .option('--json', 'print the import report as JSON')
    .action((opts) =>
      reportingProblems(async () => {
        const gateway = await gatewayTarget(opts);
        const dataset = opts.dataset as string;
        if (opts.declare !== undefined) {
          const declaration = JSON.parse(readFileSync(resolve(opts.declare as string), 'utf8')) as {
            name: string;
          };
          if (declaration.name !== dataset)
            throw new Error(`--declare declares ${declaration.name}, not ${dataset}`);
          await gateway.declareDataset(declaration, true);
        }
        const bar = progressBar(dataset);
        const started = performance.now();
        let report: ImportReportJson;
        try {
          report = await gateway.importFile(dataset, resolve(opts.file as string), {
            mode: opts.mode as 'append' | 'replace',
            onProgress: (p) =>
              bar.update(p.bytes, p.totalBytes, `${mib((p.bytes / Math.max(p.elapsedMs, 1)) * 1000)}/s`),
          });
        } finally {
          bar.finish();
        }
        const seconds = (performance.now() - started) / 1000;
        const rate = Math.round(report.imported / Math.max(seconds, 0.001));
        process.stdout.write(
          opts.json
            ? `${JSON.stringify({ ...report, seconds, recordsPerSecond: rate })}\n`
            : `${report.dataset}: ${report.imported.toLocaleString('en')} records imported (${report.mode}) in ` +
                `${seconds.toFixed(2)} s, ${rate.toLocaleString('en')} records/s; ` +
                `${report.recordCount.toLocaleString('en')} in the dataset\n`,
        );
      }),
    );

  withGatewayTarget(
    program
      .command('anchor')
      .description(
        "commit a dataset's current records (Poseidon Merkle tree) and anchor the root on the ledger",
      )
      .requiredOption('--dataset <name>', 'the dataset, e.g. tax.arrears'),
  )
    .option('--json', 'print the commit report as JSON')
    .action((opts) =>
      reportingProblems(async () => {
        const report = await (await gatewayTarget(opts)).commitDataset(opts.dataset as string);
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(report)}\n`
            : `${report.dataset} v${report.version}: ${report.count.toLocaleString('en')} records, root ` +
                `${report.root.slice(0, 18)}…, anchored in tx ${report.txId.slice(0, 16)}… at height ${report.height} ` +
                `(${report.seconds.toFixed(2)} s; tree ${report.timings.leavesMs + report.timings.treeMs} ms, ` +
                `ledger ${report.timings.anchorMs} ms)\n`,
        );
      }),
    );
}
