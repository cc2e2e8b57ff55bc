/**
 * The dataset catalogue: declaring datasets and describing them (declaration, record count, commitment
 * versions), on top of the store.
 */
import { GatewayError } from '../errors.ts';
import type { CommitmentVersion, DatasetEntry, GatewayStore, JsonObject } from '../store/index.ts';
import { type DatasetDeclaration, parseDeclaration, schemaHash } from './declaration.ts';

/** A declared dataset as the API shows it. */
export interface DatasetSummary {
  name: string;
  title?: string;
  schemaHash: string;
  createdAt: string;
  recordCount: number;
}

/** A dataset with its declaration and commitment versions. */
export interface DatasetDetails extends DatasetSummary {
  declaration: DatasetDeclaration;
  versions: CommitmentVersion[];
}

/**
 * Validates and declares a dataset.
 * @throws {GatewayError} `VALIDATION_FAILED` for an invalid declaration, `DATASET_EXISTS`,
 * `STORE_UNAVAILABLE`.
 */
export async function declareDataset(store: GatewayStore, input: unknown): Promise<DatasetDetails> {
  const declaration = parseDeclaration(input);
  const entry = await store.createDataset({
    name: declaration.name,
    declaration: declaration as unknown as JsonObject,
    schemaHash: schemaHash(declaration),
  });
  return { ...summarize(entry), declaration, versions: [] };
}

/**
 * Describes a dataset.
 * @throws {GatewayError} `DATASET_UNKNOWN`, `STORE_UNAVAILABLE`.
 */
export async function describeDataset(store: GatewayStore, name: string): Promise<DatasetDetails> {
  const entry = await store.getDataset(name);
  if (entry === undefined)
    throw new GatewayError('DATASET_UNKNOWN', `dataset ${name} is not declared`, { dataset: name });
  const versions = await store.listCommitmentVersions(name);
  return { ...summarize(entry), declaration: parseDeclaration(entry.declaration), versions };
}

/** All datasets, by name. @throws {GatewayError} `STORE_UNAVAILABLE`. */
export async function listDatasetSummaries(store: GatewayStore): Promise<DatasetSummary[]> {
  return (await store.listDatasets()).map(summarize);
}

function summarize(entry: DatasetEntry): DatasetSummary {
  const summary: DatasetSummary = {
    name: entry.name,
    schemaHash: entry.schemaHash,
    createdAt: entry.createdAt,
    recordCount: entry.recordCount,
  };
  const title = entry.declaration.title;
  if (typeof title === 'string') summary.title = title;
  return summary;
}
