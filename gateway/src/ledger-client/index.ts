/** The gateway's client of the consortium ledger: the interface, the in-process dev ledger, accounts. */
export { LedgerAccount } from './account.ts';
export {
  isLedgerRejection,
  LedgerClientError,
  type LedgerClientErrorCode,
  type LedgerClientErrorContexts,
} from './errors.ts';
export type { AuditEvent, CommittedTx, DisclosureMode, LedgerClient, LedgerIdentity } from './interface.ts';
export {
  decodeAuditEvent,
  LocalLedger,
  type LocalLedgerComponents,
  type LocalLedgerInit,
} from './local-ledger.ts';
export { circuitsProofVerifier, circuitVkeyHash } from './proof-verifier.ts';
