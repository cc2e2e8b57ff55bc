/**
 * Errors of the gateway's ledger client: a transaction the ledger refused (with the ledger's own code,
 * e.g. `POLICY_DENIED`), a ledger that cannot be reached, or a commit that did not come in time.
 */
import { CodedError } from '@privgate/accel';

/** Context carried by each code. */
export interface LedgerClientErrorContexts {
  /** The ledger refused the transaction; `ledgerCode` is its `LedgerErrorCode` (`POLICY_DENIED`, `TX_REPLAY` …). */
  LEDGER_TX_REJECTED: { ledgerCode: string; txId: string; reason: string; details?: Record<string, unknown> };
  /** The ledger (store, node, HTTP endpoint) cannot be reached or failed underneath. */
  LEDGER_UNAVAILABLE: { reason: string };
  /** The transaction was not committed within the wait. */
  LEDGER_TIMEOUT: { txId: string; waitedMs: number };
}

export type LedgerClientErrorCode = keyof LedgerClientErrorContexts;

/** The error class of the ledger client. */
export class LedgerClientError<C extends LedgerClientErrorCode = LedgerClientErrorCode> extends CodedError<
  C,
  LedgerClientErrorContexts[C]
> {}

/** Narrowing guard, optionally on the ledger's own code of a rejection. */
export function isLedgerRejection(
  err: unknown,
  ledgerCode?: string,
): err is LedgerClientError<'LEDGER_TX_REJECTED'> {
  return (
    err instanceof LedgerClientError &&
    err.code === 'LEDGER_TX_REJECTED' &&
    (ledgerCode === undefined || (err.context as { ledgerCode: string }).ledgerCode === ledgerCode)
  );
}
