/**
 * `gateway/src/contribution/index.ts` in the browser: the contribution types and input ids a query
 * record names, without the prover and verifier services.
 */

export { inclusionCircuitsAccepted, inclusionSignals } from '../../../src/contribution/inclusion.ts';
export type { DatasetContribution, HolderContribution, ProofItem } from '../../../src/contribution/types.ts';
export { metricInputId } from '../../../src/contribution/types.ts';
export type { ProofCheck } from '../../../src/contribution/verifier.ts';
