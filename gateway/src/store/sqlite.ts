/**
 * The SQLite store (better-sqlite3): the gateway's default. WAL journal so readers never wait for the
 * writer, prepared statements, and one transaction for every group of writes that belong together.
 *
 * Imports are streamed into a per-session TEMP table (file-backed, so a file larger than memory fits) and
 * copied into `records` in one transaction on commit: readers, on this connection or any other, see all of
 * an import or none of it, and the database write lock is held only for the final copy.
 */
import Database from 'better-sqlite3';
import { GatewayError } from '../errors.ts';
import {
  assertRecords,
  datasetExists,
  importClosed,
  nowIso,
  queryLogPage,
  recordPage,
  storeUnavailable,
  toBytes,
  unknownDataset,
} from './contract.ts';
import type {
  CommitmentVersion,
  DatasetEntry,
  GatewayStore,
  JsonObject,
  NewCommitmentVersion,
  NewDataset,
  NewQueryLogEntry,
  NewRecord,
  QueryLogEntry,
  QueryLogFilter,
  RecordImportOptions,
  RecordImportResult,
  RecordImportSession,
  RecordPage,
  StoredRecord,
} from './interface.ts';
import { LATEST_SCHEMA_VERSION, pendingMigrations } from './migrations.ts';

export interface SqliteStoreInit {
  /** Database file, or `:memory:` for tests. */
  path: string;
  /**
   * `FULL` (default) makes every commit durable across power loss: the query log is an audit trail.
   * `NORMAL` is durable across process crashes only.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a writer waits for another process's write lock, in ms; default 5000. */
  busyTimeoutMs?: number;
}

interface DatasetRow {
  id: number;
  name: string;
  declaration: string;
  schema_hash: string;
  created_at: string;
  record_count: number;
}

interface RecordRow {
  row_number: number;
  subject_id: string;
  salt: Buffer;
  field_values: string;
}

interface CommitmentRow {
  name: string;
  version: number;
  root: string;
  record_count: number;
  schema_hash: string;
  created_at: string;
  anchored_tx_id: string | null;
  anchored_at: string | null;
}

interface QueryLogRow {
  id: number;
  at: string;
  caller: string;
  kind: string;
  dataset: string | null;
  outcome: QueryLogEntry['outcome'];
  details: string;
}

type Db = Database.Database;
type Statement<P extends unknown[] = unknown[], R = unknown> = Database.Statement<P, R>;

/**
 * Opens (and migrates) a SQLite store.
 * @throws {GatewayError} `STORE_UNAVAILABLE` when the file cannot be opened, `STORE_SCHEMA_TOO_NEW` when a
 * newer gateway migrated it.
 * @example
 * const store = openSqliteStore({ path: sqliteDatabasePath(config) });
 */
export function openSqliteStore(init: SqliteStoreInit): SqliteStore {
  let db: Db;
  try {
    db = new Database(init.path);
  } catch (err) {
    throw storeUnavailable('sqlite', `cannot open ${init.path}: ${(err as Error).message}`, err);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${init.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${init.busyTimeoutMs ?? 5000}`);
    // Staging tables spill to a temporary file, not memory; their rollback journal stays in memory (a
    // failed stage is dropped whole, never rolled back to a savepoint).
    db.pragma('temp_store = FILE');
    db.pragma('temp.journal_mode = MEMORY');
    migrate(db);
    return new SqliteStore(db);
  } catch (err) {
    db.close();
    if (err instanceof GatewayError) throw err;
    throw storeUnavailable('sqlite', (err as Error).message, err);
  }
}

function migrate(db: Db): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
  const current =
    (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  if (current > LATEST_SCHEMA_VERSION) {
    throw new GatewayError(
      'STORE_SCHEMA_TOO_NEW',
      `the database is at schema version ${current}; this gateway supports up to ${LATEST_SCHEMA_VERSION}`,
      { backend: 'sqlite', found: current, supported: LATEST_SCHEMA_VERSION },
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of pendingMigrations(current)) {
    db.transaction(() => {
      for (const statement of migration.sqlite) db.exec(statement);
      record.run(migration.version, migration.name, nowIso());
    }).immediate();
  }
}

/** The SQLite implementation of {@link GatewayStore}. Create it with {@link openSqliteStore}. */
export class SqliteStore implements GatewayStore {
  readonly backend = 'sqlite' as const;
  readonly #db: Db;
  readonly #sessions = new Set<SqliteRecordImport>();
  #stageCounter = 0;
  readonly #q: ReturnType<typeof prepareStatements>;

  constructor(db: Db) {
    this.#db = db;
    this.#q = prepareStatements(db);
  }

  /** The schema version of the open database. */
  schemaVersion(): number {
    return this.#guard(
      () => (this.#db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v,
    );
  }

  async createDataset(dataset: NewDataset): Promise<DatasetEntry> {
    return this.#guard(() => {
      const createdAt = nowIso();
      try {
        this.#q.insertDataset.run(
          dataset.name,
          JSON.stringify(dataset.declaration),
          dataset.schemaHash,
          createdAt,
        );
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw datasetExists(dataset.name);
        throw err;
      }
      return {
        name: dataset.name,
        declaration: structuredClone(dataset.declaration),
        schemaHash: dataset.schemaHash,
        createdAt,
        recordCount: 0,
      };
    });
  }

  async getDataset(name: string): Promise<DatasetEntry | undefined> {
    return this.#guard(() => {
      const row = this.#q.datasetByName.get(name);
      return row === undefined ? undefined : toDataset(row);
    });
  }

  async listDatasets(): Promise<DatasetEntry[]> {
    return this.#guard(() => this.#q.allDatasets.all().map(toDataset));
  }

  async beginRecordImport(dataset: string, options: RecordImportOptions = {}): Promise<RecordImportSession> {
    return this.#guard(() => {
      if (this.#q.datasetByName.get(dataset) === undefined) throw unknownDataset(dataset);
      const table = `import_stage_${++this.#stageCounter}`;
      const session = new SqliteRecordImport(
        this,
        this.#db,
        this.#q,
        dataset,
        table,
        options.mode ?? 'append',
      );
      this.#sessions.add(session);
      return session;
    });
  }

  /** @internal Called by a session when it ends. */
  sessionEnded(session: SqliteRecordImport): void {
    this.#sessions.delete(session);
  }

  async countRecords(dataset: string): Promise<number> {
    return this.#guard(() => this.#datasetRow(dataset).record_count);
  }

  async listRecords(dataset: string, page?: RecordPage): Promise<StoredRecord[]> {
    const { afterRow, limit } = recordPage(page);
    return this.#guard(() => {
      const { id } = this.#datasetRow(dataset);
      return this.#q.recordsPage.all(id, afterRow, limit).map(toRecord);
    });
  }

  async findRecordsBySubject(dataset: string, subjectId: string): Promise<StoredRecord[]> {
    return this.#guard(() => {
      const { id } = this.#datasetRow(dataset);
      return this.#q.recordsBySubject.all(id, subjectId).map(toRecord);
    });
  }

  async addCommitmentVersion(dataset: string, commitment: NewCommitmentVersion): Promise<CommitmentVersion> {
    return this.#guard(() =>
      this.#db
        .transaction(() => {
          const { id } = this.#datasetRow(dataset);
          const { v } = this.#q.maxVersion.get(id) as { v: number | null };
          const version = (v ?? 0) + 1;
          const createdAt = nowIso();
          this.#q.insertCommitment.run(
            id,
            version,
            commitment.root,
            commitment.recordCount,
            commitment.schemaHash,
            createdAt,
          );
          return toCommitment(this.#q.commitment.get(dataset, version)!);
        })
        .immediate(),
    );
  }

  async markCommitmentAnchored(dataset: string, version: number, txId: string): Promise<CommitmentVersion> {
    return this.#guard(() =>
      this.#db
        .transaction(() => {
          const row = this.#q.commitment.get(dataset, version);
          if (row === undefined) {
            throw new GatewayError('COMMITMENT_UNKNOWN', `${dataset} has no commitment version ${version}`, {
              dataset,
              version,
            });
          }
          if (row.anchored_tx_id !== null) {
            if (row.anchored_tx_id === txId) return toCommitment(row);
            throw new GatewayError(
              'COMMITMENT_ANCHORED',
              `${dataset} version ${version} is already anchored by ${row.anchored_tx_id}`,
              { dataset, version, anchoredTxId: row.anchored_tx_id },
            );
          }
          this.#q.anchorCommitment.run(txId, nowIso(), dataset, version);
          return toCommitment(this.#q.commitment.get(dataset, version)!);
        })
        .immediate(),
    );
  }

  async getCommitmentVersion(dataset: string, version?: number): Promise<CommitmentVersion | undefined> {
    return this.#guard(() => {
      const row =
        version === undefined
          ? this.#q.latestCommitment.get(dataset)
          : this.#q.commitment.get(dataset, version);
      return row === undefined ? undefined : toCommitment(row);
    });
  }

  async listCommitmentVersions(dataset: string): Promise<CommitmentVersion[]> {
    return this.#guard(() => this.#q.commitments.all(dataset).map(toCommitment));
  }

  async appendQueryLog(entry: NewQueryLogEntry): Promise<QueryLogEntry> {
    return this.#guard(() => {
      const at = entry.at ?? nowIso();
      const details = entry.details ?? {};
      const { lastInsertRowid } = this.#q.insertQueryLog.run(
        at,
        entry.caller,
        entry.kind,
        entry.dataset ?? null,
        entry.outcome,
        JSON.stringify(details),
      );
      return {
        id: Number(lastInsertRowid),
        at,
        caller: entry.caller,
        kind: entry.kind,
        dataset: entry.dataset ?? null,
        outcome: entry.outcome,
        details: structuredClone(details),
      };
    });
  }

  async listQueryLog(filter?: QueryLogFilter): Promise<QueryLogEntry[]> {
    const page = queryLogPage(filter);
    return this.#guard(() => this.#q.queryLog.all(page).map(toQueryLog));
  }

  async getSetting(key: string): Promise<string | undefined> {
    return this.#guard(() => this.#q.getSetting.get(key)?.value);
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.#guard(() => this.#q.setSetting.run(key, value, nowIso()));
  }

  async deleteSetting(key: string): Promise<boolean> {
    return this.#guard(() => this.#q.deleteSetting.run(key).changes > 0);
  }

  async ping(): Promise<void> {
    this.#guard(() => this.#db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    for (const session of [...this.#sessions]) await session.abort();
    if (this.#db.open) this.#db.close();
  }

  #datasetRow(name: string): DatasetRow {
    const row = this.#q.datasetByName.get(name);
    if (row === undefined) throw unknownDataset(name);
    return row;
  }

  /** Runs `fn`, turning driver failures into `STORE_UNAVAILABLE`; contract errors and bugs pass through. */
  #guard<T>(fn: () => T): T {
    return guardSqlite(this.#db, fn);
  }
}

function guardSqlite<T>(db: Db, fn: () => T): T {
  if (!db.open) throw storeUnavailable('sqlite', 'the store is closed');
  try {
    return fn();
  } catch (err) {
    if (err instanceof Database.SqliteError) throw storeUnavailable('sqlite', err.code, err);
    throw err;
  }
}

/** An import into SQLite: staged in a TEMP table, copied on commit. */
class SqliteRecordImport implements RecordImportSession {
  readonly dataset: string;
  #staged = 0;
  #open = true;
  readonly #store: SqliteStore;
  readonly #db: Db;
  readonly #q: ReturnType<typeof prepareStatements>;
  readonly #table: string;
  readonly #mode: 'append' | 'replace';
  readonly #stageBatch: (records: readonly NewRecord[]) => void;
  readonly #copy: Statement<[number, number]>;

  constructor(
    store: SqliteStore,
    db: Db,
    q: ReturnType<typeof prepareStatements>,
    dataset: string,
    table: string,
    mode: 'append' | 'replace',
  ) {
    this.#store = store;
    this.#db = db;
    this.#q = q;
    this.dataset = dataset;
    this.#table = table;
    this.#mode = mode;
    db.exec(`CREATE TEMP TABLE ${table} (
      seq INTEGER PRIMARY KEY, subject_id TEXT NOT NULL, salt BLOB NOT NULL, field_values TEXT NOT NULL)`);
    const insert = db.prepare<[string, Uint8Array, string]>(
      `INSERT INTO temp.${table} (subject_id, salt, field_values) VALUES (?, ?, ?)`,
    );
    // A transaction that touches only the TEMP database takes no lock on the main one.
    this.#stageBatch = db.transaction((records: readonly NewRecord[]) => {
      for (const record of records) insert.run(record.subjectId, record.salt, JSON.stringify(record.values));
    });
    this.#copy = db.prepare<[number, number]>(
      `INSERT INTO records (dataset_id, row_number, subject_id, salt, field_values)
       SELECT ?, ? + seq - 1, subject_id, salt, field_values FROM temp.${table} ORDER BY seq`,
    );
  }

  get staged(): number {
    return this.#staged;
  }

  async append(records: readonly NewRecord[]): Promise<void> {
    if (!this.#open) throw importClosed(this.dataset);
    assertRecords(records);
    try {
      guardSqlite(this.#db, () => this.#stageBatch(records));
    } catch (err) {
      await this.abort();
      throw err;
    }
    this.#staged += records.length;
  }

  async commit(): Promise<RecordImportResult> {
    if (!this.#open) throw importClosed(this.dataset);
    try {
      return guardSqlite(this.#db, () =>
        this.#db
          .transaction((): RecordImportResult => {
            const row = this.#q.datasetByName.get(this.dataset);
            if (row === undefined) throw unknownDataset(this.dataset);
            if (this.#mode === 'replace') this.#q.deleteRecords.run(row.id);
            const base = this.#mode === 'replace' ? 0 : row.record_count;
            this.#copy.run(row.id, base);
            const recordCount = base + this.#staged;
            this.#q.setRecordCount.run(recordCount, row.id);
            return {
              dataset: this.dataset,
              mode: this.#mode,
              imported: this.#staged,
              firstRowNumber: base,
              recordCount,
            };
          })
          .immediate(),
      );
    } finally {
      await this.abort();
    }
  }

  async abort(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    this.#store.sessionEnded(this);
    if (this.#db.open) this.#db.exec(`DROP TABLE IF EXISTS temp.${this.#table}`);
  }
}

function prepareStatements(db: Db) {
  return {
    insertDataset: db.prepare<[string, string, string, string]>(
      'INSERT INTO datasets (name, declaration, schema_hash, created_at) VALUES (?, ?, ?, ?)',
    ),
    datasetByName: db.prepare<[string], DatasetRow>('SELECT * FROM datasets WHERE name = ?'),
    allDatasets: db.prepare<[], DatasetRow>('SELECT * FROM datasets ORDER BY name'),
    setRecordCount: db.prepare<[number, number]>('UPDATE datasets SET record_count = ? WHERE id = ?'),
    deleteRecords: db.prepare<[number]>('DELETE FROM records WHERE dataset_id = ?'),
    recordsPage: db.prepare<[number, number, number], RecordRow>(
      `SELECT row_number, subject_id, salt, field_values FROM records
       WHERE dataset_id = ? AND row_number > ? ORDER BY row_number LIMIT ?`,
    ),
    recordsBySubject: db.prepare<[number, string], RecordRow>(
      `SELECT row_number, subject_id, salt, field_values FROM records
       WHERE dataset_id = ? AND subject_id = ? ORDER BY row_number`,
    ),
    maxVersion: db.prepare<[number]>(
      'SELECT max(version) AS v FROM commitment_versions WHERE dataset_id = ?',
    ),
    insertCommitment: db.prepare<[number, number, string, number, string, string]>(
      `INSERT INTO commitment_versions (dataset_id, version, root, record_count, schema_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    commitment: db.prepare<[string, number], CommitmentRow>(
      `SELECT d.name, c.* FROM commitment_versions c JOIN datasets d ON d.id = c.dataset_id
       WHERE d.name = ? AND c.version = ?`,
    ),
    latestCommitment: db.prepare<[string], CommitmentRow>(
      `SELECT d.name, c.* FROM commitment_versions c JOIN datasets d ON d.id = c.dataset_id
       WHERE d.name = ? ORDER BY c.version DESC LIMIT 1`,
    ),
    commitments: db.prepare<[string], CommitmentRow>(
      `SELECT d.name, c.* FROM commitment_versions c JOIN datasets d ON d.id = c.dataset_id
       WHERE d.name = ? ORDER BY c.version`,
    ),
    anchorCommitment: db.prepare<[string, string, string, number]>(
      `UPDATE commitment_versions SET anchored_tx_id = ?, anchored_at = ?
       WHERE dataset_id = (SELECT id FROM datasets WHERE name = ?) AND version = ?`,
    ),
    insertQueryLog: db.prepare<[string, string, string, string | null, string, string]>(
      'INSERT INTO query_log (at, caller, kind, dataset, outcome, details) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    queryLog: db.prepare<
      [{ dataset: string | null; caller: string | null; afterId: number; limit: number }],
      QueryLogRow
    >(
      `SELECT * FROM query_log
       WHERE id > @afterId AND (@dataset IS NULL OR dataset = @dataset) AND (@caller IS NULL OR caller = @caller)
       ORDER BY id LIMIT @limit`,
    ),
    getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
    setSetting: db.prepare<[string, string, string]>(
      `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    ),
    deleteSetting: db.prepare<[string]>('DELETE FROM settings WHERE key = ?'),
  };
}

function toDataset(row: DatasetRow): DatasetEntry {
  return {
    name: row.name,
    declaration: JSON.parse(row.declaration) as JsonObject,
    schemaHash: row.schema_hash,
    createdAt: row.created_at,
    recordCount: row.record_count,
  };
}

function toRecord(row: RecordRow): StoredRecord {
  return {
    rowNumber: row.row_number,
    subjectId: row.subject_id,
    salt: toBytes(row.salt),
    values: JSON.parse(row.field_values) as Record<string, string>,
  };
}

function toCommitment(row: CommitmentRow): CommitmentVersion {
  return {
    dataset: row.name,
    version: row.version,
    root: row.root,
    recordCount: row.record_count,
    schemaHash: row.schema_hash,
    createdAt: row.created_at,
    anchoredTxId: row.anchored_tx_id,
    anchoredAt: row.anchored_at,
  };
}

function toQueryLog(row: QueryLogRow): QueryLogEntry {
  return {
    id: row.id,
    at: row.at,
    caller: row.caller,
    kind: row.kind,
    dataset: row.dataset,
    outcome: row.outcome,
    details: JSON.parse(row.details) as JsonObject,
  };
}
