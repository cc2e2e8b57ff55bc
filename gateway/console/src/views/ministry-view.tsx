/**
 * The ministry operator's view of its gateway: identity, ledger and peers; its datasets with their record
 * counts and the versions anchored on the ledger; and the recent queries on the ledger that touched them,
 * with how each ended and what this gateway saw of it.
 */

import type { DatasetHead } from '@privgate/ledger';
import { fromHex } from '@privgate/ledger';
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleEnv } from '../app.tsx';
import { clientProblem, type Problem, type QueryProgressJson } from '../lib/gateway-api.ts';
import { type OpenedQuery, recentQueries } from '../lib/ledger.ts';
import { Badge, Busy, Hex, Panel, ProblemPanel, Time } from './components.tsx';

interface TouchingQuery extends OpenedQuery {
  outcome: 'open' | 'answered' | 'failed';
  here: QueryProgressJson | undefined;
}

export function MinistryView(props: { env: ConsoleEnv }) {
  const { env } = props;
  const { status } = env;
  const [heads, setHeads] = useState<Record<string, DatasetHead | null>>({});
  const [queries, setQueries] = useState<TouchingQuery[]>();
  const [problem, setProblem] = useState<Problem>();

  useEffect(() => {
    if (status === undefined || env.chainId === undefined) return;
    const names = status.datasets.map((d) => d.name);
    let cancelled = false;
    (async () => {
      try {
        const ledger = await env.ledger();
        const read = await Promise.all(
          names.map(async (n) => [n, (await ledger.datasetHead(n)) ?? null] as const),
        );
        if (!cancelled) setHeads(Object.fromEntries(read));
        const opened = await recentQueries(env.chainId!, { blocks: 256, limit: 20, datasets: names });
        const rows = await Promise.all(
          opened.map(async (q): Promise<TouchingQuery> => {
            const trail = await ledger.auditTrail(fromHex(q.queryId));
            const closed = trail[1]?.kind;
            const here = await env.api.progress(q.queryId).catch(() => undefined);
            return { ...q, outcome: closed === 'answered' || closed === 'failed' ? closed : 'open', here };
          }),
        );
        if (!cancelled) setQueries(rows);
      } catch (err) {
        if (!cancelled) setProblem(clientProblem(err));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [status, env.chainId]);

  if (!env.hasToken) {
    return (
      <div class="view" data-testid="ministry-view">
        <Panel title="Ministry operator" id="ministry">
          <p>
            Enter this gateway’s operator token above to see its datasets, its peers and the queries it took
            part in.
          </p>
        </Panel>
      </div>
    );
  }
  if (status === undefined) {
    return (
      <div class="view" data-testid="ministry-view">
        <Busy>Reading the gateway’s status…</Busy>
      </div>
    );
  }

  return (
    <div class="view" data-testid="ministry-view">
      <Panel title={`Gateway ${status.orgId}`} id="ministry-status">
        <dl class="kv">
          <div>
            <dt>Ministry</dt>
            <dd>{status.ministryId}</dd>
          </div>
          <div>
            <dt>Chain</dt>
            <dd>{status.chainId}</dd>
          </div>
          <div>
            <dt>Ledger</dt>
            <dd>
              {status.ledger.reachable ? (
                <Badge tone="ok">reachable in {status.ledger.latencyMs} ms</Badge>
              ) : (
                <Badge tone="bad">unreachable: {status.ledger.error}</Badge>
              )}
            </dd>
          </div>
          <div>
            <dt>Queries running</dt>
            <dd>{status.queries.running}</dd>
          </div>
          <div>
            <dt>Up for</dt>
            <dd>{status.uptimeSeconds.toLocaleString()} s</dd>
          </div>
          <div>
            <dt>Peer id</dt>
            <dd>
              <Hex value={status.peerId} chars={16} />
            </dd>
          </div>
        </dl>
        <h3>Peers</h3>
        <ul class="peers">
          {status.peers.map((p) => (
            <li key={p.orgId}>
              <Badge tone={p.known ? 'ok' : 'bad'}>{p.known ? 'verified' : 'not found'}</Badge> {p.orgId}{' '}
              <span class="muted">{p.url}</span>
              {p.lastError !== undefined ? <span class="warn"> {p.lastError}</span> : null}
            </li>
          ))}
          {status.peers.length === 0 ? <li class="muted">No peer configured.</li> : null}
        </ul>
      </Panel>
      <Panel title="Datasets" id="ministry-datasets">
        <div class="table-wrap">
          <table data-testid="datasets">
            <thead>
              <tr>
                <th scope="col">Dataset</th>
                <th scope="col">Records</th>
                <th scope="col">Committed version</th>
                <th scope="col">Anchoring transaction</th>
                <th scope="col">On the ledger</th>
              </tr>
            </thead>
            <tbody>
              {status.datasets.map((d) => {
                const head = heads[d.name];
                return (
                  <tr key={d.name}>
                    <th scope="row">{d.name}</th>
                    <td>{d.recordCount.toLocaleString()}</td>
                    <td>{d.latestVersion ?? <span class="muted">none</span>}</td>
                    <td>
                      <Hex value={d.anchoredTxId} />
                    </td>
                    <td>
                      {head === undefined ? (
                        <span class="muted">…</span>
                      ) : head === null ? (
                        <Badge tone="wait">not anchored</Badge>
                      ) : (
                        <>
                          <Badge tone={head.latestVersion === d.latestVersion ? 'ok' : 'wait'}>
                            version {head.latestVersion}
                          </Badge>{' '}
                          of {head.versionCount}, held by {head.owner}
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Panel>
      <Panel title="Recent queries touching these datasets" id="ministry-queries">
        {problem !== undefined ? <ProblemPanel problem={problem} heading="Ledger" /> : null}
        {queries === undefined && problem === undefined ? <Busy>Reading recent blocks…</Busy> : null}
        {queries?.length === 0 ? (
          <p class="muted">No query in the last blocks named these datasets.</p>
        ) : null}
        {queries !== undefined && queries.length > 0 ? (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Query</th>
                  <th scope="col">Agency and policy</th>
                  <th scope="col">Datasets</th>
                  <th scope="col">Opened</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">At this gateway</th>
                </tr>
              </thead>
              <tbody>
                {queries.map((q) => (
                  <tr key={q.queryId}>
                    <th scope="row">
                      <Hex value={q.queryId} />
                    </th>
                    <td>
                      {q.requester} · {q.policyId}
                    </td>
                    <td>{q.datasets.join(', ')}</td>
                    <td>
                      #{q.height} · <Time ms={q.time} />
                    </td>
                    <td>
                      <Badge tone={q.outcome === 'answered' ? 'ok' : q.outcome === 'failed' ? 'bad' : 'wait'}>
                        {q.outcome}
                      </Badge>
                    </td>
                    <td>
                      {q.here === undefined ? (
                        <span class="muted">not seen (or forgotten)</span>
                      ) : (
                        `${q.here.role}, ${q.here.stage}, ${q.here.events.length} event(s)`
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Panel>
    </div>
  );
}
