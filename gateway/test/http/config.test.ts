import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig, sqliteDatabasePath } from '../../src/config.ts';
import { GatewayError } from '../../src/errors.ts';

const dirs: string[] = [];
function configFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'privgate-config-'));
  dirs.push(dir);
  const file = join(dir, 'gateway.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function configError(fn: () => unknown): GatewayError<'CONFIG_INVALID'> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).code).toBe('CONFIG_INVALID');
    return err as GatewayError<'CONFIG_INVALID'>;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('configuration', () => {
  it('applies defaults to a minimal file', () => {
    const config = loadConfig({ file: configFile({ ministryId: 'taxation' }), env: {} });
    expect(config).toEqual({
      ministryId: 'taxation',
      listen: { host: '127.0.0.1', port: 8443 },
      dataDir: './data',
      logLevel: 'info',
      limits: { jsonBodyBytes: 1024 * 1024, recordsBodyBytes: 64 * 1024 * 1024 },
    });
    expect(sqliteDatabasePath({ dataDir: '/var/lib/privgate' })).toBe('/var/lib/privgate/gateway.sqlite');
  });

  it('lets the environment override the file; empty variables count as unset', () => {
    const file = configFile({
      ministryId: 'taxation',
      listen: { host: '0.0.0.0', port: 9000 },
      logLevel: 'warn',
    });
    const config = loadConfig({
      file,
      env: {
        PRIVGATE_PORT: '9443',
        DATABASE_URL: 'postgres://u:p@db:5432/gw',
        PRIVGATE_LOG_LEVEL: '',
        PRIVGATE_MINISTRY_ID: 'customs',
      },
    });
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 9443 });
    expect(config.databaseUrl).toBe('postgres://u:p@db:5432/gw');
    expect(config.logLevel).toBe('warn');
    expect(config.ministryId).toBe('customs');
  });

  it('lists every invalid field with where its value came from', () => {
    const file = configFile({ listen: { port: 70000 }, logLevel: 'loud', surprise: true });
    const err = configError(() =>
      loadConfig({
        file,
        env: { PRIVGATE_DATA_DIR: '/srv/data', DATABASE_URL: 'mysql://x', PRIVGATE_PORT: 'eighty' },
      }),
    );
    const byPath = new Map(err.context.errors.map((e) => [e.path, e.in]));
    expect(byPath.get('ministryId')).toBe(`file ${file}`);
    expect(byPath.get('listen.port')).toBe('env PRIVGATE_PORT');
    expect(byPath.get('logLevel')).toBe(`file ${file}`);
    expect(byPath.get('databaseUrl')).toBe('env DATABASE_URL');
    expect(byPath.get('surprise')).toBe(`file ${file}`);
    expect(err.context.errors).toHaveLength(5);
    expect(err.message).toMatch(/^invalid configuration \(5 problems\):\n/);
    expect(err.message).toContain('env PRIVGATE_PORT.listen.port');
  });

  it('reports an unreadable or non-JSON file together with the other problems', () => {
    const missing = configError(() => loadConfig({ file: '/nonexistent/gateway.json', env: {} }));
    expect(missing.context.errors[0]).toMatchObject({
      in: 'file /nonexistent/gateway.json',
      message: /ENOENT/,
    });
    expect(missing.context.errors.map((e) => e.path)).toContain('ministryId');
    const broken = configError(() => loadConfig({ file: configFile('{ "ministryId": '), env: {} }));
    expect(broken.context.errors[0]?.message).toMatch(/not valid JSON/);
  });

  it('reads the file named by PRIVGATE_CONFIG', () => {
    const file = configFile({ ministryId: 'state-bank' });
    expect(loadConfig({ env: { PRIVGATE_CONFIG: file } }).ministryId).toBe('state-bank');
    expect(() => parseConfig({ ministryId: 'X' })).toThrow(GatewayError);
  });
});
