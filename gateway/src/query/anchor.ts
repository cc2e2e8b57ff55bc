/**
 * Anchoring an answered query, so an auditor can check it from the ledger alone: every contribution's
 * Groth16 proofs go on the ledger as proof transactions whose context is the query id (the validators
 * verify each against the registered key before committing it), and the "answered" audit event names
 * them and carries the query record. The entry gateway signs them with consecutive nonces and submits
 * them together (`LedgerAccount.submitBatch`), the result last, so a multi-validator ledger can commit
 * the whole answer in one block.
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

/** What anchoring an answer committed. */
export interface AnchoredAnswer {
  /** The "answered" audit transaction. */
  answered: CommittedTx;
  /** The proof transactions, in ledger order. */
  proofs: CommittedTx[];
}

/**
 * Submits the proofs of `contributions` (in record order) and the "answered" event with the record.
 * @throws {LedgerClientError} the first transaction the ledger refuses (nothing after it is committed
 *   as part of this answer: the result needs every proof).
 */
export async function anchorAnswer(
  account: LedgerAccount,
  queryId: Uint8Array,
  record: QueryRecord,
  contributions: readonly DatasetContribution[],
): Promise<AnchoredAnswer> {
  const proofs = contributions.flatMap(contributionProofs);
  const vkeyHashes = new Map<string, Uint8Array>();
  for (const circuit of new Set(proofs.map((p) => p.circuit))) {
    vkeyHashes.set(circuit, Uint8Array.from(Buffer.from(await circuitVkeyHash(circuit), 'hex')));
  }
  const committed = await account.submitBatch((send) => {
    const proofIds = proofs.map((p) =>
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
      ),
    );
    send(
      TxKind.queryAudit,
      auditPayload({
        op: 'result',
        queryId,
        resultCommitment: recordDigest(record),
        proofIds,
        record: recordBytes(record),
      }),
    );
  });
  return { answered: committed[committed.length - 1]!, proofs: committed.slice(0, -1) };
}
