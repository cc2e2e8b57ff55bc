/**
 * A chunk's inclusion proof, whichever circuit proved it. A chunk of one subject is proven with
 * RecordInclusion (5,441 constraints, about half the proving time of the 10,887-constraint
 * RecordInclusionBatch it would otherwise pad); a chunk of two with RecordInclusionBatch. Both prove the
 * same statement per record (leaf under the root, value < 2^64, value commitment); verifiers and
 * auditors read either through {@link inclusionSignals}, in the batch layout. A one-subject chunk proven
 * with the batch circuit (count 1) stays valid, so queries anchored before this choice still verify.
 */
import { BATCH_SIZE, type CircuitName, decodePublicSignals } from '@privgate/circuits';
import type { ProofItem } from './types.ts';

/** The public signals of an inclusion proof in the batch layout (slots past `count` are padding). */
export interface InclusionSignals {
  root: bigint;
  count: bigint;
  subjectIds: bigint[];
  fieldIds: bigint[];
  valueCommitments: bigint[];
}

/** The circuit a holder proves a chunk of `count` subjects with. */
export function inclusionCircuitFor(count: number): 'record_inclusion' | 'record_inclusion_batch' {
  if (!Number.isInteger(count) || count < 1 || count > BATCH_SIZE)
    throw new RangeError(`count must be 1..${BATCH_SIZE}, got ${count}`);
  return count === 1 ? 'record_inclusion' : 'record_inclusion_batch';
}

/** The circuits a verifier accepts for a chunk of `count` subjects. */
export function inclusionCircuitsAccepted(count: number): readonly CircuitName[] {
  return count === 1 ? ['record_inclusion', 'record_inclusion_batch'] : ['record_inclusion_batch'];
}

/**
 * Decodes an inclusion proof's public signals.
 * @throws {Error} when the proof is of another circuit, or its signals do not decode.
 */
export function inclusionSignals(item: Pick<ProofItem, 'circuit' | 'publicSignals'>): InclusionSignals {
  if (item.circuit === 'record_inclusion_batch')
    return decodePublicSignals('record_inclusion_batch', item.publicSignals);
  if (item.circuit === 'record_inclusion') {
    const one = decodePublicSignals('record_inclusion', item.publicSignals);
    return {
      root: one.root,
      count: 1n,
      subjectIds: [one.subjectId],
      fieldIds: [one.fieldId],
      valueCommitments: [one.valueCommitment],
    };
  }
  throw new Error(`a ${item.circuit} proof is not an inclusion proof`);
}
