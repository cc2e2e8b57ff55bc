/** Tendermint consensus core: a pure state machine plus the offline checks around it. */
export {
  buildCertificate,
  type CertificateCheck,
  type CertificateExpectation,
  type CertificateFault,
  certificateVotes,
  checkCertificate,
  verifyCertificate,
} from './certificate.ts';
export { ConsensusError, ConsensusErrorCode, type ConsensusErrorContext } from './errors.ts';
export { verifyEvidence } from './evidence.ts';
export type * from './interface.ts';
export { proposerOf } from './proposer.ts';
export {
  type ConsensusStateView,
  Tendermint,
  type TendermintComponents,
  type TendermintInit,
} from './tendermint.ts';
export { DEFAULT_TIMEOUTS, timeoutFor } from './timeouts.ts';
export { type Genesis, type GenesisValidator, MAX_VALIDATORS, ValidatorSet } from './validator-set.ts';
export { type AddVoteResult, VoteSet } from './vote-set.ts';
