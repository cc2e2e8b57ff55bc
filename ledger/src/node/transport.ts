/**
 * The network as a ledger node sees it: send bytes to a validator's peer id, receive bytes from one.
 * `startNodeTransport` runs it on the libp2p network (direct streams between genesis validators);
 * `MemoryTransportHub` connects nodes of one process for tests, with peers that can be cut off.
 */
import { type PeerEntry, startLedgerNetwork } from '../net/network.ts';

/** A node's endpoint on the validators' network. */
export interface NodeTransport {
  /** This node's libp2p peer id. */
  readonly peerId: string;
  /** Sends to one peer; false if it could not be handed to a connection (the caller retries later). */
  send(peerId: string, payload: Uint8Array): Promise<boolean>;
  /** Peers currently connected. */
  connectedPeers(): string[];
  /** Installs the receiver of messages (one; messages that arrive before are dropped). */
  onMessage(handler: (from: string, payload: Uint8Array) => void): void;
  stop(): Promise<void>;
}

/** Options of {@link startNodeTransport}. */
export interface NodeTransportInit {
  readonly peerKey: Uint8Array;
  readonly listen: readonly string[];
  readonly peers: readonly PeerEntry[];
}

/**
 * Starts the libp2p endpoint (TCP + Noise + Yamux, genesis-only connection gater).
 * @throws if the listen address cannot be bound.
 */
export async function startNodeTransport(init: NodeTransportInit): Promise<NodeTransport> {
  let handler: ((from: string, payload: Uint8Array) => void) | undefined;
  const net = await startLedgerNetwork(
    { peerKey: init.peerKey, listen: [...init.listen], peers: init.peers.map((p) => ({ ...p })), topics: [] },
    {
      onDirect: (from, payload) => handler?.(from, payload),
      onGossip: () => {},
    },
  );
  return {
    peerId: net.peerId,
    send: (peerId, payload) => net.send(peerId, payload),
    connectedPeers: () => net.connectedPeers(),
    onMessage: (h) => {
      handler = h;
    },
    stop: () => net.stop(),
  };
}

/** In-process network of nodes; each delivery is a macrotask, like a socket read. */
export class MemoryTransportHub {
  private readonly endpoints = new Map<string, { handler?: (from: string, p: Uint8Array) => void }>();
  private readonly down = new Set<string>();
  /** Messages delivered so far. */
  delivered = 0;

  /** The endpoint of `peerId` (a new one replaces an old one: a restarted process). */
  connect(peerId: string): NodeTransport {
    const endpoint: { handler?: (from: string, p: Uint8Array) => void } = {};
    this.endpoints.set(peerId, endpoint);
    this.down.delete(peerId);
    return {
      peerId,
      send: async (to, payload) => {
        const target = this.endpoints.get(to);
        if (
          target === undefined ||
          this.down.has(to) ||
          this.down.has(peerId) ||
          this.endpoints.get(peerId) !== endpoint
        )
          return false;
        const copy = payload.slice();
        setImmediate(() => {
          if (this.endpoints.get(to) === target && !this.down.has(to) && !this.down.has(peerId)) {
            this.delivered++;
            target.handler?.(peerId, copy);
          }
        });
        return true;
      },
      connectedPeers: () =>
        this.down.has(peerId)
          ? []
          : [...this.endpoints.keys()].filter((p) => p !== peerId && !this.down.has(p)),
      onMessage: (h) => {
        endpoint.handler = h;
      },
      stop: async () => {
        if (this.endpoints.get(peerId) === endpoint) this.endpoints.delete(peerId);
      },
    };
  }

  /** Cuts `peerId` off (or reconnects it): nothing in or out while down. */
  setDown(peerId: string, down: boolean): void {
    if (down) this.down.add(peerId);
    else this.down.delete(peerId);
  }
}
