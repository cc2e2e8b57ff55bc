/**
 * Anchoring an answered query, so an auditor can check it from the ledger alone: every contribution's
 * Groth16 proofs go on the ledger as proof transactions whose context is the query id (the validators
 * verify each against the registered key before committing it), and the "answered" audit event names
 * them and carries the query record. The entry gateway signs the proofs with consecutive nonces and
 * submits them together (`LedgerAccount.submitBatch`, so a multi-validator ledger commits them in one
 * block) as soon as every contribution is checked, while the MPC runs; the result follows the output.
 * A query that fails after that leaves its proofs on the ledger, referenced by no result.
 *
 * Proof order on the ledger: for each record dataset in turn, its inclusion proofs by chunk, then its
 * binding proofs by chunk (the order `proofDigest` hashes them in); a dataset of n subjects has
 * 2·⌈n / BATCH_SIZE⌉ of them.
 */
import {
  auditPayload,
  type Groth16Proof as LedgerGroth16Proof,
  proofSubmissionPayload,
  TxKind,
} from '@privgate/ledger';
import type { DatasetContribution, ProofItem } from '../contribution/index.ts';
import type { LedgerAccount } from '../ledger-client/account.ts';
import type { CommittedTx } from '../ledger-client/interface.ts';
import { circuitVkeyHash } from '../ledger-client/proof-verifier.ts';
import { type QueryRecord, recordBytes, recordDigest } from './record.ts';

/** A contribution's proofs in ledger order: inclusion chunks, then binding chunks. */
export function contributionProofs(c: DatasetContribution): ProofItem[] {
  return [...c.inclusion, ...c.binding];
}

/**
 * Submits the proofs of `contributions` (in record order) as proof transactions about the query, signed
 * with consecutive nonces and submitted together. The entry gateway calls it as soon as every
 * contribution is checked, so the proofs are committed while the MPC still runs.
 * @returns the proof transactions, in ledger order.
 * @throws {LedgerClientError} the first transaction the ledger refuses.
 */
export async function anchorProofs(
  account: LedgerAccount,
  queryId: Uint8Array,
  contributions: readonly DatasetContribution[],
): Promise<CommittedTx[]> {
  const proofs = contributions.flatMap(contributionProofs);
  const vkeyHashes = new Map<string, Uint8Array>();
  for (const circuit of new Set(proofs.map((p) => p.circuit))) {
    vkeyHashes.set(circuit, Uint8Array.from(Buffer.from(await circuitVkeyHash(circuit), 'hex')));
  }
  return account.submitBatch((send) => {
    for (const p of proofs) {
      send(
        TxKind.proofSubmit,
        proofSubmissionPayload({
          circuit: p.circuit,
          vkeyHash: vkeyHashes.get(p.circuit)!,
          // snarkjs's affine shape; the encoder refuses anything else (TX_MALFORMED).
          proof: p.proof as LedgerGroth16Proof,
          publicSignals: p.publicSignals,
          context: queryId,
        }),
      );
    }
  });
}

/**
 * Submits the "answered" audit event: the record, its digest as the result commitment, and the proof
 * transactions behind it (committed before, by {@link anchorProofs}).
 * @throws {LedgerClientError} when the ledger refuses it.
 */
export function anchorResult(
  account: LedgerAccount,
  queryId: Uint8Array,
  record: QueryRecord,
  proofs: readonly CommittedTx[],
): Promise<CommittedTx> {
  return account.submit(
    TxKind.queryAudit,
    auditPayload({
      op: 'result',
      queryId,
      resultCommitment: recordDigest(record),
      proofIds: proofs.map((p) => p.id),
      record: recordBytes(record),
    }),
  );
}
