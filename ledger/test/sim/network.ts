/**
 * The simulated network between validators: every message is delayed independently (which reorders
 * them), may be dropped or duplicated, and is lost if a partition separates sender and receiver when
 * it is sent. After GST the faults stop and delays are bounded, the partial-synchrony model of the
 * paper (§2).
 */
import type { EventQueue } from './event-queue.ts';
import type { Prng } from './prng.ts';
import type { LinkFaults, Scenario } from './scenario.ts';

/** What travels between simulated nodes. */
export type WireMessage =
  | { readonly kind: 'consensus'; readonly bytes: Uint8Array }
  /** An encoded commit certificate, sent to a peer that is behind. */
  | { readonly kind: 'certificate'; readonly bytes: Uint8Array }
  /** Gossip status: the sender's height and the keys of the messages it holds at that height. */
  | { readonly kind: 'status'; readonly height: number; readonly have: ReadonlySet<string> };

/** Counters for the run report. */
export interface NetworkStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
}

/** Point-to-point links with seeded faults. */
export class SimNetwork {
  readonly stats: NetworkStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0 };
  /** Node → time until which it is cut off by the adaptive adversary. */
  private readonly isolatedUntil = new Map<number, number>();
  /** Targeted drops by a coordinated adversary: messages to `to` matching `match` until `untilMs`. */
  private censors: { to: number; untilMs: number; match: (m: WireMessage) => boolean }[] = [];

  constructor(
    private readonly queue: EventQueue,
    private readonly rng: Prng,
    private readonly scenario: Scenario,
    private readonly deliver: (from: number, to: number, message: WireMessage) => void,
  ) {}

  /** Whether the network is still before GST. */
  get beforeGst(): boolean {
    return this.queue.now < this.scenario.gstMs;
  }

  private faults(): LinkFaults {
    return this.beforeGst ? this.scenario.chaos : this.scenario.stable;
  }

  /** Cuts `node` off from every other node for `ms` (only before GST). */
  isolate(node: number, ms: number): void {
    if (this.beforeGst) this.isolatedUntil.set(node, Math.min(this.queue.now + ms, this.scenario.gstMs));
  }

  /** Drops messages to `to` that `match`, for `ms` (only before GST). */
  censor(to: number, ms: number, match: (m: WireMessage) => boolean): void {
    if (this.beforeGst)
      this.censors.push({ to, untilMs: Math.min(this.queue.now + ms, this.scenario.gstMs), match });
  }

  private censored(to: number, message: WireMessage): boolean {
    if (this.censors.length === 0) return false;
    const now = this.queue.now;
    this.censors = this.censors.filter((c) => c.untilMs > now);
    return this.censors.some((c) => c.to === to && c.match(message));
  }

  private partitioned(a: number, b: number): boolean {
    const now = this.queue.now;
    if ((this.isolatedUntil.get(a) ?? 0) > now || (this.isolatedUntil.get(b) ?? 0) > now) return true;
    return this.scenario.partitions.some(
      (p) => now >= p.fromMs && now < p.toMs && p.side.has(a) !== p.side.has(b),
    );
  }

  /** Sends `message` from `from` to `to` under the current faults. */
  send(from: number, to: number, message: WireMessage): void {
    this.stats.sent++;
    const faults = this.faults();
    if (this.partitioned(from, to) || this.censored(to, message) || this.rng.chance(faults.dropRate)) {
      this.stats.dropped++;
      return;
    }
    const copies = this.rng.chance(faults.duplicateRate) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      const extra = faults.slowSenders?.get(from) ?? 0;
      this.queue.after(extra + this.rng.int(faults.minDelayMs, faults.maxDelayMs), () => {
        this.stats.delivered++;
        this.deliver(from, to, message);
      });
    }
  }
}
