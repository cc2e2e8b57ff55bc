/**
 * A query's answer: the verdict or the aggregate, and the proof bundle behind it (the query record the
 * ledger anchored, every contribution's proofs, the ledger transactions), folded by default.
 */
import type { QueryAnswerJson } from '../lib/gateway-api.ts';
import { Hex, JsonBlock } from './components.tsx';

const number = (s: string) => {
  try {
    return BigInt(s).toLocaleString();
  } catch {
    return s;
  }
};

export function QueryResult(props: { answer: QueryAnswerJson; onAudit: () => void }) {
  const { answer } = props;
  const { output, bundle, timings } = answer;
  const proofs = bundle.contributions.reduce((n, c) => n + c.inclusion.length + c.binding.length, 0);
  return (
    <div class="result" data-testid="query-result">
      {output.kind === 'verdict' ? (
        <div class={`verdict ${output.value ? 'verdict-yes' : 'verdict-no'}`} data-testid="verdict">
          <p class="verdict-label">Verdict</p>
          <p class="verdict-value">{output.value ? 'Yes' : 'No'}</p>
          <p>
            The aggregate over the subject and its related parties is {output.value ? 'at least' : 'below'}{' '}
            the threshold of {number(output.threshold)}. The aggregate itself was not disclosed.
          </p>
        </div>
      ) : (
        <div class="verdict verdict-aggregate" data-testid="aggregate">
          <p class="verdict-label">Aggregate</p>
          <p class="verdict-value">{number(output.value)}</p>
          <p>Over {bundle.record.subjectCount} enterprise(s), in the metric datasets’ units.</p>
        </div>
      )}
      <dl class="kv">
        <div>
          <dt>Related parties</dt>
          <dd>{bundle.record.subjectCount}</dd>
        </div>
        <div>
          <dt>Opened by</dt>
          <dd>
            <Hex value={bundle.ledger.openTxId} />
          </dd>
        </div>
        <div>
          <dt>Answer anchored by</dt>
          <dd>
            <Hex value={bundle.ledger.answerTxId} />
          </dd>
        </div>
        <div>
          <dt>Total time</dt>
          <dd>{Math.round(timings.total).toLocaleString()} ms</dd>
        </div>
      </dl>
      <p>
        <button type="button" onClick={props.onAudit}>
          Audit this query in the browser
        </button>
      </p>
      <details class="bundle">
        <summary>
          Proof bundle: {proofs} proofs from {bundle.contributions.length} contribution(s),{' '}
          {bundle.record.transcripts.length} signed transcripts
        </summary>
        <div class="table-wrap">
          <table>
            <caption>Contributions</caption>
            <thead>
              <tr>
                <th scope="col">Ministry</th>
                <th scope="col">Dataset</th>
                <th scope="col">Version</th>
                <th scope="col">Anchored root</th>
                <th scope="col">Inclusion proofs</th>
                <th scope="col">Share-binding proofs</th>
              </tr>
            </thead>
            <tbody>
              {bundle.contributions.map((c) => (
                <tr key={`${c.holder}/${c.dataset}`}>
                  <th scope="row">{c.holder}</th>
                  <td>{c.dataset}</td>
                  <td>{c.version}</td>
                  <td>
                    <Hex value={BigInt(c.root).toString(16)} />
                  </td>
                  <td>{c.inclusion.length}</td>
                  <td>{c.binding.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h3>Timings (ms)</h3>
        <dl class="kv">
          {Object.entries(timings).map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{Math.round(v).toLocaleString()}</dd>
            </div>
          ))}
        </dl>
        <h3>Query record (anchored on the ledger with the answer)</h3>
        <JsonBlock value={bundle.record} />
        <details>
          <summary>Proofs and public signals</summary>
          <JsonBlock value={bundle.contributions} />
        </details>
      </details>
    </div>
  );
}
