/**
 * The gateway's client of the consortium ledger: the interface, the in-process dev ledger, the HTTP client
 * of the validators, accounts.
 */
export { LedgerAccount } from './account.ts';
export {
  isLedgerRejection,
  LedgerClientError,
  type LedgerClientErrorCode,
  type LedgerClientErrorContexts,
} from './errors.ts';
export { HttpLedgerClient, type HttpLedgerClientInit } from './http-ledger.ts';
export type { AuditEvent, CommittedTx, DisclosureMode, LedgerClient, LedgerIdentity } from './interface.ts';
export {
  decodeAuditEvent,
  LocalLedger,
  type LocalLedgerComponents,
  type LocalLedgerInit,
} from './local-ledger.ts';
export { circuitsProofVerifier, circuitVkeyHash } from './proof-verifier.ts';
