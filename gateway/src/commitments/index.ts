/** Dataset commitments: subject ids, Poseidon trees on worker threads, versions on disk, ledger anchors. */
export { CommitmentTree } from './commitment-tree.ts';
export { CommittedVersion, type RecordWitnessParts, rootHex, type VersionMeta } from './committed-version.ts';
export {
  type CommitOptions,
  type CommitResult,
  type CommitTimings,
  DatasetCommitments,
  type DatasetCommitmentsComponents,
  type DatasetCommitmentsInit,
} from './dataset-commitments.ts';
export { CommitmentError, type CommitmentErrorCode, type CommitmentErrorContexts } from './errors.ts';
export { packElements, unpackElements } from './field-bytes.ts';
export { PoseidonPool, type PoseidonPoolOptions } from './poseidon-pool.ts';
export {
  bytesToField,
  fieldIdOf,
  MIN_SUBJECT_KEY_BYTES,
  measureField,
  SubjectPseudonyms,
} from './subject-id.ts';
