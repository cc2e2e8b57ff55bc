/** Native system contracts: identities, datasets, verification keys, proofs, audit log, policies, nullifiers. */
export { BN254_R, type DatasetAnchor, datasetAnchorPayload, datasetDirectory } from './dataset-directory.ts';
export {
  decodeGenesis,
  encodeGenesis,
  type GenesisDocument,
  type GenesisOrg,
  type GenesisVkey,
} from './genesis.ts';
export {
  GOVERNANCE_DOMAIN,
  type GovernanceChange,
  governanceChangeBytes,
  governancePayload,
  signApproval,
} from './governance.ts';
export {
  BN254_Q,
  decodeGroth16Proof,
  decodeSignal,
  encodeGroth16Proof,
  encodeSignal,
  GROTH16_PROOF_BYTES,
} from './groth16.ts';
export { type IdentityChange, identityChangeBytes, identityRegistry } from './identity-registry.ts';
export { IdentityView } from './identity-view.ts';
export type {
  ApplyContext,
  ApprovalClaim,
  BlockEnv,
  Contract,
  Groth16Proof,
  ProofVerificationItem,
  ProofVerifier,
} from './interface.ts';
export { MAX_NULLIFIERS_PER_TX, nullifierBatchPayload, nullifierRegistry } from './nullifier-registry.ts';
export { type PolicyRequest, policyChangeBytes, policyRegistry } from './policy-registry.ts';
export {
  MAX_PUBLIC_SIGNALS,
  type ProofSubmission,
  proofSubmission,
  proofSubmissionPayload,
} from './proof-submission.ts';
export {
  type AuditEntry,
  auditPayload,
  MAX_QUERY_RECORD_BYTES,
  MAX_RESULT_PROOFS,
  QUERY_RECORD_DOMAIN,
  queryAuditLog,
  queryRecordDigest,
} from './query-audit-log.ts';
export { CONTRACTS, type ParsedTx, parseTx } from './registry.ts';
export {
  auditEventKey,
  type DatasetHead,
  type DatasetVersion,
  Disclosure,
  type OrgRecord,
  type PolicyRecord,
  proofKey,
  ROLES,
  type Role,
  readDatasetHead,
  readDatasetVersion,
  readNonce,
  readPolicy,
  readVkey,
  type VkeyRecord,
} from './tables.ts';
export {
  type CheckedTx,
  checkTxs,
  type PreverifiedTxs,
  type TxCheck,
  type VerificationDeps,
} from './verification.ts';
export {
  MAX_VKEY_BYTES,
  readVkeyBytes,
  type VkeyChange,
  vkeyChangeBytes,
  vkeyRegistry,
} from './vkey-registry.ts';
