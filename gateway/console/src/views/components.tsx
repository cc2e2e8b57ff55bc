/** Small building blocks shared by the console's views. */
import type { ComponentChildren } from 'preact';
import { type Problem, problemContext } from '../lib/gateway-api.ts';

/** A section of a view with its heading. */
export function Panel(props: {
  title: string;
  id?: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  const headingId = props.id === undefined ? undefined : `${props.id}-title`;
  return (
    <section class="panel" id={props.id} aria-labelledby={headingId}>
      <div class="panel-head">
        <h2 id={headingId}>{props.title}</h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

/**
 * A problem the gateway (or the console) reported: its title, its stable code and detail, and the
 * context members that say why (the ledger's own code of a refusal, the field at fault).
 */
export function ProblemPanel(props: { problem: Problem; heading?: string }) {
  const { problem } = props;
  const context = problemContext(problem);
  const entries = Object.entries(context).filter(([, v]) => v !== undefined && v !== null);
  return (
    <div class="problem" role="alert" data-testid="problem" data-code={problem.code}>
      <p class="problem-heading">{props.heading ?? 'Refused'}</p>
      <h3 class="problem-title">{problem.title ?? problem.code}</h3>
      <p>
        <code class="problem-code">{problem.code}</code>
        {problem.status > 0 ? <span class="muted"> · HTTP {problem.status}</span> : null}
      </p>
      <p class="problem-detail">{problem.detail}</p>
      {entries.length > 0 ? (
        <dl class="kv">
          {entries.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>
                <code>{typeof v === 'string' ? v : JSON.stringify(v)}</code>
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}

/** A hex value shown short, whole on hover. */
export function Hex(props: { value: string | null | undefined; chars?: number }) {
  const v = props.value;
  if (v === null || v === undefined || v === '') return <span class="muted">—</span>;
  const n = props.chars ?? 12;
  return (
    <code class="hex" title={v}>
      {v.length > n + 1 ? `${v.slice(0, n)}…` : v}
    </code>
  );
}

/** A one-word state with its colour. */
export function Badge(props: { tone: 'ok' | 'bad' | 'wait' | 'info'; children: ComponentChildren }) {
  return <span class={`badge badge-${props.tone}`}>{props.children}</span>;
}

/** A spinner with its text (announced politely). */
export function Busy(props: { children: ComponentChildren }) {
  return (
    <p class="busy" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {props.children}
    </p>
  );
}

/** A timestamp (ms since the epoch) as local date and time. */
export function Time(props: { ms: number | null | undefined }) {
  if (props.ms === null || props.ms === undefined || props.ms <= 0) return <span class="muted">—</span>;
  const d = new Date(props.ms);
  return <time dateTime={d.toISOString()}>{d.toLocaleString()}</time>;
}

/** Pretty JSON, wrapped rather than scrolled (so no region needs keyboard scrolling). */
export function JsonBlock(props: { value: unknown }) {
  return <pre class="json">{JSON.stringify(props.value, null, 2)}</pre>;
}
