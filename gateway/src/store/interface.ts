/**
 * The gateway's repository: one contract for its data (dataset declarations, records, commitment versions,
 * the query log and settings), implemented on SQLite (`sqlite.ts`, the default) and PostgreSQL
 * (`postgres.ts`). Both pass the same compliance suite (`test/store/repository.compliance.ts`).
 *
 * The store is schema-agnostic about records: values arrive already validated and encoded by `datasets/`
 * (integers as decimal strings), and the store keeps them as one JSON object per record.
 */

/** A JSON object as the store keeps it. */
export type JsonObject = { readonly [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;

/** A declared dataset. */
export interface DatasetEntry {
  /** Dotted name, e.g. `tax.arrears`. */
  name: string;
  /** The declaration as declared (validated by `datasets/`). */
  declaration: JsonObject;
  /** SM3 of the declaration's canonical JSON, lower-case hex. */
  schemaHash: string;
  /** ISO 8601, millisecond precision, UTC. */
  createdAt: string;
  /** Records currently in the dataset; rows are numbered 0 … recordCount − 1. */
  recordCount: number;
}

export interface NewDataset {
  name: string;
  declaration: JsonObject;
  schemaHash: string;
}

/** A record to import. */
export interface NewRecord {
  /** The subject's unified social credit code (GB 32100, 18 characters). */
  subjectId: string;
  /** Encoded field values by field name (the subject field excluded). */
  values: Readonly<Record<string, string>>;
  /** Per-record secret salt of the record's commitments (31 bytes, so it is always a BN254 element). */
  salt: Uint8Array;
}

/** A record as stored. */
export interface StoredRecord extends NewRecord {
  /** Position in the dataset, from 0: the record's leaf index in the commitment tree. */
  rowNumber: number;
}

/** A commitment to a dataset's records: the Merkle root over rows 0 … recordCount − 1. */
export interface CommitmentVersion {
  dataset: string;
  /** 1, 2, 3 … per dataset. */
  version: number;
  /** The Merkle root, as the commitment builder encodes it (e.g. `0x…` hex of the field element). */
  root: string;
  recordCount: number;
  /** The declaration's schema hash when the commitment was made. */
  schemaHash: string;
  createdAt: string;
  /** The ledger transaction that anchored the root, once anchored. */
  anchoredTxId: string | null;
  anchoredAt: string | null;
}

export interface NewCommitmentVersion {
  root: string;
  recordCount: number;
  schemaHash: string;
}

export type QueryOutcome = 'answered' | 'refused' | 'failed';

/** One entry of the query log: who asked what of which dataset, and how it ended. */
export interface QueryLogEntry {
  /** Increasing; gaps are possible. */
  id: number;
  at: string;
  /** The caller's identity as the authentication layer names it (ministry id, key fingerprint). */
  caller: string;
  /** The kind of query, e.g. `threshold`, `inclusion`, `credit-penetration`. */
  kind: string;
  dataset: string | null;
  outcome: QueryOutcome;
  details: JsonObject;
}

export interface NewQueryLogEntry {
  caller: string;
  kind: string;
  dataset?: string | null;
  outcome: QueryOutcome;
  details?: JsonObject;
  /** Default: now. */
  at?: string;
}

export interface QueryLogFilter {
  dataset?: string;
  caller?: string;
  /** Entries with `id` greater than this (keyset pagination). */
  afterId?: number;
  /** Default 100, at most 1000. */
  limit?: number;
}

export interface RecordPage {
  /** Rows with `rowNumber` greater than this; default: from row 0. */
  afterRow?: number;
  /** Default 1000, at most 10 000. */
  limit?: number;
}

export interface RecordImportOptions {
  /** `append` (default) adds rows after the existing ones; `replace` swaps the dataset's rows on commit. */
  mode?: 'append' | 'replace';
}

export interface RecordImportResult {
  dataset: string;
  mode: 'append' | 'replace';
  /** Rows this import added. */
  imported: number;
  /** Row number of the first imported record. */
  firstRowNumber: number;
  /** The dataset's record count after the commit. */
  recordCount: number;
}

/**
 * An import in progress. Staged records are invisible to every reader until `commit`, which applies all
 * of them in one transaction; `abort` (or a failed commit) applies none.
 */
export interface RecordImportSession {
  readonly dataset: string;
  /** Records staged so far. */
  readonly staged: number;
  /**
   * Stages a batch.
   * @throws {GatewayError} `STORE_UNAVAILABLE` when the store fails; the session is then aborted.
   */
  append(records: readonly NewRecord[]): Promise<void>;
  /**
   * Applies every staged record atomically and ends the session.
   * @throws {GatewayError} `DATASET_UNKNOWN` when the dataset vanished, `STORE_UNAVAILABLE`.
   */
  commit(): Promise<RecordImportResult>;
  /** Discards the staged records and ends the session; safe to call twice or after `commit`. */
  abort(): Promise<void>;
}

/** The gateway's repository. Every method is atomic. */
export interface GatewayStore {
  readonly backend: 'sqlite' | 'postgres';

  /**
   * Declares a dataset with no records.
   * @throws {GatewayError} `DATASET_EXISTS`.
   */
  createDataset(dataset: NewDataset): Promise<DatasetEntry>;
  getDataset(name: string): Promise<DatasetEntry | undefined>;
  /** All datasets, by name. */
  listDatasets(): Promise<DatasetEntry[]>;

  /**
   * Starts an import into a dataset.
   * @throws {GatewayError} `DATASET_UNKNOWN`.
   */
  beginRecordImport(dataset: string, options?: RecordImportOptions): Promise<RecordImportSession>;
  /** @throws {GatewayError} `DATASET_UNKNOWN`. */
  countRecords(dataset: string): Promise<number>;
  /**
   * Records in row order.
   * @throws {GatewayError} `DATASET_UNKNOWN`.
   */
  listRecords(dataset: string, page?: RecordPage): Promise<StoredRecord[]>;
  /**
   * A subject's records, in row order.
   * @throws {GatewayError} `DATASET_UNKNOWN`.
   */
  findRecordsBySubject(dataset: string, subjectId: string): Promise<StoredRecord[]>;

  /**
   * Records a new commitment version (the next number) for a dataset.
   * @throws {GatewayError} `DATASET_UNKNOWN`.
   */
  addCommitmentVersion(dataset: string, commitment: NewCommitmentVersion): Promise<CommitmentVersion>;
  /**
   * Notes the ledger transaction that anchored a version; idempotent for the same transaction.
   * @throws {GatewayError} `COMMITMENT_UNKNOWN`, `COMMITMENT_ANCHORED` (already anchored elsewhere).
   */
  markCommitmentAnchored(dataset: string, version: number, txId: string): Promise<CommitmentVersion>;
  /** The latest version when `version` is omitted; `undefined` when there is none. */
  getCommitmentVersion(dataset: string, version?: number): Promise<CommitmentVersion | undefined>;
  /** Versions in increasing order; `[]` for an unknown dataset. */
  listCommitmentVersions(dataset: string): Promise<CommitmentVersion[]>;

  appendQueryLog(entry: NewQueryLogEntry): Promise<QueryLogEntry>;
  /** Entries in increasing `id` order. */
  listQueryLog(filter?: QueryLogFilter): Promise<QueryLogEntry[]>;

  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
  /** True when the key existed. */
  deleteSetting(key: string): Promise<boolean>;

  /** Resolves when the store answers; `STORE_UNAVAILABLE` otherwise. */
  ping(): Promise<void>;
  /** Closes the store; pending import sessions are aborted. */
  close(): Promise<void>;
}

/** Bounds shared by both implementations. */
export const STORE_LIMITS = {
  recordPageDefault: 1000,
  recordPageMax: 10_000,
  queryLogPageDefault: 100,
  queryLogPageMax: 1000,
  saltBytes: 31,
} as const;
