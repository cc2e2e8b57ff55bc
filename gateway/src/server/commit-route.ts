/**
 * `POST /v1/datasets/:name/commit`: builds the Poseidon Merkle tree of a dataset's current records and
 * anchors its root on the ledger (see `commitments/dataset-commitments.ts`). Commits of one dataset run
 * one at a time; versions are numbered in the order they finish building.
 */
import { z } from 'zod';
import type { DatasetCommitments } from '../commitments/index.ts';
import { rootHex } from '../commitments/index.ts';
import { DatasetNameSchema } from '../datasets/index.ts';
import type { RouteRegistry } from '../http/index.ts';
import type { Logger } from '../logging.ts';

export const CommitReportSchema = z
  .object({
    dataset: z.string(),
    version: z.number().int().min(1),
    root: z.string().describe('The Poseidon root, 0x hex of the BN254 element.'),
    count: z.number().int().min(0).describe('Records committed.'),
    schemaHash: z.string(),
    txId: z.string().describe('The ledger transaction that anchored the root, hex.'),
    height: z.number().int().describe('The ledger height of that transaction.'),
    seconds: z.number().describe('Time of the whole commit.'),
    timings: z
      .object({
        readMs: z.number(),
        leavesMs: z.number(),
        treeMs: z.number(),
        persistMs: z.number(),
        anchorMs: z.number(),
      })
      .describe('Where the time went.'),
  })
  .describe('A dataset commitment, built and anchored.');

/** Registers the commit route. */
export function registerCommitRoute(
  registry: RouteRegistry,
  deps: { commitments: DatasetCommitments; logger?: Logger },
): void {
  const { commitments, logger } = deps;
  const running = new Map<string, Promise<unknown>>();
  registry.component('CommitReport', CommitReportSchema);
  registry.defineRoute({
    method: 'post',
    path: '/v1/datasets/:name/commit',
    operationId: 'commitDataset',
    summary: 'Commit and anchor a dataset',
    description:
      'Builds the Poseidon Merkle tree of the dataset’s current records as a new version and anchors its ' +
      'root on the ledger. Proofs for queries are made against the latest anchored version.',
    tags: ['datasets'],
    role: 'dataset-admin',
    request: { params: z.object({ name: DatasetNameSchema }) },
    responses: { 200: { description: 'Committed and anchored.', schema: CommitReportSchema } },
    errors: [
      'DATASET_UNKNOWN',
      'COMMITMENT_NO_MEASURE',
      'COMMITMENT_TOO_LARGE',
      'LEDGER_TX_REJECTED',
      'LEDGER_UNAVAILABLE',
      'LEDGER_TIMEOUT',
    ],
    handler: async ({ params, res }) => {
      const previous = running.get(params.name) ?? Promise.resolve();
      const run = previous.catch(() => {}).then(() => commitments.commit(params.name));
      running.set(params.name, run);
      try {
        const result = await run;
        const t = result.timings;
        logger?.info(
          {
            dataset: result.dataset,
            version: result.version,
            records: result.recordCount,
            ms: Math.round(t.totalMs),
          },
          'dataset committed',
        );
        res.json({
          dataset: result.dataset,
          version: result.version,
          root: rootHex(result.root),
          count: result.recordCount,
          schemaHash: result.schemaHash,
          txId: result.anchor.idHex,
          height: result.anchor.height,
          seconds: Math.round(t.totalMs) / 1000,
          timings: {
            readMs: Math.round(t.readMs),
            leavesMs: Math.round(t.leavesMs),
            treeMs: Math.round(t.treeMs),
            persistMs: Math.round(t.persistMs),
            anchorMs: Math.round(t.anchorMs),
          },
        });
      } finally {
        if (running.get(params.name) === run) running.delete(params.name);
      }
    },
  });
}
