/**
 * Anchoring an answered query, so an auditor can check it from the ledger alone: every contribution's
 * Groth16 proofs go on the ledger as proof transactions whose context is the query id (the validators
 * verify each against the registered key before committing it), and the "answered" audit event names
 * them and carries the query record.
 *
 * The entry gateway submits a contribution's proofs as soon as it has checked it, while the other holders
 * still prove, so most proofs are committed before the output exists; proofs checked while a batch is
 * being committed go out together with the next one. The last proofs and the result are signed with
 * consecutive nonces and submitted together (`LedgerAccount.submitBatch`): the ledger applies one
 * sender's transactions in nonce order, so it commits them in one block, and the answer waits for one
 * commit after the output, not two. A query that fails after some proofs were anchored leaves them on the
 * ledger, referenced by no result.
 *
 * The result names the proofs in record order: for each record dataset in turn, its inclusion proofs by
 * chunk, then its binding proofs by chunk (the order `proofDigest` hashes them in); a dataset of n
 * subjects has 2·⌈n / BATCH_SIZE⌉ of them. Their order on the ledger follows the checks.
 */
import {
  auditPayload,
  type CborValue,
  type Groth16Proof as LedgerGroth16Proof,
  proofSubmissionPayload,
  TxKind,
} from '@privgate/ledger';
import type { DatasetContribution, ProofItem } from '../contribution/index.ts';
import type { LedgerAccount } from '../ledger-client/account.ts';
import type { CommittedTx } from '../ledger-client/interface.ts';
import { circuitVkeyHash } from '../ledger-client/proof-verifier.ts';
import { type QueryRecord, recordBytes, recordDigest } from './record.ts';

/** A contribution's proofs in record order: inclusion chunks, then binding chunks. */
export function contributionProofs(c: DatasetContribution): ProofItem[] {
  return [...c.inclusion, ...c.binding];
}

/** What anchoring an answer committed. */
export interface AnchoredAnswer {
  /** The "answered" audit transaction. */
  answered: CommittedTx;
  /** The proof transactions, in record order. */
  proofs: CommittedTx[];
}

/** One query's proofs on their way to the ledger, then its result (see the file comment). */
export class ProofAnchoring {
  readonly #account: LedgerAccount;
  readonly #queryId: Uint8Array;
  /** Proofs of checked contributions not submitted yet. */
  #pending: ProofItem[] = [];
  /** Proofs committed so far. */
  readonly #committed = new Map<ProofItem, CommittedTx>();
  #inFlight: Promise<void> | undefined;
  #failure: unknown;
  #closed = false;

  constructor(account: LedgerAccount, queryId: Uint8Array) {
    this.#account = account;
    this.#queryId = queryId;
  }

  /** Queues a checked contribution's proofs; they go out at once, or with the next batch. */
  add(contribution: DatasetContribution): void {
    if (this.#closed) return;
    for (const p of contributionProofs(contribution))
      if (!this.#committed.has(p) && !this.#pending.includes(p)) this.#pending.push(p);
    this.#pump();
  }

  /** Stops submitting proofs (the query failed); a batch in flight still settles. */
  close(): void {
    this.#closed = true;
    this.#pending = [];
  }

  #pump(): void {
    if (this.#closed || this.#inFlight !== undefined || this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#inFlight = this.#submit(batch)
      .then((commits) => {
        batch.forEach((p, i) => this.#committed.set(p, commits[i]!));
      })
      .catch((err: unknown) => {
        this.#failure ??= err;
      })
      .finally(() => {
        this.#inFlight = undefined;
        this.#pump();
      });
  }

  /**
   * Submits `proofs`, then the transaction `last` builds from their ids (if any), with consecutive nonces;
   * resolves with every commit, in that order.
   */
  async #submit(
    proofs: readonly ProofItem[],
    last?: (proofIds: Uint8Array[]) => [TxKind, CborValue[]],
  ): Promise<CommittedTx[]> {
    const vkeyHashes = new Map<string, Uint8Array>();
    for (const circuit of new Set(proofs.map((p) => p.circuit))) {
      vkeyHashes.set(circuit, Uint8Array.from(Buffer.from(await circuitVkeyHash(circuit), 'hex')));
    }
    return this.#account.submitBatch((send) => {
      const ids = proofs.map((p) =>
        send(
          TxKind.proofSubmit,
          proofSubmissionPayload({
            circuit: p.circuit,
            vkeyHash: vkeyHashes.get(p.circuit)!,
            proof: p.proof as unknown as LedgerGroth16Proof,
            publicSignals: p.publicSignals,
            context: this.#queryId,
          }),
        ),
      );
      if (last !== undefined) send(...last(ids));
    });
  }

  /**
   * Submits the proofs not submitted yet together with the "answered" event: the record, its digest as
   * the result commitment, and every proof of `contributions` (in record order).
   * @throws {LedgerClientError} the first transaction the ledger refused (a proof's or the result's).
   */
  async finish(record: QueryRecord, contributions: readonly DatasetContribution[]): Promise<AnchoredAnswer> {
    this.#closed = true;
    while (this.#inFlight !== undefined) await this.#inFlight;
    if (this.#failure !== undefined) throw this.#failure;
    const all = contributions.flatMap(contributionProofs);
    const remaining = all.filter((p) => !this.#committed.has(p));
    const commits = await this.#submit(remaining, (remainingIds) => {
      const idOf = (p: ProofItem) => this.#committed.get(p)?.id ?? remainingIds[remaining.indexOf(p)]!;
      return [
        TxKind.queryAudit,
        auditPayload({
          op: 'result',
          queryId: this.#queryId,
          resultCommitment: recordDigest(record),
          proofIds: all.map(idOf),
          record: recordBytes(record),
        }),
      ];
    });
    remaining.forEach((p, i) => this.#committed.set(p, commits[i]!));
    return { answered: commits[commits.length - 1]!, proofs: all.map((p) => this.#committed.get(p)!) };
  }
}
