/**
 * The JSON HTTP API of a validator (node:http, no framework). Bodies are JSON with size limits; every
 * parameter is checked with zod; errors are RFC 9457 problem documents carrying the ledger's stable codes
 * (`http-problem.ts`). Built here as a request handler so tests drive it directly; `http-server.ts`
 * listens.
 *
 *   POST /v1/tx                    { tx, encoding? }            → 202 { id, status: "pending" } | problem
 *   POST /v1/txs                   { txs: [...], encoding? }    → 200 { accepted, results: [{ id } | { code, detail }] }
 *   GET  /v1/tx/:id[?waitMs=]      committed: tx, height, index, block hash and inclusion proof; pending;
 *                                  rejected: the ledger's code and detail (`dropped-txs.ts`); 404
 *   GET  /v1/blocks/:height        header, txs, tx ids, certificate, raw encodings
 *   GET  /v1/blocks/by-hash/:hash
 *   GET  /v1/blocks/latest
 *   GET  /v1/blocks/stream[?from=h&txids=1]   server-sent events, one `block` event per committed block
 *   GET  /v1/status, /v1/genesis
 *   GET  /v1/identities/:org, /v1/accounts/:org, /v1/datasets/:dataset[/versions/:v], /v1/vkeys/:circuit,
 *        /v1/policies/:id, /v1/nullifiers/:hex, /v1/proofs/:txId, /v1/queries/:queryId/audit
 *
 * A transaction is sent as hex or base64 (`encoding`, else guessed: even-length hex digits are hex).
 * Identifiers that contain `/` (datasets) are sent URL-encoded (`gw-1%2Frecords`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sm3 } from '@privgate/accel';
import { z } from 'zod';
import type { Block } from '../block/codec.ts';
import { decodeCertificate } from '../codec/consensus-codec.ts';
import { fromHex, toHex } from '../tx/bytes.ts';
import { decodeTx } from '../tx/codec.ts';
import { ID_PATTERN } from '../tx/readers.ts';
import { LedgerNodeError } from './errors.ts';
import { PROBLEM_CONTENT_TYPE, problemFor, statusOf } from './http-problem.ts';
import type { CommittedBlock } from './interface.ts';
import type { LedgerNode } from './ledger-node.ts';
import { type NodeLogger, silentLogger } from './logger.ts';
import {
  auditTrailJson,
  datasetJson,
  datasetVersionJson,
  identityJson,
  nullifierJson,
  policyJson,
  proofJson,
  vkeyJson,
} from './state-queries.ts';

/** Options of the API. */
export interface HttpApiOptions {
  /** Body limit of `POST /v1/tx` (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** Body limit of `POST /v1/txs` (default 32 MiB). */
  readonly maxBatchBodyBytes?: number;
  /** Most transactions in one batch (default 10,000). */
  readonly maxBatchTxs?: number;
  /** Most concurrent block streams (default 64). */
  readonly maxStreams?: number;
  readonly logger?: NodeLogger;
}

type Handler = (ctx: Context) => Promise<Reply | undefined>;
interface Context {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly path: string;
}
interface Reply {
  readonly status: number;
  readonly body: unknown;
}

const notFound = (what: string): LedgerNodeError => new LedgerNodeError('NOT_FOUND', `${what} not found`);
const invalid = (message: string): LedgerNodeError => new LedgerNodeError('REQUEST_INVALID', message);

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw invalid(`${what}${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`);
}

const Hex32 = z.string().regex(/^[0-9a-fA-F]{64}$/, '32 bytes of hex');
const Height = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Identifier = z.string().regex(ID_PATTERN, 'an identifier');
const Encoding = z.enum(['hex', 'base64']).optional();
const TxBody = z.strictObject({ tx: z.string().min(1), encoding: Encoding });
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Bytes of a transaction sent as text. @throws {LedgerNodeError} `REQUEST_INVALID`. */
export function decodeTxText(text: string, encoding?: 'hex' | 'base64'): Uint8Array {
  const enc = encoding ?? (HEX.test(text) ? 'hex' : 'base64');
  if (enc === 'hex') {
    if (!HEX.test(text)) throw invalid('tx: not an even-length hex string');
    return new Uint8Array(Buffer.from(text, 'hex'));
  }
  if (!BASE64.test(text)) throw invalid('tx: not base64');
  return new Uint8Array(Buffer.from(text, 'base64'));
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new LedgerNodeError('MEDIA_TYPE_UNSUPPORTED', 'send the body as application/json');
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = () => new LedgerNodeError('BODY_TOO_LARGE', `request body over ${limit} bytes`, { limit });
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new LedgerNodeError('BODY_MALFORMED', 'request body is not JSON');
  }
}

/** JSON form of a block and its certificate. */
export function blockJson(block: Block, certificate: Uint8Array | undefined): Record<string, unknown> {
  const h = block.header;
  let cert: Record<string, unknown> | null = null;
  if (certificate !== undefined) {
    const c = decodeCertificate(certificate);
    cert = {
      height: c.height,
      round: c.round,
      blockHash: toHex(c.blockHash),
      precommits: c.precommits.map((p) => ({ validator: p.validator, signature: toHex(p.signature) })),
    };
  }
  return {
    height: h.height,
    hash: toHex(block.hash),
    header: {
      version: h.version,
      chainId: h.chainId,
      height: h.height,
      prevHash: toHex(h.prevHash),
      timestamp: h.timestamp,
      proposer: h.proposer,
      txRoot: toHex(h.txRoot),
      stateRoot: toHex(h.stateRoot),
      txCount: h.txCount,
    },
    txIds: block.txs.map((t) => toHex(sm3(t))),
    txs: block.txs.map(toHex),
    certificate: cert,
    raw: { block: toHex(block.bytes), certificate: certificate === undefined ? null : toHex(certificate) },
  };
}

/**
 * The API's request handler.
 * @example
 * createServer(createHttpApi(node)).listen(7201, '127.0.0.1');
 */
export function createHttpApi(
  node: LedgerNode,
  options: HttpApiOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBody = options.maxBodyBytes ?? 1 << 20;
  const maxBatchBody = options.maxBatchBodyBytes ?? 32 << 20;
  const maxBatchTxs = options.maxBatchTxs ?? 10_000;
  const maxStreams = options.maxStreams ?? 64;
  const log = options.logger ?? silentLogger;
  const store = node.store;
  let streams = 0;
  const TxsBody = z.strictObject({
    txs: z.array(z.string().min(1)).min(1).max(maxBatchTxs),
    encoding: Encoding,
  });

  const found = (value: Record<string, unknown> | undefined, what: string): Reply => {
    if (value === undefined) throw notFound(what);
    return { status: 200, body: value };
  };

  const txJson = async (id: Uint8Array): Promise<Record<string, unknown> | undefined> => {
    const [committed, proof] = await Promise.all([store.tx(id), store.txProof(id)]);
    if (committed === undefined || proof === undefined) return undefined;
    const tx = decodeTx(committed.bytes);
    const block = await store.blockAt(committed.height);
    return {
      id: toHex(id),
      status: 'committed',
      height: committed.height,
      index: committed.index,
      blockHash: block === undefined ? null : toHex(block.hash),
      blockTime: block?.header.timestamp ?? null,
      tx: toHex(committed.bytes),
      kind: tx.kind,
      sender: tx.sender,
      nonce: tx.nonce,
      timestamp: tx.timestamp,
      proof: {
        txId: toHex(proof.txId),
        height: proof.height,
        index: proof.index,
        header: toHex(proof.header),
        path: proof.path.map(toHex),
      },
    };
  };

  const routes: { method: string; pattern: RegExp; handler: Handler }[] = [
    {
      method: 'POST',
      pattern: /^\/v1\/tx$/,
      handler: async ({ req }) => {
        const body = parse(TxBody, await readJson(req, maxBody), 'body');
        const [result] = await node.submit([decodeTxText(body.tx, body.encoding)]);
        if (!result!.ok) throw result!.error;
        return { status: 202, body: { id: toHex(result!.id), status: 'pending' } };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/txs$/,
      handler: async ({ req }) => {
        const body = parse(TxsBody, await readJson(req, maxBatchBody), 'body');
        const txs = body.txs.map((t, i) => {
          try {
            return decodeTxText(t, body.encoding);
          } catch {
            throw invalid(`txs[${i}]: not ${body.encoding ?? 'hex or base64'}`);
          }
        });
        const results = await node.submit(txs);
        let accepted = 0;
        const out = results.map((r) => {
          if (r.ok) {
            accepted++;
            return { id: toHex(r.id) };
          }
          return {
            ...(r.id === undefined ? {} : { id: toHex(r.id) }),
            code: r.code,
            status: statusOf(r.code),
            detail: r.error.message,
          };
        });
        return { status: 200, body: { accepted, rejected: results.length - accepted, results: out } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/tx\/([^/]+)$/,
      handler: async ({ params, query }) => {
        const id = fromHex(parse(Hex32, params[0], 'id'));
        const waitMs = parse(
          z.coerce.number().int().min(0).max(30_000).optional(),
          query.get('waitMs') ?? undefined,
          'waitMs',
        );
        const idHex = toHex(id);
        // A transaction this node admitted and then dropped: the ledger's reason, final from its view.
        const droppedJson = (): Record<string, unknown> | undefined => {
          const d = node.droppedTx(id);
          return d === undefined
            ? undefined
            : {
                id: idHex,
                status: 'rejected',
                code: d.code,
                detail: d.detail,
                height: d.height,
                ...(d.context === undefined ? {} : { context: d.context }),
              };
        };
        let json = await txJson(id);
        if (json === undefined && !node.mempool.has(id)) json = droppedJson();
        // A client may wait for a transaction it sent to another validator: wait whether or not it is known
        // here, until it is committed or this node drops it.
        if (json === undefined && waitMs !== undefined && waitMs > 0) {
          json = await new Promise<Record<string, unknown> | undefined>((resolve) => {
            const timer = setTimeout(() => {
              off();
              resolve(undefined);
            }, waitMs);
            const off = node.onCommit((c) => {
              const committed = c.txIds.some((t) => toHex(t) === idHex);
              const dropped = committed ? undefined : droppedJson();
              if (!committed && dropped === undefined) return;
              clearTimeout(timer);
              off();
              resolve(committed ? txJson(id) : dropped);
            });
          });
        }
        if (json !== undefined) return { status: 200, body: json };
        if (node.mempool.has(id)) return { status: 200, body: { id: idHex, status: 'pending' } };
        json = droppedJson();
        if (json !== undefined) return { status: 200, body: json };
        throw notFound(`transaction ${idHex}`);
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/blocks\/stream$/,
      handler: async (ctx) => {
        if (streams >= maxStreams) throw new LedgerNodeError('NODE_OVERLOADED', 'too many block streams');
        streams++;
        ctx.res.on('close', () => streams--);
        await streamBlocks(ctx);
        return undefined;
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/blocks\/latest$/,
      handler: async () => {
        const block = await store.blockAt(store.height);
        if (block === undefined) throw notFound('block');
        return { status: 200, body: blockJson(block, await store.certificate(block.header.height)) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/blocks\/by-hash\/([^/]+)$/,
      handler: async ({ params }) => {
        const block = await store.blockByHash(fromHex(parse(Hex32, params[0], 'hash')));
        if (block === undefined) throw notFound('block');
        return { status: 200, body: blockJson(block, await store.certificate(block.header.height)) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/blocks\/([^/]+)$/,
      handler: async ({ params }) => {
        const height = parse(Height, params[0], 'height');
        const block = await store.blockAt(height);
        if (block === undefined) throw notFound(`block ${height}`);
        return { status: 200, body: blockJson(block, await store.certificate(height)) };
      },
    },
    { method: 'GET', pattern: /^\/v1\/status$/, handler: async () => ({ status: 200, body: node.status() }) },
    { method: 'GET', pattern: /^\/v1\/genesis$/, handler: async () => ({ status: 200, body: node.genesis }) },
    {
      method: 'GET',
      pattern: /^\/v1\/identities\/([^/]+)$/,
      handler: async ({ params }) =>
        found(await identityJson(store, parse(Identifier, params[0], 'org')), `organisation ${params[0]}`),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/accounts\/([^/]+)$/,
      handler: async ({ params }) => {
        const org = parse(Identifier, params[0], 'org');
        const identity = await identityJson(store, org);
        return {
          status: 200,
          body: { id: org, nonce: identity?.nonce ?? 0, registered: identity !== undefined },
        };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/datasets\/([^/]+)\/versions\/([^/]+)$/,
      handler: async ({ params }) => {
        const dataset = parse(Identifier, params[0], 'dataset');
        const version = parse(Height, params[1], 'version');
        return found(await datasetVersionJson(store, dataset, version), `version ${version} of ${dataset}`);
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/datasets\/([^/]+)$/,
      handler: async ({ params }) =>
        found(await datasetJson(store, parse(Identifier, params[0], 'dataset')), `dataset ${params[0]}`),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/vkeys\/([^/]+)$/,
      handler: async ({ params }) =>
        found(
          await vkeyJson(store, parse(Identifier, params[0], 'circuit')),
          `verification key of ${params[0]}`,
        ),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/policies\/([^/]+)$/,
      handler: async ({ params }) =>
        found(await policyJson(store, parse(Identifier, params[0], 'policy')), `policy ${params[0]}`),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/nullifiers\/([^/]+)$/,
      handler: async ({ params }) => ({
        status: 200,
        body: await nullifierJson(store, fromHex(parse(Hex32, params[0], 'nullifier'))),
      }),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/proofs\/([^/]+)$/,
      handler: async ({ params }) =>
        found(await proofJson(store, fromHex(parse(Hex32, params[0], 'txId'))), `proof ${params[0]}`),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/queries\/([^/]+)\/audit$/,
      handler: async ({ params }) => ({
        status: 200,
        body: { events: await auditTrailJson(store, fromHex(parse(Hex32, params[0], 'queryId'))) },
      }),
    },
  ];

  /** Server-sent events of committed blocks, after a replay from `from` (or Last-Event-ID + 1). */
  async function streamBlocks({ req, res, query }: Context): Promise<void> {
    const withIds = query.get('txids') === '1';
    const lastId = req.headers['last-event-id'];
    const fromText =
      query.get('from') ?? (typeof lastId === 'string' ? String(Number(lastId) + 1) : undefined);
    const from = fromText === undefined ? store.height + 1 : parse(Height, fromText, 'from');
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let sent = from - 1;
    const write = (
      b: { header: Block['header']; hash: Uint8Array; txs: readonly Uint8Array[] },
      txIds?: readonly Uint8Array[],
    ) => {
      if (b.header.height <= sent) return;
      sent = b.header.height;
      const data = {
        height: b.header.height,
        hash: toHex(b.hash),
        timestamp: b.header.timestamp,
        proposer: b.header.proposer,
        stateRoot: toHex(b.header.stateRoot),
        txCount: b.header.txCount,
        ...(withIds ? { txIds: (txIds ?? b.txs.map((t) => sm3(t))).map(toHex) } : {}),
      };
      res.write(`id: ${data.height}\nevent: block\ndata: ${JSON.stringify(data)}\n\n`);
      // A client that does not read is cut off rather than buffered without bound.
      if (res.writableLength > 16 << 20) res.destroy();
    };
    const live: CommittedBlock[] = [];
    let replaying = true;
    const off = node.onCommit((c) => {
      if (replaying) live.push(c);
      else write(c.block, c.txIds);
    });
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    res.on('close', () => {
      off();
      clearInterval(keepAlive);
    });
    for (let h = from; h <= store.height && h < from + 1000 && !res.destroyed; h++) {
      const block = await store.blockAt(h);
      if (block !== undefined) write(block);
    }
    replaying = false;
    for (const c of live) write(c.block, c.txIds);
  }

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://node');
    const path = url.pathname;
    const answer = (status: number, body: unknown, type = 'application/json') => {
      if (res.headersSent) return;
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const fail = (err: unknown) => {
      const { problem, hidden } = problemFor(err, path);
      if (hidden) log.error('request failed', { instance: problem.instance, path, err });
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // The rest of an oversized body is not read: close the connection after answering.
      if (problem.code === 'BODY_TOO_LARGE') res.setHeader('connection', 'close');
      if (problem.status === 503) res.setHeader('retry-after', '1');
      answer(problem.status, problem, PROBLEM_CONTENT_TYPE);
    };
    let matched = false;
    for (const route of routes) {
      const m = route.pattern.exec(path);
      if (m === null) continue;
      matched = true;
      if (route.method !== req.method) continue;
      let params: string[];
      try {
        params = m.slice(1).map((p) => decodeURIComponent(p));
      } catch {
        fail(invalid('path: bad percent-encoding'));
        return;
      }
      route
        .handler({ req, res, params, query: url.searchParams, path })
        .then((reply) => reply !== undefined && answer(reply.status, reply.body), fail);
      return;
    }
    fail(
      matched
        ? new LedgerNodeError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}`)
        : new LedgerNodeError('ROUTE_NOT_FOUND', `no route for ${path}`),
    );
  };
}
