/**
 * @privgate/circuits: Circom circuits (RecordInclusion, Threshold, ShareBinding, InvoiceNullifier,
 * Credential and their batches), Groth16 proving and verification on the committed artifacts, the Poseidon
 * Merkle tree and the Poseidon commitments that match the circuits bit for bit, and secret sharing.
 * The build toolchain is exported separately from `@privgate/circuits/toolchain`.
 */

export {
  type ArtifactKind,
  type ArtifactOptions,
  artifactManifest,
  extractArtifacts,
  readArtifact,
  verificationKey,
} from './artifacts/load.ts';
export {
  type CredentialIssuer,
  type CredentialSignature,
  createCredentialIssuer,
  type IssuerPublicKey,
  type SignedCredential,
} from './credential/issuer.ts';
export { CircuitError, type CircuitErrorCode, type CircuitErrorContexts, isCircuitError } from './errors.ts';
export {
  assertField,
  assertUint64,
  FIELD_MODULUS,
  inverse,
  mod,
  randomFieldElement,
  tagToField,
  UINT64_BOUND,
} from './field.ts';
export {
  credentialInput,
  invoiceNullifierInput,
  type RecordWitness,
  recordInclusionBatchInput,
  recordInclusionInput,
  type SharingWitness,
  shareBindingBatchInput,
  shareBindingInput,
  thresholdInput,
} from './inputs/builders.ts';
export {
  decodePublicSignals,
  type EncodedInput,
  encodeInput,
  encodePublicSignals,
} from './inputs/signals.ts';
export type * from './inputs/types.ts';
export { DIRECTION_SIGNAL } from './inputs/types.ts';
export {
  computeMerkleRoot,
  DEFAULT_TREE_DEPTH,
  MAX_TREE_DEPTH,
  type MerklePath,
  type MerkleTreeOptions,
  PoseidonMerkleTree,
  zeroHashes,
} from './merkle/poseidon-merkle-tree.ts';
export { buildRecordTree } from './merkle/record-tree.ts';
export { createCircomlibPoseidon, defaultPoseidon } from './poseidon/circomlibjs.ts';
export {
  type CredentialClaim,
  credentialMessage,
  type DatasetRecord,
  INVOICE_NULLIFIER_TAG,
  type Invoice,
  invoiceLeaf,
  invoiceNullifier,
  recordLeaf,
  shareCommitment,
  subjectCommitment,
  valueCommitment,
} from './poseidon/commitments.ts';
export type { PoseidonHasher } from './poseidon/interface.ts';
export { ProofBatchVerifier, type ProofBatchVerifierOptions } from './prover/batch-verifier.ts';
export { CircuitProver } from './prover/circuit-prover.ts';
export type { CircuitProvingEngine, ProverOptions } from './prover/interface.ts';
export { prove, verify } from './prover/prove.ts';
export { CircuitProverPool, type ProverPoolOptions } from './prover/prover-pool.ts';
export { assertProofShape, type CircuitProof, verifyProof } from './prover/verify.ts';
export { signalNameHash, WitnessCalculator } from './prover/witness-calculator.ts';
export {
  BATCH_SIZE,
  CIRCUIT_NAMES,
  CIRCUITS,
  type CircuitDefinition,
  type CircuitName,
  circuitDefinition,
  SHARE_DEGREE,
  SHARE_PARTIES,
  type SignalLayout,
  TREE_DEPTH,
} from './registry.ts';
export {
  additiveShare,
  reconstructAdditive,
  reconstructShamir,
  type Sharing,
  shamirShare,
  shareEvaluationPoint,
  shareSecret,
} from './sharing/shares.ts';
export type { Groth16Proof, VerificationKey } from './vendor/snarkjs.ts';
export { releaseSnarkjsCurve } from './vendor/snarkjs.ts';
