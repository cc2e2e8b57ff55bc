/**
 * Typed errors of the MPC engine. Every error has a stable `code` and a typed `context`; errors cross the
 * network inside ABORT messages as (code, blamed party) and are re-created at the receiving party with
 * `reportedBy` naming the party that raised them.
 */
import { CodedError } from '@privgate/accel';
import type { PartyId } from './transport.ts';

/** Stable codes, in the order of their wire index inside ABORT messages (append only). */
export const MPC_ERROR_CODES = [
  'MPC_PROTOCOL_ABORT',
  'MPC_TIMEOUT',
  'MPC_PARTY_DROPPED',
  'MPC_INCONSISTENT_SHARE',
  'MPC_MALFORMED_MESSAGE',
] as const;

/** A stable MPC error code. */
export type MpcErrorCode = (typeof MPC_ERROR_CODES)[number];

/** What every MPC error may carry; `party` is always the party blamed, when one can be named. */
export interface MpcErrorContext extends Record<string, unknown> {
  /** The party the error blames: the silent, dropped or inconsistent one, or the sender of a bad message. */
  party?: PartyId;
  /** Parties that may be at fault when one cannot be singled out (e.g. an inconsistent opening among 3). */
  candidates?: PartyId[];
  /** Parties whose messages were still missing when a wait timed out. */
  missing?: PartyId[];
  /** The party that detected the error, when it arrived in an ABORT message. */
  reportedBy?: PartyId;
  /** Protocol round (1-based) in which the error was detected. */
  round?: number;
  /** Protocol step name (`input`, `deal`, `open-squares`, …). */
  step?: string;
  /** Program input concerned, for input-share errors. */
  input?: string;
  /** Why a message was rejected or the protocol aborted. */
  reason?: string;
}

/** An error raised by an MPC session. */
export class MpcError extends CodedError<MpcErrorCode, MpcErrorContext> {}

/** True when `err` is an {@link MpcError}, optionally with the given code. */
export function isMpcError(err: unknown, code?: MpcErrorCode): err is MpcError {
  return err instanceof MpcError && (code === undefined || err.code === code);
}

/** Wire index of a code inside ABORT messages. */
export function mpcErrorCodeIndex(code: MpcErrorCode): number {
  return MPC_ERROR_CODES.indexOf(code);
}

/** The code at a wire index; unknown indices become `MPC_PROTOCOL_ABORT`. */
export function mpcErrorCodeAt(index: number): MpcErrorCode {
  return MPC_ERROR_CODES[index] ?? 'MPC_PROTOCOL_ABORT';
}

/** Shorthand for `MPC_MALFORMED_MESSAGE` errors raised while decoding or routing. */
export function malformed(reason: string, context: MpcErrorContext = {}): MpcError {
  return new MpcError('MPC_MALFORMED_MESSAGE', `malformed MPC message: ${reason}`, { ...context, reason });
}
