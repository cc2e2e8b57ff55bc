/**
 * The console's shell: which gateway serves it and on which chain, the operator token (kept for this tab
 * only), and the three views — agency, auditor, ministry operator — switched by buttons and the URL hash.
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { HttpLedgerClient } from '../../src/ledger-client/http-ledger.ts';
import { clientProblem, GatewayApi, type GatewayStatus, type Problem } from './lib/gateway-api.ts';
import { connectLedger } from './lib/ledger.ts';
import { AgencyView } from './views/agency-view.tsx';
import { AuditorView } from './views/auditor-view.tsx';
import { ProblemPanel } from './views/components.tsx';
import { MinistryView } from './views/ministry-view.tsx';

/** What every view gets. */
export interface ConsoleEnv {
  api: GatewayApi;
  /** The ledger client over the gateway's ledger routes (connected once). */
  ledger: () => Promise<HttpLedgerClient>;
  chainId: string | undefined;
  hasToken: boolean;
  /** This gateway's status, when the operator token opened it. */
  status: GatewayStatus | undefined;
}

type ViewName = 'agency' | 'auditor' | 'ministry';
const VIEWS: { name: ViewName; label: string }[] = [
  { name: 'agency', label: 'Agency' },
  { name: 'auditor', label: 'Auditor' },
  { name: 'ministry', label: 'Ministry operator' },
];
const TOKEN_KEY = 'privgate.console.operatorToken';

function viewFromHash(): ViewName {
  const name = globalThis.location.hash.replace(/^#\/?/, '').split('/')[0];
  return VIEWS.some((v) => v.name === name) ? (name as ViewName) : 'agency';
}

export function App() {
  const [view, setView] = useState<ViewName>(viewFromHash);
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? '');
  const [draftToken, setDraftToken] = useState(token);
  const [chainId, setChainId] = useState<string>();
  const [ledgerProblem, setLedgerProblem] = useState<Problem>();
  const [status, setStatus] = useState<GatewayStatus>();
  const [statusProblem, setStatusProblem] = useState<Problem>();
  const [auditTarget, setAuditTarget] = useState<string>();

  const api = useMemo(() => new GatewayApi({ token: () => token }), [token]);
  const ledger = useMemo(() => {
    let connecting: Promise<HttpLedgerClient> | undefined;
    return () => {
      connecting ??= connectLedger().catch((err: unknown) => {
        connecting = undefined;
        throw err;
      });
      return connecting;
    };
  }, []);

  useEffect(() => {
    const onHash = () => setView(viewFromHash());
    globalThis.addEventListener('hashchange', onHash);
    return () => globalThis.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    ledger()
      .then((l) => setChainId(l.chainId))
      .catch((err: unknown) => setLedgerProblem(clientProblem(err)));
  }, [ledger]);

  useEffect(() => {
    setStatus(undefined);
    setStatusProblem(undefined);
    if (token === '') return;
    api
      .status()
      .then(setStatus)
      .catch((err: unknown) => setStatusProblem(clientProblem(err)));
  }, [api, token]);

  const go = useCallback((name: ViewName) => {
    globalThis.location.hash = `#/${name}`;
    setView(name);
  }, []);

  const saveToken = (e: Event) => {
    e.preventDefault();
    const t = draftToken.trim();
    if (t === '') sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, t);
    setToken(t);
  };

  const env: ConsoleEnv = { api, ledger, chainId, hasToken: token !== '', status };

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="brand">
          <span class="logo" aria-hidden="true">
            ◆
          </span>
          <div>
            <p class="title">PrivGate console</p>
            <p class="subtitle" data-testid="gateway-identity">
              {status !== undefined ? `${status.orgId} (${status.ministryId})` : 'gateway'} · chain{' '}
              {chainId ?? '…'}
            </p>
          </div>
        </div>
        <nav aria-label="Views">
          <ul class="tabs">
            {VIEWS.map((v) => (
              <li key={v.name}>
                <button
                  type="button"
                  class="tab"
                  aria-current={view === v.name ? 'page' : undefined}
                  onClick={() => go(v.name)}
                >
                  {v.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <form class="token" onSubmit={saveToken}>
          <label for="operator-token">Operator token</label>
          <input
            id="operator-token"
            type="password"
            autocomplete="off"
            value={draftToken}
            onInput={(e) => setDraftToken((e.target as HTMLInputElement).value)}
            aria-describedby="operator-token-help"
          />
          <button type="submit">Use token</button>
          <p id="operator-token-help" class="help token-help">
            {token === ''
              ? 'Needed for live progress and the ministry view; kept in this tab only.'
              : statusProblem !== undefined
                ? `Not accepted: ${statusProblem.detail}`
                : status !== undefined
                  ? 'Accepted.'
                  : 'Checking…'}
          </p>
        </form>
      </header>
      <main id="main" tabIndex={-1}>
        {ledgerProblem !== undefined ? (
          <ProblemPanel problem={ledgerProblem} heading="The ledger cannot be read through this gateway" />
        ) : null}
        {view === 'agency' ? (
          <AgencyView
            env={env}
            onAudit={(id) => {
              setAuditTarget(id);
              go('auditor');
            }}
          />
        ) : null}
        {view === 'auditor' ? <AuditorView env={env} target={auditTarget} /> : null}
        {view === 'ministry' ? <MinistryView env={env} /> : null}
      </main>
    </>
  );
}
