/**
 * npm run demo — the consortium end to end, every party its own process on 127.0.0.1: four ledger
 * validators, four ministry gateways (market regulation, taxation, customs, a state bank), a credit
 * agency and an auditor. Fresh keys, a deterministic synthetic economy ingested and anchored through the
 * gateways' HTTP API, credit-penetration queries (k = 0 and k = 2; aggregate and verdict) checked against
 * the clear computation, a refused query, the auditor's verification from the ledger alone, and a clean
 * shutdown. Exit 0 when every answer matched and every check passed, 1 otherwise.
 *
 *   npm run demo -- [--enterprises N] [--seed S] [--keep]
 */
import { createAccelerator } from '@privgate/accel';
import { releaseSnarkjsCurve, verifyProof } from '@privgate/circuits';
import { type Ministry, verifyQueryFromLedger } from '@privgate/gateway';
import { auditChain, httpChainSource, releaseGroth16 } from '@privgate/ledger';
import { Command, InvalidArgumentError } from 'commander';
import { GatewayProblem } from '../client/gateway-http.ts';
import { DEMO_ORGS, POLICY_AGGREGATE, QUERY_PURPOSE } from './ledger.ts';
import { DemoNetwork, MINISTRY_INFO, s } from './network.ts';
import {
  type DemoQueryOutcome,
  demoQuerySpecs,
  type GatewayQueryView,
  gatewayViews,
  runDemoQuery,
  soloSubject,
} from './queries.ts';

const program = new Command('demo')
  .description('PrivGate end to end: validators, gateways, agency and auditor as separate processes')
  .option(
    '--enterprises <n>',
    'enterprises in the synthetic economy',
    (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 20 || n > 1_000_000)
        throw new InvalidArgumentError('expected 20..1000000');
      return n;
    },
    10_000,
  )
  .option('--seed <n>', 'seed of the synthetic economy', (v) => Number.parseInt(v, 10), 7)
  .option('--keep', 'keep the temporary directory (keys, data, logs, ledger) after the run')
  .parse();
const opts = program.opts<{ enterprises: number; seed: number; keep?: boolean }>();

const out = (line = '') => process.stdout.write(`${line}\n`);
const say = (line: string) => out(`   ${line}`);
const section = (title: string) => out(`\n== ${title}`);
const OK = '✔';
const NO = '✘';
const yuan = (fen: bigint): string => {
  const whole = (fen / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `¥${whole}.${String(fen % 100n).padStart(2, '0')}`;
};
const short = (hex: string, n = 12) => `${hex.slice(0, n)}…`;

const started = performance.now();
let failures = 0;
let net: DemoNetwork | undefined;

out('PrivGate demo: a credit-penetration query across four ministries, data available but not visible');
out(
  `   every party is a separate process on 127.0.0.1; ${opts.enterprises.toLocaleString('en')} synthetic enterprises (seed ${opts.seed})`,
);

try {
  section('1. Start the consortium: ledger, data, gateways, ingest, anchor, policies');
  net = await DemoNetwork.start({
    enterprises: opts.enterprises,
    seed: opts.seed,
    keep: opts.keep ?? false,
    say,
  });

  section(`2. Queries by ${DEMO_ORGS.agency.id}, each checked against the clear computation`);
  const agency = await net.agency(DEMO_ORGS.agency.id);
  const outcomes: DemoQueryOutcome[] = [];
  for (const [i, spec] of demoQuerySpecs(net.data).entries()) {
    const outcome = await runDemoQuery(net, agency, spec);
    outcomes.push(outcome);
    printAgencyView(i + 1, outcome, net);
    if (!outcome.matches || outcome.result.check?.valid !== true) failures++;
  }

  section('3. What each gateway saw (its own progress view of the k=2 aggregate query)');
  const group = outcomes[2]!;
  const views = await gatewayViews(net, group.result.queryId);
  for (const m of Object.keys(net.gateways) as Ministry[]) printGatewayView(m, views[m], group);
  say(
    'holders dealt Shamir shares of their own values only; compute parties held shares (uniformly random field',
  );
  say(
    'elements) and never another gateway’s value; only the entry gateway reconstructed the output, for the agency',
  );

  section(`4. A refused query: ${DEMO_ORGS.otherAgency.id} holds no policy`);
  const other = await net.agency(DEMO_ORGS.otherAgency.id);
  try {
    await other.ask(
      net.gateways.bank.client,
      {
        policyId: POLICY_AGGREGATE,
        subject: soloSubject(net.data),
        depth: 0,
        metrics: [{ dataset: 'tax.arrears' }],
        disclosure: { mode: 'aggregate' },
        purpose: QUERY_PURPOSE,
      },
      { verify: false },
    );
    say(`${NO} the query was answered`);
    failures++;
  } catch (err) {
    if (!(err instanceof GatewayProblem)) throw err;
    const ledgerCode = err.context.ledgerCode;
    const refused = err.code === 'QUERY_UNAUTHORISED';
    say(
      `${refused ? OK : NO} refused with ${err.code} (HTTP ${err.status}${ledgerCode === undefined ? '' : `, ledger: ${String(ledgerCode)}`}): ${err.detail}`,
    );
    if (!refused) failures++;
  }

  section(`5. The auditor ${DEMO_ORGS.auditor.id} verifies every query from the ledger alone`);
  for (const [i, o] of outcomes.entries()) {
    const t = performance.now();
    const report = await verifyQueryFromLedger(net.ledgerClient, o.result.queryId, { verify: verifyProof });
    const passed = report.checks.filter((c) => c.ok).length;
    const proofs = report.checks.filter((c) => c.check === 'proof.groth16').length;
    say(
      `[${i + 1}] ${short(o.result.queryId, 16)} ${report.outcome}: ${report.verdict === 'PASS' ? OK : NO} ${report.verdict} ` +
        `${passed}/${report.checks.length} checks, ${proofs} Groth16 proofs re-verified (${s(performance.now() - t)})`,
    );
    for (const c of report.checks.filter((x) => !x.ok))
      say(`      FAIL ${c.check}${c.subject ? ` [${c.subject}]` : ''}: ${c.detail}`);
    if (report.verdict !== 'PASS') failures++;
  }
  const accel = createAccelerator({ backend: 'workers', workers: 1 });
  try {
    const t = performance.now();
    const chain = await auditChain(httpChainSource(net.ledger.urls[0]!), { accel });
    say(
      `chain: ${chain.verdict === 'PASS' ? OK : NO} ${chain.verdict}: ${JSON.stringify(chainSummary(chain))} (${s(performance.now() - t)})`,
    );
    if (chain.verdict !== 'PASS') failures++;
  } finally {
    await accel.close();
  }

  section('6. Timings');
  const tm = net.timings;
  say(
    `ledger up ${s(tm.ledgerMs)} · data ${s(tm.dataMs)} · gateways up ${s(tm.gatewaysMs)} · policies ${s(tm.policiesMs)}`,
  );
  const records = tm.ingest.reduce((n, r) => n + r.imported, 0);
  const ingestMs = Math.max(...tm.ingest.map((r) => r.ms));
  say(
    `ingest ${records.toLocaleString('en')} records across 4 gateways · anchor ${tm.anchor.length} datasets (slowest ${s(Math.max(...tm.anchor.map((a) => a.ms)))}) · slowest ingest ${s(ingestMs)}`,
  );
  for (const [i, o] of outcomes.entries()) {
    const t = o.result.answer.timings;
    say(
      `[${i + 1}] ${o.spec.label.padEnd(14)} ${s(o.result.ms)} (authorise ${ms(t.authorise)}, resolve ${ms(t.resolve)}, ` +
        `contribute+compute ${ms(t.contributeAndCompute)}, finish ${ms(t.finish)}, anchor ${ms(t.anchor)})`,
    );
  }
} catch (err) {
  failures++;
  out(`\n${NO} demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  if (net !== undefined) {
    section('7. Shutdown');
    const count = net.supervisor.services.length;
    const dir = net.dir;
    await net.close();
    const left = net.supervisor.services.filter((x) => x.running()).length;
    say(
      `${left === 0 ? OK : NO} ${count} processes stopped (${left} left); ${opts.keep ? `kept ${dir}` : `removed ${dir}`}`,
    );
    if (left > 0) failures++;
  }
  await releaseSnarkjsCurve().catch(() => {});
  await releaseGroth16().catch(() => {});
  out(
    `\n${failures === 0 ? OK : NO} ${failures === 0 ? 'all answers matched the clear computation and every check passed' : `${failures} failure(s)`} · total ${s(performance.now() - started)}`,
  );
  process.exit(failures === 0 ? 0 : 1);
}

function ms(v: number): string {
  return `${Math.round(v)} ms`;
}

function chainSummary(report: Awaited<ReturnType<typeof auditChain>>): Record<string, unknown> {
  const r = report as unknown as Record<string, unknown>;
  const pick: Record<string, unknown> = {};
  for (const k of ['height', 'blocks', 'txs', 'transactions', 'signatures', 'certificates'])
    if (r[k] !== undefined) pick[k] = r[k];
  return pick;
}

function printAgencyView(n: number, o: DemoQueryOutcome, network: DemoNetwork): void {
  const { spec, result, expected } = o;
  const q = spec.query;
  const a = result.answer;
  const metrics = q.metrics.map((m) => (m.weight ? `${m.weight}×${m.dataset}` : m.dataset)).join(' + ');
  say(
    `[${n}] ${spec.label} · subject ${q.subject} · ${metrics} · entry ${network.gateways[spec.entry].orgId}`,
  );
  let seen: string;
  if (a.output.kind === 'aggregate') {
    seen = `aggregate ${yuan(a.output.value)}`;
  } else {
    seen = `verdict ${a.output.value ? 'YES' : 'NO'}: aggregate ${a.output.value ? '≥' : '<'} ${yuan(a.output.threshold)}`;
  }
  const clear =
    expected.kind === 'aggregate'
      ? yuan(expected.value)
      : `${expected.value ? 'YES' : 'NO'} (clear aggregate ${yuan(expected.aggregate)})`;
  say(`    agency saw   ${seen}   ${o.matches ? OK : NO} clear computation: ${clear}`);
  const proofs = a.bundle.contributions.reduce((x, c) => x + c.inclusion.length + c.binding.length, 0);
  say(
    `    bundle       ${a.bundle.record.subjectCount} subject(s) (clear walk: ${o.related.length}) · ${a.bundle.contributions.length} datasets at anchored versions · ` +
      `${proofs} Groth16 proofs · ${a.bundle.record.transcripts.length} signed transcripts`,
  );
  say(
    `                 opened tx ${short(a.bundle.ledger.openTxId)} · answered tx ${short(a.bundle.ledger.answerTxId)} · ` +
      `agency's own check against the ledger: ${result.check?.valid ? `${OK} valid` : `${NO} ${result.check && !result.check.valid ? result.check.reason : 'not run'}`} · ${s(result.ms)}`,
  );
}

function printGatewayView(m: Ministry, view: GatewayQueryView | undefined, o: DemoQueryOutcome): void {
  const orgId = MINISTRY_INFO[m].orgId;
  const record = o.result.answer.bundle.record;
  const parts: string[] = [];
  if (record.entry === orgId) parts.push('entry');
  if (record.resolver === orgId)
    parts.push(`resolver: walked its ownership graph, attested ${record.subjectCount} related parties`);
  if (record.computeParties.includes(orgId)) parts.push('compute party');
  for (const e of view?.events ?? []) {
    if (e.stage === 'proved')
      parts.push(
        `own ${e.details.dataset} values of ${record.subjectCount} subjects → Shamir shares + ${e.details.proofs} proofs`,
      );
    if (e.stage === 'computed') parts.push(`MPC on shares, ${e.details.rounds} rounds`);
    if (e.stage === 'answered') parts.push('reconstructed the output for the agency');
  }
  if (!record.datasets.some((d) => d.holder === orgId)) parts.push('no values of its own in this query');
  if (!record.computeParties.includes(orgId) && record.entry !== orgId) parts.push('received no shares');
  say(`${orgId.padEnd(14)} ${parts.join(' · ')}`);
}
