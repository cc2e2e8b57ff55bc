/**
 * The dataset admin API: declare datasets, list and describe them, import records (JSON lines or CSV).
 * Schemas live here, next to their routes; the same schemas validate requests and make the OpenAPI
 * document.
 */
import { z } from 'zod';
import {
  DatasetDeclarationSchema,
  DatasetNameSchema,
  declareDataset,
  describeDataset,
  importRecords,
  listDatasetSummaries,
} from '../datasets/index.ts';
import { GatewayError } from '../errors.ts';
import type { Logger } from '../logging.ts';
import type { GatewayStore } from '../store/index.ts';
import type { RouteRegistry } from './route-registry.ts';

export const CommitmentVersionSchema = z.object({
  dataset: z.string(),
  version: z.number().int().min(1),
  root: z.string(),
  recordCount: z.number().int().min(0),
  schemaHash: z.string(),
  createdAt: z.string().describe('ISO 8601, UTC.'),
  anchoredTxId: z
    .string()
    .nullable()
    .describe('The ledger transaction that anchored the root, once anchored.'),
  anchoredAt: z.string().nullable(),
});

export const DatasetSummarySchema = z.object({
  name: z.string(),
  title: z.string().optional(),
  schemaHash: z.string().describe('SM3 (GB/T 32905) of the declaration’s canonical JSON, hex.'),
  createdAt: z.string(),
  recordCount: z.number().int().min(0),
});

export const DatasetDetailsSchema = DatasetSummarySchema.extend({
  declaration: DatasetDeclarationSchema,
  versions: z.array(CommitmentVersionSchema),
});

export const DatasetListSchema = z.object({ datasets: z.array(DatasetSummarySchema) });

export const RecordImportReportSchema = z.object({
  dataset: z.string(),
  mode: z.enum(['append', 'replace']),
  imported: z.number().int().min(0),
  firstRowNumber: z.number().int().min(0),
  recordCount: z.number().int().min(0),
  bytes: z.number().int().min(0),
});

const DatasetParams = z.object({ name: DatasetNameSchema });
const ImportQuery = z.strictObject({
  mode: z
    .enum(['append', 'replace'])
    .default('append')
    .describe('`append` adds the records after the existing ones; `replace` swaps all records at once.'),
});

/** Media types of a record upload. */
export const RECORD_UPLOAD_TYPES = ['application/x-ndjson', 'application/jsonl', 'text/csv'] as const;

export interface DatasetRoutesDeps {
  store: GatewayStore;
  /** Largest record upload, in bytes (`limits.recordsBodyBytes`). */
  recordsBodyBytes: number;
  logger?: Logger;
}

/**
 * Registers `POST /v1/datasets`, `GET /v1/datasets`, `GET /v1/datasets/:name` and
 * `POST /v1/datasets/:name/records`.
 */
export function registerDatasetRoutes(registry: RouteRegistry, deps: DatasetRoutesDeps): void {
  const { store, recordsBodyBytes, logger } = deps;
  registry.component('DatasetDeclaration', DatasetDeclarationSchema);
  registry.component('DatasetSummary', DatasetSummarySchema);
  registry.component('DatasetDetails', DatasetDetailsSchema);
  registry.component('CommitmentVersion', CommitmentVersionSchema);
  registry.component('RecordImportReport', RecordImportReportSchema);
  registry.component('DatasetList', DatasetListSchema);

  registry.defineRoute({
    method: 'post',
    path: '/v1/datasets',
    operationId: 'declareDataset',
    summary: 'Declare a dataset',
    description: 'Declares a dataset: its fields, their types and units, and which field is the subject.',
    tags: ['datasets'],
    role: 'dataset-admin',
    request: { body: DatasetDeclarationSchema },
    responses: {
      201: {
        description: 'Declared.',
        schema: DatasetDetailsSchema,
        headers: { Location: 'The dataset’s URL.' },
      },
    },
    errors: ['DATASET_EXISTS'],
    handler: async ({ body, res }) => {
      const details = await declareDataset(store, body);
      logger?.info({ dataset: details.name, schemaHash: details.schemaHash }, 'dataset declared');
      res
        .status(201)
        .location(`/v1/datasets/${encodeURIComponent(details.name)}`)
        .json(details);
    },
  });

  registry.defineRoute({
    method: 'get',
    path: '/v1/datasets',
    operationId: 'listDatasets',
    summary: 'List datasets',
    tags: ['datasets'],
    role: 'dataset-reader',
    responses: { 200: { description: 'The declared datasets, by name.', schema: DatasetListSchema } },
    handler: async ({ res }) => {
      res.json({ datasets: await listDatasetSummaries(store) });
    },
  });

  registry.defineRoute({
    method: 'get',
    path: '/v1/datasets/:name',
    operationId: 'getDataset',
    summary: 'Describe a dataset',
    description: 'The declaration, the record count and the commitment versions of a dataset.',
    tags: ['datasets'],
    role: 'dataset-reader',
    request: { params: DatasetParams },
    responses: { 200: { description: 'The dataset.', schema: DatasetDetailsSchema } },
    errors: ['DATASET_UNKNOWN'],
    handler: async ({ params, res }) => {
      res.json(await describeDataset(store, params.name));
    },
  });

  registry.defineRoute({
    method: 'post',
    path: '/v1/datasets/:name/records',
    operationId: 'importRecords',
    summary: 'Import records',
    description:
      'Streams records into a dataset, validated row by row. The first bad row is answered with its line, ' +
      'field and reason (IMPORT_BAD_ROW), and nothing of the upload is applied.',
    tags: ['datasets'],
    role: 'dataset-admin',
    request: {
      params: DatasetParams,
      query: ImportQuery,
      streamedBody: {
        contentTypes: RECORD_UPLOAD_TYPES,
        description:
          'JSON lines (one object per line keyed by field name) or CSV (RFC 4180, a header line naming the fields).',
        maxBytes: recordsBodyBytes,
      },
    },
    responses: { 200: { description: 'All records imported.', schema: RecordImportReportSchema } },
    errors: ['DATASET_UNKNOWN', 'IMPORT_BAD_ROW', 'IMPORT_TOO_LARGE'],
    handler: async ({ params, query, req, res }) => {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > recordsBodyBytes) {
        throw new GatewayError('IMPORT_TOO_LARGE', `the upload is larger than ${recordsBodyBytes} bytes`, {
          dataset: params.name,
          limitBytes: recordsBodyBytes,
        });
      }
      const report = await importRecords(store, params.name, req, {
        format: req.is('text/csv') ? 'csv' : 'jsonl',
        mode: query.mode,
        maxBytes: recordsBodyBytes,
      });
      logger?.info(
        {
          dataset: report.dataset,
          imported: report.imported,
          bytes: report.bytes,
          ms: Math.round(report.durationMs),
        },
        'records imported',
      );
      res.json({
        dataset: report.dataset,
        mode: report.mode,
        imported: report.imported,
        firstRowNumber: report.firstRowNumber,
        recordCount: report.recordCount,
        bytes: report.bytes,
      });
    },
  });
}
