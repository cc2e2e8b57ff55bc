/**
 * One HTTP exchange with a validator's API (`ledger/src/node/http-api.ts`) over Node's global fetch
 * (undici), treating the node as untrusted input: every request has a deadline (`AbortSignal.timeout`,
 * also while the body streams in), bodies are read up to a byte limit, redirects are refused, a success
 * must be JSON and a 4xx must be an RFC 9457 problem document. Anything else, a 5xx, a 429 or a network
 * failure is an {@link EndpointError}: this node cannot answer now, ask another (with its Retry-After).
 */
import { z } from 'zod';

/** A validator API base URL and what the client learned about it. */
export interface NodeEndpoint {
  /** Base URL without a trailing slash. */
  readonly url: string;
  /** Whether its `/v1/status` names the client's chain (`unknown` until asked). */
  chain: 'unknown' | 'ok' | 'wrong';
  /** Highest height this node is known to have committed (for read-your-writes after a failover). */
  syncedHeight: number;
}

/** The node could not give a usable answer; another node may. */
export class EndpointError extends Error {
  constructor(
    message: string,
    /** From a 503/429's Retry-After, capped by the caller. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'EndpointError';
  }
}

/** An RFC 9457 problem document as the node sends it (its extension members kept). */
export const ProblemSchema = z.looseObject({
  code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
  status: z.number().int().min(400).max(599),
  detail: z.string().max(4096),
  title: z.string().max(256).optional(),
  type: z.string().max(512).optional(),
  instance: z.string().max(2048).optional(),
});
export type Problem = z.output<typeof ProblemSchema>;

/** Members every problem has; the others are the error's context. */
const PROBLEM_MEMBERS = new Set(['code', 'status', 'detail', 'title', 'type', 'instance']);

/** A problem's extension members (the ledger error's context). */
export function problemContext(p: Problem): Record<string, unknown> {
  return Object.fromEntries(Object.entries(p).filter(([k]) => !PROBLEM_MEMBERS.has(k)));
}

/** A usable answer: JSON of a 2xx, or the problem of a 4xx. */
export type NodeAnswer =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'problem'; readonly status: number; readonly problem: Problem };

/** Limits of every exchange. */
export interface NodeApiLimits {
  readonly requestTimeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxRetryAfterMs: number;
}

const mediaType = (res: Response): string =>
  (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();

/** Retry-After in ms (delta-seconds or an HTTP date), at most `cap`; 1 s when absent or unreadable. */
export function retryAfterMs(value: string | null, cap: number, now = Date.now()): number {
  let ms = 1000;
  if (value !== null && /^\d{1,9}$/.test(value.trim())) ms = Number(value.trim()) * 1000;
  else if (value !== null && !Number.isNaN(Date.parse(value))) ms = Math.max(0, Date.parse(value) - now);
  return Math.min(ms, cap);
}

async function readText(res: Response, limit: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    throw new EndpointError(`response of ${declared} bytes is over the ${limit}-byte limit`);
  }
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new EndpointError(`response over the ${limit}-byte limit`);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new EndpointError('response is not UTF-8');
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new EndpointError('response is not JSON');
  }
}

function describe(err: unknown, timeoutMs: number): string {
  if (err instanceof EndpointError) return err.message;
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (name === 'AbortError') return 'request aborted (client closed)';
  // undici puts the socket error (ECONNREFUSED, ECONNRESET, …) in `cause`.
  const cause =
    err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const detail =
    typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
  const message = err instanceof Error ? err.message : String(err);
  return (detail === '' ? message : `${message} (${detail})`).slice(0, 300);
}

/**
 * Sends one request and classifies the answer.
 * @param extraMs added to the request timeout (a long poll's `waitMs`).
 * @throws {EndpointError} for anything but a JSON 2xx or a problem 4xx.
 */
export async function callNode(
  ep: NodeEndpoint,
  method: 'GET' | 'POST',
  path: string,
  options: { limits: NodeApiLimits; closed: AbortSignal; body?: unknown; extraMs?: number },
): Promise<NodeAnswer> {
  const timeoutMs = options.limits.requestTimeoutMs + (options.extraMs ?? 0);
  const signal = AbortSignal.any([options.closed, AbortSignal.timeout(timeoutMs)]);
  try {
    const res = await fetch(`${ep.url}${path}`, {
      method,
      redirect: 'error',
      signal,
      headers: {
        accept: 'application/json, application/problem+json',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await readText(res, options.limits.maxResponseBytes);
    const type = mediaType(res);
    if (res.status >= 200 && res.status < 300) {
      if (type !== 'application/json') throw new EndpointError(`HTTP ${res.status} answered as "${type}"`);
      return { kind: 'json', status: res.status, body: parseJson(text) };
    }
    if (res.status >= 400 && res.status < 500 && res.status !== 429) {
      const parsed =
        type === 'application/problem+json' || type === 'application/json'
          ? ProblemSchema.safeParse(parseJson(text))
          : undefined;
      if (parsed?.success !== true) throw new EndpointError(`HTTP ${res.status} without a problem document`);
      return { kind: 'problem', status: res.status, problem: parsed.data };
    }
    const code = ProblemSchema.safeParse(type.endsWith('json') ? safeJson(text) : undefined);
    const label = `HTTP ${res.status}${code.success ? ` ${code.data.code}` : ''}`;
    if (res.status === 503 || res.status === 429) {
      throw new EndpointError(
        label,
        retryAfterMs(res.headers.get('retry-after'), options.limits.maxRetryAfterMs),
      );
    }
    throw new EndpointError(label);
  } catch (err) {
    if (err instanceof EndpointError) throw err;
    throw new EndpointError(describe(err, timeoutMs));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
