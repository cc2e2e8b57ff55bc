/**
 * Read-only ledger routes for the web console: `/ledger/v1/...` answers the validator API's read routes
 * (`ledger/src/node/http-api.ts`) with the same JSON, from the ledger this gateway reads. A browser cannot
 * ask the validators itself (they send no CORS headers, and a console should not need their addresses),
 * and because the answers have the validator API's shape, the console reads them with the gateway's own
 * `HttpLedgerClient` pointed at `<gateway>/ledger`, validation and all.
 *
 *   GET /ledger/v1/status                          { chainId, height }
 *   GET /ledger/v1/accounts/:org                   { id, nonce, registered }
 *   GET /ledger/v1/identities/:org                 the identity registry's record
 *   GET /ledger/v1/datasets/:dataset[/versions/:v] a dataset's head, an anchored version
 *   GET /ledger/v1/vkeys/:circuit                  the registered verification key's hash and version
 *   GET /ledger/v1/policies/:id                    a policy
 *   GET /ledger/v1/queries/:queryId/audit          a query's audit trail
 *   GET /ledger/v1/tx/:id                          a committed transaction
 *   GET /ledger/v1/blocks/latest, /blocks/:height  a block (header, transaction ids and bytes)
 *
 * Nothing is written: transactions reach the ledger only through the gateway's own routes (an agency's
 * query authorisation inside `POST /v1/queries`). Absent records answer 404 with the validator's code
 * `NOT_FOUND`, as a validator would. The answers are what the gateway's ledger client read: an auditor who
 * trusts no gateway checks them against a validator (`privgate audit query`).
 */
import { sm3 } from '@privgate/accel';
import { type Block, blockJson, Disclosure, decodeTx, ID_PATTERN, toHex } from '@privgate/ledger';
import type { Response } from 'express';
import { z } from 'zod';
import type { RouteRegistry } from '../http/index.ts';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../http/problem.ts';
import { LedgerClientError } from '../ledger-client/errors.ts';
import { HttpLedgerClient } from '../ledger-client/http-ledger.ts';
import type { AuditEvent, LedgerClient } from '../ledger-client/interface.ts';
import { LocalLedger } from '../ledger-client/local-ledger.ts';
import { callNode, type NodeApiLimits, type NodeEndpoint } from '../ledger-client/node-api.ts';

/** Where the proxy reads blocks: the ledger client alone has no block API. */
export interface LedgerBlockSource {
  /** The validator API's JSON of a block (`blockJson`), or undefined when there is none at `height`. */
  block(height: number | 'latest'): Promise<Record<string, unknown> | undefined>;
}

/** What the proxy reads. */
export interface LedgerProxyDeps {
  ledger: LedgerClient;
  /** Default: {@link ledgerBlockSource} of `ledger` (none for another kind of client). */
  blocks?: LedgerBlockSource;
}

/** Mount point of the proxy; the console connects an `HttpLedgerClient` to `<gateway>${LEDGER_PROXY_BASE}`. */
export const LEDGER_PROXY_BASE = '/ledger';

const Id = z.string().regex(ID_PATTERN, 'must be a ledger identifier');
const Hex32 = z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 32 bytes in hex');
const Height = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const BlockLimits: NodeApiLimits = { requestTimeoutMs: 5000, maxResponseBytes: 16 << 20, maxRetryAfterMs: 0 };

/**
 * The block source of the gateway's ledger client: a `LocalLedger`'s own store, or the validators an
 * `HttpLedgerClient` talks to (first that answers). Undefined for another kind of client.
 */
export function ledgerBlockSource(ledger: LedgerClient): LedgerBlockSource | undefined {
  if (ledger instanceof LocalLedger) {
    return {
      async block(height) {
        const h = height === 'latest' ? ledger.height : height;
        const block: Block | undefined = await ledger.block(h);
        return block === undefined ? undefined : blockJson(block, undefined);
      },
    };
  }
  if (ledger instanceof HttpLedgerClient) {
    const closed = new AbortController().signal;
    return {
      async block(height) {
        const failures: string[] = [];
        for (const url of ledger.urls) {
          const ep: NodeEndpoint = { url, chain: 'ok', syncedHeight: -1 };
          try {
            const answer = await callNode(ep, 'GET', `/v1/blocks/${height}`, { limits: BlockLimits, closed });
            if (answer.kind === 'json') {
              const body = answer.body as { header?: { chainId?: unknown } };
              if (body.header?.chainId !== ledger.chainId) throw new Error('a block of another chain');
              return answer.body as Record<string, unknown>;
            }
            if (answer.status === 404) return undefined;
            failures.push(`${url}: HTTP ${answer.status} ${answer.problem.code}`);
          } catch (err) {
            failures.push(`${url}: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
        const reason = `no validator answered for block ${height} (${failures.join('; ')})`;
        throw new LedgerClientError('LEDGER_UNAVAILABLE', `ledger unavailable: ${reason}`, { reason });
      },
    };
  }
  return undefined;
}

/** A 404 with the validator API's `NOT_FOUND` code, as `HttpLedgerClient` reads it. */
function notFound(res: Response, what: string): void {
  res
    .status(404)
    .type(PROBLEM_CONTENT_TYPE)
    .json({
      type: `${PROBLEM_TYPE_BASE}NOT_FOUND`,
      title: 'Not found on the ledger',
      status: 404,
      code: 'NOT_FOUND',
      detail: `${what} is not on the ledger`,
    });
}

const answer = (res: Response, value: Record<string, unknown> | undefined, what: string): void => {
  if (value === undefined) notFound(res, what);
  else res.json(value);
};

const LedgerJson = z.looseObject({});

/** The audit trail as the validator API writes it (bytes in hex). */
function auditEventJson(e: AuditEvent): Record<string, unknown> {
  const txId = e.txId === undefined ? {} : { txId: toHex(e.txId) };
  switch (e.kind) {
    case 'opened':
      return { ...e, ...txId };
    case 'answered':
      return {
        ...e,
        resultCommitment: toHex(e.resultCommitment),
        proofIds: e.proofIds.map(toHex),
        ...txId,
        ...(e.record === undefined ? {} : { record: toHex(e.record) }),
      };
    case 'failed':
      return { ...e, ...txId };
  }
}

/** Registers the read-only ledger routes (see the file comment). */
export function registerLedgerProxyRoutes(registry: RouteRegistry, deps: LedgerProxyDeps): void {
  const { ledger } = deps;
  const blocks = deps.blocks ?? ledgerBlockSource(ledger);
  const base = `${LEDGER_PROXY_BASE}/v1`;
  const tags = ['ledger'];
  registry.component('LedgerRecord', LedgerJson);

  const get = (
    path: string,
    operationId: string,
    summary: string,
    params: z.ZodObject | undefined,
    handler: (params: Record<string, string | number>, res: Response) => Promise<void>,
  ) =>
    registry.defineRoute({
      method: 'get',
      path: `${base}${path}`,
      operationId,
      summary,
      description:
        'Read-only, with the validator API’s JSON (`NOT_FOUND` when absent), from the ledger this ' +
        'gateway reads.',
      tags,
      ...(params === undefined ? {} : { request: { params } }),
      responses: { 200: { description: 'The ledger’s record.', schema: LedgerJson } },
      errors: ['LEDGER_UNAVAILABLE'],
      handler: async ({ params: p, res }) => {
        res.setHeader('Cache-Control', 'no-store');
        await handler(p as Record<string, string | number>, res);
      },
    });

  get('/status', 'ledgerStatus', 'The ledger’s chain and height', undefined, async (_p, res) => {
    const latest = await blocks?.block('latest');
    const header = latest?.header as { height?: number } | undefined;
    res.json({ chainId: ledger.chainId, height: header?.height ?? null, blocks: blocks !== undefined });
  });

  get(
    '/accounts/:org',
    'ledgerAccount',
    'An organisation’s last nonce',
    z.object({ org: Id }),
    async (p, res) => {
      const org = String(p.org);
      const [nonce, identity] = await Promise.all([ledger.lastNonce(org), ledger.identity(org)]);
      res.json({ id: org, nonce, registered: identity !== undefined });
    },
  );

  get('/identities/:org', 'ledgerIdentity', 'An organisation', z.object({ org: Id }), async (p, res) => {
    const identity = await ledger.identity(String(p.org));
    answer(
      res,
      identity === undefined
        ? undefined
        : { ...identity, publicKey: identity.publicKey === null ? null : toHex(identity.publicKey) },
      `organisation ${p.org}`,
    );
  });

  get(
    '/datasets/:dataset/versions/:version',
    'ledgerDatasetVersion',
    'An anchored version of a dataset',
    z.object({ dataset: Id, version: Height }),
    async (p, res) => {
      const v = await ledger.datasetVersion(String(p.dataset), Number(p.version));
      answer(
        res,
        v === undefined
          ? undefined
          : {
              ...v,
              schemaHash: toHex(v.schemaHash),
              poseidonRoot: toHex(v.poseidonRoot),
              txId: toHex(v.txId),
            },
        `version ${p.version} of ${p.dataset}`,
      );
    },
  );

  get(
    '/datasets/:dataset',
    'ledgerDataset',
    'A dataset’s head',
    z.object({ dataset: Id }),
    async (p, res) => {
      const head = await ledger.datasetHead(String(p.dataset));
      answer(res, head === undefined ? undefined : { ...head }, `dataset ${p.dataset}`);
    },
  );

  get(
    '/vkeys/:circuit',
    'ledgerVkey',
    'A circuit’s registered key',
    z.object({ circuit: Id }),
    async (p, res) => {
      const v = await ledger.vkey(String(p.circuit));
      answer(
        res,
        v === undefined ? undefined : { circuit: p.circuit, vkeyHash: toHex(v.vkeyHash), version: v.version },
        `verification key of ${p.circuit}`,
      );
    },
  );

  get('/policies/:id', 'ledgerPolicy', 'A policy', z.object({ id: Id }), async (p, res) => {
    const policy = await ledger.policy(String(p.id));
    answer(
      res,
      policy === undefined
        ? undefined
        : { ...policy, disclosure: policy.disclosure === Disclosure.verdict ? 'verdict' : 'aggregate' },
      `policy ${p.id}`,
    );
  });

  get(
    '/queries/:queryId/audit',
    'ledgerAuditTrail',
    'A query’s audit trail',
    z.object({ queryId: Hex32 }),
    async (p, res) => {
      const events = await ledger.auditTrail(Uint8Array.from(Buffer.from(String(p.queryId), 'hex')));
      res.json({ events: events.map(auditEventJson) });
    },
  );

  get('/tx/:id', 'ledgerTransaction', 'A committed transaction', z.object({ id: Hex32 }), async (p, res) => {
    const id = Uint8Array.from(Buffer.from(String(p.id), 'hex'));
    const found = await ledger.transaction(id);
    if (found === undefined || toHex(sm3(found.bytes)) !== toHex(id)) {
      notFound(res, `transaction ${String(p.id).toLowerCase()}`);
      return;
    }
    const tx = decodeTx(found.bytes);
    const block = await blocks?.block(found.height);
    const header = block?.header as { timestamp?: number; hash?: string } | undefined;
    res.json({
      id: toHex(id),
      status: 'committed',
      height: found.height,
      index: found.index,
      blockHash: (block?.hash as string | undefined) ?? null,
      // The validator API's field; without a block source, the transaction's own timestamp stands in.
      blockTime: header?.timestamp ?? tx.timestamp,
      tx: toHex(found.bytes),
      kind: tx.kind,
      sender: tx.sender,
      nonce: tx.nonce,
      timestamp: tx.timestamp,
    });
  });

  const block = async (height: number | 'latest', res: Response) => {
    if (blocks === undefined) {
      notFound(res, 'a block (this gateway’s ledger client cannot read blocks)');
      return;
    }
    answer(res, await blocks.block(height), height === 'latest' ? 'the latest block' : `block ${height}`);
  };
  get('/blocks/latest', 'ledgerLatestBlock', 'The latest block', undefined, (_p, res) =>
    block('latest', res),
  );
  get('/blocks/:height', 'ledgerBlock', 'A block', z.object({ height: Height }), (p, res) =>
    block(Number(p.height), res),
  );
}
