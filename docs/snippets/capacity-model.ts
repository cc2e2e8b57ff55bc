// The capacity model of the performance page: what the per-core figures measured by the benchmarks imply
// for the national scale. The page's tables are rendered from this module and CI runs it, so the
// arithmetic shown is the arithmetic done.

/** Figures measured by the benchmark scripts (2-vCPU VM, Node 20, shared with other jobs: pessimistic). */
export const MEASURED = {
  /** `gateway.commit`: 10^6 Poseidon leaf hashes (arity 4) took 74 s on 2 workers. */
  poseidonLeavesPerCoreSecond: 1e6 / (74 * 2),
  /** `gateway.commit`: 10^6 Poseidon tree-node hashes took 40 s on 2 workers. */
  poseidonNodesPerCoreSecond: 1e6 / (40 * 2),
  /** `bench:circuits` warm prove, one worker (one core), in seconds. */
  proveSeconds: {
    record_inclusion_batch: 1.568,
    share_binding_batch: 0.353,
    invoice_nullifier: 0.908,
    credential: 0.611,
  },
  /** `bench:circuits` verify (snarkjs), seconds; about 25–44 ms per proof. */
  verifySeconds: 0.03,
  /** `ledger.tps`: 1.83 ms of CPU per transaction for 4 validator replicas together. */
  ledgerCpuSecondsPerTxPerValidator: 0.00183 / 4,
  /** `ledger.tps`: 4 validator processes on the 2-core VM sustained 1,060 tx/s. */
  ledgerTxPerSecondMeasured: 1060,
  /** `ledger.nullifiers`: registrations per second at 10^7 keys (one process). */
  nullifiersPerSecond: 90_500,
  /** README (circuits): a Poseidon tree stores 32-byte nodes, ≈ 64 bytes per leaf. */
  treeBytesPerLeaf: 64,
  /** FINDINGS: LevelDB ≈ 50 bytes per key on disk. */
  levelDbBytesPerKey: 50,
} as const;

/** The national scale the system is sized for. */
export const SCALE = {
  enterprises: 300_000,
  invoicesPerYear: 1e11,
  institutions: 43,
  identities: 1e8,
} as const;

/** Assumptions about use (not measured: change them and the tables follow). */
export const ASSUMPTIONS = {
  /** Busiest hour against the yearly average. */
  peakFactor: 5,
  /** Share of invoices financed: each needs an invoice_nullifier proof and a nullifier registration. */
  financedShare: 0.01,
  /** Credit-penetration queries per enterprise per year. */
  queriesPerEnterprise: 10,
  /** Metrics per query and related parties per query (k = 2 in the query bench: 3 parties). */
  metricsPerQuery: 4,
  partiesPerQuery: 3,
  /** Compute parties, each of which verifies every proof of a query. */
  computeParties: 3,
  /** Enterprise metric datasets in the consortium, each recommitted once a day. */
  metricDatasets: 100,
  /** Each issuer's invoice tree is anchored once a day. */
  invoiceAnchorsPerIssuerPerDay: 1,
  /** Credential proofs per identity per year. */
  credentialProofsPerIdentity: 1,
  /** Bytes of an anchor, nullifier batch or audit transaction on the ledger (ledger.tps used 250). */
  bytesPerTx: 250,
} as const;

export const SECONDS_PER_YEAR = 365.25 * 24 * 3600;

/** The shape of the constants above with plain numbers, so other figures can be tried. */
type Figures<T> = { readonly [K in keyof T]: T[K] extends number ? number : Figures<T[K]> };

export interface CpuLine {
  work: string;
  where: string;
  /** The computation, written with the numbers used. */
  formula: string;
  coreSecondsPerYear: number;
  averageCores: number;
  peakCores: number;
}

export interface CapacityModel {
  cpu: CpuLine[];
  ledger: {
    /** One validator per institution, n = 3f + 1 or more: f faulty validators are tolerated. */
    validators: number;
    faultsTolerated: number;
    txPerSecondAverage: number;
    txPerSecondPeak: number;
    /** Peak CPU of one validator, in cores. */
    validatorPeakCores: number;
    /** Measured throughput over the peak need. */
    headroom: number;
    /** If every invoice were its own transaction instead. */
    perInvoiceTxPerSecond: number;
    formula: string;
  };
  storage: { what: string; formula: string; bytesPerYear: number }[];
}

const fmt = (n: number) =>
  n >= 1e6 || (n > 0 && n < 0.01)
    ? n.toExponential(2).replace('e+', '×10^').replace('e-', '×10^-')
    : n.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** Applies the measured per-core figures to the scale under the assumptions. */
export function capacityModel(
  measured: Figures<typeof MEASURED> = MEASURED,
  scale: Figures<typeof SCALE> = SCALE,
  assume: Figures<typeof ASSUMPTIONS> = ASSUMPTIONS,
): CapacityModel {
  const line = (work: string, where: string, formula: string, coreSeconds: number): CpuLine => ({
    work,
    where,
    formula: `${formula} = ${fmt(coreSeconds)} core-s/year`,
    coreSecondsPerYear: coreSeconds,
    averageCores: coreSeconds / SECONDS_PER_YEAR,
    peakCores: (coreSeconds / SECONDS_PER_YEAR) * assume.peakFactor,
  });
  const perRecord = 1 / measured.poseidonLeavesPerCoreSecond + 1 / measured.poseidonNodesPerCoreSecond;
  const perRecordText = `(1/${fmt(measured.poseidonLeavesPerCoreSecond)} + 1/${fmt(measured.poseidonNodesPerCoreSecond)}) s`;

  const metricRecords = scale.enterprises * assume.metricDatasets * 365;
  const financed = scale.invoicesPerYear * assume.financedShare;
  const queries = scale.enterprises * assume.queriesPerEnterprise;
  const chunks = Math.ceil(assume.partiesPerQuery / 2) * assume.metricsPerQuery;
  const p = measured.proveSeconds;
  const queryProofSeconds =
    chunks * (p.record_inclusion_batch + p.share_binding_batch) +
    assume.computeParties * 2 * chunks * measured.verifySeconds;
  const credentials = scale.identities * assume.credentialProofsPerIdentity;

  const cpu = [
    line(
      'Commit every invoice (Poseidon leaf + tree nodes)',
      'taxation gateway',
      `${fmt(scale.invoicesPerYear)} invoices × ${perRecordText}`,
      scale.invoicesPerYear * perRecord,
    ),
    line(
      'Recommit enterprise metric datasets daily',
      'each holder gateway',
      `${fmt(scale.enterprises)} × ${assume.metricDatasets} datasets × 365 × ${perRecordText}`,
      metricRecords * perRecord,
    ),
    line(
      'Prove financed invoices unspent (invoice_nullifier)',
      'financing banks’ gateways',
      `${fmt(financed)} financed × ${p.invoice_nullifier} s`,
      financed * p.invoice_nullifier,
    ),
    line(
      'Verify those proofs once (batched on the ledger or at the bank)',
      'validators / banks',
      `${fmt(financed)} × ${measured.verifySeconds} s`,
      financed * measured.verifySeconds,
    ),
    line(
      'Register their nullifiers (ledger state)',
      'every validator',
      `${fmt(financed)} / ${fmt(measured.nullifiersPerSecond)} per s`,
      financed / measured.nullifiersPerSecond,
    ),
    line(
      'Credential proofs of identities',
      'identity holders or issuing gateway',
      `${fmt(credentials)} × ${p.credential} s`,
      credentials * p.credential,
    ),
    line(
      'Credit-penetration queries, all cold (no proof reuse)',
      'holder and compute gateways',
      `${fmt(queries)} queries × (${chunks} × (${p.record_inclusion_batch} + ${p.share_binding_batch}) s + ${assume.computeParties} × ${2 * chunks} × ${measured.verifySeconds} s)`,
      queries * queryProofSeconds,
    ),
  ];

  const issuerAnchors = scale.enterprises * assume.invoiceAnchorsPerIssuerPerDay * 365;
  const nullifierTxs = Math.ceil(financed / 1024);
  const auditTxs = 2 * queries;
  const txPerYear = issuerAnchors + nullifierTxs + auditTxs + assume.metricDatasets * 365;
  const txPerSecondAverage = txPerYear / SECONDS_PER_YEAR;
  const txPerSecondPeak = txPerSecondAverage * assume.peakFactor;

  return {
    cpu,
    ledger: {
      validators: scale.institutions,
      faultsTolerated: Math.floor((scale.institutions - 1) / 3),
      txPerSecondAverage,
      txPerSecondPeak,
      validatorPeakCores: txPerSecondPeak * measured.ledgerCpuSecondsPerTxPerValidator,
      headroom: measured.ledgerTxPerSecondMeasured / txPerSecondPeak,
      perInvoiceTxPerSecond: scale.invoicesPerYear / SECONDS_PER_YEAR,
      formula:
        `(${fmt(issuerAnchors)} issuer-tree anchors + ${fmt(nullifierTxs)} nullifier batches of 1,024 + ` +
        `${fmt(auditTxs)} audit open/result + ${fmt(assume.metricDatasets * 365)} dataset anchors) / year ` +
        `= ${fmt(txPerSecondAverage)} tx/s on average, × ${assume.peakFactor} = ${fmt(txPerSecondPeak)} tx/s at peak`,
    },
    storage: [
      {
        what: 'Invoice trees (all nodes kept)',
        formula: `${fmt(scale.invoicesPerYear)} × ${measured.treeBytesPerLeaf} B`,
        bytesPerYear: scale.invoicesPerYear * measured.treeBytesPerLeaf,
      },
      {
        what: 'Nullifiers in the ledger state',
        formula: `${fmt(financed)} × ${measured.levelDbBytesPerKey} B`,
        bytesPerYear: financed * measured.levelDbBytesPerKey,
      },
      {
        what: 'Ledger blocks (every validator)',
        formula: `${fmt(txPerYear)} tx × ${assume.bytesPerTx} B`,
        bytesPerYear: txPerYear * assume.bytesPerTx,
      },
    ],
  };
}
