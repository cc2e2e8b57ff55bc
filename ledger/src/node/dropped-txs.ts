/**
 * Transactions a node admitted and then dropped from its mempool, with the ledger's reason: left out of
 * this node's committed block by a contract rule (`POLICY_DENIED`, `DATASET_VERSION_STALE`, …), or made
 * obsolete by a committed block (nonce used by another transaction, sender key changed, too old). The
 * HTTP API reports them on `GET /v1/tx/:id`, so a client learns why its transaction will never commit
 * instead of waiting for a commit that does not come.
 *
 * A node learns a contract refusal when it builds a block itself (only the proposer executes its
 * candidates), so it may report a transaction as pending for up to one proposer rotation after another
 * validator left it out. The record is final from this node's view only: a transaction refused under
 * one state may still be committed by another proposer under a later one (e.g. after its policy was
 * set), and then `GET /v1/tx/:id` answers committed again. Bounded: the oldest records go first.
 */
import type { LedgerErrorCode } from '../tx/errors.ts';

/** Why a transaction was dropped. */
export interface DroppedTx {
  readonly code: LedgerErrorCode;
  readonly detail: string;
  /** The height whose commit dropped it. */
  readonly height: number;
  readonly context?: Readonly<Record<string, unknown>>;
}

/** What a committed block's mempool update removes, explained (the update reports codes only). */
const EVICTION_DETAIL: Partial<Record<LedgerErrorCode, string>> = {
  TX_REPLAY: 'another transaction of the sender with this nonce was committed',
  TX_UNKNOWN_SENDER: 'the sender is no longer a registered organisation',
  TX_BAD_SIGNATURE: 'the sender’s key changed before the transaction was committed',
  VKEY_UNKNOWN: 'the verification key the proof needs was replaced',
  TX_STALE: 'the transaction grew too old to be committed',
};

/** The explanation of an eviction code. */
export const evictionDetail = (code: LedgerErrorCode): string =>
  EVICTION_DETAIL[code] ?? `dropped from the mempool (${code})`;

/** A bounded record of dropped transactions by id (lower-case hex). */
export class DroppedTxs {
  private readonly byId = new Map<string, DroppedTx>();

  constructor(private readonly limit = 10_000) {}

  get size(): number {
    return this.byId.size;
  }

  record(idHex: string, dropped: DroppedTx): void {
    this.byId.delete(idHex);
    this.byId.set(idHex, dropped);
    if (this.byId.size > this.limit) this.byId.delete(this.byId.keys().next().value!);
  }

  get(idHex: string): DroppedTx | undefined {
    return this.byId.get(idHex);
  }
}
