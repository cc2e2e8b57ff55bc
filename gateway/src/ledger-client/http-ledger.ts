/**
 * HttpLedgerClient: the gateway's client of the multi-validator ledger through the validators' HTTP API
 * (`ledger/src/node/http-api.ts`), so gateways in separate processes share the consortium ledger.
 *
 * Several validator URLs are configured; requests go to the last one that answered and fail over to the
 * next on a network error, a timeout, a 5xx (a 503's Retry-After is honoured between passes) or an
 * answer that does not parse, never on a 4xx: a refusal is the ledger's verdict, and another validator
 * would give the same. Every answer is size-bounded and validated (`node-api.ts`, `node-json.ts`); a
 * broken or hostile node is `LEDGER_UNAVAILABLE`, never a crash. A node on another chain is never used.
 *
 * `submit` posts the transaction, then long-polls `GET /v1/tx/:id?waitMs` until it is committed, the
 * node reports that the ledger refused it (its own code: `POLICY_DENIED`, `TX_REPLAY` …), or the commit
 * deadline passes (`LEDGER_TIMEOUT`). Sending the same bytes again is safe: a node that already holds
 * them answers `TX_DUPLICATE` and a committed transaction is reported as committed, not as a replay, so
 * a retry after a failover cannot turn a success into a failure. A node that lost a pending transaction
 * (restarted, or a failover to a node gossip had not reached) is sent it again.
 *
 * Read-your-writes across failover: the client remembers the highest transaction it saw committed, and a
 * node it reads from must first show that transaction committed (`GET /v1/tx/:id?waitMs`); a node behind
 * is skipped. Reads from the node that committed it need no such check.
 */
import { sm3 } from '@privgate/accel';
import {
  bytesEqual,
  type DatasetHead,
  type DatasetVersion,
  fromHex,
  isIdentifier,
  type PolicyRecord,
  toHex,
  type VkeyRecord,
} from '@privgate/ledger';
import type { z } from 'zod';
import { LedgerClientError } from './errors.ts';
import type { AuditEvent, CommittedTx, LedgerClient, LedgerIdentity } from './interface.ts';
import {
  callNode,
  EndpointError,
  type NodeAnswer,
  type NodeApiLimits,
  type NodeEndpoint,
  problemContext,
} from './node-api.ts';
import {
  AccountJson,
  AuditTrailJson,
  DatasetHeadJson,
  DatasetVersionJson,
  IdentityJson,
  PolicyJson,
  parseNodeJson,
  StatusJson,
  SubmitAckJson,
  type TxStatus,
  TxStatusJson,
  VkeyJson,
} from './node-json.ts';

/** Options of {@link HttpLedgerClient.connect}. */
export interface HttpLedgerClientInit {
  /** Base URLs of validators' HTTP APIs (`http://10.0.0.1:7201`), tried in this order; 1 to 64. */
  readonly urls: readonly string[];
  /** The chain to use; when omitted, the chain of the first node that answers. */
  readonly chainId?: string;
  /** Deadline of one HTTP exchange, body included (default 5,000 ms); a long poll adds its wait. */
  readonly requestTimeoutMs?: number;
  /** How long `submit` waits for the commit in all (default 30,000 ms), then `LEDGER_TIMEOUT`. */
  readonly commitTimeoutMs?: number;
  /** Longest single long poll of `GET /v1/tx/:id` (default 5,000 ms; the node allows 30,000). */
  readonly pollMs?: number;
  /** Largest response body read (default 8 MiB: a 1 MiB transaction in hex with its proof). */
  readonly maxResponseBytes?: number;
  /** Further passes over all URLs when every node is busy (503/429) (default 2). */
  readonly busyRetries?: number;
  /** Longest Retry-After honoured between those passes (default 2,000 ms). */
  readonly maxRetryAfterMs?: number;
}

type Options = Required<Omit<HttpLedgerClientInit, 'urls' | 'chainId'>>;

const DEFAULTS: Options = {
  requestTimeoutMs: 5000,
  commitTimeoutMs: 30_000,
  pollMs: 5000,
  maxResponseBytes: 8 << 20,
  busyRetries: 2,
  maxRetryAfterMs: 2000,
};

/** Node codes that mean "this is not the API we speak", not a verdict on the transaction. */
const PROTOCOL_CODES = new Set(['ROUTE_NOT_FOUND', 'METHOD_NOT_ALLOWED', 'MEDIA_TYPE_UNSUPPORTED']);
/** A transaction spinning faster than this between polls is throttled (a node answering at once). */
const MIN_POLL_INTERVAL_MS = 100;

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

function unavailable(reason: string): LedgerClientError<'LEDGER_UNAVAILABLE'> {
  return new LedgerClientError('LEDGER_UNAVAILABLE', `ledger unavailable: ${reason}`, { reason });
}

function rejected(
  ledgerCode: string,
  txId: string,
  reason: string,
  details: Record<string, unknown> | undefined,
): LedgerClientError<'LEDGER_TX_REJECTED'> {
  return new LedgerClientError('LEDGER_TX_REJECTED', reason, {
    ledgerCode,
    txId,
    reason,
    ...(details === undefined || Object.keys(details).length === 0 ? {} : { details }),
  });
}

function answerAs<T>(schema: z.ZodType<T, unknown>, answer: NodeAnswer, what?: string): T {
  const prefix = what === undefined ? '' : `${what}: `;
  if (answer.kind !== 'json') {
    throw new EndpointError(`${prefix}unexpected HTTP ${answer.status} ${answer.problem.code}`);
  }
  const parsed = parseNodeJson(schema, answer.body);
  if (!parsed.ok) throw new EndpointError(`${prefix}malformed answer (${parsed.issue})`);
  return parsed.value;
}

function endpointOf(url: string, i: number): NodeEndpoint {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(`urls[${i}]: not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`urls[${i}]: not http(s)`);
  if (u.username !== '' || u.password !== '' || u.search !== '' || u.hash !== '')
    throw new TypeError(`urls[${i}]: credentials, query and fragment are not allowed`);
  return { url: `${u.origin}${u.pathname.replace(/\/+$/, '')}`, chain: 'unknown', syncedHeight: -1 };
}

function optionsOf(init: HttpLedgerClientInit): Options {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(init).filter(([, v]) => v !== undefined)) };
  const within = (name: keyof Options, min: number, max: number) => {
    const v = o[name];
    if (!Number.isSafeInteger(v) || v < min || v > max)
      throw new RangeError(`${name}: an integer in [${min}, ${max}]`);
  };
  within('requestTimeoutMs', 1, 600_000);
  within('commitTimeoutMs', 1, 3_600_000);
  within('pollMs', 1, 30_000);
  within('maxResponseBytes', 1024, 256 << 20);
  within('busyRetries', 0, 100);
  within('maxRetryAfterMs', 0, 600_000);
  return o as Options;
}

/** A committed transaction in a poll answer, checked against what was sent. */
function committedOf(status: Extract<TxStatus, { status: 'committed' }>, tx: Uint8Array): CommittedTx {
  if (status.tx !== toHex(tx)) throw new EndpointError('committed transaction bytes differ from the sent');
  return {
    id: fromHex(status.id),
    idHex: status.id,
    height: status.height,
    index: status.index,
    blockTime: status.blockTime,
  };
}

type Submitted = { kind: 'pending' } | { kind: 'unknown' } | { kind: 'committed'; tx: CommittedTx };

/** The ledger through validators' HTTP APIs (see the file comment). */
export class HttpLedgerClient implements LedgerClient {
  readonly chainId: string;
  readonly #endpoints: readonly NodeEndpoint[];
  readonly #options: Options;
  readonly #limits: NodeApiLimits;
  readonly #closer = new AbortController();
  #preferred = 0;
  /** The highest committed transaction this client saw: nodes must have it before they are read. */
  #barrier: { idHex: string; height: number } | undefined;
  #closed = false;

  private constructor(chainId: string, endpoints: NodeEndpoint[], options: Options) {
    this.chainId = chainId;
    this.#endpoints = endpoints;
    this.#options = options;
    this.#limits = {
      requestTimeoutMs: options.requestTimeoutMs,
      maxResponseBytes: options.maxResponseBytes,
      maxRetryAfterMs: options.maxRetryAfterMs,
    };
  }

  /**
   * Asks every URL's `/v1/status` (in parallel) for its chain, and returns a client of `init.chainId`
   * (or of the first answering node's chain). Nodes that do not answer now are checked before first use.
   * @throws {TypeError} for a malformed URL list, {RangeError} for an option out of range.
   * @throws {LedgerClientError} `LEDGER_UNAVAILABLE` when no node answers, or one serves another chain.
   * @example
   * const ledger = await HttpLedgerClient.connect({ urls: ['http://10.0.0.1:7201', 'http://10.0.0.2:7201'] });
   * const account = new LedgerAccount('gw-tax', signer, ledger);
   */
  static async connect(init: HttpLedgerClientInit): Promise<HttpLedgerClient> {
    if (!Array.isArray(init.urls) || init.urls.length === 0 || init.urls.length > 64)
      throw new TypeError('urls: 1 to 64 validator URLs');
    const endpoints = init.urls.map(endpointOf);
    const options = optionsOf(init);
    const limits = {
      requestTimeoutMs: options.requestTimeoutMs,
      maxResponseBytes: options.maxResponseBytes,
      maxRetryAfterMs: options.maxRetryAfterMs,
    };
    const closed = new AbortController().signal;
    const probes = await Promise.allSettled(
      endpoints.map(async (ep) =>
        answerAs(StatusJson, await callNode(ep, 'GET', '/v1/status', { limits, closed }), 'status'),
      ),
    );
    const answered = probes.flatMap((p, i) =>
      p.status === 'fulfilled' ? [{ i, chainId: p.value.chainId }] : [],
    );
    if (answered.length === 0) {
      const why = probes.map((p, i) =>
        p.status === 'rejected' ? `${endpoints[i]!.url}: ${(p.reason as Error).message}` : '',
      );
      throw unavailable(`no validator answered (${why.join('; ')})`);
    }
    const chainId = init.chainId ?? answered[0]!.chainId;
    const wrong = answered.find((a) => a.chainId !== chainId);
    if (wrong !== undefined) {
      throw unavailable(`${endpoints[wrong.i]!.url} serves chain ${wrong.chainId}, not ${chainId}`);
    }
    for (const a of answered) endpoints[a.i]!.chain = 'ok';
    const client = new HttpLedgerClient(chainId, endpoints, options);
    client.#preferred = answered[0]!.i;
    return client;
  }

  /** The validator URLs, in failover order. */
  get urls(): readonly string[] {
    return this.#endpoints.map((e) => e.url);
  }

  async submit(tx: Uint8Array): Promise<CommittedTx> {
    this.#assertOpen();
    if (!(tx instanceof Uint8Array) || tx.length === 0) throw new TypeError('tx: non-empty bytes');
    const idHex = toHex(sm3(tx));
    const started = Date.now();
    const deadline = started + this.#options.commitTimeoutMs;
    let state = await this.#post(tx, idHex, deadline);
    for (;;) {
      if (state.kind === 'committed') return this.#sawCommit(state.tx);
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new LedgerClientError('LEDGER_TIMEOUT', `transaction ${idHex} not committed in time`, {
          txId: idHex,
          waitedMs: Date.now() - started,
        });
      }
      const t0 = Date.now();
      state =
        state.kind === 'unknown'
          ? await this.#post(tx, idHex, deadline)
          : await this.#poll(tx, idHex, Math.min(this.#options.pollMs, remaining), deadline);
      if (state.kind !== 'committed' && Date.now() - t0 < MIN_POLL_INTERVAL_MS)
        await sleep(MIN_POLL_INTERVAL_MS, this.#closer.signal);
    }
  }

  /** POST /v1/tx; a duplicate is pending, a replay of what is committed is that commit. */
  #post(tx: Uint8Array, idHex: string, deadline: number): Promise<Submitted> {
    const body = { tx: Buffer.from(tx).toString('base64'), encoding: 'base64' };
    return this.#failover(
      'submit',
      async (ep): Promise<Submitted> => {
        const answer = await this.#call(ep, 'POST', '/v1/tx', { body });
        if (answer.kind === 'json') {
          const ack = answerAs(SubmitAckJson, answer, 'submit');
          if (ack.id !== idHex) throw new EndpointError(`submit: acknowledged id ${ack.id}, sent ${idHex}`);
          return { kind: 'pending' };
        }
        const { problem } = answer;
        if (PROTOCOL_CODES.has(problem.code))
          throw new EndpointError(`submit: HTTP ${answer.status} ${problem.code}`);
        if (problem.code === 'TX_DUPLICATE') return { kind: 'pending' };
        if (problem.code === 'TX_REPLAY') {
          // The same bytes may have been committed already (a retry after a failover): not a failure.
          const status = await this.#txStatus(ep, idHex, 0);
          if (status?.status === 'committed')
            return { kind: 'committed', tx: this.#noteSynced(ep, committedOf(status, tx)) };
        }
        throw rejected(problem.code, idHex, problem.detail, problemContext(problem));
      },
      deadline,
    );
  }

  /** One long poll of the transaction's status. */
  #poll(tx: Uint8Array, idHex: string, waitMs: number, deadline: number): Promise<Submitted> {
    return this.#failover(
      'commit wait',
      async (ep): Promise<Submitted> => {
        const status = await this.#txStatus(ep, idHex, waitMs);
        if (status === undefined) return { kind: 'unknown' };
        switch (status.status) {
          case 'committed':
            return { kind: 'committed', tx: this.#noteSynced(ep, committedOf(status, tx)) };
          case 'pending':
            return { kind: 'pending' };
          case 'rejected':
            throw rejected(status.code, idHex, status.detail, status.context);
        }
      },
      deadline,
    );
  }

  /** `GET /v1/tx/:id` on one node: its status, or undefined if the node does not know it. */
  async #txStatus(ep: NodeEndpoint, idHex: string, waitMs: number): Promise<TxStatus | undefined> {
    const answer = await this.#call(ep, 'GET', `/v1/tx/${idHex}${waitMs > 0 ? `?waitMs=${waitMs}` : ''}`, {
      extraMs: waitMs,
    });
    if (answer.kind === 'problem' && answer.problem.code === 'NOT_FOUND') return undefined;
    const status = answerAs(TxStatusJson, answer, 'transaction');
    if (status.id !== idHex) throw new EndpointError(`transaction: answered for ${status.id}`);
    return status;
  }

  async lastNonce(orgId: string): Promise<number> {
    if (!isIdentifier(orgId)) return 0;
    const account = await this.#read(`/v1/accounts/${encodeURIComponent(orgId)}`, AccountJson);
    return account?.nonce ?? 0;
  }

  async identity(orgId: string): Promise<LedgerIdentity | undefined> {
    if (!isIdentifier(orgId)) return undefined;
    return this.#read(`/v1/identities/${encodeURIComponent(orgId)}`, IdentityJson);
  }

  async datasetHead(dataset: string): Promise<DatasetHead | undefined> {
    if (!isIdentifier(dataset)) return undefined;
    return this.#read(`/v1/datasets/${encodeURIComponent(dataset)}`, DatasetHeadJson);
  }

  async datasetVersion(dataset: string, version: number): Promise<DatasetVersion | undefined> {
    if (!isIdentifier(dataset) || !Number.isSafeInteger(version) || version < 0) return undefined;
    return this.#read(`/v1/datasets/${encodeURIComponent(dataset)}/versions/${version}`, DatasetVersionJson);
  }

  async policy(policyId: string): Promise<PolicyRecord | undefined> {
    if (!isIdentifier(policyId)) return undefined;
    return this.#read(`/v1/policies/${encodeURIComponent(policyId)}`, PolicyJson);
  }

  async vkey(circuit: string): Promise<VkeyRecord | undefined> {
    if (!isIdentifier(circuit)) return undefined;
    return this.#read(`/v1/vkeys/${encodeURIComponent(circuit)}`, VkeyJson);
  }

  async auditTrail(queryId: Uint8Array): Promise<AuditEvent[]> {
    if (queryId.length !== 32) return [];
    return (await this.#read(`/v1/queries/${toHex(queryId)}/audit`, AuditTrailJson)) ?? [];
  }

  async transaction(
    id: Uint8Array,
  ): Promise<{ height: number; index: number; bytes: Uint8Array } | undefined> {
    if (id.length !== 32) return undefined;
    const idHex = toHex(id);
    const status = await this.#failover('transaction', async (ep) => {
      await this.#catchUp(ep);
      return this.#txStatus(ep, idHex, 0);
    });
    if (status?.status !== 'committed') return undefined;
    const bytes = fromHex(status.tx);
    if (!bytesEqual(sm3(bytes), id)) throw unavailable(`transaction ${idHex}: the node answered other bytes`);
    return { height: status.height, index: status.index, bytes };
  }

  /** Stops the client: requests in flight are aborted, later calls fail with `LEDGER_UNAVAILABLE`. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#closer.abort();
  }

  /** A read: undefined for the node's NOT_FOUND, from a node that has this client's last commit. */
  #read<T>(path: string, schema: z.ZodType<T, unknown>): Promise<T | undefined> {
    this.#assertOpen();
    return this.#failover(path, async (ep) => {
      await this.#catchUp(ep);
      const answer = await this.#call(ep, 'GET', path);
      if (answer.kind === 'problem' && answer.status === 404 && answer.problem.code === 'NOT_FOUND')
        return undefined;
      return answerAs(schema, answer);
    });
  }

  /** Waits (briefly) for a node to show the client's last commit; a node behind is skipped. */
  async #catchUp(ep: NodeEndpoint): Promise<void> {
    const barrier = this.#barrier;
    if (barrier === undefined || ep.syncedHeight >= barrier.height) return;
    const waitMs = Math.min(2000, this.#options.requestTimeoutMs);
    const status = await this.#txStatus(ep, barrier.idHex, waitMs);
    if (status?.status !== 'committed') throw new EndpointError(`behind height ${barrier.height}`);
    ep.syncedHeight = Math.max(ep.syncedHeight, status.height);
  }

  #noteSynced(ep: NodeEndpoint, tx: CommittedTx): CommittedTx {
    ep.syncedHeight = Math.max(ep.syncedHeight, tx.height);
    return tx;
  }

  #sawCommit(tx: CommittedTx): CommittedTx {
    if (this.#barrier === undefined || tx.height > this.#barrier.height)
      this.#barrier = { idHex: tx.idHex, height: tx.height };
    return tx;
  }

  /** Checks a node's chain before its first use. */
  async #checkChain(ep: NodeEndpoint): Promise<void> {
    if (ep.chain === 'ok') return;
    if (ep.chain === 'unknown') {
      const status = answerAs(StatusJson, await this.#call(ep, 'GET', '/v1/status'), 'status');
      ep.chain = status.chainId === this.chainId ? 'ok' : 'wrong';
    }
    if (ep.chain === 'wrong') throw new EndpointError(`serves another chain than ${this.chainId}`);
  }

  #call(
    ep: NodeEndpoint,
    method: 'GET' | 'POST',
    path: string,
    extra: { body?: unknown; extraMs?: number } = {},
  ): Promise<NodeAnswer> {
    return callNode(ep, method, path, { limits: this.#limits, closed: this.#closer.signal, ...extra });
  }

  /**
   * Runs `attempt` on the preferred node, then on each other one while they fail with an EndpointError;
   * when every node was busy (503/429), waits their Retry-After and makes another pass (up to
   * `busyRetries`, and not past `deadline`).
   * @throws {LedgerClientError} `LEDGER_UNAVAILABLE` when no node gave a usable answer.
   */
  async #failover<T>(what: string, attempt: (ep: NodeEndpoint) => Promise<T>, deadline?: number): Promise<T> {
    const n = this.#endpoints.length;
    let failures: string[] = [];
    for (let pass = 0; ; pass++) {
      failures = [];
      let retryAfter: number | undefined;
      for (let k = 0; k < n; k++) {
        const i = (this.#preferred + k) % n;
        const ep = this.#endpoints[i]!;
        this.#assertOpen();
        try {
          await this.#checkChain(ep);
          const out = await attempt(ep);
          this.#preferred = i;
          return out;
        } catch (err) {
          if (!(err instanceof EndpointError)) throw err;
          this.#assertOpen();
          failures.push(`${ep.url}: ${err.message}`);
          if (err.retryAfterMs !== undefined) retryAfter = Math.max(retryAfter ?? 0, err.retryAfterMs);
        }
      }
      if (retryAfter === undefined || pass >= this.#options.busyRetries) break;
      if (deadline !== undefined && Date.now() + retryAfter >= deadline) break;
      await sleep(retryAfter, this.#closer.signal);
    }
    throw unavailable(`${what}: ${failures.join('; ')}`);
  }

  #assertOpen(): void {
    if (this.#closed) throw unavailable('the client is closed');
  }
}
