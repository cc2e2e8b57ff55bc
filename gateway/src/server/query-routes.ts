/**
 * The query API. `POST /v1/queries` is an agency's signed request: the request and the agency's
 * SM2-signed "opened" audit transaction (`authorizeQuery`), which this gateway, as the entry gateway,
 * submits to the ledger. The ledger checks the signature and the policy and refuses a replay (the
 * transaction's nonce is spent once); the gateway also refuses an authorisation whose timestamp is outside
 * its window, so a request captured on the way cannot be run hours later. The answer comes back in the
 * same HTTP exchange. `GET /v1/queries/:id` and its event stream show the progress of any query this
 * gateway takes part in, as entry gateway or as a participant.
 */
import { decodeTx } from '@privgate/ledger';
import type { Response } from 'express';
import { z } from 'zod';
import { GatewayError } from '../errors.ts';
import type { RouteRegistry } from '../http/index.ts';
import type { LedgerClient } from '../ledger-client/index.ts';
import type { Logger } from '../logging.ts';
import { type QueryAnswer, QueryError, queryIdOf } from '../query/index.ts';
import {
  QueryAnswerJsonSchema,
  QueryIdSchema,
  QueryProgressSchema,
  QuerySubmissionSchema,
  queryAnswerToJson,
  queryEventToJson,
} from './query-json.ts';
import { isTerminalStage, type QueryProgress } from './query-progress.ts';

/** The window an authorisation's timestamp must fall in. */
export interface AuthorisationWindow {
  /** Oldest accepted age, ms. */
  maxAgeMs: number;
  /** Furthest accepted future, ms (clock skew). */
  maxSkewMs: number;
}

/**
 * Checks an authorisation's timestamp against the gateway's clock.
 * @throws {QueryError} `QUERY_AUTHORISATION_STALE` outside `[now − maxAgeMs, now + maxSkewMs]`.
 */
export function checkAuthorisationWindow(timestamp: number, now: number, window: AuthorisationWindow): void {
  if (timestamp < now - window.maxAgeMs || timestamp > now + window.maxSkewMs) {
    const age = now - timestamp;
    throw new QueryError(
      'QUERY_AUTHORISATION_STALE',
      age >= 0
        ? `the authorisation is ${Math.round(age / 1000)} s old; at most ${Math.round(window.maxAgeMs / 1000)} s are accepted`
        : `the authorisation is dated ${Math.round(-age / 1000)} s in the future`,
      { timestamp, now, maxAgeMs: window.maxAgeMs, maxSkewMs: window.maxSkewMs },
    );
  }
}

/** What the query routes use. */
export interface QueryRoutesDeps {
  /** The ledger's chain id, and the audit trail that shows whether a query was opened already. */
  ledger: Pick<LedgerClient, 'chainId' | 'auditTrail'>;
  /** Runs a query as entry gateway (`QueryGateway.run`). */
  run: (request: unknown, openTx: Uint8Array) => Promise<QueryAnswer>;
  progress: QueryProgress;
  window: AuthorisationWindow;
  /** Refuses new queries once the gateway is shutting down (throws `SHUTTING_DOWN`). */
  admit: () => void;
  /** Registers an open event stream, ended at shutdown; returns its removal. */
  trackStream: (res: Response) => () => void;
  clock?: () => number;
  logger?: Logger;
}

const QueryParams = z.object({ id: QueryIdSchema });

/** SSE comment sent this often to keep proxies from closing an idle stream, ms. */
const HEARTBEAT_MS = 15_000;

/** Registers `POST /v1/queries`, `GET /v1/queries/:id` and `GET /v1/queries/:id/events`. */
export function registerQueryRoutes(registry: RouteRegistry, deps: QueryRoutesDeps): void {
  const clock = deps.clock ?? Date.now;
  // Queries this gateway is running as entry gateway: a second copy of one is a replay.
  const running = new Set<string>();
  registry.component('QuerySubmission', QuerySubmissionSchema);
  registry.component('QueryAnswer', QueryAnswerJsonSchema);
  registry.component('QueryProgress', QueryProgressSchema);

  registry.defineRoute({
    method: 'post',
    path: '/v1/queries',
    operationId: 'runQuery',
    summary: 'Run a credit-penetration query',
    description:
      'Runs the query as its entry gateway and answers with the output and its proof bundle. The ' +
      'authorisation is the agency’s signed "opened" audit transaction for exactly this request; the ' +
      'ledger refuses it without a matching policy or when replayed, and this gateway refuses it outside ' +
      'its time window. Nothing of a refused query is recorded on the ledger; a query that fails after ' +
      'the ledger opened it is recorded as failed with its code.',
    tags: ['queries'],
    request: { body: QuerySubmissionSchema },
    responses: { 200: { description: 'The answer.', schema: QueryAnswerJsonSchema } },
    errors: [
      'QUERY_INVALID',
      'QUERY_UNAUTHORISED',
      'QUERY_AUTHORISATION_STALE',
      'QUERY_SUBJECT_UNKNOWN',
      'QUERY_METRIC_UNKNOWN',
      'QUERY_TOO_BROAD',
      'QUERY_PROOF_INVALID',
      'QUERY_INCONSISTENT_SHARE',
      'QUERY_PARTY_DROPPED',
      'QUERY_CONTRIBUTION_FAILED',
      'QUERY_TIMEOUT',
      'QUERY_FAILED',
      'SHUTTING_DOWN',
    ],
    handler: async ({ body, res }) => {
      deps.admit();
      const openTx = Uint8Array.from(Buffer.from(body.authorization, 'hex'));
      let timestamp: number;
      try {
        timestamp = decodeTx(openTx, { chainId: deps.ledger.chainId }).timestamp;
      } catch (err) {
        throw new QueryError('QUERY_INVALID', 'the authorisation is not a transaction of this ledger', {
          reason: err instanceof Error ? err.message : String(err),
        });
      }
      checkAuthorisationWindow(timestamp, clock(), deps.window);
      // A replayed authorisation is refused here, before anything reaches the ledger: a ledger client may
      // answer the same bytes sent again as "committed" (a retry is not a replay to it), and the ledger
      // itself refuses a spent nonce. Only a query never opened on the ledger runs.
      const queryIdBytes = queryIdOf(body.request);
      const queryId = Buffer.from(queryIdBytes).toString('hex');
      const replay = () => {
        deps.logger?.warn({ queryId, agency: body.request.agency }, 'replayed query authorisation refused');
        return new QueryError(
          'QUERY_UNAUTHORISED',
          'this query was opened already: the authorisation is replayed',
          {
            agency: body.request.agency,
            policyId: body.request.policyId,
            reason: 'replayed authorisation',
            ledgerCode: 'TX_REPLAY',
          },
        );
      };
      if (running.has(queryId)) throw replay();
      running.add(queryId);
      try {
        if ((await deps.ledger.auditTrail(queryIdBytes)).length > 0) throw replay();
        const answer = await deps.run(body.request, openTx);
        res.json(queryAnswerToJson(answer));
      } finally {
        running.delete(queryId);
      }
    },
  });

  registry.defineRoute({
    method: 'get',
    path: '/v1/queries/:id',
    operationId: 'getQueryProgress',
    summary: 'Progress of a query',
    description:
      'The stages a query has reached at this gateway (as entry gateway or participant): opened, ' +
      'resolved, session, proved, computed, verified, answered or failed. Kept in memory for an hour.',
    tags: ['queries'],
    role: 'operator',
    request: { params: QueryParams },
    responses: { 200: { description: 'The progress.', schema: QueryProgressSchema } },
    errors: ['UNKNOWN_QUERY'],
    handler: ({ params, res }) => {
      res.json(known(deps.progress, params.id));
    },
  });

  registry.defineRoute({
    method: 'get',
    path: '/v1/queries/:id/events',
    operationId: 'streamQueryProgress',
    summary: 'Progress of a query, as server-sent events',
    description:
      '`text/event-stream`: one `stage` event per stage reached (data: a QueryEvent as JSON), the stages ' +
      'already reached first; the stream ends after a terminal stage (answered, failed, refused).',
    tags: ['queries'],
    role: 'operator',
    request: { params: QueryParams },
    responses: { 200: { description: 'An event stream (text/event-stream).' } },
    errors: ['UNKNOWN_QUERY'],
    handler: ({ params, req, res }) => {
      const view = known(deps.progress, params.id);
      res.status(200);
      res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Accel-Buffering', 'no');
      res.flushHeaders();
      const send = (data: unknown) => res.write(`event: stage\ndata: ${JSON.stringify(data)}\n\n`);
      for (const e of view.events) send(queryEventToJson(e));
      if (isTerminalStage(view.stage)) {
        res.end();
        return;
      }
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const untrack = deps.trackStream(res);
      const unsubscribe = deps.progress.subscribe(params.id, (event) => {
        send(queryEventToJson(event));
        if (isTerminalStage(event.stage)) res.end();
      });
      const cleanup = () => {
        clearInterval(heartbeat);
        unsubscribe();
        untrack();
      };
      res.on('close', cleanup);
      req.on('close', cleanup);
    },
  });
}

function known(progress: QueryProgress, queryId: string) {
  const view = progress.get(queryId);
  if (view === undefined) {
    throw new GatewayError('UNKNOWN_QUERY', `query ${queryId.slice(0, 16)}… is not known here`, { queryId });
  }
  return view;
}
