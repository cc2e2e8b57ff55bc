// Errors of the ledger node runtime (keys, genesis, node lifecycle, peer wire, HTTP API).
import { CodedError } from '@privgate/accel';

/** Stable codes of the node runtime's errors. */
export type LedgerNodeErrorCode =
  | 'KEY_FILE_PERMISSIONS'
  | 'KEY_FILE_INVALID'
  | 'KEY_FILE_PASSPHRASE'
  | 'GENESIS_INVALID'
  | 'NODE_NOT_VALIDATOR'
  | 'NODE_STOPPED'
  /** A peer message that is not a well-formed node wire message (dropped, the peer is charged). */
  | 'WIRE_MALFORMED'
  /** The node cannot take more work right now (admission queue full); retry later. */
  | 'NODE_OVERLOADED'
  /** A request body over the route's size limit. */
  | 'BODY_TOO_LARGE'
  /** A request body that is not the JSON the route expects. */
  | 'BODY_MALFORMED'
  /** A request whose parameters, query or body fail the route's schema. */
  | 'REQUEST_INVALID'
  /** A request body of a media type the route does not take. */
  | 'MEDIA_TYPE_UNSUPPORTED'
  /** No route for this path. */
  | 'ROUTE_NOT_FOUND'
  /** The route exists but not for this method. */
  | 'METHOD_NOT_ALLOWED'
  /** The requested block, transaction or record does not exist (yet). */
  | 'NOT_FOUND'
  /** An audit found the chain does not verify. */
  | 'AUDIT_FAILED'
  /** Anything unexpected; details stay in the node's log. */
  | 'INTERNAL';

/** An error of the ledger node runtime. */
export class LedgerNodeError extends CodedError<LedgerNodeErrorCode> {}
