// The performance page's capacity tables, computed by docs/snippets/capacity-model.ts (run in CI).
import { ASSUMPTIONS, capacityModel, MEASURED, SCALE } from '../../snippets/capacity-model';

const model = capacityModel();
const cores = (n: number) =>
  n < 0.01 ? '< 0.01' : n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 2 : 0 });
const bytes = (n: number) => {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${units[i]}`;
};

export function CpuTable() {
  return (
    <table>
      <thead>
        <tr>
          <th>work</th>
          <th>where</th>
          <th>arithmetic</th>
          <th>cores, average</th>
          <th>cores, peak (×{ASSUMPTIONS.peakFactor})</th>
        </tr>
      </thead>
      <tbody>
        {model.cpu.map((line) => (
          <tr key={line.work}>
            <td>{line.work}</td>
            <td>{line.where}</td>
            <td>
              <code>{line.formula}</code>
            </td>
            <td>{cores(line.averageCores)}</td>
            <td>{cores(line.peakCores)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function LedgerLoad() {
  const l = model.ledger;
  return (
    <ul>
      <li>
        Load: <code>{l.formula}</code>.
      </li>
      <li>
        One validator per institution: n = {l.validators}, tolerating f = {l.faultsTolerated} faulty
        validators (n ≥ 3f + 1).
      </li>
      <li>
        CPU per validator at peak: {l.txPerSecondPeak.toFixed(1)} tx/s ×{' '}
        {(MEASURED.ledgerCpuSecondsPerTxPerValidator * 1000).toFixed(2)} ms ={' '}
        {l.validatorPeakCores.toPrecision(2)} of a core. The measured network sustained{' '}
        {MEASURED.ledgerTxPerSecondMeasured.toLocaleString('en-US')} tx/s, {Math.floor(l.headroom)}× the peak
        need.
      </li>
      <li>
        Had every invoice been its own transaction, the ledger would need{' '}
        {Math.round(l.perInvoiceTxPerSecond).toLocaleString('en-US')} tx/s on average —{' '}
        {(l.perInvoiceTxPerSecond / MEASURED.ledgerTxPerSecondMeasured).toFixed(1)}× what was measured, before
        any peak. Committing invoices in trees and anchoring roots is what makes the scale fit.
      </li>
    </ul>
  );
}

export function StorageTable() {
  return (
    <table>
      <thead>
        <tr>
          <th>data</th>
          <th>arithmetic</th>
          <th>per year</th>
        </tr>
      </thead>
      <tbody>
        {model.storage.map((s) => (
          <tr key={s.what}>
            <td>{s.what}</td>
            <td>
              <code>{s.formula}</code>
            </td>
            <td>{bytes(s.bytesPerYear)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ScaleFacts() {
  return (
    <ul>
      <li>{SCALE.enterprises.toLocaleString('en-US')} enterprises</li>
      <li>10^{Math.log10(SCALE.invoicesPerYear)} invoices a year</li>
      <li>{SCALE.institutions} institutions (ministries, regulators, state banks)</li>
      <li>10^{Math.log10(SCALE.identities)} identities</li>
    </ul>
  );
}

/** The hardware the model implies, in sentences whose numbers come from the model. */
export function HardwareSummary() {
  const find = (prefix: string) => model.cpu.find((l) => l.work.startsWith(prefix))!;
  const invoices = find('Commit every invoice');
  const nullifierProofs = find('Prove financed');
  const queries = find('Credit-penetration');
  const credentials = find('Credential');
  const trees = model.storage[0]!;
  const round = (n: number) => Math.max(1, Math.ceil(n));
  return (
    <ul>
      <li>
        <strong>Taxation gateway:</strong> committing all 10^{Math.log10(SCALE.invoicesPerYear)} invoices is{' '}
        {cores(invoices.averageCores)} cores on average and {cores(invoices.peakCores)} at peak — one{' '}
        {round(invoices.peakCores * 2)}-core server with headroom — but {bytes(trees.bytesPerYear)} a year of
        tree nodes, plus the invoice rows themselves: storage, not CPU, sizes this gateway (PostgreSQL on a
        partitioned, replicated cluster).
      </li>
      <li>
        <strong>Invoice financing:</strong> Groth16 proving dominates. At {ASSUMPTIONS.financedShare * 100}%
        of invoices financed, nullifier proofs need {cores(nullifierProofs.averageCores)} cores on average and{' '}
        {cores(nullifierProofs.peakCores)} at peak, spread over the financing banks' gateways; this line
        scales linearly with the financed share.
      </li>
      <li>
        <strong>Queries:</strong>{' '}
        {(SCALE.enterprises * ASSUMPTIONS.queriesPerEnterprise).toLocaleString('en-US')} cold
        credit-penetration queries a year cost {cores(queries.averageCores)} cores on average across the
        consortium ({cores(queries.peakCores)} at peak): a query's latency (seconds of proving) matters more
        than throughput, so each holder gateway needs cores for its prover workers, not a farm.
      </li>
      <li>
        <strong>Identities:</strong> one credential proof per identity per year is{' '}
        {cores(credentials.averageCores)} cores on average wherever the proofs are made.
      </li>
      <li>
        <strong>Validators:</strong> {model.ledger.txPerSecondPeak.toFixed(0)} tx/s at peak is a small
        fraction of one core; 4 cores and fast disks per validator are ample, with{' '}
        {bytes(model.storage[1]!.bytesPerYear + model.storage[2]!.bytesPerYear)} a year of blocks and
        nullifier state.
      </li>
    </ul>
  );
}
