/**
 * The gateway's configuration: a JSON file, then environment overrides, validated by one zod schema.
 * A bad configuration stops the gateway at startup with one error that lists every invalid field and
 * where its value came from.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { formatInvalidFields, GatewayError, type InvalidField, zodIssuesToFields } from './errors.ts';
import { LOG_LEVELS } from './logging.ts';

const MIB = 1024 * 1024;

/** The configuration schema; the JSON file has this shape (every field but `ministryId` has a default). */
export const GatewayConfigSchema = z
  .object({
    /** Which ministry this gateway serves, e.g. `taxation`, `customs`, `state-bank`. */
    ministryId: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be 2-63 characters of a-z, 0-9 and -, starting with a letter'),
    listen: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8443),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8443 }),
    /** Directory of the SQLite database and other local state. */
    dataDir: z.string().min(1).default('./data'),
    /** When set, PostgreSQL holds the gateway's data instead of SQLite. */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    limits: z
      .object({
        /** Largest JSON request body, in bytes. */
        jsonBodyBytes: z
          .number()
          .int()
          .min(1024)
          .max(64 * MIB)
          .default(MIB),
        /** Largest record upload (JSON lines or CSV) over HTTP, in bytes. */
        recordsBodyBytes: z
          .number()
          .int()
          .min(1024)
          .max(4096 * MIB)
          .default(64 * MIB),
      })
      .strict()
      .default({ jsonBodyBytes: MIB, recordsBodyBytes: 64 * MIB }),
  })
  .strict();

/** A validated configuration. */
export type GatewayConfig = z.output<typeof GatewayConfigSchema>;

/** Environment variables that override the file, and the field each sets. */
export const CONFIG_ENV: Readonly<Record<string, { path: readonly string[]; kind: 'string' | 'integer' }>> = {
  PRIVGATE_MINISTRY_ID: { path: ['ministryId'], kind: 'string' },
  PRIVGATE_HOST: { path: ['listen', 'host'], kind: 'string' },
  PRIVGATE_PORT: { path: ['listen', 'port'], kind: 'integer' },
  PRIVGATE_DATA_DIR: { path: ['dataDir'], kind: 'string' },
  DATABASE_URL: { path: ['databaseUrl'], kind: 'string' },
  PRIVGATE_LOG_LEVEL: { path: ['logLevel'], kind: 'string' },
  PRIVGATE_JSON_BODY_LIMIT: { path: ['limits', 'jsonBodyBytes'], kind: 'integer' },
  PRIVGATE_RECORDS_BODY_LIMIT: { path: ['limits', 'recordsBodyBytes'], kind: 'integer' },
};

export interface LoadConfigOptions {
  /** Path of the JSON file; default `$PRIVGATE_CONFIG`; without either, only the environment counts. */
  file?: string;
  /** Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Loads the configuration: the JSON file, overridden by the environment (`CONFIG_ENV`), validated.
 * Empty environment variables count as unset.
 * @throws {GatewayError} `CONFIG_INVALID` listing every invalid field with the source of its value.
 * @example
 * const config = loadConfig({ file: 'gateway.json' }); // PRIVGATE_PORT=9000 overrides listen.port
 */
export function loadConfig(options: LoadConfigOptions = {}): GatewayConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? nonEmpty(env.PRIVGATE_CONFIG);
  const errors: InvalidField[] = [];
  const sources = new Map<string, string>();
  let raw: Record<string, unknown> = {};

  if (file !== undefined) {
    const fileSource = `file ${file}`;
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        errors.push({ in: fileSource, path: '', message: 'must contain a JSON object' });
      } else {
        raw = parsed as Record<string, unknown>;
        for (const path of leafPaths(raw)) sources.set(path, fileSource);
      }
    } catch (err) {
      errors.push({ in: fileSource, path: '', message: `cannot be read: ${describe(err)}` });
    }
  }

  for (const [name, target] of Object.entries(CONFIG_ENV)) {
    const value = nonEmpty(env[name]);
    if (value === undefined) continue;
    const typed = target.kind === 'integer' && /^-?[0-9]+$/.test(value) ? Number(value) : value;
    setPath(raw, target.path, typed);
    sources.set(target.path.join('.'), `env ${name}`);
  }

  const result = GatewayConfigSchema.safeParse(raw);
  if (!result.success) {
    errors.push(...zodIssuesToFields(result.error.issues, (path) => sourceOf(sources, path, file)));
  }
  if (errors.length > 0 || !result.success) {
    throw new GatewayError(
      'CONFIG_INVALID',
      `invalid configuration (${errors.length} problem${errors.length === 1 ? '' : 's'}):\n${formatInvalidFields(errors)}`,
      { errors },
    );
  }
  return result.data;
}

/**
 * Validates a configuration object (already merged), for tests and embedding.
 * @throws {GatewayError} `CONFIG_INVALID` listing every invalid field.
 */
export function parseConfig(value: unknown): GatewayConfig {
  const result = GatewayConfigSchema.safeParse(value);
  if (result.success) return result.data;
  const errors = zodIssuesToFields(result.error.issues, 'config');
  throw new GatewayError('CONFIG_INVALID', `invalid configuration:\n${formatInvalidFields(errors)}`, {
    errors,
  });
}

/** Where the SQLite database lives when no `databaseUrl` is set. */
export function sqliteDatabasePath(config: Pick<GatewayConfig, 'dataDir'>): string {
  return join(resolve(config.dataDir), 'gateway.sqlite');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function describe(err: unknown): string {
  if (err instanceof SyntaxError) return `not valid JSON (${err.message})`;
  if (err instanceof Error && 'code' in err) return String((err as NodeJS.ErrnoException).code);
  return err instanceof Error ? err.message : String(err);
}

function sourceOf(sources: ReadonlyMap<string, string>, path: string, file: string | undefined): string {
  // The most specific recorded source that covers the path: `listen.port` from env, `listen` from file.
  for (let p = path; ; p = p.slice(0, Math.max(0, p.lastIndexOf('.')))) {
    const source = sources.get(p);
    if (source !== undefined) return source;
    if (p === '') break;
  }
  for (const [recorded, source] of sources) if (recorded.startsWith(`${path}.`)) return source;
  return file === undefined ? 'config' : `file ${file}`;
}

function leafPaths(value: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      out.push(path, ...leafPaths(item as Record<string, unknown>, path));
    } else out.push(path);
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}
