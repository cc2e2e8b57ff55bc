/**
 * The demo's queries: credit penetration about one enterprise alone (k = 0) and with its related parties
 * two hops out along ownership (k = 2), each disclosed as the aggregate and as a verdict against a
 * threshold, through different entry gateways; each answer compared with the value computed in the clear
 * from the synthetic economy. Also what each gateway reports of a query (its own progress view).
 */
import {
  aggregateInClear,
  METRIC_DATASETS,
  type Ministry,
  relatedInClear,
  type SyntheticData,
  subjectWithRelated,
  usccOf,
} from '@privgate/gateway';
import type { AgencyClient, AgencyQuery, AgencyResult } from '../client/agency.ts';
import { POLICY_AGGREGATE, POLICY_VERDICT, QUERY_PURPOSE } from './ledger.ts';
import type { DemoNetwork } from './network.ts';

/** One query of the demo. */
export interface DemoQuerySpec {
  label: string;
  /** The entry gateway the agency sends it to. */
  entry: Ministry;
  query: AgencyQuery;
}

/** The expected output, computed in the clear. */
export type ClearOutput =
  | { kind: 'aggregate'; value: bigint }
  | { kind: 'verdict'; value: boolean; threshold: bigint; aggregate: bigint };

/** A query's outcome next to the clear computation. */
export interface DemoQueryOutcome {
  spec: DemoQuerySpec;
  result: AgencyResult;
  expected: ClearOutput;
  related: string[];
  /** The answer equals the clear computation. */
  matches: boolean;
}

/** The subject of the k = 0 queries: an enterprise with figures in every metric dataset, from index 42. */
export function soloSubject(data: SyntheticData): string {
  for (let i = Math.min(42, data.enterprises.length - 1); i < data.enterprises.length; i++) {
    const s = data.enterprises[i]!;
    if (METRIC_DATASETS.every((d) => (data.metrics[d]!.get(s) ?? 0n) > 0n)) return s;
  }
  return data.enterprises[Math.min(42, data.enterprises.length - 1)]!;
}

/** The subject of the k = 2 queries: a small group (3 to 6 enterprises two hops out). */
export function groupSubject(data: SyntheticData): string {
  return (
    subjectWithRelated(data, 2, 4, 6, Math.min(100, data.enterprises.length - 1)) ??
    subjectWithRelated(data, 2, 2, 8, 0) ??
    usccOf(1)
  );
}

/** The four queries: k = 0 and k = 2, aggregate and verdict, through four different entry gateways. */
export function demoQuerySpecs(data: SyntheticData): DemoQuerySpec[] {
  const all = METRIC_DATASETS.map((dataset) => ({ dataset }));
  const solo = soloSubject(data);
  const group = groupSubject(data);
  const soloSum = aggregateInClear(data, [solo], all);
  const groupMetrics = [
    { dataset: 'tax.arrears', weight: '2' },
    { dataset: 'customs.penalties' },
    { dataset: 'bank.loans' },
  ];
  const groupSum = aggregateInClear(data, relatedInClear(data, group, 2), groupMetrics);
  // Thresholds that give one YES and one NO: half the true figure, and just above it.
  const base = { purpose: QUERY_PURPOSE };
  return [
    {
      label: 'k=0 aggregate',
      entry: 'bank',
      query: {
        ...base,
        policyId: POLICY_AGGREGATE,
        subject: solo,
        depth: 0,
        metrics: all,
        disclosure: { mode: 'aggregate' },
      },
    },
    {
      label: 'k=0 verdict',
      entry: 'market',
      query: {
        ...base,
        policyId: POLICY_VERDICT,
        subject: solo,
        depth: 0,
        metrics: all,
        disclosure: { mode: 'verdict', threshold: (soloSum / 2n).toString() },
      },
    },
    {
      label: 'k=2 aggregate',
      entry: 'tax',
      query: {
        ...base,
        policyId: POLICY_AGGREGATE,
        subject: group,
        depth: 2,
        metrics: groupMetrics,
        disclosure: { mode: 'aggregate' },
      },
    },
    {
      label: 'k=2 verdict',
      entry: 'customs',
      query: {
        ...base,
        policyId: POLICY_VERDICT,
        subject: group,
        depth: 2,
        metrics: groupMetrics,
        disclosure: { mode: 'verdict', threshold: (groupSum + 1n).toString() },
      },
    },
  ];
}

/** The output a query must give, computed in the clear from the economy. */
export function clearOutput(
  data: SyntheticData,
  query: AgencyQuery,
): { expected: ClearOutput; related: string[] } {
  const related = relatedInClear(data, query.subject.toUpperCase(), query.depth);
  const aggregate = aggregateInClear(data, related, query.metrics);
  if (query.disclosure.mode === 'aggregate')
    return { expected: { kind: 'aggregate', value: aggregate }, related };
  const threshold = BigInt(query.disclosure.threshold);
  return { expected: { kind: 'verdict', value: aggregate >= threshold, threshold, aggregate }, related };
}

/** Whether an answer's output is the clear one. */
export function outputMatches(result: AgencyResult, expected: ClearOutput): boolean {
  const o = result.answer.output;
  if (o.kind === 'aggregate') return expected.kind === 'aggregate' && o.value === expected.value;
  return expected.kind === 'verdict' && o.value === expected.value && o.threshold === expected.threshold;
}

/** Runs one demo query as `agency` and compares it with the clear computation. */
export async function runDemoQuery(
  net: DemoNetwork,
  agency: AgencyClient,
  spec: DemoQuerySpec,
): Promise<DemoQueryOutcome> {
  const result = await agency.ask(net.gateways[spec.entry].client, spec.query, { verify: true });
  const { expected, related } = clearOutput(net.data, spec.query);
  return { spec, result, expected, related, matches: outputMatches(result, expected) };
}

/** A gateway's progress view of a query (`GET /v1/queries/:id`). */
export interface GatewayQueryView {
  queryId: string;
  role: 'entry' | 'participant';
  stage: string;
  outcome: string;
  events: { stage: string; at: number; details: Record<string, string | number> }[];
}

/** What each gateway reports of a query; a gateway that never heard of it is absent. */
export async function gatewayViews(
  net: DemoNetwork,
  queryId: string,
): Promise<Partial<Record<Ministry, GatewayQueryView>>> {
  const out: Partial<Record<Ministry, GatewayQueryView>> = {};
  await Promise.all(
    Object.values(net.gateways).map(async (g) => {
      try {
        out[g.ministry] = await g.client.queryProgress<GatewayQueryView>(queryId);
      } catch {
        // not seen there
      }
    }),
  );
  return out;
}
