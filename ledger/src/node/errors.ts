// Errors of the ledger node runtime (keys, genesis, node lifecycle).
import { CodedError } from '@privgate/accel';

/** Stable codes of the node runtime's errors. */
export type LedgerNodeErrorCode =
  | 'KEY_FILE_PERMISSIONS'
  | 'KEY_FILE_INVALID'
  | 'KEY_FILE_PASSPHRASE'
  | 'GENESIS_INVALID'
  | 'NODE_NOT_VALIDATOR'
  | 'NODE_STOPPED';

/** An error of the ledger node runtime. */
export class LedgerNodeError extends CodedError<LedgerNodeErrorCode> {}
