/**
 * Record import: CSV or JSON lines, streamed (the input never has to fit in memory), validated row by row
 * against the dataset's declaration, salted, and applied all-or-nothing. The first bad row stops the
 * import with its line, field and reason; nothing of that import is applied. Rows are staged in batches
 * through the store's import session, which makes them visible only on commit.
 */
import { createReadStream, statSync } from 'node:fs';
import { extname } from 'node:path';
import { TextDecoder } from 'node:util';
import { GatewayError } from '../errors.ts';
import { type GatewayStore, type NewRecord, type RecordImportResult, STORE_LIMITS } from '../store/index.ts';
import { CsvParser, type CsvRecord, CsvSyntaxError } from './csv.ts';
import { parseDeclaration } from './declaration.ts';
import {
  compileRecordValidator,
  type EncodedRecord,
  jsonValueToText,
  type RecordValidator,
} from './field-values.ts';
import { type JsonLine, JsonLineSyntaxError, JsonLinesParser } from './jsonl.ts';

export type ImportFormat = 'csv' | 'jsonl';

/** What the progress callback is told. */
export interface ImportProgress {
  /** Valid rows read so far. */
  rows: number;
  /** Bytes read so far. */
  bytes: number;
  /** Size of the input when known (a file), for a percentage. */
  totalBytes?: number;
  elapsedMs: number;
  rowsPerSecond: number;
  bytesPerSecond: number;
  /** True once, after the commit. */
  done: boolean;
}

export interface ImportOptions {
  format: ImportFormat;
  /** `append` (default) or `replace` the dataset's records. */
  mode?: 'append' | 'replace';
  /** Input larger than this fails with `IMPORT_TOO_LARGE`; default unlimited. */
  maxBytes?: number;
  /** Rows per staged batch; default 2000. */
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** Rows between progress calls; default 50 000. */
  progressEveryRows?: number;
  /** Passed through to the progress callback. */
  totalBytes?: number;
  /** Aborting stops the import (nothing applied) and rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface ImportReport extends RecordImportResult {
  bytes: number;
  durationMs: number;
}

/** Text or bytes (UTF-8), in chunks: a file stream, an HTTP request, an array of strings. */
export type ImportSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

const DEFAULT_BATCH = 2000;
const RANDOM_CHUNK = 65_536; // crypto.getRandomValues fills at most 64 KiB per call

/**
 * Imports records into a declared dataset, all or nothing.
 * @throws {GatewayError} `DATASET_UNKNOWN`; `IMPORT_BAD_ROW` with the first bad row's line, field and reason;
 * `IMPORT_TOO_LARGE`; `STORE_UNAVAILABLE`. Nothing of the import is applied when it throws.
 * @example
 * const report = await importRecords(store, 'tax.arrears', createReadStream('arrears.csv'), {
 *   format: 'csv',
 *   onProgress: (p) => bar.update(p.bytes, { rate: p.rowsPerSecond }),
 * });
 */
export async function importRecords(
  store: GatewayStore,
  dataset: string,
  source: ImportSource,
  options: ImportOptions,
): Promise<ImportReport> {
  const started = performance.now();
  const entry = await store.getDataset(dataset);
  if (entry === undefined)
    throw new GatewayError('DATASET_UNKNOWN', `dataset ${dataset} is not declared`, { dataset });
  const validator = compileRecordValidator(parseDeclaration(entry.declaration));
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new RangeError('batchSize must be a positive integer');
  const progressEvery = options.progressEveryRows ?? 50_000;
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;

  const reader: RowReader =
    options.format === 'csv'
      ? new CsvRowReader(validator, dataset)
      : new JsonLinesRowReader(validator, dataset);
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const session = await store.beginRecordImport(dataset, { mode: options.mode ?? 'append' });

  let bytes = 0;
  let rows = 0;
  let reportedAt = 0;
  let batch = new SaltedBatch(batchSize);
  const progress = (done: boolean): void => {
    if (options.onProgress === undefined) return;
    const elapsedMs = performance.now() - started;
    const seconds = Math.max(elapsedMs, 1) / 1000;
    const report: ImportProgress = {
      rows,
      bytes,
      elapsedMs,
      rowsPerSecond: rows / seconds,
      bytesPerSecond: bytes / seconds,
      done,
    };
    if (options.totalBytes !== undefined) report.totalBytes = options.totalBytes;
    options.onProgress(report);
  };
  const take = async (records: readonly EncodedRecord[]): Promise<void> => {
    for (const record of records) {
      batch.add(record);
      if (batch.full) {
        await session.append(batch.records);
        batch = new SaltedBatch(batchSize);
      }
    }
    rows += records.length;
    if (rows - reportedAt >= progressEvery) {
      reportedAt = rows;
      progress(false);
    }
  };

  try {
    for await (const chunk of source) {
      options.signal?.throwIfAborted();
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      if (bytes > maxBytes) {
        throw new GatewayError('IMPORT_TOO_LARGE', `the import is larger than ${maxBytes} bytes`, {
          dataset,
          limitBytes: maxBytes,
        });
      }
      const text = typeof chunk === 'string' ? chunk : decode(decoder, chunk, reader, dataset);
      await take(reader.feed(text));
    }
    await take(reader.feed(decode(decoder, undefined, reader, dataset)));
    await take(reader.end());
    options.signal?.throwIfAborted();
    if (batch.records.length > 0) await session.append(batch.records);
    const result = await session.commit();
    progress(true);
    return { ...result, bytes, durationMs: performance.now() - started };
  } catch (err) {
    await session.abort();
    throw err;
  }
}

/**
 * Imports a file; the format follows the extension (`.csv`, `.jsonl`, `.ndjson`) unless given.
 * @throws {GatewayError} as {@link importRecords}.
 */
export async function importRecordsFromFile(
  store: GatewayStore,
  dataset: string,
  path: string,
  options: Partial<ImportOptions> = {},
): Promise<ImportReport> {
  const format = options.format ?? formatOfPath(path);
  const totalBytes = statSync(path).size;
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  try {
    return await importRecords(store, dataset, stream, { totalBytes, ...options, format });
  } finally {
    stream.destroy();
  }
}

/**
 * The import format of a file name.
 * @throws {TypeError} for an extension that is neither CSV nor JSON lines.
 */
export function formatOfPath(path: string): ImportFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new TypeError(`cannot tell the format of ${path}: use .csv, .jsonl or .ndjson, or pass format`);
}

function decode(
  decoder: TextDecoder,
  chunk: Uint8Array | undefined,
  reader: RowReader,
  dataset: string,
): string {
  try {
    return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
  } catch {
    throw badRow(dataset, reader.line, undefined, 'not valid UTF-8');
  }
}

function badRow(dataset: string, line: number, field: string | undefined, reason: string): GatewayError {
  const where = field === undefined ? '' : `, field ${field}`;
  const context: { dataset: string; line: number; field?: string; reason: string } = {
    dataset,
    line,
    reason,
  };
  if (field !== undefined) context.field = field;
  return new GatewayError('IMPORT_BAD_ROW', `${dataset}: line ${line}${where}: ${reason}`, context);
}

/** A batch of records with salts drawn from the platform CSPRNG in one call per 64 KiB. */
class SaltedBatch {
  readonly records: NewRecord[] = [];
  readonly #salts: Uint8Array;
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#salts = new Uint8Array(capacity * STORE_LIMITS.saltBytes);
    for (let offset = 0; offset < this.#salts.length; offset += RANDOM_CHUNK) {
      crypto.getRandomValues(this.#salts.subarray(offset, offset + RANDOM_CHUNK));
    }
  }

  get full(): boolean {
    return this.records.length >= this.#capacity;
  }

  add(record: EncodedRecord): void {
    const offset = this.records.length * STORE_LIMITS.saltBytes;
    this.records.push({
      subjectId: record.subjectId,
      values: record.values,
      salt: this.#salts.subarray(offset, offset + STORE_LIMITS.saltBytes),
    });
  }
}

interface RowReader {
  /** The physical line being read. */
  readonly line: number;
  feed(text: string): EncodedRecord[];
  end(): EncodedRecord[];
}

/** CSV: a header line naming every field of the dataset (any order), then one record per row. */
class CsvRowReader implements RowReader {
  readonly #parser = new CsvParser();
  readonly #validator: RecordValidator;
  readonly #dataset: string;
  #header: string[] | undefined;

  constructor(validator: RecordValidator, dataset: string) {
    this.#validator = validator;
    this.#dataset = dataset;
  }

  get line(): number {
    return this.#parser.line;
  }

  feed(text: string): EncodedRecord[] {
    return this.#rows((out) => this.#parser.feed(text, out));
  }

  end(): EncodedRecord[] {
    const rows = this.#rows((out) => this.#parser.end(out));
    if (this.#header === undefined) {
      throw badRow(this.#dataset, 1, undefined, 'empty input: expected a header line naming the fields');
    }
    return rows;
  }

  #rows(parse: (out: CsvRecord[]) => void): EncodedRecord[] {
    // Records before a syntax error are validated first: the first bad row is the one reported.
    const records: CsvRecord[] = [];
    let syntaxError: CsvSyntaxError | undefined;
    try {
      parse(records);
    } catch (err) {
      if (!(err instanceof CsvSyntaxError)) throw err;
      syntaxError = err;
    }
    const out: EncodedRecord[] = [];
    for (const { fields, line } of records) {
      if (fields.length === 1 && fields[0] === '') continue; // a blank line
      if (this.#header === undefined) {
        this.#header = this.#checkHeader(fields, line);
        continue;
      }
      const header = this.#header;
      if (fields.length !== header.length) {
        throw badRow(
          this.#dataset,
          line,
          undefined,
          `expected ${header.length} fields, got ${fields.length}`,
        );
      }
      const row: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) row[header[i]!] = fields[i]!;
      const outcome = this.#validator.validate(row);
      if (!outcome.ok) throw badRow(this.#dataset, line, outcome.field, outcome.reason);
      out.push(outcome.record);
    }
    if (syntaxError !== undefined) {
      throw badRow(
        this.#dataset,
        syntaxError.line,
        this.#header?.[syntaxError.column - 1],
        syntaxError.reason,
      );
    }
    return out;
  }

  #checkHeader(fields: string[], line: number): string[] {
    const known = new Set(this.#validator.fieldNames);
    const seen = new Set<string>();
    for (const name of fields) {
      if (!known.has(name))
        throw badRow(this.#dataset, line, name, 'header names a column that is not a field');
      if (seen.has(name)) throw badRow(this.#dataset, line, name, 'header names this column twice');
      seen.add(name);
    }
    for (const name of this.#validator.fieldNames) {
      if (!seen.has(name)) throw badRow(this.#dataset, line, name, 'header lacks this field');
    }
    return fields;
  }
}

/** JSON lines: one object per line, keyed by field name. */
class JsonLinesRowReader implements RowReader {
  readonly #parser = new JsonLinesParser();
  readonly #validator: RecordValidator;
  readonly #dataset: string;
  #line = 1;

  constructor(validator: RecordValidator, dataset: string) {
    this.#validator = validator;
    this.#dataset = dataset;
  }

  get line(): number {
    return this.#line;
  }

  feed(text: string): EncodedRecord[] {
    return this.#rows((out) => this.#parser.feed(text, out));
  }

  end(): EncodedRecord[] {
    return this.#rows((out) => this.#parser.end(out));
  }

  #rows(parse: (out: JsonLine[]) => void): EncodedRecord[] {
    const lines: JsonLine[] = [];
    let syntaxError: JsonLineSyntaxError | undefined;
    try {
      parse(lines);
    } catch (err) {
      if (!(err instanceof JsonLineSyntaxError)) throw err;
      syntaxError = err;
    }
    const out: EncodedRecord[] = [];
    for (const { value, line } of lines) {
      this.#line = line;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw badRow(this.#dataset, line, undefined, 'must be a JSON object keyed by field name');
      }
      const row: Record<string, string> = {};
      for (const [name, item] of Object.entries(value)) {
        const text = jsonValueToText(item);
        if ('reason' in text) throw badRow(this.#dataset, line, name, text.reason);
        row[name] = text.text;
      }
      const outcome = this.#validator.validate(row);
      if (!outcome.ok) throw badRow(this.#dataset, line, outcome.field, outcome.reason);
      out.push(outcome.record);
    }
    if (syntaxError !== undefined)
      throw badRow(this.#dataset, syntaxError.line, undefined, syntaxError.reason);
    return out;
  }
}
