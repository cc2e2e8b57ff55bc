/** The credit-penetration query: request, plan, related parties, the gateway's query service, records. */
export { type AnchoredAnswer, contributionProofs, ProofAnchoring } from './anchor.ts';
export {
  type AuditCheck,
  AuditError,
  type AuditErrorCode,
  type AuditErrorContexts,
  type AuditedOutcome,
  formatQueryAuditReport,
  type QueryAuditReport,
} from './audit-report.ts';
export { type QueryAuditDeps, verifyQueryFromLedger } from './audit-verify.ts';
export { type BundleCheck, checkProofBundle } from './bundle-check.ts';
export { asQueryError, classifyFailure } from './classify.ts';
export { isQueryError, QueryError, type QueryErrorCode, type QueryErrorContexts } from './errors.ts';
export {
  attestationBytes,
  buildProgram,
  chooseComputeParties,
  type QueryPlan,
  relatedLimit,
  subjectDigest,
  transcriptBytes,
} from './plan.ts';
export {
  type ProofBundle,
  type QueryAnswer,
  type QueryEvent,
  QueryGateway,
  type QueryGatewayComponents,
  type QueryGatewayInit,
  type QueryStage,
  type QueryTimings,
} from './query-gateway.ts';
export {
  outputText,
  proofDigest,
  type QueryRecord,
  type RecordDataset,
  recordBytes,
  recordDigest,
  resultCommitment,
  type SignedTranscript,
} from './record.ts';
export { OwnershipGraph, type OwnershipSource } from './related-parties.ts';
export {
  authorizeQuery,
  CREDIT_PENETRATION,
  type CreditPenetrationRequest,
  type CreditPenetrationRequestInput,
  CreditPenetrationRequestSchema,
  checkAuthorization,
  MAX_DEPTH,
  MAX_METRICS,
  newRequestNonce,
  type PublicRequest,
  parseQueryRequest,
  publicRequestOf,
  queryIdOf,
  queryIdOfPublic,
  requestDatasets,
} from './request.ts';
