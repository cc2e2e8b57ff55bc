/**
 * What a holding gateway contributes to one query for one dataset: a public part every verifier sees
 * (anchored root and version, the subjects' pseudonymous ids, and the proofs), and a private part only
 * the holder keeps (the sharings it feeds the MPC).
 *
 * Layout. The query's subjects are sorted by subject id (ascending) and cut into chunks of BATCH_SIZE;
 * chunk c covers subjects [c·K, c·K + count_c). For each chunk there is one inclusion proof,
 * RecordInclusion for a chunk of one subject and RecordInclusionBatch otherwise (records under the
 * anchored root, values < 2^64, value commitments Poseidon(value, blinding); `inclusion.ts`), and one
 * share-binding proof on the same value commitments (ShareBinding when the chunk holds one subject,
 * ShareBindingBatch otherwise): the MPC input `${dataset}#${i}` is subject i's value, and its share
 * commitments are the binding proof's public signals for that slot.
 */
import type { CircuitName, Groth16Proof } from '@privgate/circuits';
import type { PreparedInput } from '../mpc/index.ts';

/** A proof with its public signals (snarkjs order). */
export interface ProofItem {
  circuit: CircuitName;
  proof: Groth16Proof;
  publicSignals: string[];
}

/** The public part of a contribution. */
export interface DatasetContribution {
  queryId: string;
  holder: string;
  dataset: string;
  /** The anchored version proven against. */
  version: number;
  root: bigint;
  fieldId: bigint;
  /** Pseudonymous subject ids, ascending: input i is subject i. */
  subjectIds: bigint[];
  /** One inclusion proof per chunk (RecordInclusion for one subject, else RecordInclusionBatch). */
  inclusion: ProofItem[];
  /** One ShareBinding / ShareBindingBatch proof per chunk. */
  binding: ProofItem[];
}

/** What the holder keeps: the contribution and the prepared sharings, by MPC input id. */
export interface HolderContribution {
  contribution: DatasetContribution;
  inputs: Record<string, PreparedInput>;
  /** Time spent proving (ms), for the query's timing breakdown. */
  provingMs: number;
}

/** The MPC input id of subject `index` in `dataset`. */
export function metricInputId(dataset: string, index: number): string {
  return `${dataset}#${index}`;
}
