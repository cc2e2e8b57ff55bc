/**
 * The PostgreSQL store (pg Pool), used when `DATABASE_URL` is set. An import runs in one transaction on a
 * dedicated connection: MVCC keeps its rows invisible to every other connection until COMMIT, and the
 * dataset row is locked `FOR NO KEY UPDATE` so concurrent imports into one dataset serialise (commitment
 * versions, which only take a key-share lock through their foreign key, are not blocked).
 */
import pg from 'pg';
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

export interface PostgresStoreInit {
  /** `postgres://user:password@host:port/database`. */
  connectionString: string;
  /** Schema for the gateway's tables (created when missing); default: the server's search_path. */
  schema?: string;
  /** Pool size; default 10. */
  maxConnections?: number;
  /** How long to wait for a connection, in ms; default 5000. */
  connectTimeoutMs?: number;
  /** Told about errors of idle pooled connections (which would otherwise crash the process). */
  onIdleError?: (err: Error) => void;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * Connects to PostgreSQL and migrates the schema.
 * @throws {GatewayError} `STORE_UNAVAILABLE` when the server cannot be reached, `STORE_SCHEMA_TOO_NEW`
 * when a newer gateway migrated it.
 * @example
 * const store = await openPostgresStore({ connectionString: config.databaseUrl });
 */
export async function openPostgresStore(init: PostgresStoreInit): Promise<PostgresStore> {
  if (init.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(init.schema)) {
    throw new RangeError('schema must be a lower-case SQL identifier');
  }
  const config: pg.PoolConfig = {
    connectionString: init.connectionString,
    max: init.maxConnections ?? 10,
    connectionTimeoutMillis: init.connectTimeoutMs ?? 5000,
  };
  if (init.schema !== undefined) config.options = `-c search_path=${init.schema}`;
  const pool = new pg.Pool(config);
  pool.on('error', (err) => init.onIdleError?.(err));
  try {
    await migrate(pool, init.schema);
  } catch (err) {
    await pool.end().catch(() => {});
    throw toStoreError(err);
  }
  return new PostgresStore(pool);
}

async function migrate(pool: pg.Pool, schema: string | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query('BEGIN');
    // Gateways starting together on one database take turns.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('privgate.migrations.' || current_schema()))");
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`);
    const { rows } = await client.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM schema_migrations',
    );
    const current = rows[0]?.v ?? 0;
    if (current > LATEST_SCHEMA_VERSION) {
      throw new GatewayError(
        'STORE_SCHEMA_TOO_NEW',
        `the database is at schema version ${current}; this gateway supports up to ${LATEST_SCHEMA_VERSION}`,
        { backend: 'postgres', found: current, supported: LATEST_SCHEMA_VERSION },
      );
    }
    for (const migration of pendingMigrations(current)) {
      for (const statement of migration.postgres) await client.query(statement);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        nowIso(),
      ]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

// SQLSTATE classes that mean the server or the connection, not the statement, failed.
const UNAVAILABLE_SQLSTATE = /^(08|53|57|58|28|3D|40P01)/;

/** Contract errors and programming errors pass through; connection and server failures become unavailable. */
function toStoreError(err: unknown): unknown {
  if (err instanceof GatewayError || err instanceof TypeError || err instanceof RangeError) return err;
  if (err instanceof pg.DatabaseError) {
    return UNAVAILABLE_SQLSTATE.test(err.code ?? '')
      ? storeUnavailable('postgres', err.code ?? 'error', err)
      : err;
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return storeUnavailable('postgres', typeof code === 'string' ? code : err.message, err);
  }
  return err;
}

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toStoreError(err);
  }
}

interface DatasetRow {
  id: string;
  name: string;
  declaration: JsonObject;
  schema_hash: string;
  created_at: Date;
  record_count: string;
}

interface RecordRow {
  row_number: string;
  subject_id: string;
  salt: Buffer;
  field_values: Record<string, string>;
}

interface CommitmentRow {
  name: string;
  version: number;
  root: string;
  record_count: string;
  schema_hash: string;
  created_at: Date;
  anchored_tx_id: string | null;
  anchored_at: Date | null;
}

interface QueryLogRow {
  id: string;
  at: Date;
  caller: string;
  kind: string;
  dataset: string | null;
  outcome: QueryLogEntry['outcome'];
  details: JsonObject;
}

const COMMITMENT_COLUMNS = `d.name, c.version, c.root, c.record_count, c.schema_hash, c.created_at,
  c.anchored_tx_id, c.anchored_at`;

/** The PostgreSQL implementation of {@link GatewayStore}. Create it with {@link openPostgresStore}. */
export class PostgresStore implements GatewayStore {
  readonly backend = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #sessions = new Set<PostgresRecordImport>();
  #closed = false;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async createDataset(dataset: NewDataset): Promise<DatasetEntry> {
    return this.#guard(async () => {
      try {
        const { rows } = await this.#pool.query<DatasetRow>(
          `INSERT INTO datasets (name, declaration, schema_hash, created_at) VALUES ($1, $2, $3, $4)
           RETURNING *`,
          [dataset.name, JSON.stringify(dataset.declaration), dataset.schemaHash, nowIso()],
        );
        return toDataset(rows[0]!);
      } catch (err) {
        if (err instanceof pg.DatabaseError && err.code === '23505') throw datasetExists(dataset.name);
        throw err;
      }
    });
  }

  async getDataset(name: string): Promise<DatasetEntry | undefined> {
    return this.#guard(async () => {
      const row = await datasetRow(this.#pool, name);
      return row === undefined ? undefined : toDataset(row);
    });
  }

  async listDatasets(): Promise<DatasetEntry[]> {
    return this.#guard(async () => {
      const { rows } = await this.#pool.query<DatasetRow>('SELECT * FROM datasets ORDER BY name');
      return rows.map(toDataset);
    });
  }

  async beginRecordImport(dataset: string, options: RecordImportOptions = {}): Promise<RecordImportSession> {
    return this.#guard(async () => {
      const session = await PostgresRecordImport.begin(this, this.#pool, dataset, options.mode ?? 'append');
      this.#sessions.add(session);
      return session;
    });
  }

  /** @internal Called by a session when it ends. */
  sessionEnded(session: PostgresRecordImport): void {
    this.#sessions.delete(session);
  }

  async countRecords(dataset: string): Promise<number> {
    return this.#guard(async () => Number((await this.#requireDataset(dataset)).record_count));
  }

  async listRecords(dataset: string, page?: RecordPage): Promise<StoredRecord[]> {
    const { afterRow, limit } = recordPage(page);
    return this.#guard(async () => {
      const { id } = await this.#requireDataset(dataset);
      const { rows } = await this.#pool.query<RecordRow>(
        `SELECT row_number, subject_id, salt, field_values FROM records
         WHERE dataset_id = $1 AND row_number > $2 ORDER BY row_number LIMIT $3`,
        [id, afterRow, limit],
      );
      return rows.map(toRecord);
    });
  }

  async findRecordsBySubject(dataset: string, subjectId: string): Promise<StoredRecord[]> {
    return this.#guard(async () => {
      const { id } = await this.#requireDataset(dataset);
      const { rows } = await this.#pool.query<RecordRow>(
        `SELECT row_number, subject_id, salt, field_values FROM records
         WHERE dataset_id = $1 AND subject_id = $2 ORDER BY row_number`,
        [id, subjectId],
      );
      return rows.map(toRecord);
    });
  }

  async addCommitmentVersion(dataset: string, commitment: NewCommitmentVersion): Promise<CommitmentVersion> {
    return this.#guard(async () => {
      // Next version in one statement; two writers racing for the same number retry on the primary key.
      for (let attempt = 0; ; attempt++) {
        try {
          const { rows } = await this.#pool.query<CommitmentRow>(
            `WITH inserted AS (
               INSERT INTO commitment_versions (dataset_id, version, root, record_count, schema_hash, created_at)
               SELECT d.id, coalesce((SELECT max(version) FROM commitment_versions WHERE dataset_id = d.id), 0) + 1,
                      $2, $3, $4, $5
               FROM datasets d WHERE d.name = $1
               RETURNING *)
             SELECT ${COMMITMENT_COLUMNS} FROM inserted c JOIN datasets d ON d.id = c.dataset_id`,
            [dataset, commitment.root, commitment.recordCount, commitment.schemaHash, nowIso()],
          );
          if (rows[0] === undefined) throw unknownDataset(dataset);
          return toCommitment(rows[0]);
        } catch (err) {
          if (attempt < 5 && err instanceof pg.DatabaseError && err.code === '23505') continue;
          throw err;
        }
      }
    });
  }

  async markCommitmentAnchored(dataset: string, version: number, txId: string): Promise<CommitmentVersion> {
    return this.#guard(async () => {
      const { rows } = await this.#pool.query<CommitmentRow>(
        `UPDATE commitment_versions c SET anchored_tx_id = $3, anchored_at = $4
         FROM datasets d WHERE d.id = c.dataset_id AND d.name = $1 AND c.version = $2 AND c.anchored_tx_id IS NULL
         RETURNING ${COMMITMENT_COLUMNS}`,
        [dataset, version, txId, nowIso()],
      );
      if (rows[0] !== undefined) return toCommitment(rows[0]);
      const existing = await this.getCommitmentVersion(dataset, version);
      if (existing === undefined) {
        throw new GatewayError('COMMITMENT_UNKNOWN', `${dataset} has no commitment version ${version}`, {
          dataset,
          version,
        });
      }
      if (existing.anchoredTxId === txId) return existing;
      throw new GatewayError(
        'COMMITMENT_ANCHORED',
        `${dataset} version ${version} is already anchored by ${existing.anchoredTxId}`,
        { dataset, version, anchoredTxId: existing.anchoredTxId ?? '' },
      );
    });
  }

  async getCommitmentVersion(dataset: string, version?: number): Promise<CommitmentVersion | undefined> {
    return this.#guard(async () => {
      const { rows } = await this.#pool.query<CommitmentRow>(
        `SELECT ${COMMITMENT_COLUMNS} FROM commitment_versions c JOIN datasets d ON d.id = c.dataset_id
         WHERE d.name = $1 AND ($2::integer IS NULL OR c.version = $2) ORDER BY c.version DESC LIMIT 1`,
        [dataset, version ?? null],
      );
      return rows[0] === undefined ? undefined : toCommitment(rows[0]);
    });
  }

  async listCommitmentVersions(dataset: string): Promise<CommitmentVersion[]> {
    return this.#guard(async () => {
      const { rows } = await this.#pool.query<CommitmentRow>(
        `SELECT ${COMMITMENT_COLUMNS} FROM commitment_versions c JOIN datasets d ON d.id = c.dataset_id
         WHERE d.name = $1 ORDER BY c.version`,
        [dataset],
      );
      return rows.map(toCommitment);
    });
  }

  async appendQueryLog(entry: NewQueryLogEntry): Promise<QueryLogEntry> {
    return this.#guard(async () => {
      const { rows } = await this.#pool.query<QueryLogRow>(
        `INSERT INTO query_log (at, caller, kind, dataset, outcome, details) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING *`,
        [
          entry.at ?? nowIso(),
          entry.caller,
          entry.kind,
          entry.dataset ?? null,
          entry.outcome,
          JSON.stringify(entry.details ?? {}),
        ],
      );
      return toQueryLog(rows[0]!);
    });
  }

  async listQueryLog(filter?: QueryLogFilter): Promise<QueryLogEntry[]> {
    const page = queryLogPage(filter);
    return this.#guard(async () => {
      const { rows } = await this.#pool.query<QueryLogRow>(
        `SELECT * FROM query_log
         WHERE id > $1 AND ($2::text IS NULL OR dataset = $2) AND ($3::text IS NULL OR caller = $3)
         ORDER BY id LIMIT $4`,
        [page.afterId, page.dataset, page.caller, page.limit],
      );
      return rows.map(toQueryLog);
    });
  }

  async getSetting(key: string): Promise<string | undefined> {
    return this.#guard(async () => {
      const { rows } = await this.#pool.query<{ value: string }>(
        'SELECT value FROM settings WHERE key = $1',
        [key],
      );
      return rows[0]?.value;
    });
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.#guard(() =>
      this.#pool.query(
        `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        [key, value, nowIso()],
      ),
    );
  }

  async deleteSetting(key: string): Promise<boolean> {
    return this.#guard(async () => {
      const { rowCount } = await this.#pool.query('DELETE FROM settings WHERE key = $1', [key]);
      return (rowCount ?? 0) > 0;
    });
  }

  async ping(): Promise<void> {
    await this.#guard(() => this.#pool.query('SELECT 1'));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const session of [...this.#sessions]) await session.abort();
    await this.#pool.end();
  }

  async #requireDataset(name: string): Promise<DatasetRow> {
    const row = await datasetRow(this.#pool, name);
    if (row === undefined) throw unknownDataset(name);
    return row;
  }

  #guard<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(storeUnavailable('postgres', 'the store is closed'));
    return guard(fn);
  }
}

async function datasetRow(db: Queryable, name: string, lock = ''): Promise<DatasetRow | undefined> {
  const { rows } = await db.query<DatasetRow>(`SELECT * FROM datasets WHERE name = $1 ${lock}`, [name]);
  return rows[0];
}

/** An import into PostgreSQL: one transaction on a dedicated connection. */
class PostgresRecordImport implements RecordImportSession {
  readonly dataset: string;
  #staged = 0;
  #open = true;
  readonly #store: PostgresStore;
  readonly #client: pg.PoolClient;
  readonly #datasetId: string;
  readonly #base: number;
  readonly #mode: 'append' | 'replace';

  private constructor(
    store: PostgresStore,
    client: pg.PoolClient,
    dataset: string,
    datasetId: string,
    base: number,
    mode: 'append' | 'replace',
  ) {
    this.#store = store;
    this.#client = client;
    this.dataset = dataset;
    this.#datasetId = datasetId;
    this.#base = base;
    this.#mode = mode;
  }

  static async begin(
    store: PostgresStore,
    pool: pg.Pool,
    dataset: string,
    mode: 'append' | 'replace',
  ): Promise<PostgresRecordImport> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const row = await datasetRow(client, dataset, 'FOR NO KEY UPDATE');
      if (row === undefined) throw unknownDataset(dataset);
      if (mode === 'replace') await client.query('DELETE FROM records WHERE dataset_id = $1', [row.id]);
      const base = mode === 'replace' ? 0 : Number(row.record_count);
      return new PostgresRecordImport(store, client, dataset, row.id, base, mode);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
      throw err;
    }
  }

  get staged(): number {
    return this.#staged;
  }

  async append(records: readonly NewRecord[]): Promise<void> {
    if (!this.#open) throw importClosed(this.dataset);
    assertRecords(records);
    if (records.length === 0) return;
    const subjects = new Array<string>(records.length);
    const salts = new Array<string>(records.length);
    const values = new Array<string>(records.length);
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      subjects[i] = record.subjectId;
      salts[i] = Buffer.from(record.salt.buffer, record.salt.byteOffset, record.salt.byteLength).toString(
        'hex',
      );
      values[i] = JSON.stringify(record.values);
    }
    try {
      await guard(() =>
        this.#client.query(
          `INSERT INTO records (dataset_id, row_number, subject_id, salt, field_values)
           SELECT $1, $2 + t.ord - 1, t.subject_id, decode(t.salt, 'hex'), t.field_values::jsonb
           FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS t(subject_id, salt, field_values, ord)`,
          [this.#datasetId, this.#base + this.#staged, subjects, salts, values],
        ),
      );
    } catch (err) {
      await this.#end(err);
      throw err;
    }
    this.#staged += records.length;
  }

  async commit(): Promise<RecordImportResult> {
    if (!this.#open) throw importClosed(this.dataset);
    const recordCount = this.#base + this.#staged;
    try {
      await guard(async () => {
        await this.#client.query('UPDATE datasets SET record_count = $1 WHERE id = $2', [
          recordCount,
          this.#datasetId,
        ]);
        await this.#client.query('COMMIT');
      });
    } catch (err) {
      await this.#end(err);
      throw err;
    }
    this.#open = false;
    this.#store.sessionEnded(this);
    this.#client.release();
    return {
      dataset: this.dataset,
      mode: this.#mode,
      imported: this.#staged,
      firstRowNumber: this.#base,
      recordCount,
    };
  }

  async abort(): Promise<void> {
    await this.#end();
  }

  async #end(failure?: unknown): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    this.#store.sessionEnded(this);
    let broken = failure instanceof GatewayError && failure.code === 'STORE_UNAVAILABLE';
    if (!broken) {
      try {
        await this.#client.query('ROLLBACK');
      } catch {
        broken = true;
      }
    }
    // A broken connection is destroyed, not returned to the pool.
    this.#client.release(broken);
  }
}

function iso(value: Date): string {
  return value.toISOString();
}

function toDataset(row: DatasetRow): DatasetEntry {
  return {
    name: row.name,
    declaration: row.declaration,
    schemaHash: row.schema_hash,
    createdAt: iso(row.created_at),
    recordCount: Number(row.record_count),
  };
}

function toRecord(row: RecordRow): StoredRecord {
  return {
    rowNumber: Number(row.row_number),
    subjectId: row.subject_id,
    salt: toBytes(row.salt),
    values: row.field_values,
  };
}

function toCommitment(row: CommitmentRow): CommitmentVersion {
  return {
    dataset: row.name,
    version: row.version,
    root: row.root,
    recordCount: Number(row.record_count),
    schemaHash: row.schema_hash,
    createdAt: iso(row.created_at),
    anchoredTxId: row.anchored_tx_id,
    anchoredAt: row.anchored_at === null ? null : iso(row.anchored_at),
  };
}

function toQueryLog(row: QueryLogRow): QueryLogEntry {
  return {
    id: Number(row.id),
    at: iso(row.at),
    caller: row.caller,
    kind: row.kind,
    dataset: row.dataset,
    outcome: row.outcome,
    details: row.details,
  };
}
