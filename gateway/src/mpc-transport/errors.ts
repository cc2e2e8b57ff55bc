/** Errors of the gateway-to-gateway network (peer bindings, connections, RPC). */
import { CodedError } from '@privgate/accel';

export interface TransportErrorContexts {
  /** No verified binding names this organisation, or it is not an active gateway on the ledger. */
  TRANSPORT_PEER_UNKNOWN: { party: string };
  /** A peer binding whose signature, identity or role does not check out against the ledger. */
  TRANSPORT_BINDING_INVALID: { orgId: string; peerId: string; reason: string };
  /** The peer could not be reached (dial or stream failure). */
  TRANSPORT_UNREACHABLE: { party: string; reason: string };
  /** A message over the size limit. */
  TRANSPORT_MESSAGE_TOO_LARGE: { party: string; bytes: number; limit: number };
  /** An RPC got no answer in time. */
  TRANSPORT_RPC_TIMEOUT: { party: string; method: string; timeoutMs: number };
  /** The remote answered an RPC with an error that carries no code of its own, or the method is unknown. */
  TRANSPORT_RPC_FAILED: { party: string; method: string; reason: string };
  /** The host was stopped. */
  TRANSPORT_CLOSED: Record<string, never>;
}

export type TransportErrorCode = keyof TransportErrorContexts;

/** The error class of the gateway network. */
export class TransportError<C extends TransportErrorCode = TransportErrorCode> extends CodedError<
  C,
  TransportErrorContexts[C]
> {}
