/**
 * The gateway's logger: pino, with every key-like value redacted wherever it sits in a logged object.
 *
 * pino's own `redact` takes fixed paths (`a.b`, `*.b`), which misses a salt three levels down in a record
 * someone logs while debugging; so redaction here walks the logged object and masks by key name
 * (private keys, passphrases, passwords, secrets, salts, tokens, authorization and cookie headers).
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Levels the configuration accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What replaces a redacted value. */
export const REDACTED = '[Redacted]';

// Matched against the key lower-cased with `-` and `_` removed, so `private_key`, `privateKey`,
// `X-Private-Key` and `sm2PrivateKey` all match; the suffix match catches `recordSalt`, `keyPassphrase`.
// Short names that end many innocent words (`sk` in `task`, `pin` in `spin`) only match exactly.
const SECRET_SUFFIX =
  /(privatekey|secretkey|signingkey|subjectkey|peerkey|passphrase|password|passwd|secret|salt|salts|authorization|cookie|apikey|token|tokens|mnemonic|seed|credentials?)$/;
const SECRET_EXACT = /^(sk|pin|d)$/; // `d`: the private scalar of a JWK

/** True when a property with this name holds something that must never reach a log. */
export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_SUFFIX.test(normalized) || SECRET_EXACT.test(normalized);
}

const MAX_DEPTH = 8;

/**
 * Returns a copy of `value` with every key-like property replaced by `[Redacted]`. Plain objects and
 * arrays are walked (cycles are cut); anything else (Buffers, Dates, class instances) is kept as is.
 */
export function redactSecrets(value: unknown): unknown {
  return redact(value, 0, new WeakSet());
}

function redact(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return '[Array]';
    seen.add(value);
    const out = value.map((item) => redact(item, depth + 1, seen));
    seen.delete(value);
    return out;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  if (depth >= MAX_DEPTH) return '[Object]';
  seen.add(value);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSecretKey(key) ? REDACTED : redact(item, depth + 1, seen);
  }
  seen.delete(value);
  return out;
}

/** Serialises an error with pino's standard serializer, then redacts its context. */
function errorSerializer(err: unknown): unknown {
  if (!(err instanceof Error)) return redactSecrets(err);
  return redactSecrets({ ...pino.stdSerializers.err(err) });
}

export interface LoggerInit {
  level?: LogLevel;
  /** Logger name, e.g. the ministry id. */
  name?: string;
  /** Fixed bindings on every line (redacted like everything else). */
  base?: Record<string, unknown>;
}

/**
 * Creates the gateway logger. Writes JSON lines to `destination` (default stdout).
 * @example
 * const log = createLogger({ level: config.logLevel, name: config.ministryId });
 * log.info({ dataset: 'tax.arrears', rows }, 'import committed');
 */
export function createLogger(init: LoggerInit = {}, destination?: DestinationStream): Logger {
  const base: Record<string, unknown> = { ...init.base };
  if (init.name !== undefined) base.name = init.name;
  const options: LoggerOptions = {
    level: init.level ?? 'info',
    base: Object.keys(base).length === 0 ? null : (redactSecrets(base) as Record<string, unknown>),
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => redactSecrets(bindings) as Record<string, unknown>,
      log: (object) => redactSecrets(object) as Record<string, unknown>,
    },
    serializers: { err: errorSerializer, error: errorSerializer },
  };
  const logger = destination === undefined ? pino(options) : pino(options, destination);
  // pino applies the bindings formatter to the root's bindings only; children are created with
  // Object.create(parent), so this override covers every descendant's bindings too.
  const child = logger.child;
  logger.child = function redactedChild(this: Logger, bindings, childOptions) {
    return child.call(this, redactSecrets(bindings) as typeof bindings, childOptions);
  } as Logger['child'];
  return logger;
}
