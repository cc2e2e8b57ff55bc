/** Deterministic synthetic data: an economy of enterprises, ownership and ministry figures, and its files. */
export {
  aggregateInClear,
  MAX_SYNTHETIC_ENTERPRISES,
  METRIC_DATASETS,
  type MetricDataset,
  type OwnershipEdge,
  registeredCapitalOf,
  relatedInClear,
  type SyntheticData,
  seeded,
  subjectWithRelated,
  syntheticData,
  usccOf,
} from './economy.ts';
export {
  DATASET_HOLDERS,
  fenToYuan,
  MINISTRIES,
  type Ministry,
  OWNERSHIP_DATASET,
  REGISTRY_DATASET,
  type SyntheticFile,
  syntheticDeclarations,
  syntheticRows,
  writeSyntheticFiles,
} from './files.ts';
