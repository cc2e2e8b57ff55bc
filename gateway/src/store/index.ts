/** The gateway's repository: one interface, SQLite (default) and PostgreSQL implementations. */
import { mkdirSync } from 'node:fs';
import { type GatewayConfig, sqliteDatabasePath } from '../config.ts';
import type { GatewayStore } from './interface.ts';
import { openPostgresStore } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';

export type * from './interface.ts';
export { STORE_LIMITS } from './interface.ts';
export { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations.ts';
export { openPostgresStore, type PostgresStore, type PostgresStoreInit } from './postgres.ts';
export { openSqliteStore, type SqliteStore, type SqliteStoreInit } from './sqlite.ts';

/**
 * Opens the store the configuration names: PostgreSQL when `databaseUrl` is set, otherwise SQLite in
 * `dataDir` (created when missing).
 * @throws {GatewayError} `STORE_UNAVAILABLE`, `STORE_SCHEMA_TOO_NEW`.
 */
export async function openStore(
  config: Pick<GatewayConfig, 'databaseUrl' | 'dataDir'>,
): Promise<GatewayStore> {
  if (config.databaseUrl !== undefined) return openPostgresStore({ connectionString: config.databaseUrl });
  mkdirSync(config.dataDir, { recursive: true });
  return openSqliteStore({ path: sqliteDatabasePath(config) });
}
