/**
 * Finding the other gateways: each serves its own signed peer binding (`GET /v1/peer-binding`, see
 * `mpc-transport/peer-binding.ts`); this gateway fetches the binding of every configured peer, retrying
 * with exponential backoff until it gets one, hands it to the peer directory (which verifies it against
 * the ledger: a registered organisation with the gateway role whose key signed it), and fetches it again
 * periodically, so a peer that restarted on other addresses is found again. The URL is only where to
 * look: what is trusted is the ledger-registered key's signature, never the HTTP answer.
 */
import { z } from 'zod';
import type { Logger } from '../logging.ts';
import type { PeerBinding, PeerDirectory } from '../mpc-transport/index.ts';

/** The binding as `GET /v1/peer-binding` serves it. */
export const PeerBindingJsonSchema = z
  .object({
    chainId: z.string().max(128),
    orgId: z.string().max(128),
    peerId: z.string().max(128),
    addrs: z.array(z.string().max(256)).max(32),
    signature: z
      .string()
      .regex(/^[0-9a-f]{128}$/, 'must be a 64-byte SM2 signature in hex')
      .describe('SM2 (GB/T 32918) over the binding, raw r ‖ s, hex.'),
  })
  .describe('A signed statement that a libp2p peer id (at these addresses) is an organisation’s gateway.');

export type PeerBindingJson = z.output<typeof PeerBindingJsonSchema>;

/** A binding as JSON. */
export function peerBindingToJson(chainId: string, b: PeerBinding): PeerBindingJson {
  return {
    chainId,
    orgId: b.orgId,
    peerId: b.peerId,
    addrs: [...b.addrs],
    signature: Buffer.from(b.signature).toString('hex'),
  };
}

/** A uniform number in [0, 1) (spreads retries of gateways that started together). */
const jitter = (): number => crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;

/** Largest binding answer read, in bytes. */
const MAX_BINDING_BYTES = 16 * 1024;

/** How one configured peer stands. */
export interface PeerState {
  orgId: string;
  url: string;
  /** True once a binding of it verified against the ledger. */
  known: boolean;
  peerId?: string;
  /** ms since the epoch of the last successful fetch. */
  seenAt?: number;
  /** Why the last attempt failed. */
  lastError?: string;
}

export interface PeerDiscoveryInit {
  chainId: string;
  peers: readonly { orgId: string; url: string }[];
  /** Longest pause between failed attempts (the backoff starts at 250 ms and doubles). */
  retryMaxMs: number;
  /** Pause between fetches of a known peer's binding (0: fetch once). */
  refreshMs: number;
  /** Timeout of one fetch (default 5 s). */
  fetchTimeoutMs?: number;
}

/** Fetches and verifies the configured peers' bindings in the background. */
export class PeerDiscovery {
  readonly #init: PeerDiscoveryInit;
  readonly #directory: PeerDirectory;
  readonly #logger: Logger | undefined;
  readonly #states = new Map<string, PeerState>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #stop = new AbortController();
  readonly #waiters = new Set<() => void>();

  constructor(init: PeerDiscoveryInit, components: { directory: PeerDirectory; logger?: Logger }) {
    this.#init = init;
    this.#directory = components.directory;
    this.#logger = components.logger;
    for (const p of init.peers) this.#states.set(p.orgId, { orgId: p.orgId, url: p.url, known: false });
  }

  /** Starts fetching every peer's binding. */
  start(): void {
    for (const state of this.#states.values()) this.#schedule(state, 0, 0);
  }

  /** How every configured peer stands. */
  states(): PeerState[] {
    return [...this.#states.values()].map((s) => ({ ...s }));
  }

  /**
   * Resolves once every configured peer (or those named) is known.
   * @throws {Error} after `timeoutMs`, naming the peers still unknown, or when discovery stops.
   */
  async waitForPeers(orgIds?: readonly string[], timeoutMs = 60_000): Promise<void> {
    const wanted = orgIds ?? [...this.#states.keys()];
    const missing = () => wanted.filter((id) => this.#states.get(id)?.known !== true);
    if (missing().length === 0) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (missing().length > 0) return;
        done();
        resolve();
      };
      const onStop = () => {
        done();
        reject(new Error('peer discovery stopped'));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`peers not found within ${timeoutMs} ms: ${missing().join(', ')}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        this.#stop.signal.removeEventListener('abort', onStop);
      };
      this.#waiters.add(check);
      this.#stop.signal.addEventListener('abort', onStop);
    });
  }

  /** Stops every fetch and timer. */
  stop(): void {
    this.#stop.abort();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  #schedule(state: PeerState, delayMs: number, failures: number): void {
    if (this.#stop.signal.aborted) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void this.#attempt(state, failures);
    }, delayMs);
    this.#timers.add(timer);
  }

  async #attempt(state: PeerState, failures: number): Promise<void> {
    try {
      const binding = await this.#fetch(state);
      const previous = this.#directory.bindingOf(state.orgId);
      const changed =
        previous === undefined ||
        previous.peerId !== binding.peerId ||
        previous.addrs.join('\n') !== binding.addrs.join('\n');
      if (changed) await this.#directory.add(binding);
      const wasKnown = state.known;
      state.known = true;
      state.peerId = binding.peerId;
      state.seenAt = Date.now();
      delete state.lastError;
      if (!wasKnown || changed) {
        this.#logger?.info({ peer: state.orgId, peerId: binding.peerId, addrs: binding.addrs }, 'peer found');
      }
      for (const waiter of [...this.#waiters]) waiter();
      if (this.#init.refreshMs > 0) this.#schedule(state, this.#init.refreshMs, 0);
    } catch (err) {
      if (this.#stop.signal.aborted) return;
      const reason = err instanceof Error ? err.message : String(err);
      if (state.lastError !== reason) {
        this.#logger?.[state.known ? 'warn' : 'debug'](
          { peer: state.orgId, reason },
          'peer binding not fetched',
        );
      }
      state.lastError = reason;
      // A binding that no longer verifies is dropped by the directory's own refresh; a peer that is only
      // unreachable keeps its last verified binding.
      const delay = Math.min(this.#init.retryMaxMs, 250 * 2 ** Math.min(failures, 20));
      this.#schedule(state, Math.round(delay * (0.75 + jitter() * 0.5)), failures + 1);
    }
  }

  async #fetch(state: PeerState): Promise<PeerBinding> {
    const url = new URL('/v1/peer-binding', state.url);
    const signal = AbortSignal.any([
      this.#stop.signal,
      AbortSignal.timeout(this.#init.fetchTimeoutMs ?? 5000),
    ]);
    const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`${url} answered ${response.status}`);
    }
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > MAX_BINDING_BYTES) {
      await response.body?.cancel();
      throw new Error(`${url} answered ${length} bytes`);
    }
    const text = await response.text();
    if (text.length > MAX_BINDING_BYTES) throw new Error(`${url} answered ${text.length} bytes`);
    const json = PeerBindingJsonSchema.parse(JSON.parse(text));
    if (json.orgId !== state.orgId) throw new Error(`${url} serves the binding of ${json.orgId}`);
    if (json.chainId !== this.#init.chainId) throw new Error(`${url} is on chain ${json.chainId}`);
    return {
      orgId: json.orgId,
      peerId: json.peerId,
      addrs: json.addrs,
      signature: Uint8Array.from(Buffer.from(json.signature, 'hex')),
    };
  }
}
