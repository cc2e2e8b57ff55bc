/**
 * The agency's view: load its key, compose a credit-penetration query under one of its policies, sign it
 * here, run it at this gateway and watch it; then the verdict or aggregate with its proof bundle, or the
 * refusal with its code.
 */
import type { PolicyRecord } from '@privgate/ledger';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleEnv } from '../app.tsx';
import { type AgencyQuery, AgencySession } from '../lib/agency.ts';
import {
  clientProblem,
  type Problem,
  ProblemError,
  type QueryAnswerJson,
  type QueryEventJson,
} from '../lib/gateway-api.ts';
import type { LoadedKey } from '../lib/key-file.ts';
import { Badge, Busy, Panel, ProblemPanel } from './components.tsx';
import { KeyLoader } from './key-loader.tsx';
import { type MinistryPart, QueryProgress } from './query-progress.tsx';
import { QueryResult } from './query-result.tsx';

interface MetricChoice {
  dataset: string;
  owner: string | undefined;
  latestVersion: number | undefined;
  checked: boolean;
  weight: string;
}

interface Run {
  queryId: string;
  events: QueryEventJson[];
  liveNote: string | undefined;
  parts: MinistryPart[];
  answer?: QueryAnswerJson;
  problem?: Problem;
  running: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function AgencyView(props: { env: ConsoleEnv; onAudit: (queryId: string) => void }) {
  const { env } = props;
  const [session, setSession] = useState<AgencySession>();
  const [policyId, setPolicyId] = useState('');
  const [policy, setPolicy] = useState<PolicyRecord | null>();
  const [policyProblem, setPolicyProblem] = useState<Problem>();
  const [metrics, setMetrics] = useState<MetricChoice[]>([]);
  const [extraMetrics, setExtraMetrics] = useState('');
  const [subject, setSubject] = useState('');
  const [depth, setDepth] = useState('2');
  const [mode, setMode] = useState<'aggregate' | 'verdict'>('verdict');
  const [threshold, setThreshold] = useState('1000000');
  const [purpose, setPurpose] = useState('');
  const [formProblem, setFormProblem] = useState<Problem>();
  const [run, setRun] = useState<Run>();
  const follow = useRef<AbortController | undefined>(undefined);

  useEffect(() => () => follow.current?.abort(), []);

  const onKey = async (key: LoadedKey | undefined) => {
    setSession(key === undefined ? undefined : new AgencySession(key, await env.ledger()));
  };

  const lookUpPolicy = async (e?: Event) => {
    e?.preventDefault();
    setPolicyProblem(undefined);
    setPolicy(undefined);
    const id = policyId.trim();
    if (id === '') return;
    try {
      const ledger = await env.ledger();
      const found = await ledger.policy(id);
      setPolicy(found ?? null);
      if (found === undefined) return;
      setPurpose(found.purpose);
      if (found.disclosure === 2) setMode('verdict');
      const heads = await Promise.all(found.datasets.map((d) => ledger.datasetHead(d)));
      setMetrics(
        found.datasets.map((dataset, i) => ({
          dataset,
          owner: heads[i]?.owner,
          latestVersion: heads[i]?.latestVersion,
          checked: true,
          weight: '',
        })),
      );
    } catch (err) {
      setPolicyProblem(clientProblem(err));
    }
  };

  const query = (): AgencyQuery => {
    const chosen = metrics
      .filter((m) => m.checked)
      .map((m) => ({ dataset: m.dataset, ...(m.weight.trim() === '' ? {} : { weight: m.weight.trim() }) }));
    const extra = extraMetrics
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((dataset) => ({ dataset }));
    return {
      policyId: policyId.trim(),
      subject: subject.trim(),
      depth: Number(depth),
      metrics: [...chosen, ...extra],
      disclosure: mode === 'verdict' ? { mode, threshold: threshold.trim() } : { mode },
      purpose: purpose.trim(),
    };
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (session === undefined) return;
    setFormProblem(undefined);
    follow.current?.abort();
    let signed: Awaited<ReturnType<AgencySession['sign']>>;
    try {
      signed = await session.sign(query());
    } catch (err) {
      setFormProblem({ ...clientProblem(err), title: 'The query cannot be signed' });
      return;
    }
    const ledger = await env.ledger();
    const owners = new Map<string, string[]>();
    for (const m of signed.request.metrics) {
      const owner =
        metrics.find((c) => c.dataset === m.dataset)?.owner ?? (await ledger.datasetHead(m.dataset))?.owner;
      if (owner !== undefined) owners.set(owner, [...(owners.get(owner) ?? []), m.dataset]);
    }
    const parts = [...owners].map(([org, datasets]) => ({ org, datasets }));
    const controller = new AbortController();
    follow.current = controller;
    const state: Run = {
      queryId: signed.queryId,
      events: [],
      liveNote: env.hasToken
        ? undefined
        : 'Live progress needs the operator token; the stages appear with the answer.',
      parts,
      running: true,
    };
    setRun({ ...state });
    const update = (patch: Partial<Run>) => {
      Object.assign(state, patch);
      setRun({ ...state, events: [...state.events] });
    };

    const answer = env.api.runQuery(signed.request, signed.authorization, controller.signal);
    if (env.hasToken) void followEvents(signed.queryId, controller.signal, state, update, answer);
    try {
      const a = await answer;
      const record = a.bundle.record;
      const more = [...new Set([record.resolver, ...record.computeParties, record.entry])]
        .filter((org) => !owners.has(org))
        .map((org) => ({ org, datasets: [] }));
      update({ answer: a, parts: [...parts, ...more], running: false });
      if (state.events.length === 0 && env.hasToken) {
        try {
          update({ events: (await env.api.progress(signed.queryId)).events });
        } catch {}
      }
    } catch (err) {
      const problem = clientProblem(err);
      // A query the ledger did not open did not use its nonce.
      if (state.events.every((ev) => ev.stage !== 'opened')) session.resync();
      update({ problem, running: false });
    } finally {
      setTimeout(() => controller.abort(), 2000);
    }
  };

  async function followEvents(
    queryId: string,
    signal: AbortSignal,
    state: Run,
    update: (patch: Partial<Run>) => void,
    answer: Promise<unknown>,
  ) {
    let settled = false;
    answer.then(
      () => (settled = true),
      () => (settled = true),
    );
    // The gateway knows the query once it has opened it; until then the stream answers UNKNOWN_QUERY.
    for (let attempt = 0; !signal.aborted && !settled; attempt++) {
      try {
        await env.api.followProgress(
          queryId,
          (ev) => {
            if (
              !state.events.some(
                (x) =>
                  x.stage === ev.stage &&
                  x.at === ev.at &&
                  JSON.stringify(x.details) === JSON.stringify(ev.details),
              )
            )
              update({ events: [...state.events, ev] });
          },
          signal,
        );
        return;
      } catch (err) {
        if (!(err instanceof ProblemError) || err.problem.code !== 'UNKNOWN_QUERY') {
          if (!signal.aborted) update({ liveNote: `No live progress: ${clientProblem(err).detail}` });
          return;
        }
        await sleep(Math.min(500, 50 * 2 ** attempt));
      }
    }
  }

  const policyWarning =
    policy != null && session !== undefined && policy.agency !== session.id
      ? `This policy is for ${policy.agency}, not ${session.id}: the ledger will refuse the query.`
      : policy != null && !policy.enabled
        ? 'This policy is disabled: the ledger will refuse the query.'
        : undefined;

  return (
    <div class="view" data-testid="agency-view">
      <Panel title="Agency key" id="agency-key">
        <KeyLoader
          loaded={session?.key}
          onLoaded={(k) => void onKey(k)}
          identity={async (id) => (await env.ledger()).identity(id)}
        />
      </Panel>
      <Panel title="Credit-penetration query" id="agency-query">
        <form class="stack query-form" onSubmit={submit} aria-describedby="query-form-help">
          <p id="query-form-help" class="help">
            Which enterprise, how far along its ownership and control, which ministries’ figures, and what may
            be disclosed: the aggregate, or only whether it reaches a threshold.
          </p>
          <div class="row">
            <div class="field grow">
              <label for="policy-id">Policy</label>
              <input
                id="policy-id"
                value={policyId}
                onInput={(e) => setPolicyId((e.target as HTMLInputElement).value)}
                onBlur={() => void lookUpPolicy()}
                autocomplete="off"
                required
              />
            </div>
            <div class="field end">
              <button type="button" class="secondary" onClick={() => void lookUpPolicy()}>
                Look up policy
              </button>
            </div>
          </div>
          {policy === null ? <p class="warn">No policy {policyId.trim()} on the ledger.</p> : null}
          {policy != null ? (
            <p class="policy-summary" data-testid="policy-summary">
              <Badge tone={policy.enabled ? 'ok' : 'bad'}>{policy.enabled ? 'enabled' : 'disabled'}</Badge>{' '}
              for <strong>{policy.agency}</strong> ·{' '}
              {policy.disclosure === 2 ? 'verdicts only' : 'aggregates'} ·{' '}
              {policy.maxQueries.toLocaleString()} queries per {Math.round(policy.windowMs / 1000)} s ·
              version {policy.version}
            </p>
          ) : null}
          {policyWarning !== undefined ? (
            <p class="warn" role="note">
              {policyWarning}
            </p>
          ) : null}
          {policyProblem !== undefined ? <ProblemPanel problem={policyProblem} heading="Policy" /> : null}
          <div class="row">
            <div class="field grow">
              <label for="subject">Subject enterprise (unified social credit code)</label>
              <input
                id="subject"
                value={subject}
                onInput={(e) => setSubject((e.target as HTMLInputElement).value)}
                maxLength={18}
                minLength={18}
                spellcheck={false}
                autocomplete="off"
                required
              />
            </div>
            <div class="field">
              <label for="depth">Depth</label>
              <select
                id="depth"
                value={depth}
                onChange={(e) => setDepth((e.target as HTMLSelectElement).value)}
              >
                <option value="0">0 — the enterprise alone</option>
                <option value="1">1 — and its direct links</option>
                <option value="2">2</option>
                <option value="3">3</option>
              </select>
            </div>
          </div>
          <fieldset>
            <legend>Metrics</legend>
            {metrics.length === 0 ? (
              <p class="help">Look up the policy to choose among its datasets.</p>
            ) : null}
            {metrics.map((m, i) => (
              <div class="metric" key={m.dataset}>
                <input
                  type="checkbox"
                  id={`metric-${i}`}
                  checked={m.checked}
                  onChange={(e) => {
                    const next = [...metrics];
                    next[i] = { ...m, checked: (e.target as HTMLInputElement).checked };
                    setMetrics(next);
                  }}
                />
                <label for={`metric-${i}`}>
                  {m.dataset}{' '}
                  <span class="muted">
                    {m.owner === undefined
                      ? 'not anchored'
                      : `held by ${m.owner}, version ${m.latestVersion}`}
                  </span>
                </label>
                <label class="visually-hidden" for={`weight-${i}`}>
                  Weight of {m.dataset}
                </label>
                <input
                  id={`weight-${i}`}
                  class="weight"
                  inputMode="numeric"
                  placeholder="weight 1"
                  value={m.weight}
                  onInput={(e) => {
                    const next = [...metrics];
                    next[i] = { ...m, weight: (e.target as HTMLInputElement).value };
                    setMetrics(next);
                  }}
                />
              </div>
            ))}
            <div class="field">
              <label for="extra-metrics">Other datasets (comma-separated)</label>
              <input
                id="extra-metrics"
                value={extraMetrics}
                onInput={(e) => setExtraMetrics((e.target as HTMLInputElement).value)}
                autocomplete="off"
              />
            </div>
          </fieldset>
          <fieldset>
            <legend>Disclosure</legend>
            <div class="radio">
              <input
                type="radio"
                id="mode-verdict"
                name="mode"
                checked={mode === 'verdict'}
                onChange={() => setMode('verdict')}
              />
              <label for="mode-verdict">Verdict only: does the aggregate reach the threshold?</label>
            </div>
            <div class="radio">
              <input
                type="radio"
                id="mode-aggregate"
                name="mode"
                checked={mode === 'aggregate'}
                onChange={() => setMode('aggregate')}
              />
              <label for="mode-aggregate">The aggregate</label>
            </div>
            {mode === 'verdict' ? (
              <div class="field">
                <label for="threshold">Threshold</label>
                <input
                  id="threshold"
                  inputMode="numeric"
                  value={threshold}
                  onInput={(e) => setThreshold((e.target as HTMLInputElement).value)}
                  required
                />
              </div>
            ) : null}
          </fieldset>
          <div class="field">
            <label for="purpose">Purpose</label>
            <textarea
              id="purpose"
              rows={2}
              value={purpose}
              onInput={(e) => setPurpose((e.target as HTMLTextAreaElement).value)}
              required
            />
          </div>
          <div>
            <button type="submit" disabled={session === undefined || run?.running === true}>
              Sign and run the query
            </button>
            {session === undefined ? <span class="help"> Load the agency’s key first.</span> : null}
          </div>
          {formProblem !== undefined ? <ProblemPanel problem={formProblem} heading="Not sent" /> : null}
        </form>
      </Panel>
      {run !== undefined ? (
        <Panel title="Progress and answer" id="agency-run">
          {run.running ? <Busy>Running: proofs, shares and MPC across the ministries…</Busy> : null}
          {run.problem !== undefined ? (
            <ProblemPanel
              problem={run.problem}
              heading={
                run.events.some((ev) => ev.stage === 'opened') ? 'The query failed' : 'The query was refused'
              }
            />
          ) : null}
          <QueryProgress
            queryId={run.queryId}
            events={run.events}
            liveNote={run.liveNote}
            parts={run.parts}
            answer={run.answer}
            running={run.running}
          />
          {run.answer !== undefined ? (
            <QueryResult answer={run.answer} onAudit={() => props.onAudit(run.queryId)} />
          ) : null}
        </Panel>
      ) : null}
    </div>
  );
}
