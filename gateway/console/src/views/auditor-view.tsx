/**
 * The auditor's view: verify a query from the ledger in this browser (every proof by snarkjs, every
 * signature by the SM2 code the ledger uses), browse the recent queries and their audit trails, and the
 * blocks themselves, decoded here.
 */
import { fromHex } from '@privgate/ledger';
import { useEffect, useState } from 'preact/hooks';
import type { AuditEvent } from '../../../src/ledger-client/interface.ts';
import type { ConsoleEnv } from '../app.tsx';
import { auditQueryInBrowser, type BrowserAudit, type ProofTally } from '../lib/audit.ts';
import { clientProblem, type Problem } from '../lib/gateway-api.ts';
import { type DecodedBlock, type OpenedQuery, recentBlocks, recentQueries } from '../lib/ledger.ts';
import { type WebGpuStatus, webGpuStatus } from '../lib/webgpu.ts';
import { Badge, Busy, Hex, Panel, ProblemPanel, Time } from './components.tsx';

const QUERY_ID = /^[0-9a-f]{64}$/;
const PAGE = 12;

export function AuditorView(props: { env: ConsoleEnv; target: string | undefined }) {
  const { env } = props;
  const [queryId, setQueryId] = useState(props.target ?? '');
  const [trail, setTrail] = useState<AuditEvent[]>();
  const [audit, setAudit] = useState<BrowserAudit>();
  const [tally, setTally] = useState<ProofTally>();
  const [auditing, setAuditing] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [gpu, setGpu] = useState<WebGpuStatus>();
  const [queries, setQueries] = useState<OpenedQuery[]>();
  const [blocks, setBlocks] = useState<DecodedBlock[]>([]);
  const [listProblem, setListProblem] = useState<Problem>();
  const [loadingBlocks, setLoadingBlocks] = useState(false);

  useEffect(() => {
    void webGpuStatus().then(setGpu);
  }, []);

  const loadBlocks = async (from?: number) => {
    if (env.chainId === undefined) return;
    setLoadingBlocks(true);
    try {
      const more = await recentBlocks(env.chainId, { count: PAGE, ...(from === undefined ? {} : { from }) });
      setBlocks((b) => (from === undefined ? more : [...b, ...more]));
    } catch (err) {
      setListProblem(clientProblem(err));
    } finally {
      setLoadingBlocks(false);
    }
  };

  useEffect(() => {
    if (env.chainId === undefined) return;
    void loadBlocks();
    recentQueries(env.chainId, { blocks: 256, limit: 20 })
      .then(setQueries)
      .catch((err: unknown) => setListProblem(clientProblem(err)));
  }, [env.chainId]);

  const verify = async (id: string) => {
    setQueryId(id);
    setProblem(undefined);
    setAudit(undefined);
    setTrail(undefined);
    setTally(undefined);
    if (!QUERY_ID.test(id)) {
      setProblem({
        status: 0,
        code: 'QUERY_ID_INVALID',
        title: 'Not a query id',
        detail: 'a query id is 64 lower-case hex characters',
      });
      return;
    }
    setAuditing(true);
    try {
      const ledger = await env.ledger();
      setTrail(await ledger.auditTrail(fromHex(id)));
      setAudit(await auditQueryInBrowser(ledger, id, setTally));
    } catch (err) {
      setProblem(clientProblem(err));
    } finally {
      setAuditing(false);
    }
  };

  useEffect(() => {
    if (props.target !== undefined && env.chainId !== undefined) void verify(props.target);
  }, [props.target, env.chainId]);

  const failed = audit?.report.checks.filter((c) => !c.ok) ?? [];

  return (
    <div class="view" data-testid="auditor-view">
      <Panel title="Verify a query in this browser" id="audit-verify">
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            void verify(queryId.trim().toLowerCase());
          }}
        >
          <div class="field grow">
            <label for="audit-query-id">Query id</label>
            <input
              id="audit-query-id"
              value={queryId}
              onInput={(e) => setQueryId((e.target as HTMLInputElement).value)}
              spellcheck={false}
              autocomplete="off"
              pattern="[0-9a-fA-F]{64}"
            />
          </div>
          <div class="field end">
            <button type="submit" disabled={auditing}>
              Verify
            </button>
          </div>
        </form>
        <p class="help" data-testid="webgpu">
          Proofs are verified by snarkjs (WebAssembly) in this page, against the circuits’ committed keys the
          console carries and the ledger registers.{' '}
          {gpu === undefined
            ? 'Checking WebGPU…'
            : gpu.available
              ? `WebGPU is available here (adapter: ${gpu.adapter}${gpu.fallback ? ', software fallback' : ''}).`
              : `WebGPU is not available here (${gpu.reason}).`}
        </p>
        {auditing ? (
          <Busy>
            Verifying from the ledger…
            {tally !== undefined ? ` ${tally.verified + tally.failed} proof(s) checked` : ''}
          </Busy>
        ) : null}
        {problem !== undefined ? <ProblemPanel problem={problem} heading="Cannot verify" /> : null}
        {trail !== undefined && trail.length > 0 ? <Trail events={trail} /> : null}
        {audit !== undefined ? (
          <div class="audit">
            <div
              class={`verdict ${audit.report.verdict === 'PASS' ? 'verdict-yes' : 'verdict-no'}`}
              role="status"
              data-testid="audit-verdict"
              data-verdict={audit.report.verdict}
            >
              <p class="verdict-label">Audit of a query that is {audit.report.outcome}</p>
              <p class="verdict-value">{audit.report.verdict === 'PASS' ? 'Verified' : 'Not verified'}</p>
              <p>
                {audit.report.verdict === 'PASS'
                  ? `All ${audit.report.checks.length} checks pass`
                  : `${failed.length} of ${audit.report.checks.length} checks fail`}
                ; {audit.proofs.verified} Groth16 proof(s) verified by snarkjs in this browser
                {audit.proofs.failed > 0 ? `, ${audit.proofs.failed} rejected` : ''}. The audit took{' '}
                {Math.round(audit.ms).toLocaleString()} ms.
              </p>
            </div>
            <div class="table-wrap">
              <table class="checks">
                <caption>Checks</caption>
                <thead>
                  <tr>
                    <th scope="col">Result</th>
                    <th scope="col">Check</th>
                    <th scope="col">About</th>
                    <th scope="col">Detail</th>
                  </tr>
                </thead>
                <tbody>
                  {audit.report.checks.map((c, i) => (
                    <tr key={`${c.check}-${c.subject ?? ''}-${i}`} class={c.ok ? '' : 'row-bad'}>
                      <td>
                        <Badge tone={c.ok ? 'ok' : 'bad'}>{c.ok ? 'pass' : 'FAIL'}</Badge>
                      </td>
                      <th scope="row">
                        <code>{c.check}</code>
                      </th>
                      <td>{c.subject ?? ''}</td>
                      <td>{c.detail}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ) : null}
      </Panel>
      <Panel title="Recent queries on the ledger" id="audit-queries">
        {listProblem !== undefined ? <ProblemPanel problem={listProblem} heading="Ledger" /> : null}
        {queries === undefined ? <Busy>Reading recent blocks…</Busy> : null}
        {queries?.length === 0 ? <p class="muted">No query in the last blocks.</p> : null}
        {queries !== undefined && queries.length > 0 ? (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Query</th>
                  <th scope="col">Agency</th>
                  <th scope="col">Policy</th>
                  <th scope="col">Datasets</th>
                  <th scope="col">Opened</th>
                  <th scope="col">
                    <span class="visually-hidden">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {queries.map((q) => (
                  <tr key={q.queryId}>
                    <th scope="row">
                      <Hex value={q.queryId} />
                    </th>
                    <td>{q.requester}</td>
                    <td>{q.policyId}</td>
                    <td>{q.datasets.join(', ')}</td>
                    <td>
                      #{q.height} · <Time ms={q.time} />
                    </td>
                    <td>
                      <button type="button" class="secondary" onClick={() => void verify(q.queryId)}>
                        Verify <span class="visually-hidden">query {q.queryId.slice(0, 12)}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Panel>
      <Panel title="Blocks" id="audit-blocks">
        {blocks.map((b) => (
          <details key={b.height} class="block">
            <summary>
              Block #{b.height} · <Time ms={b.header.timestamp} /> · {b.txs.length} transaction(s) · proposed
              by {b.header.proposer}{' '}
              {b.certified ? <Badge tone="ok">certified</Badge> : <Badge tone="info">dev ledger</Badge>}
            </summary>
            <p>
              Hash <Hex value={b.hash} chars={20} /> · previous <Hex value={b.header.prevHash} chars={20} /> ·
              state <Hex value={b.header.stateRoot} chars={20} />
            </p>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Transaction</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Sender</th>
                    <th scope="col">Nonce</th>
                    <th scope="col">Bytes</th>
                  </tr>
                </thead>
                <tbody>
                  {b.txs.map((t) => (
                    <tr key={t.id}>
                      <th scope="row">
                        <Hex value={t.id} />
                      </th>
                      <td>{t.kind}</td>
                      <td>{t.sender}</td>
                      <td>{t.nonce}</td>
                      <td>{t.bytes.toLocaleString()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        ))}
        {loadingBlocks ? <Busy>Reading blocks…</Busy> : null}
        {blocks.length > 0 && blocks[blocks.length - 1]!.height > 0 ? (
          <button
            type="button"
            class="secondary"
            disabled={loadingBlocks}
            onClick={() => void loadBlocks(blocks[blocks.length - 1]!.height - 1)}
          >
            Older blocks
          </button>
        ) : null}
      </Panel>
    </div>
  );
}

function Trail(props: { events: AuditEvent[] }) {
  return (
    <ol class="trail" aria-label="Audit trail on the ledger">
      {props.events.map((e) => (
        <li key={e.kind}>
          <Badge tone={e.kind === 'failed' ? 'bad' : 'ok'}>{e.kind}</Badge> at height {e.height} (
          <Time ms={e.timestamp} />){' '}
          {e.kind === 'opened'
            ? `by ${e.requester} under ${e.policyId} (${e.disclosure}) for “${e.purpose}”`
            : e.kind === 'answered'
              ? `by ${e.gateway} with ${e.proofIds.length} proof transaction(s)`
              : `by ${e.gateway}: ${e.reason}`}
        </li>
      ))}
    </ol>
  );
}
