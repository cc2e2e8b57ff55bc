/**
 * The store's schema, versioned in code: each migration has its SQLite and its PostgreSQL statements, and
 * runs once, in one transaction with its `schema_migrations` row. A database migrated by a newer gateway
 * is refused rather than guessed at.
 */

export interface Migration {
  version: number;
  name: string;
  sqlite: readonly string[];
  postgres: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'datasets, records, commitment versions, query log, settings',
    sqlite: [
      `CREATE TABLE datasets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        declaration TEXT NOT NULL,
        schema_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        record_count INTEGER NOT NULL DEFAULT 0
      ) STRICT`,
      // Rows are few bytes and always read by (dataset, row): one B-tree, no rowid.
      `CREATE TABLE records (
        dataset_id INTEGER NOT NULL REFERENCES datasets (id),
        row_number INTEGER NOT NULL,
        subject_id TEXT NOT NULL,
        salt BLOB NOT NULL,
        field_values TEXT NOT NULL,
        PRIMARY KEY (dataset_id, row_number)
      ) STRICT, WITHOUT ROWID`,
      'CREATE INDEX records_by_subject ON records (dataset_id, subject_id)',
      `CREATE TABLE commitment_versions (
        dataset_id INTEGER NOT NULL REFERENCES datasets (id),
        version INTEGER NOT NULL,
        root TEXT NOT NULL,
        record_count INTEGER NOT NULL,
        schema_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        anchored_tx_id TEXT,
        anchored_at TEXT,
        PRIMARY KEY (dataset_id, version)
      ) STRICT`,
      `CREATE TABLE query_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        caller TEXT NOT NULL,
        kind TEXT NOT NULL,
        dataset TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'refused', 'failed')),
        details TEXT NOT NULL
      ) STRICT`,
      'CREATE INDEX query_log_by_dataset ON query_log (dataset, id)',
      `CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT`,
    ],
    postgres: [
      // `json`, not `jsonb`, for the declaration: it is returned exactly as declared.
      `CREATE TABLE datasets (
        id BIGSERIAL PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        declaration JSON NOT NULL,
        schema_hash TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        record_count BIGINT NOT NULL DEFAULT 0
      )`,
      `CREATE TABLE records (
        dataset_id BIGINT NOT NULL REFERENCES datasets (id),
        row_number BIGINT NOT NULL,
        subject_id TEXT NOT NULL,
        salt BYTEA NOT NULL,
        field_values JSONB NOT NULL,
        PRIMARY KEY (dataset_id, row_number)
      )`,
      'CREATE INDEX records_by_subject ON records (dataset_id, subject_id)',
      `CREATE TABLE commitment_versions (
        dataset_id BIGINT NOT NULL REFERENCES datasets (id),
        version INTEGER NOT NULL,
        root TEXT NOT NULL,
        record_count BIGINT NOT NULL,
        schema_hash TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        anchored_tx_id TEXT,
        anchored_at TIMESTAMPTZ,
        PRIMARY KEY (dataset_id, version)
      )`,
      `CREATE TABLE query_log (
        id BIGSERIAL PRIMARY KEY,
        at TIMESTAMPTZ NOT NULL,
        caller TEXT NOT NULL,
        kind TEXT NOT NULL,
        dataset TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'refused', 'failed')),
        details JSONB NOT NULL
      )`,
      'CREATE INDEX query_log_by_dataset ON query_log (dataset, id)',
      `CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      )`,
    ],
  },
];

/** The schema version this gateway writes. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Migrations after `current`, in order. */
export function pendingMigrations(
  current: number,
  migrations: readonly Migration[] = MIGRATIONS,
): Migration[] {
  return migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
}
