/**
 * The MPC engine: honest-majority Shamir secret sharing over the BN254 scalar field (BGW-style,
 * semi-honest) for sums, weighted sums and threshold verdicts, opened to one output party only.
 * The protocol, its security model and round counts are in PROTOCOL.md next to this file.
 */
export {
  isMpcError,
  MPC_ERROR_CODES,
  MpcError,
  type MpcErrorCode,
  type MpcErrorContext,
} from './errors.ts';
export { FIELD_ORDER, fieldElementBytes } from './field.ts';
export {
  createInMemoryNetwork,
  type InFlightMessage,
  type InMemoryNetwork,
  type InMemoryNetworkOptions,
  type Interceptor,
  type TrafficStats,
} from './in-memory-network.ts';
export {
  checkPreparedInput,
  type PreparedInput,
  poseidonShareCommitment,
  prepareInputSharing,
  type ShareCommitment,
} from './input-sharing.ts';
export {
  decodeMpcMessage,
  encodeMpcMessage,
  MAX_MESSAGE_BYTES,
  MAX_PAYLOAD_ELEMENTS,
  MPC_STEPS,
  type MpcMessage,
  type MpcStepName,
} from './messages.ts';
export {
  MAX_COMPARE_BITS,
  MAX_INPUTS,
  MIN_COMPARE_BITS,
  type MpcAggregate,
  type MpcInputSpec,
  type MpcProgram,
  ProgramBuilder,
  type ProgramSchedule,
  programSchedule,
  programWeights,
  queryProgram,
  STATISTICAL_SECURITY,
  sessionParticipants,
  sessionTag,
} from './program.ts';
export { type MpcRandomness, systemRandomness } from './randomness.ts';
export type { SessionTraffic } from './router.ts';
export {
  DEFAULT_ROUND_TIMEOUT_MS,
  type InputBinding,
  type MpcOutput,
  type MpcSessionComponents,
  type MpcSessionInit,
  type MpcSessionResult,
  runMpcSession,
} from './session.ts';
export {
  evaluationPoint,
  lagrangeCoefficients,
  reconstructSecret,
  type ShamirSharing,
  ShareOpener,
  shamirShare,
  shamirSharesFrom,
  thresholdFor,
} from './shamir.ts';
export { SessionTranscript } from './transcript.ts';
export type { MessageHandler, MpcTransport, PartyId, PeerDownHandler } from './transport.ts';
