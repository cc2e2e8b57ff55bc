import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.ts';
import { LATEST_SCHEMA_VERSION, openSqliteStore, openStore } from '../../src/store/index.ts';
import { describeStoreCompliance } from './repository.compliance.ts';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'privgate-store-'));
  dirs.push(dir);
  return join(dir, 'gateway.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describeStoreCompliance('sqlite (file, WAL)', async () => {
  const path = tempDb();
  const store = openSqliteStore({ path });
  return {
    store,
    openPeer: async () => openSqliteStore({ path }),
    cleanup: () => store.close(),
  };
});

describeStoreCompliance('sqlite (:memory:)', async () => {
  const store = openSqliteStore({ path: ':memory:' });
  return { store, cleanup: () => store.close() };
});

describe('sqlite store: schema and pragmas', () => {
  it('runs in WAL mode with foreign keys on, and migrates exactly once', async () => {
    const path = tempDb();
    const store = openSqliteStore({ path });
    expect(store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    await store.close();
    const again = openSqliteStore({ path });
    expect(again.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    await again.close();

    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({
      n: LATEST_SCHEMA_VERSION,
    });
    raw.close();
  });

  it('refuses a database migrated by a newer gateway (STORE_SCHEMA_TOO_NEW)', async () => {
    const path = tempDb();
    await openSqliteStore({ path }).close();
    const raw = new Database(path);
    raw
      .prepare("INSERT INTO schema_migrations VALUES (?, 'from the future', '2099-01-01')")
      .run(LATEST_SCHEMA_VERSION + 1);
    raw.close();
    let error: unknown;
    try {
      openSqliteStore({ path });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('STORE_SCHEMA_TOO_NEW');
    expect((error as GatewayError).context).toMatchObject({ found: LATEST_SCHEMA_VERSION + 1 });
  });

  it('reports an unopenable file as STORE_UNAVAILABLE', () => {
    expect(() => openSqliteStore({ path: join(tempDb(), 'no', 'such', 'dir.sqlite') })).toThrowError(
      expect.objectContaining({ code: 'STORE_UNAVAILABLE' }),
    );
  });
});

describe('openStore', () => {
  it('opens SQLite in the data directory when no database URL is set, creating the directory', async () => {
    const dir = join(tempDb(), '..', 'nested', 'data');
    const store = await openStore({ dataDir: dir });
    expect(store.backend).toBe('sqlite');
    await store.setSetting('k', 'v');
    await store.close();
    const again = openSqliteStore({ path: join(dir, 'gateway.sqlite') });
    expect(await again.getSetting('k')).toBe('v');
    await again.close();
  });
});
