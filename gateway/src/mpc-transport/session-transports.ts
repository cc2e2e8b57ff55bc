/**
 * The MPC engine's `MpcTransport` over a gateway host, one view per session. Frames are routed by the
 * 32-byte session tag in their header (bytes 1–32, see the engine's `messages.ts`); frames of a session
 * this gateway has not opened yet (a faster peer's round 1) are buffered, within bounds and for a while,
 * and delivered when the session subscribes. The sender is the organisation bound to the authenticated
 * peer id, never a claim in the frame. A peer whose last connection closes is reported to every open
 * session (`onPeerDown`), which fails a wait on it at once.
 */
import type { MpcTransport } from '../mpc/index.ts';
import { MESSAGE_HEADER_BYTES } from '../mpc/messages.ts';
import type { GatewayHost } from './gateway-host.ts';

/** Bounds of early (not yet subscribed) frames. */
export interface SessionTransportsOptions {
  /** Frames kept per unknown session tag (default 1024). */
  maxEarlyFrames?: number;
  /** Bytes kept over all unknown tags (default 32 MiB). */
  maxEarlyBytes?: number;
  /** How long an early frame is kept (default 120 s). */
  earlyTtlMs?: number;
  /**
   * Fault injection (tests, drills): sees every outbound frame and returns the frame to send (possibly
   * altered) or undefined to drop it.
   */
  intercept?: (to: string, frame: Uint8Array) => Uint8Array | undefined;
}

/** A session's view of the network: an `MpcTransport` that can be closed. */
export interface SessionTransport extends MpcTransport {
  /** Stops delivering this session's frames and forgets its handlers. */
  close(): void;
  /** Reports `peer` as gone to this session's handlers (e.g. when the query layer learns it failed). */
  declareDown(peer: string): void;
}

interface Early {
  from: string;
  frame: Uint8Array;
  at: number;
}

interface OpenSession {
  handlers: Set<(from: string, frame: Uint8Array) => void>;
  downHandlers: Set<(peer: string) => void>;
}

const tagKey = (frame: Uint8Array): string | undefined =>
  frame.length >= MESSAGE_HEADER_BYTES ? Buffer.from(frame.subarray(1, 33)).toString('hex') : undefined;

/** Routes a host's MPC frames to per-session transports. */
export class SessionTransports {
  readonly #host: GatewayHost;
  readonly #options: Required<Omit<SessionTransportsOptions, 'intercept'>> &
    Pick<SessionTransportsOptions, 'intercept'>;
  readonly #sessions = new Map<string, OpenSession>();
  readonly #early = new Map<string, Early[]>();
  #earlyBytes = 0;
  readonly #offDown: () => void;
  readonly #sweeper: NodeJS.Timeout;

  constructor(host: GatewayHost, options: SessionTransportsOptions = {}) {
    this.#host = host;
    this.#options = {
      maxEarlyFrames: options.maxEarlyFrames ?? 1024,
      maxEarlyBytes: options.maxEarlyBytes ?? 32 << 20,
      earlyTtlMs: options.earlyTtlMs ?? 120_000,
      intercept: options.intercept,
    };
    host.onFrame((from, frame) => this.#onFrame(from, frame));
    this.#offDown = host.onPeerDown((peer) => {
      for (const s of this.#sessions.values()) for (const h of s.downHandlers) h(peer);
    });
    this.#sweeper = setInterval(() => this.#sweep(), 5000);
    this.#sweeper.unref();
  }

  /** Frames held for sessions not opened yet. */
  get earlyFrames(): number {
    let n = 0;
    for (const list of this.#early.values()) n += list.length;
    return n;
  }

  /** Opens the transport of the session with this tag (and delivers its early frames). */
  session(tag: Uint8Array): SessionTransport {
    const key = Buffer.from(tag).toString('hex');
    const open: OpenSession = { handlers: new Set(), downHandlers: new Set() };
    this.#sessions.set(key, open);
    const host = this.#host;
    const intercept = this.#options.intercept;
    return {
      send: async (to, message) => {
        const frame = intercept ? intercept(to, message) : message;
        if (frame !== undefined) await host.sendFrame(to, frame);
      },
      onMessage: (handler) => {
        open.handlers.add(handler);
        const early = this.#early.get(key);
        if (early !== undefined) {
          this.#early.delete(key);
          for (const e of early) this.#earlyBytes -= e.frame.length;
          queueMicrotask(() => {
            for (const e of early) if (open.handlers.has(handler)) handler(e.from, e.frame);
          });
        }
        return () => open.handlers.delete(handler);
      },
      onPeerDown: (handler) => {
        open.downHandlers.add(handler);
        return () => open.downHandlers.delete(handler);
      },
      declareDown: (peer) => {
        for (const h of open.downHandlers) h(peer);
      },
      close: () => {
        if (this.#sessions.get(key) === open) this.#sessions.delete(key);
        open.handlers.clear();
        open.downHandlers.clear();
      },
    };
  }

  #onFrame(from: string, frame: Uint8Array): void {
    const key = tagKey(frame);
    if (key === undefined) return; // not even a header: the engine would call it malformed; nobody to tell
    const open = this.#sessions.get(key);
    if (open !== undefined) {
      for (const h of open.handlers) h(from, frame);
      return;
    }
    const list = this.#early.get(key) ?? [];
    if (list.length >= this.#options.maxEarlyFrames) return;
    while (this.#earlyBytes + frame.length > this.#options.maxEarlyBytes && this.#evictOldest()) {}
    if (this.#earlyBytes + frame.length > this.#options.maxEarlyBytes) return;
    list.push({ from, frame, at: performance.now() });
    this.#early.set(key, list);
    this.#earlyBytes += frame.length;
  }

  #evictOldest(): boolean {
    const first = this.#early.keys().next();
    if (first.done) return false;
    for (const e of this.#early.get(first.value)!) this.#earlyBytes -= e.frame.length;
    this.#early.delete(first.value);
    return true;
  }

  #sweep(): void {
    const cutoff = performance.now() - this.#options.earlyTtlMs;
    for (const [key, list] of this.#early) {
      if (list[list.length - 1]!.at < cutoff) {
        for (const e of list) this.#earlyBytes -= e.frame.length;
        this.#early.delete(key);
      }
    }
  }

  /** Stops routing (the host keeps running). */
  close(): void {
    clearInterval(this.#sweeper);
    this.#offDown();
    this.#sessions.clear();
    this.#early.clear();
    this.#earlyBytes = 0;
  }
}
