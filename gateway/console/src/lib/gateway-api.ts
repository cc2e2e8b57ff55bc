/**
 * The console's client of the gateway that serves it (same origin): JSON requests with the operator token
 * when one is set, RFC 9457 problems turned into {@link ProblemError}s that keep the title, code and
 * detail for the page to show, bounded bodies, and the query progress stream read from `fetch` (an
 * `EventSource` cannot send the Authorization header).
 */

import type { z } from 'zod';
import type { QueryAnswerJson } from '../../../src/server/query-json.ts';
import type { GatewayStatusSchema } from '../../../src/server/system-routes.ts';

/** A problem document as the gateway sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code: string;
  detail: string;
  [extension: string]: unknown;
}

/** A request the gateway refused or could not answer. */
export class ProblemError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(`${problem.code}: ${problem.detail}`);
    this.name = 'ProblemError';
    this.problem = problem;
  }
}

/** Largest answer body read, in bytes (an answer with its proof bundle is some tens of KiB). */
const MAX_BODY_BYTES = 8 << 20;

/** The context members of a problem (everything but the RFC 9457 and `code` members). */
export function problemContext(p: Problem): Record<string, unknown> {
  const { type: _t, title: _ti, status: _s, code: _c, detail: _d, instance: _i, ...rest } = p;
  return rest;
}

/**
 * A problem for a failure on this side: a coded error of the shared modules (its code and context, e.g.
 * `QUERY_INVALID`, `LEDGER_UNAVAILABLE`), or a network failure (`CLIENT_ERROR`).
 */
export function clientProblem(err: unknown): Problem {
  if (err instanceof ProblemError) return err.problem;
  const message = err instanceof Error ? err.message : String(err);
  const coded = err as { code?: unknown; context?: unknown } | null;
  const code = typeof coded?.code === 'string' ? coded.code : 'CLIENT_ERROR';
  const context =
    typeof coded?.context === 'object' && coded.context !== null
      ? (coded.context as Record<string, unknown>)
      : {};
  return {
    ...context,
    title: 'The console could not complete the request',
    status: 0,
    code,
    detail: message,
  };
}

async function readBody(res: Response): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > MAX_BODY_BYTES) throw new Error(`the answer is over ${MAX_BODY_BYTES} bytes`);
  const text = await res.text();
  if (text.length > MAX_BODY_BYTES) throw new Error(`the answer is over ${MAX_BODY_BYTES} bytes`);
  return text;
}

/** How the console talks to its gateway. */
export interface GatewayApiInit {
  /** Base URL; default the page's origin. */
  base?: string;
  /** The operator token, for operator routes. */
  token?: () => string | undefined;
}

/** The gateway's API, as the console uses it. */
export class GatewayApi {
  readonly #base: string;
  readonly #token: () => string | undefined;

  constructor(init: GatewayApiInit = {}) {
    this.#base = init.base ?? globalThis.location?.origin ?? '';
    this.#token = init.token ?? (() => undefined);
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    const token = this.#token();
    return {
      accept: 'application/json, application/problem+json',
      ...(token === undefined || token === '' ? {} : { authorization: `Bearer ${token}` }),
      ...extra,
    };
  }

  /**
   * One JSON exchange.
   * @throws {ProblemError} for a problem answer, or a client-side problem (network, not JSON).
   */
  async request<T>(
    path: string,
    init: { method?: 'GET' | 'POST'; body?: unknown; signal?: AbortSignal } = {},
  ) {
    let res: Response;
    try {
      res = await fetch(`${this.#base}${path}`, {
        method: init.method ?? 'GET',
        headers: this.#headers(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        redirect: 'error',
        cache: 'no-store',
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        ...(init.signal === undefined ? {} : { signal: init.signal }),
      });
    } catch (err) {
      throw new ProblemError(clientProblem(err));
    }
    let text: string;
    try {
      text = await readBody(res);
    } catch (err) {
      throw new ProblemError(clientProblem(err));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ProblemError({
        title: 'Unexpected answer',
        status: res.status,
        code: res.ok ? 'NOT_JSON' : `HTTP_${res.status}`,
        detail: `the gateway answered HTTP ${res.status} without JSON`,
      });
    }
    if (!res.ok) {
      const p = json as Partial<Problem>;
      throw new ProblemError({
        ...p,
        status: typeof p.status === 'number' ? p.status : res.status,
        code: typeof p.code === 'string' ? p.code : `HTTP_${res.status}`,
        detail: typeof p.detail === 'string' ? p.detail : `HTTP ${res.status}`,
      });
    }
    return json as T;
  }

  /** `GET /v1/status` (operator). */
  status(): Promise<GatewayStatus> {
    return this.request('/v1/status');
  }

  /** `POST /v1/queries`: runs a signed query; resolves with the answer when it is anchored. */
  runQuery(request: unknown, authorization: string, signal?: AbortSignal): Promise<QueryAnswerJson> {
    return this.request('/v1/queries', {
      method: 'POST',
      body: { request, authorization },
      ...(signal === undefined ? {} : { signal }),
    });
  }

  /** `GET /v1/queries/:id` (operator): what this gateway saw of a query. */
  progress(queryId: string): Promise<QueryProgressJson> {
    return this.request(`/v1/queries/${queryId}`);
  }

  /**
   * Follows `GET /v1/queries/:id/events` (operator), calling `onEvent` per stage event, until the stream
   * ends (a terminal stage) or `signal` aborts.
   * @throws {ProblemError} when the gateway refuses the stream (`UNKNOWN_QUERY`, `UNAUTHENTICATED`).
   */
  async followProgress(queryId: string, onEvent: (e: QueryEventJson) => void, signal: AbortSignal) {
    let res: Response;
    try {
      res = await fetch(`${this.#base}/v1/queries/${queryId}/events`, {
        headers: this.#headers({ accept: 'text/event-stream, application/problem+json' }),
        cache: 'no-store',
        signal,
      });
    } catch (err) {
      throw new ProblemError(clientProblem(err));
    }
    if (!res.ok || res.body === null) {
      const text = await readBody(res).catch(() => '');
      let p: Partial<Problem> = {};
      try {
        p = JSON.parse(text) as Partial<Problem>;
      } catch {}
      throw new ProblemError({
        ...p,
        status: res.status,
        code: p.code ?? `HTTP_${res.status}`,
        detail: p.detail ?? `HTTP ${res.status}`,
      });
    }
    await readEventStream(res.body, signal, (event, data) => {
      if (event !== 'stage') return;
      try {
        onEvent(JSON.parse(data) as QueryEventJson);
      } catch {}
    });
  }
}

/**
 * Reads a `text/event-stream` body (WHATWG HTML §9.2 event stream interpretation, the parts the gateway
 * sends: `event:`, `data:` lines, comments, blank-line dispatch).
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  dispatch: (event: string, data: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let event = 'message';
  let data: string[] = [];
  const onAbort = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      if (buffered.length > MAX_BODY_BYTES) throw new Error('event stream line too long');
      let nl = buffered.search(/\r\n|\n|\r/);
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(buffered[nl] === '\r' && buffered[nl + 1] === '\n' ? nl + 2 : nl + 1);
        if (line === '') {
          if (data.length > 0) dispatch(event, data.join('\n'));
          event = 'message';
          data = [];
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
        }
        nl = buffered.search(/\r\n|\n|\r/);
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

export type GatewayStatus = z.output<typeof GatewayStatusSchema>;
export type { QueryAnswerJson };

/** One stage event of a query at a gateway. */
export interface QueryEventJson {
  queryId: string;
  role: 'entry' | 'participant';
  stage: QueryStageName;
  at: number;
  details: Record<string, string | number>;
}

export type QueryStageName =
  | 'opened'
  | 'refused'
  | 'resolved'
  | 'session'
  | 'proved'
  | 'computed'
  | 'verified'
  | 'answered'
  | 'failed';

/** `GET /v1/queries/:id`. */
export interface QueryProgressJson {
  queryId: string;
  role: 'entry' | 'participant';
  stage: QueryStageName;
  outcome: 'running' | 'answered' | 'failed' | 'refused';
  startedAt: number;
  updatedAt: number;
  events: QueryEventJson[];
}
