/**
 * A ledger account: an organisation's id and SM2 signing key, and the nonce bookkeeping that turns a
 * contract payload into a signed transaction (`signTx`) and submits it. Submissions of one account are
 * serialised, so nonces never collide; after a nonce error the next submission re-reads the ledger.
 */
import type { Sm2Signer } from '@privgate/accel';
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
    return signTx(
      {
        chainId: this.#ledger.chainId,
        kind,
        sender: this.id,
        nonce: this.#next,
        timestamp: this.#clock(),
        payload,
      },
      this.signer,
    );
  }

  /** Forgets the cached nonce (after a transaction signed here was submitted elsewhere). */
  resync(): void {
    this.#next = undefined;
  }
}
