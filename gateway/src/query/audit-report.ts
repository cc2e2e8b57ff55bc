/**
 * What an auditor's check of one query from the ledger answers (`verifyQueryFromLedger`): one named
 * check per fact verified, each passed or failed with its reason, and a verdict; and the error for a
 * query the ledger does not know.
 */
import { CodedError } from '@privgate/accel';

/** One verified fact. */
export interface AuditCheck {
  /**
   * Stable name of the check: `opened.tx`, `record.digest`, `transcript.signature`, `proof.root` … (the
   * list is in `audit-verify.ts`).
   */
  check: string;
  /** What it applies to when the check repeats: a party, a dataset, a proof. */
  subject?: string;
  ok: boolean;
  /** Why it passed or failed, one line. */
  detail: string;
}

/** The outcome of a query as the ledger records it. */
export type AuditedOutcome = 'open' | 'answered' | 'failed';

/** An auditor's report on one query. */
export interface QueryAuditReport {
  queryId: string;
  chainId: string;
  outcome: AuditedOutcome;
  /** The failure event of a failed query. */
  failure?: { gateway: string; reason: string; height: number; timestamp: number };
  checks: AuditCheck[];
  /**
   * PASS when every check passed: the ledger's record of the query is intact and consistent (for an
   * answered query, every proof, signature and commitment behind the answer verifies). A failed or
   * still-open query can pass: `outcome` says which it is.
   */
  verdict: 'PASS' | 'FAIL';
}

/** Context carried by each code. */
export interface AuditErrorContexts {
  /** The ledger has no audit trail for this query id (never opened, or opened on another chain). */
  AUDIT_QUERY_UNKNOWN: { queryId: string; chainId: string };
}

export type AuditErrorCode = keyof AuditErrorContexts;

/** The error class of query audits. */
export class AuditError<C extends AuditErrorCode = AuditErrorCode> extends CodedError<
  C,
  AuditErrorContexts[C]
> {}

/** One line per check, then `VERDICT: PASS|FAIL (…)`. */
export function formatQueryAuditReport(report: QueryAuditReport): string {
  const lines = [`query ${report.queryId} on ${report.chainId}: ${report.outcome}`];
  for (const c of report.checks) {
    const about = c.subject === undefined ? '' : ` [${c.subject}]`;
    lines.push(`${c.ok ? 'PASS' : 'FAIL'}  ${c.check}${about}: ${c.detail}`);
  }
  const failed = report.checks.filter((c) => !c.ok).length;
  const outcome =
    report.outcome === 'failed'
      ? `query failed on the ledger: ${report.failure?.reason ?? ''}`
      : report.outcome === 'open'
        ? 'query still open, nothing answered yet'
        : 'query answered';
  lines.push(
    `VERDICT: ${report.verdict} (${report.checks.length - failed}/${report.checks.length} checks passed; ${outcome})`,
  );
  return `${lines.join('\n')}\n`;
}
