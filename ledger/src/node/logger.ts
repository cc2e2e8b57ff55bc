/**
 * Structured logs of a node: one JSON object per line (`time`, `level`, `node`, `msg`, then fields), the
 * shape log shippers and `jq` read without configuration. Byte arrays are written as hex; errors as their
 * `code` and `message`.
 */

/** Levels, in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Fields attached to one line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A structured logger. */
export interface NodeLogger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `bindings` to every line. */
  child(bindings: LogFields): NodeLogger;
}

function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (value instanceof Error) {
    const coded = value as Error & { code?: unknown; context?: unknown };
    return { code: coded.code, message: value.message, ...(coded.context ? { context: coded.context } : {}) };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/**
 * A JSON-lines logger writing to `write` (stderr by default) at `level` and above.
 * @example
 * const log = createJsonLogger({ level: 'info', bindings: { node: 'validator-1' } });
 * log.info('block committed', { height: 12, txs: 500 });
 */
export function createJsonLogger(
  options: { level?: LogLevel; bindings?: LogFields; write?: (line: string) => void } = {},
): NodeLogger {
  const min = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const make = (bindings: LogFields): NodeLogger => {
    const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
      if (RANK[level] < min) return;
      const record: Record<string, unknown> = { time: new Date().toISOString(), level, ...bindings, msg };
      if (fields) for (const [k, v] of Object.entries(fields)) record[k] = plain(v);
      write(`${JSON.stringify(record)}\n`);
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return make(options.bindings ?? {});
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: NodeLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
