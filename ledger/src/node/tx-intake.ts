/**
 * How transactions enter a node: from its clients (HTTP) and from its peers (gossip), through ONE
 * admission at a time into the mempool. Everything that arrived while an admission ran is admitted next
 * in one `mempool.add` call, so SM2 signatures are verified in the largest batches the load allows
 * (batch verification costs several times less per signature at 1,000 than at 64). Transactions this
 * node admitted for its clients are then handed to gossip (`onAdmitted`); transactions from peers are
 * not forwarded again (the validators are fully meshed: the origin sends to every peer).
 *
 * Bounded: past `maxPending` queued transactions, clients are answered `MEMPOOL_FULL` at once and peer
 * batches are dropped (gossip is best effort: a transaction still reaches blocks through its origin).
 */
import type { Admission, Mempool } from '../mempool/mempool.ts';
import { LedgerError } from '../tx/errors.ts';

/** Options of the intake. */
export interface TxIntakeInit {
  /** Most transactions waiting for admission (default 50,000). */
  readonly maxPending?: number;
  /** Most transactions per `mempool.add` (default 8,192). */
  readonly maxBatch?: number;
  /**
   * Resolves when admission may use the CPU (default: at once). The node holds admission back while it
   * builds or validates a block: consensus is the critical path, admission can wait a few hundred ms.
   */
  readonly gate?: () => Promise<void>;
}

interface Pending {
  readonly txs: readonly Uint8Array[];
  readonly resolve?: (admissions: Admission[]) => void;
}

/** The admission queue of a node. */
export class TxIntake {
  private readonly maxPending: number;
  private readonly maxBatch: number;
  private readonly gate: () => Promise<void>;
  private readonly queue: Pending[] = [];
  private pending = 0;
  private running = false;
  private stopped = false;
  /** Transactions refused or dropped because the queue was full (metrics). */
  overflow = 0;

  constructor(
    init: TxIntakeInit,
    private readonly mempool: Pick<Mempool, 'add'>,
    /** Called with the transactions admitted for local clients, and after every batch with the count. */
    private readonly events: {
      onAdmitted(local: readonly Uint8Array[], admittedCount: number): void;
      onError(err: unknown): void;
    },
  ) {
    this.maxPending = init.maxPending ?? 50_000;
    this.maxBatch = init.maxBatch ?? 8192;
    this.gate = init.gate ?? (() => Promise.resolve());
  }

  /** Transactions waiting for admission. */
  get size(): number {
    return this.pending;
  }

  /** Admits transactions of local clients; one outcome per input, in order. */
  submit(txs: readonly Uint8Array[]): Promise<Admission[]> {
    if (this.stopped || this.pending + txs.length > this.maxPending) {
      this.overflow += txs.length;
      const error = new LedgerError(
        'MEMPOOL_FULL',
        'the node is admitting too many transactions; retry later',
        {
          pending: this.pending,
        },
      );
      return Promise.resolve(txs.map(() => ({ ok: false as const, code: error.code, error })));
    }
    return new Promise((resolve) => this.enqueue({ txs, resolve }));
  }

  /** Admits transactions gossiped by a peer (best effort: dropped when the queue is full). */
  fromPeer(txs: readonly Uint8Array[]): void {
    if (this.stopped || this.pending + txs.length > this.maxPending) {
      this.overflow += txs.length;
      return;
    }
    this.enqueue({ txs });
  }

  /** Stops admitting; queued client submissions are answered `MEMPOOL_FULL`. */
  stop(): void {
    this.stopped = true;
    const error = new LedgerError('MEMPOOL_FULL', 'the node is stopping');
    for (const p of this.queue.splice(0))
      p.resolve?.(p.txs.map(() => ({ ok: false, code: error.code, error })));
    this.pending = 0;
  }

  private enqueue(p: Pending): void {
    if (p.txs.length === 0) {
      p.resolve?.([]);
      return;
    }
    this.queue.push(p);
    this.pending += p.txs.length;
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        await this.gate();
        if (this.queue.length === 0) break;
        // Whole submissions up to the batch size (a larger single submission goes alone).
        const batch: Pending[] = [];
        let count = 0;
        while (
          this.queue.length > 0 &&
          (batch.length === 0 || count + this.queue[0]!.txs.length <= this.maxBatch)
        ) {
          const p = this.queue.shift()!;
          batch.push(p);
          count += p.txs.length;
        }
        this.pending -= count;
        const all = batch.flatMap((p) => p.txs);
        let results: Admission[];
        try {
          results = await this.mempool.add(all);
        } catch (err) {
          this.events.onError(err);
          const error = new LedgerError('MEMPOOL_FULL', 'admission failed; retry later');
          results = all.map(() => ({ ok: false, code: error.code, error }));
        }
        const local: Uint8Array[] = [];
        let admitted = 0;
        let at = 0;
        for (const p of batch) {
          const mine = results.slice(at, at + p.txs.length);
          mine.forEach((r, i) => {
            if (!r.ok) return;
            admitted++;
            if (p.resolve !== undefined) local.push(p.txs[i]!);
          });
          p.resolve?.(mine);
          at += p.txs.length;
        }
        if (admitted > 0) this.events.onAdmitted(local, admitted);
      }
    } finally {
      this.running = false;
    }
  }
}
