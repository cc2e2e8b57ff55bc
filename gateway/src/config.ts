/**
 * The gateway's configuration: a JSON file, then environment overrides, validated by one zod schema.
 * A bad configuration stops the gateway at startup with one error that lists every invalid field and
 * where its value came from.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { DatasetNameSchema } from './datasets/declaration.ts';
import { formatInvalidFields, GatewayError, type InvalidField, zodIssuesToFields } from './errors.ts';
import { LOG_LEVELS } from './logging.ts';

const MIB = 1024 * 1024;

/** A ledger organisation id, as the ledger's identity registry spells it. */
const LedgerIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/,
    'must be a ledger identifier (1-128 of A-Z a-z 0-9 . _ : / -)',
  );
const HttpUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2048);
const MultiaddrSchema = z
  .string()
  .max(256)
  .regex(/^(\/[A-Za-z0-9._~:%-]+)+$/, 'must be a multiaddr like /ip4/127.0.0.1/tcp/7000');
const milliseconds = (min: number, max: number, fallback: number) =>
  z.number().int().min(min).max(max).default(fallback);

/** Timeouts and windows of a running gateway, in ms (see `GatewayConfigSchema.timeouts`). */
export const GatewayTimeoutsSchema = z
  .object({
    /** Longest wait for one MPC round. */
    mpcRoundMs: milliseconds(100, 600_000, 30_000),
    /** Longest wait for a query's control step (an RPC, a contribution, transcripts). */
    stageMs: milliseconds(100, 3_600_000, 60_000),
    /** Oldest agency authorisation a gateway accepts (its ledger timestamp); the ledger's own window is 10 min. */
    authorisationMaxAgeMs: milliseconds(1000, 600_000, 300_000),
    /** How far in the future an authorisation's timestamp may be (clock skew). */
    clockSkewMs: milliseconds(0, 300_000, 30_000),
    /** Longest wait for queries in flight at shutdown. */
    drainMs: milliseconds(0, 3_600_000, 30_000),
    /** How often peer bindings are fetched again and re-checked against the ledger (0: never). */
    peerRefreshMs: milliseconds(0, 86_400_000, 60_000),
    /** Longest pause between attempts to fetch a peer's binding (the backoff doubles up to it). */
    peerRetryMaxMs: milliseconds(100, 600_000, 30_000),
    /** Longest wait for the ledger when the status route probes it. */
    ledgerProbeMs: milliseconds(100, 60_000, 2000),
  })
  .strict();

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

    // --- a running gateway (`startGateway`); optional here so a configuration for the store or the dataset
    // tools alone stays valid. `startGateway` reports every one it needs and lacks.

    /** This gateway's ledger organisation id; default `ministryId`. */
    orgId: LedgerIdSchema.optional(),
    /**
     * The organisation's ledger key file (`privgate ledger init --org …`); mode 0600. A sealed file is
     * opened with the passphrase in the environment variable `PRIVGATE_KEY_PASSPHRASE`.
     */
    keyFile: z.string().min(1).optional(),
    /** The consortium ledger: validators' HTTP APIs, or a development ledger inside this process. */
    ledger: z
      .object({
        /** Base URLs of validators' HTTP APIs. */
        urls: z.array(HttpUrlSchema).min(1).max(32).optional(),
        /** The chain the validators must serve; default: whichever the first answering one serves. */
        chainId: z.string().min(1).max(64).optional(),
        /** DEV ONLY: a single-node LocalLedger in `dir`, initialised from a `privgate ledger init` genesis. */
        local: z
          .object({ dir: z.string().min(1), genesisFile: z.string().min(1) })
          .strict()
          .optional(),
      })
      .strict()
      .refine((l) => (l.urls === undefined) !== (l.local === undefined), 'set exactly one of urls and local')
      .refine(
        (l) => l.chainId === undefined || l.urls !== undefined,
        'chainId goes with urls (a local ledger’s is in its genesis)',
      )
      .optional(),
    /** The gateway-to-gateway network (libp2p). */
    p2p: z
      .object({
        listen: z.array(MultiaddrSchema).min(1).max(16).default(['/ip4/127.0.0.1/tcp/0']),
        /** Addresses other gateways dial (the signed binding's); default: the addresses listened on. */
        announce: z.array(MultiaddrSchema).min(1).max(16).optional(),
        /**
         * The libp2p key when the ledger key file carries none (organisations' key files do not); created
         * (mode 0600) when missing. Default `<dataDir>/peer.key`.
         */
        keyFile: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** The other gateways: their ledger ids and HTTP base URLs, where their signed peer bindings are. */
    peers: z
      .array(z.object({ orgId: LedgerIdSchema, url: HttpUrlSchema }).strict())
      .max(64)
      .refine((p) => new Set(p.map((x) => x.orgId)).size === p.length, 'orgIds must be distinct')
      .optional(),
    /** The dataset of ownership edges, the same at every gateway; default `market.ownership`. */
    ownershipDataset: DatasetNameSchema.optional(),
    /** Market regulation only: this gateway resolves related parties over its ownership graph. */
    resolver: z
      .object({
        /** The field of an ownership edge naming the owned enterprise. */
        ownedField: z.string().min(1).max(64),
        /** The registry of enterprises (which subjects exist). */
        registryDataset: DatasetNameSchema,
      })
      .strict()
      .optional(),
    /** Groth16 prover worker threads; default 1. */
    provers: z
      .object({ workers: z.number().int().min(1).max(64).default(1) })
      .strict()
      .optional(),
    /** Poseidon worker threads for dataset commitments; default 1. */
    poseidon: z
      .object({ workers: z.number().int().min(0).max(64).default(1) })
      .strict()
      .optional(),
    /** The consortium's subject key (hex, 16-64 bytes); prefer `subjectKeyFile` or `PRIVGATE_SUBJECT_KEY`. */
    subjectKey: z
      .string()
      .regex(/^([0-9a-fA-F]{2}){16,64}$/, 'must be 16-64 bytes in hex')
      .optional(),
    /** A file (mode 0600) holding the subject key in hex. */
    subjectKeyFile: z.string().min(1).optional(),
    /** Bearer token of the operator routes; prefer `operatorTokenFile` or `PRIVGATE_OPERATOR_TOKEN`. */
    operatorToken: z.string().min(16, 'must be at least 16 characters').max(512).optional(),
    /**
     * A file (mode 0600) holding the operator token. Without a token or a file, a random token is created
     * in `<dataDir>/operator.token`.
     */
    operatorTokenFile: z.string().min(1).optional(),
    /** A directory served at `/console` (the web console); unset, `/console` is not served. */
    consoleDir: z.string().min(1).optional(),
    timeouts: GatewayTimeoutsSchema.optional(),
  })
  .strict();

/** A validated configuration. */
export type GatewayConfig = z.output<typeof GatewayConfigSchema>;

/** How an environment variable's text becomes a configuration value. */
export type ConfigEnvKind =
  /** As is. */
  | 'string'
  /** A decimal integer (anything else is passed on as text, for the schema to refuse). */
  | 'integer'
  /** Comma-separated values. */
  | 'list'
  /** Comma-separated `orgId=url` pairs. */
  | 'peers';

/** Environment variables that override the file, and the field each sets. */
export const CONFIG_ENV: Readonly<Record<string, { path: readonly string[]; kind: ConfigEnvKind }>> = {
  PRIVGATE_MINISTRY_ID: { path: ['ministryId'], kind: 'string' },
  PRIVGATE_HOST: { path: ['listen', 'host'], kind: 'string' },
  PRIVGATE_PORT: { path: ['listen', 'port'], kind: 'integer' },
  PRIVGATE_DATA_DIR: { path: ['dataDir'], kind: 'string' },
  DATABASE_URL: { path: ['databaseUrl'], kind: 'string' },
  PRIVGATE_LOG_LEVEL: { path: ['logLevel'], kind: 'string' },
  PRIVGATE_JSON_BODY_LIMIT: { path: ['limits', 'jsonBodyBytes'], kind: 'integer' },
  PRIVGATE_RECORDS_BODY_LIMIT: { path: ['limits', 'recordsBodyBytes'], kind: 'integer' },
  PRIVGATE_ORG_ID: { path: ['orgId'], kind: 'string' },
  PRIVGATE_KEY_FILE: { path: ['keyFile'], kind: 'string' },
  PRIVGATE_LEDGER_URLS: { path: ['ledger', 'urls'], kind: 'list' },
  PRIVGATE_P2P_LISTEN: { path: ['p2p', 'listen'], kind: 'list' },
  PRIVGATE_PEERS: { path: ['peers'], kind: 'peers' },
  PRIVGATE_PROVER_WORKERS: { path: ['provers', 'workers'], kind: 'integer' },
  PRIVGATE_SUBJECT_KEY: { path: ['subjectKey'], kind: 'string' },
  PRIVGATE_SUBJECT_KEY_FILE: { path: ['subjectKeyFile'], kind: 'string' },
  PRIVGATE_OPERATOR_TOKEN: { path: ['operatorToken'], kind: 'string' },
  PRIVGATE_OPERATOR_TOKEN_FILE: { path: ['operatorTokenFile'], kind: 'string' },
  PRIVGATE_CONSOLE_DIR: { path: ['consoleDir'], kind: 'string' },
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
    setPath(raw, target.path, envValue(target.kind, value));
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

function envValue(kind: ConfigEnvKind, value: string): unknown {
  switch (kind) {
    case 'integer':
      return /^-?[0-9]+$/.test(value) ? Number(value) : value;
    case 'list':
      return value.split(',').map((item) => item.trim());
    case 'peers':
      return value.split(',').map((item) => {
        const at = item.indexOf('=');
        // Without `=`, the pair is passed on whole for the schema to name what is missing.
        return at < 0
          ? { orgId: item.trim() }
          : { orgId: item.slice(0, at).trim(), url: item.slice(at + 1).trim() };
      });
    default:
      return value;
  }
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
