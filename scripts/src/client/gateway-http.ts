/**
 * A client of one gateway's HTTP API, for the CLI and the demo: operator routes (declare a dataset, stream
 * a record file, commit and anchor a dataset) with the operator's bearer token, the agency's query route,
 * and status. Every error answer is an RFC 9457 problem document and comes back as a
 * {@link GatewayProblem} with its code and extension members; anything else is refused.
 */
import { createReadStream, statSync } from 'node:fs';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { CodedError } from '@privgate/accel';

/**
 * A problem the gateway answered (or a transport failure, code `GATEWAY_UNREACHABLE`). Its message is
 * `<code>: <detail>`; the extension members are its context.
 */
export class GatewayProblem extends CodedError<string, Record<string, unknown>> {
  /** The problem's `detail`. */
  readonly detail: string;

  constructor(
    code: string,
    detail: string,
    readonly status: number,
    context: Record<string, unknown> = {},
  ) {
    super(code, `${code}: ${detail}`, context);
    this.detail = detail;
  }
}

/** What a record upload reports as it goes. */
export interface UploadProgress {
  bytes: number;
  totalBytes: number;
  elapsedMs: number;
}

/** The gateway's import report. */
export interface ImportReportJson {
  dataset: string;
  mode: 'append' | 'replace';
  imported: number;
  firstRowNumber: number;
  recordCount: number;
  bytes: number;
}

/** The gateway's commit report (`POST /v1/datasets/:name/commit`). */
export interface CommitReportJson {
  dataset: string;
  version: number;
  root: string;
  count: number;
  schemaHash: string;
  txId: string;
  height: number;
  seconds: number;
  timings: { readMs: number; leavesMs: number; treeMs: number; persistMs: number; anchorMs: number };
}

/** Largest answer read (a k = 3 answer with its proof bundle is a few MiB). */
const MAX_ANSWER_BYTES = 64 << 20;

/** The media type of a record file, by extension. */
export function recordMediaType(path: string): 'text/csv' | 'application/x-ndjson' {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'text/csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'application/x-ndjson';
  throw new TypeError(`${path}: expected a .csv, .jsonl or .ndjson file`);
}

/** One gateway's API. */
export class GatewayHttpClient {
  readonly url: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;

  /**
   * @param url the gateway's base URL, e.g. `http://127.0.0.1:8443`
   * @param token the operator token (operator routes only)
   */
  constructor(url: string, options: { token?: string; timeoutMs?: number } = {}) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new TypeError(`url: expected http(s), got ${url}`);
    this.url = url.replace(/\/+$/, '');
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 600_000;
  }

  /**
   * A JSON exchange.
   * @throws {GatewayProblem} the gateway's problem, or `GATEWAY_UNREACHABLE` / `GATEWAY_BAD_ANSWER`.
   */
  async call<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    init: {
      json?: unknown;
      body?: RequestInit['body'];
      contentType?: string;
      operator?: boolean;
      timeoutMs?: number;
    } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (init.operator) {
      if (this.#token === undefined)
        throw new GatewayProblem('OPERATOR_TOKEN_MISSING', 'this route needs the operator token', 0);
      headers.authorization = `Bearer ${this.#token}`;
    }
    let body: RequestInit['body'] | undefined = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] = 'application/json';
    } else if (init.contentType !== undefined) headers['content-type'] = init.contentType;
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
        redirect: 'error',
        signal: AbortSignal.timeout(init.timeoutMs ?? this.#timeoutMs),
      } as RequestInit);
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new GatewayProblem(
        'GATEWAY_UNREACHABLE',
        `${this.url}: ${cause ?? (err instanceof Error ? err.message : String(err))}`,
        0,
        { url: this.url },
      );
    }
    const text = await readLimited(res, MAX_ANSWER_BYTES);
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new GatewayProblem(
        'GATEWAY_BAD_ANSWER',
        `${method} ${path}: answer is not JSON (${res.status})`,
        res.status,
      );
    }
    if (res.ok) return json as T;
    const p = (json ?? {}) as Record<string, unknown>;
    if (typeof p.code !== 'string')
      throw new GatewayProblem(
        'GATEWAY_BAD_ANSWER',
        `${method} ${path}: ${res.status} without a problem document`,
        res.status,
      );
    const { code, detail, title, type: _t, status: _s, instance: _i, ...context } = p;
    throw new GatewayProblem(code, String(detail ?? title ?? code), res.status, context);
  }

  /** `GET /v1/status` (an operator route). */
  status<T = Record<string, unknown>>(): Promise<T> {
    return this.call<T>('GET', '/v1/status', { operator: true });
  }

  /**
   * Declares a dataset; with `ifMissing`, an existing declaration is not an error.
   * @throws {GatewayProblem} e.g. `VALIDATION_FAILED`, `DATASET_EXISTS`.
   */
  async declareDataset(declaration: { name: string }, ifMissing = false): Promise<'declared' | 'exists'> {
    try {
      await this.call('POST', '/v1/datasets', { json: declaration, operator: true });
      return 'declared';
    } catch (err) {
      if (ifMissing && err instanceof GatewayProblem && err.code === 'DATASET_EXISTS') return 'exists';
      throw err;
    }
  }

  /**
   * Streams a CSV or JSON-lines file into a dataset (`POST /v1/datasets/:name/records`), reporting bytes
   * sent. All or nothing: a bad row is answered `IMPORT_BAD_ROW` with its line, field and reason.
   * @throws {GatewayProblem}
   */
  async importFile(
    dataset: string,
    path: string,
    options: { mode?: 'append' | 'replace'; onProgress?: (p: UploadProgress) => void } = {},
  ): Promise<ImportReportJson> {
    const contentType = recordMediaType(path);
    const totalBytes = statSync(path).size;
    const started = performance.now();
    let bytes = 0;
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    file.on('data', (chunk) => {
      bytes += chunk.length;
      options.onProgress?.({ bytes, totalBytes, elapsedMs: performance.now() - started });
    });
    const body = Readable.toWeb(file) as ReadableStream<Uint8Array>;
    try {
      return await this.call<ImportReportJson>(
        'POST',
        `/v1/datasets/${encodeURIComponent(dataset)}/records?mode=${options.mode ?? 'append'}`,
        { body, contentType, operator: true },
      );
    } finally {
      file.destroy();
    }
  }

  /**
   * Builds the Poseidon commitment of a dataset's current records and anchors its root on the ledger.
   * @throws {GatewayProblem} e.g. `DATASET_UNKNOWN`, `LEDGER_TX_REJECTED`.
   */
  commitDataset(dataset: string): Promise<CommitReportJson> {
    return this.call<CommitReportJson>('POST', `/v1/datasets/${encodeURIComponent(dataset)}/commit`, {
      operator: true,
    });
  }

  /**
   * Runs a query as an agency: the request and the agency's signed authorisation (hex). Resolves with the
   * answer JSON (output, proof bundle, timings).
   * @throws {GatewayProblem} the query's typed failure, e.g. `QUERY_UNAUTHORISED`, `QUERY_PARTY_DROPPED`.
   */
  submitQuery<T = unknown>(request: unknown, authorization: string): Promise<T> {
    return this.call<T>('POST', '/v1/queries', { json: { request, authorization } });
  }

  /** What this gateway saw of a query (`GET /v1/queries/:id`). */
  queryProgress<T = unknown>(queryId: string): Promise<T> {
    return this.call<T>('GET', `/v1/queries/${queryId}`, { operator: this.#token !== undefined });
  }
}

async function readLimited(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > max)
    throw new GatewayProblem('GATEWAY_BAD_ANSWER', `answer of ${declared} bytes`, res.status);
  if (res.body === null) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > max) throw new GatewayProblem('GATEWAY_BAD_ANSWER', `answer over ${max} bytes`, res.status);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
