/**
 * What one peer may make this node do: a token bucket per peer for messages and one for bytes, so a
 * validator that floods (by bug or on purpose) is throttled to a fair share before its messages are
 * decoded, and the rest of the node keeps its CPU and memory. Dropped messages are not lost for good:
 * consensus messages are re-gossiped and blocks re-requested, transactions are best effort.
 */

/** Budget of one peer. */
export interface PeerBudget {
  /** Messages per second, sustained. */
  readonly messagesPerSecond: number;
  /** Bytes per second, sustained. */
  readonly bytesPerSecond: number;
  /** How many seconds of budget may be used in one burst. */
  readonly burstSeconds: number;
}

/** Generous for 4–7 validators on a LAN, far below what would starve the node. */
export const DEFAULT_PEER_BUDGET: PeerBudget = {
  messagesPerSecond: 5_000,
  bytesPerSecond: 64 << 20,
  burstSeconds: 2,
};

class Bucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  take(amount: number, now: number): boolean {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < amount) return false;
    this.tokens -= amount;
    return true;
  }
}

/** Token buckets per peer. */
export class PeerLimiter {
  private readonly buckets = new Map<string, { messages: Bucket; bytes: Bucket }>();
  /** Messages dropped per peer (metrics, logs). */
  readonly dropped = new Map<string, number>();

  constructor(
    private readonly budget: PeerBudget = DEFAULT_PEER_BUDGET,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a message of `size` bytes from `peer` is within its budget (and charges it if so). */
  admit(peer: string, size: number): boolean {
    const now = this.now();
    let b = this.buckets.get(peer);
    if (b === undefined) {
      const { messagesPerSecond: m, bytesPerSecond: y, burstSeconds: s } = this.budget;
      b = { messages: new Bucket(m, m * s, now), bytes: new Bucket(y, y * s, now) };
      this.buckets.set(peer, b);
    }
    // A message larger than the whole burst could never pass: let it through when the bucket is full.
    const ok = b.messages.take(1, now) && b.bytes.take(Math.min(size, this.budget.bytesPerSecond), now);
    if (!ok) this.dropped.set(peer, (this.dropped.get(peer) ?? 0) + 1);
    return ok;
  }
}
