/**
 * A ledger account: an organisation's id and SM2 signing key, and the nonce bookkeeping that turns a
 * contract payload into a signed transaction (`signTx`) and submits it. Submissions of one account are
 * serialised, so nonces never collide; after a nonce error the next submission re-reads the ledger.
 */
import { type Sm2Signer, sm3 } from '@privgate/accel';
import { type CborValue, signTx, type TxKind } from '@privgate/ledger';
import { isLedgerRejection } from './errors.ts';
import type { CommittedTx, LedgerClient } from './interface.ts';

/** Signs and submits one organisation's transactions. */
export class LedgerAccount {
  readonly id: string;
  readonly signer: Sm2Signer;
  readonly #ledger: LedgerClient;
  readonly #clock: () => number;
  #next: number | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(id: string, signer: Sm2Signer, ledger: LedgerClient, clock: () => number = Date.now) {
    this.id = id;
    this.signer = signer;
    this.#ledger = ledger;
    this.#clock = clock;
  }

  get ledger(): LedgerClient {
    return this.#ledger;
  }

  /**
   * Signs `payload` as a transaction of `kind` with the next nonce and waits for its commit.
   * @throws {LedgerClientError} as {@link LedgerClient.submit}.
   */
  submit(kind: TxKind, payload: readonly CborValue[]): Promise<CommittedTx> {
    const run = this.#queue.then(async () => {
      const bytes = await this.#sign(kind, payload);
      try {
        const committed = await this.#ledger.submit(bytes);
        this.#next = (this.#next ?? 0) + 1;
        return committed;
      } catch (err) {
        // A refused transaction does not consume its nonce; a nonce conflict means our count is stale.
        if (isLedgerRejection(err, 'TX_REPLAY') || isLedgerRejection(err, 'TX_NONCE_GAP'))
          this.#next = undefined;
        throw err;
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Signs several transactions with consecutive nonces and submits each as soon as it is signed, without
   * waiting for the previous one's commit (a multi-validator ledger can then commit them in one block;
   * the ledger applies one sender's transactions in nonce order). `build` calls `send` once per
   * transaction; `send` returns the transaction id, so a later payload can name earlier transactions
   * (a result naming its proofs). The account's next submission waits until all are settled.
   * @returns the commits, in the order of the `send` calls.
   * @throws {LedgerClientError} the first failure, in that order; the account then re-reads its nonce.
   * @example
   * await account.submitBatch((send) => {
   *   const proofIds = proofs.map((p) => send(TxKind.proofSubmit, proofSubmissionPayload(p)));
   *   send(TxKind.queryAudit, auditPayload({ op: 'result', queryId, resultCommitment, proofIds }));
   * });
   */
  submitBatch(
    build: (send: (kind: TxKind, payload: readonly CborValue[]) => Uint8Array) => void,
  ): Promise<CommittedTx[]> {
    const run = this.#queue.then(async () => {
      this.#next ??= (await this.#ledger.lastNonce(this.id)) + 1;
      const commits: Promise<CommittedTx>[] = [];
      let buildError: unknown;
      try {
        build((kind, payload) => {
          const bytes = this.#signWith(this.#next!, kind, payload);
          this.#next! += 1;
          commits.push(this.#ledger.submit(bytes));
          return sm3(bytes);
        });
      } catch (err) {
        buildError = err ?? new Error('build failed');
      }
      // Whatever was sent settles before the account signs again.
      const settled = await Promise.allSettled(commits);
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed !== undefined) {
        this.#next = undefined;
        throw failed.reason;
      }
      if (buildError !== undefined) throw buildError;
      return settled.map((r) => (r as PromiseFulfilledResult<CommittedTx>).value);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Signs a transaction with the account's next nonce, and reserves that nonce, without submitting it:
   * for a caller that hands the bytes to someone else to submit (an agency authorising a query through a
   * gateway). If the bytes are never committed, call {@link resync} before the next transaction.
   */
  sign(kind: TxKind, payload: readonly CborValue[]): Promise<Uint8Array> {
    const run = this.#queue.then(async () => {
      const bytes = await this.#sign(kind, payload);
      this.#next = (this.#next ?? 0) + 1;
      return bytes;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #sign(kind: TxKind, payload: readonly CborValue[]): Promise<Uint8Array> {
    this.#next ??= (await this.#ledger.lastNonce(this.id)) + 1;
    return this.#signWith(this.#next, kind, payload);
  }

  #signWith(nonce: number, kind: TxKind, payload: readonly CborValue[]): Uint8Array {
    return signTx(
      { chainId: this.#ledger.chainId, kind, sender: this.id, nonce, timestamp: this.#clock(), payload },
      this.signer,
    );
  }

  /** Forgets the cached nonce (after a transaction signed here was submitted elsewhere). */
  resync(): void {
    this.#next = undefined;
  }
}
