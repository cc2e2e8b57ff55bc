/** A holding gateway's contribution to a query: batched proofs, share binding, MPC input sharings; and its check. */
export {
  type ContributionBuilder,
  type ContributionRequest,
  ProvingContributions,
  type ProvingContributionsComponents,
} from './builder.ts';
export { ContributionError, type ContributionErrorCode, type ContributionErrorContexts } from './errors.ts';
export {
  type InclusionSignals,
  inclusionCircuitFor,
  inclusionCircuitsAccepted,
  inclusionSignals,
} from './inclusion.ts';
export type { DatasetContribution, HolderContribution, ProofItem } from './types.ts';
export { metricInputId } from './types.ts';
export {
  type ContributionCheck,
  type ContributionExpectation,
  ContributionVerifier,
  type ProofCheck,
} from './verifier.ts';
