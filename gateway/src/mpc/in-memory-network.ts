/**
 * An in-memory network of MPC transports for tests, simulations and benchmarks, with optional delay,
 * loss, reordering, interception (to play a faulty party) and crashes. Not for production: every
 * endpoint lives in one process and nothing is encrypted.
 */
import type { MessageHandler, MpcTransport, PartyId, PeerDownHandler } from './transport.ts';

/** Options of {@link createInMemoryNetwork}. */
export interface InMemoryNetworkOptions {
  /** Fixed delivery delay in ms (default 0: next macrotask). */
  delayMs?: number;
  /** Extra random delay in [0, jitterMs) per message: messages overtake each other (reordering). */
  jitterMs?: number;
  /** Probability in [0, 1] that a message is silently lost. */
  dropRate?: number;
  /** Source of the numbers in [0, 1) used for jitter and loss (default: from crypto.getRandomValues). */
  random?: () => number;
}

/** A message in flight, as seen by interceptors and taps. */
export interface InFlightMessage {
  from: PartyId;
  to: PartyId;
  bytes: Uint8Array;
}

/**
 * Sees every message before delivery: return the bytes to deliver (possibly altered) or `null` to drop it.
 * Lets a test play a faulty sender without any fault-injection code in the engine.
 */
export type Interceptor = (message: InFlightMessage) => Uint8Array | null;

/** Per-party traffic counters. */
export interface TrafficStats {
  messagesSent: number;
  bytesSent: number;
  messagesReceived: number;
  bytesReceived: number;
}

/** A simulated network; `endpoint(party)` is that party's transport. */
export interface InMemoryNetwork {
  endpoint(party: PartyId): MpcTransport;
  /** Installs an interceptor (replacing any previous one). */
  intercept(interceptor: Interceptor | undefined): void;
  /** Registers a tap that sees every delivered message (bytes as delivered). */
  tap(listener: (message: InFlightMessage) => void): void;
  /**
   * Crashes `party`: nothing it sends is delivered and nothing is delivered to it from now on. With
   * `notify` (default true) peer-down handlers run on both sides of every connection, as when the
   * connections close; without it the party just falls silent.
   */
  crash(party: PartyId, options?: { notify?: boolean }): void;
  /** Traffic counters of `party` (delivered messages only count as received). */
  stats(party: PartyId): TrafficStats;
  /** Resolves when no message is in flight. */
  idle(): Promise<void>;
}

/**
 * Creates an in-memory network.
 * @example
 * const net = createInMemoryNetwork({ jitterMs: 2 });
 * const transport = net.endpoint('gw-a');
 */
export function createInMemoryNetwork(options: InMemoryNetworkOptions = {}): InMemoryNetwork {
  const { delayMs = 0, jitterMs = 0, dropRate = 0, random = unitFromCrypto } = options;
  const handlers = new Map<PartyId, Set<MessageHandler>>();
  const downHandlers = new Map<PartyId, Set<PeerDownHandler>>();
  // Messages for a party that has not registered a handler yet wait here (a session that starts late).
  const parked = new Map<PartyId, InFlightMessage[]>();
  const crashed = new Set<PartyId>();
  const counters = new Map<PartyId, TrafficStats>();
  const taps: Array<(message: InFlightMessage) => void> = [];
  let interceptor: Interceptor | undefined;
  let inFlight = 0;
  let idleWaiters: Array<() => void> = [];

  const statsOf = (party: PartyId): TrafficStats => {
    let s = counters.get(party);
    if (!s) {
      s = { messagesSent: 0, bytesSent: 0, messagesReceived: 0, bytesReceived: 0 };
      counters.set(party, s);
    }
    return s;
  };

  const settle = (): void => {
    inFlight--;
    if (inFlight === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  const deliver = (from: PartyId, to: PartyId, bytes: Uint8Array): void => {
    if (crashed.has(from) || crashed.has(to)) return;
    const receiver = statsOf(to);
    receiver.messagesReceived++;
    receiver.bytesReceived += bytes.length;
    const listeners = handlers.get(to);
    if (!listeners || listeners.size === 0) {
      const queue = parked.get(to) ?? [];
      queue.push({ from, to, bytes });
      parked.set(to, queue);
      return;
    }
    for (const t of taps) t({ from, to, bytes });
    for (const h of listeners) h(from, bytes);
  };

  const setOf = <T>(map: Map<PartyId, Set<T>>, party: PartyId): Set<T> => {
    const existing = map.get(party);
    if (existing) return existing;
    const created = new Set<T>();
    map.set(party, created);
    return created;
  };

  const send = (from: PartyId, to: PartyId, message: Uint8Array): void => {
    if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array');
    if (crashed.has(from)) return;
    const sender = statsOf(from);
    sender.messagesSent++;
    sender.bytesSent += message.length;
    // Copy: the sender may reuse its buffer, and the receiver must not see later changes.
    let bytes: Uint8Array | null = message.slice();
    if (interceptor) bytes = interceptor({ from, to, bytes });
    if (bytes === null || (dropRate > 0 && random() < dropRate)) return;
    const delay = delayMs + (jitterMs > 0 ? random() * jitterMs : 0);
    const payload = bytes;
    inFlight++;
    const run = (): void => {
      try {
        deliver(from, to, payload);
      } finally {
        settle();
      }
    };
    if (delay > 0) setTimeout(run, delay);
    else setImmediate(run);
  };

  return {
    endpoint(party: PartyId): MpcTransport {
      return {
        send: (to, message) => send(party, to, message),
        onMessage(handler) {
          const set = setOf(handlers, party);
          set.add(handler);
          const queue = parked.get(party);
          if (queue) {
            parked.delete(party);
            for (const m of queue) {
              for (const t of taps) t(m);
              handler(m.from, m.bytes);
            }
          }
          return () => set.delete(handler);
        },
        onPeerDown(handler) {
          const set = setOf(downHandlers, party);
          set.add(handler);
          return () => set.delete(handler);
        },
      };
    },
    intercept(next) {
      interceptor = next;
    },
    tap(listener) {
      taps.push(listener);
    },
    crash(party, { notify = true } = {}) {
      crashed.add(party);
      if (!notify) return;
      // Every connection of the crashed party closes: its peers see it go, and it sees them go.
      const others = new Set<PartyId>([...handlers.keys(), ...downHandlers.keys()]);
      others.delete(party);
      for (const [owner, set] of downHandlers) {
        if (owner === party) for (const other of others) for (const h of [...set]) h(other);
        else for (const h of [...set]) h(party);
      }
    },
    stats: (party) => ({ ...statsOf(party) }),
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
  };
}

function unitFromCrypto(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
}
