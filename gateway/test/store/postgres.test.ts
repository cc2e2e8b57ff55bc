import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.ts';
import { LATEST_SCHEMA_VERSION, openPostgresStore } from '../../src/store/index.ts';
import { describeStoreCompliance } from './repository.compliance.ts';

const url = process.env.PRIVGATE_TEST_DATABASE_URL;
if (url === undefined || url === '') {
  console.warn(
    'PostgreSQL store tests SKIPPED: set PRIVGATE_TEST_DATABASE_URL (e.g. postgres://privgate:privgate@127.0.0.1:5432/privgate_test)',
  );
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

function freshSchema(): string {
  return `privgate_test_${randomBytes(6).toString('hex')}`;
}

describe.skipIf(!url)('postgres store (PRIVGATE_TEST_DATABASE_URL)', () => {
  describeStoreCompliance('postgres', async () => {
    const schema = freshSchema();
    const connectionString = url!;
    const store = await openPostgresStore({ connectionString, schema, maxConnections: 4 });
    return {
      store,
      openPeer: async () => openPostgresStore({ connectionString, schema, maxConnections: 2 }),
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  });

  it('migrates once, and refuses a database migrated by a newer gateway', async () => {
    const schema = freshSchema();
    try {
      await (await openPostgresStore({ connectionString: url!, schema })).close();
      await (await openPostgresStore({ connectionString: url!, schema })).close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${schema}.schema_migrations`);
      expect(rows[0].n).toBe(LATEST_SCHEMA_VERSION);
      await client.query(`INSERT INTO ${schema}.schema_migrations VALUES ($1, 'future', now())`, [
        LATEST_SCHEMA_VERSION + 1,
      ]);
      await client.end();
      const error = await openPostgresStore({ connectionString: url!, schema }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe('STORE_SCHEMA_TOO_NEW');
    } finally {
      await dropSchema(schema);
    }
  });
});

describe('postgres store without a server', () => {
  it('reports an unreachable server as STORE_UNAVAILABLE', async () => {
    // Port 1 on loopback: refused at once, no server needed.
    const error = await openPostgresStore({
      connectionString: 'postgres://nobody:nothing@127.0.0.1:1/none',
      connectTimeoutMs: 2000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('STORE_UNAVAILABLE');
  });
});
