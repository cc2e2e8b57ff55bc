/**
 * A running query as the agency watches it: the entry gateway's stages as they happen (its event stream),
 * and per ministry what is known so far — its proofs, its part in the MPC (a signed transcript), its
 * dataset's anchored version. The entry gateway reports its own stages live; the other ministries' rows
 * fill in when the entry gateway has verified their contributions and when the answer arrives.
 */
import type { QueryAnswerJson, QueryEventJson, QueryStageName } from '../lib/gateway-api.ts';
import { Badge, Hex } from './components.tsx';

const STAGES: { stage: QueryStageName; label: string }[] = [
  { stage: 'opened', label: 'Opened on the ledger' },
  { stage: 'resolved', label: 'Related parties resolved' },
  { stage: 'session', label: 'MPC session started' },
  { stage: 'proved', label: 'Proofs built' },
  { stage: 'computed', label: 'MPC computed' },
  { stage: 'verified', label: 'Proofs and transcripts verified' },
  { stage: 'answered', label: 'Answer anchored' },
];

function detailText(e: QueryEventJson): string {
  const d = e.details;
  switch (e.stage) {
    case 'resolved':
      return `${d.subjects} enterprise(s)`;
    case 'session':
      return `${d.participants} participant(s)`;
    case 'proved':
      return `${d.dataset}: ${d.proofs} proof(s) in ${d.provingMs} ms`;
    case 'computed':
      return `${d.rounds} round(s)`;
    case 'verified':
      return `${d.contributions} contribution(s), ${d.transcripts} transcript(s)`;
    default:
      return Object.entries(d)
        .map(([k, v]) => `${k} ${typeof v === 'string' && v.length > 20 ? `${v.slice(0, 12)}…` : v}`)
        .join(', ');
  }
}

/** One ministry's part in the query. */
export interface MinistryPart {
  org: string;
  datasets: string[];
}

export interface QueryProgressProps {
  queryId: string;
  events: QueryEventJson[];
  /** Why there is no live progress (no token, or the stream was refused). */
  liveNote: string | undefined;
  /** The metric datasets' holders, as the ledger names their owners. */
  parts: MinistryPart[];
  answer: QueryAnswerJson | undefined;
  running: boolean;
}

export function QueryProgress(props: QueryProgressProps) {
  const reached = new Map<QueryStageName, QueryEventJson[]>();
  for (const e of props.events) reached.set(e.stage, [...(reached.get(e.stage) ?? []), e]);
  const start = props.events[0]?.at;
  const verified = reached.has('verified') || props.answer !== undefined;
  const bundle = props.answer?.bundle;

  return (
    <div class="progress" data-testid="query-progress">
      <p>
        Query <Hex value={props.queryId} chars={16} />
      </p>
      {props.liveNote !== undefined ? <p class="help">{props.liveNote}</p> : null}
      {props.events.length === 0 && !props.running && props.answer === undefined ? null : (
        <ol class="stages">
          {STAGES.map(({ stage, label }) => {
            const got = reached.get(stage);
            const state = got !== undefined ? 'done' : props.running ? 'waiting' : 'skipped';
            return (
              <li key={stage} class={`stage stage-${state}`} data-stage={stage} data-state={state}>
                <span class="stage-mark" aria-hidden="true">
                  {state === 'done' ? '✓' : '○'}
                </span>
                <span class="stage-label">{label}</span>
                <span class="stage-detail">
                  {got?.map((e) => (
                    <span key={`${e.at}-${detailText(e)}`}>
                      {detailText(e)}
                      {start !== undefined ? <span class="muted"> +{e.at - start} ms</span> : null}
                    </span>
                  ))}
                  {got === undefined ? <span class="visually-hidden">{state}</span> : null}
                </span>
              </li>
            );
          })}
        </ol>
      )}
      <div class="table-wrap">
        <table class="ministries">
          <caption>Ministries</caption>
          <thead>
            <tr>
              <th scope="col">Ministry</th>
              <th scope="col">Datasets</th>
              <th scope="col">Proofs</th>
              <th scope="col">Shares and MPC</th>
              <th scope="col">Anchored</th>
            </tr>
          </thead>
          <tbody>
            {props.parts.map((p) => {
              const contributions = bundle?.contributions.filter((c) => c.holder === p.org) ?? [];
              const proofs = contributions.reduce((n, c) => n + c.inclusion.length + c.binding.length, 0);
              const provedLive = (reached.get('proved') ?? []).filter((e) =>
                p.datasets.includes(String(e.details.dataset)),
              );
              const transcript = bundle?.record.transcripts.find((t) => t.party === p.org);
              const anchors = bundle?.ledger.anchors.filter((a) => p.datasets.includes(a.dataset)) ?? [];
              return (
                <tr key={p.org}>
                  <th scope="row">{p.org}</th>
                  <td>
                    {p.datasets.length === 0 ? <span class="muted">computes</span> : p.datasets.join(', ')}
                  </td>
                  <td>
                    {p.datasets.length === 0 ? (
                      <span class="muted">no dataset</span>
                    ) : bundle !== undefined ? (
                      <Badge tone="ok">{proofs} verified</Badge>
                    ) : provedLive.length > 0 ? (
                      <Badge tone="ok">built</Badge>
                    ) : verified ? (
                      <Badge tone="ok">verified</Badge>
                    ) : (
                      <Badge tone="wait">{props.running ? 'waiting' : '—'}</Badge>
                    )}
                  </td>
                  <td>
                    {transcript !== undefined ? (
                      <Badge tone="ok">transcript signed</Badge>
                    ) : verified ? (
                      <Badge tone="ok">done</Badge>
                    ) : reached.has('session') ? (
                      <Badge tone="wait">in session</Badge>
                    ) : (
                      <Badge tone="wait">{props.running ? 'waiting' : '—'}</Badge>
                    )}
                  </td>
                  <td>
                    {p.datasets.length === 0 ? (
                      <span class="muted">—</span>
                    ) : anchors.length > 0 ? (
                      anchors.map((a) => (
                        <span key={a.dataset} class="anchor">
                          v{a.version} <Hex value={a.txId} chars={8} />
                        </span>
                      ))
                    ) : (
                      <Badge tone="wait">{props.running ? 'waiting' : '—'}</Badge>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
