/**
 * The gateway's peer-to-peer endpoint on libp2p 3: TCP, Noise (authenticated, encrypted), Yamux, and a
 * connection gater that admits only peers bound to ledger-registered gateways (`PeerDirectory`), inbound
 * and outbound. Two protocols run on it:
 *
 * - `/privgate/mpc/1.0.0`: one-way length-prefixed frames (MPC protocol messages), one long-lived outbound
 *   stream per peer; frames are handed up with the sender's organisation (from the authenticated peer id);
 * - `/privgate/rpc/1.0.0`: one request and one response per stream (the query's control messages), JSON
 *   with bigints and bytes (`wire.ts`); a handler's coded error is re-created at the caller with its code.
 *
 * Bounds: a frame or RPC message over its size limit closes the stream; inbound MPC frames beyond a peer's
 * rate (token bucket) are dropped and counted.
 */
import '@privgate/ledger'; // installs the Promise.withResolvers polyfill libp2p 3 needs on Node 20
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys';
import { identify } from '@libp2p/identify';
import type { Connection, PeerId, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { tcp } from '@libp2p/tcp';
import { type LengthPrefixedStream, lpStream } from '@libp2p/utils';
import { multiaddr } from '@multiformats/multiaddr';
import { CodedError } from '@privgate/accel';
import { createLibp2p, type Libp2p } from 'libp2p';
import { TransportError } from './errors.ts';
import type { PeerBinding, PeerDirectory } from './peer-binding.ts';
import { decodeWire, encodeWire } from './wire.ts';

export const MPC_PROTOCOL = '/privgate/mpc/1.0.0';
export const RPC_PROTOCOL = '/privgate/rpc/1.0.0';

/** Limits of the host. */
export interface GatewayHostLimits {
  /** Largest MPC frame (default 160 KiB: an MPC message is at most 40 + 4096·32 bytes). */
  maxFrameBytes: number;
  /** Largest RPC request or response (default 8 MiB). */
  maxRpcBytes: number;
  /** Sustained inbound MPC frames per second per peer (default 5000). */
  framesPerSecond: number;
  /** Burst of inbound MPC frames per peer (default 20 000). */
  frameBurst: number;
  /** Default RPC timeout (default 30 s). */
  rpcTimeoutMs: number;
  /**
   * How often bindings are re-checked against the ledger (default 60 s; 0 never); connections of a peer
   * whose organisation lost its gateway role or key are closed.
   */
  refreshMs: number;
}

export const DEFAULT_HOST_LIMITS: GatewayHostLimits = {
  maxFrameBytes: 160 * 1024,
  maxRpcBytes: 8 << 20,
  framesPerSecond: 5000,
  frameBurst: 20_000,
  rpcTimeoutMs: 30_000,
  refreshMs: 60_000,
};

/** Options of {@link startGatewayHost}. */
export interface GatewayHostInit {
  /** This gateway's ledger organisation id. */
  self: string;
  /** libp2p private key, protobuf bytes (the ledger's `newPeerKey` makes one). */
  peerKey: Uint8Array;
  /** Multiaddrs to listen on, e.g. `/ip4/127.0.0.1/tcp/0`. */
  listen: string[];
  limits?: Partial<GatewayHostLimits>;
}

/** An RPC handler: gets the caller's organisation and the decoded body. */
export type RpcHandler = (from: string, body: unknown) => Promise<unknown> | unknown;

/** Inbound MPC frames and peer departures. */
export type FrameHandler = (from: string, frame: Uint8Array) => void;

/** Counters of the host. */
export interface HostStats {
  framesIn: number;
  framesOut: number;
  framesDropped: number;
  rpcIn: number;
  rpcOut: number;
}

/** A running host. */
export interface GatewayHost {
  readonly self: string;
  readonly peerId: string;
  readonly stats: HostStats;
  /** Addresses it listens on (with the resolved ports). */
  addrs(): string[];
  /** Sends one MPC frame to a gateway. @throws {TransportError} */
  sendFrame(to: string, frame: Uint8Array): Promise<void>;
  /** Registers the frame handler (one; a new one replaces the previous). */
  onFrame(handler: FrameHandler): void;
  /** Subscribes to peers going away (last connection closed); returns the unsubscribe function. */
  onPeerDown(handler: (org: string) => void): () => void;
  /** Registers an RPC method. */
  handle(method: string, handler: RpcHandler): void;
  /**
   * Calls `method` at gateway `to`.
   * @throws {TransportError} `TRANSPORT_PEER_UNKNOWN`, `TRANSPORT_UNREACHABLE`, `TRANSPORT_RPC_TIMEOUT`,
   *   `TRANSPORT_RPC_FAILED`; or the handler's own coded error, re-created.
   */
  request(to: string, method: string, body: unknown, options?: { timeoutMs?: number }): Promise<unknown>;
  /**
   * Re-checks the peer bindings against the ledger now (it also runs every `refreshMs`) and closes the
   * connections of organisations that are no longer gateways; returns their ids.
   */
  refresh(): Promise<string[]>;
  /** Dials a gateway now (optional: sends dial on demand). */
  connect(to: string): Promise<void>;
  /** Stops the node; peers see their connections close. */
  stop(): Promise<void>;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Starts a host whose gater admits only peers of `directory`.
 * @throws if the listen address cannot be bound.
 */
export async function startGatewayHost(
  init: GatewayHostInit,
  components: { directory: PeerDirectory },
): Promise<GatewayHost> {
  const { directory } = components;
  const limits: GatewayHostLimits = { ...DEFAULT_HOST_LIMITS, ...init.limits };
  const deny = (peer: PeerId): boolean => !directory.allows(peer.toString());
  const node: Libp2p = await createLibp2p({
    privateKey: privateKeyFromProtobuf(init.peerKey),
    addresses: { listen: init.listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: {
      denyDialPeer: deny,
      denyInboundEncryptedConnection: deny,
      denyOutboundEncryptedConnection: deny,
      denyDialMultiaddr: () => false,
    },
    services: { identify: identify() },
  });

  const stats: HostStats = { framesIn: 0, framesOut: 0, framesDropped: 0, rpcIn: 0, rpcOut: 0 };
  let frameHandler: FrameHandler = () => {};
  const downHandlers = new Set<(org: string) => void>();
  const rpcHandlers = new Map<string, RpcHandler>();
  const buckets = new Map<string, Bucket>();
  let stopped = false;

  const admit = (org: string): boolean => {
    const now = performance.now();
    const b = buckets.get(org) ?? { tokens: limits.frameBurst, at: now };
    b.tokens = Math.min(limits.frameBurst, b.tokens + ((now - b.at) / 1000) * limits.framesPerSecond);
    b.at = now;
    buckets.set(org, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };

  node.addEventListener('peer:disconnect', (evt) => {
    const peerId = evt.detail.toString();
    outbound.delete(peerId);
    const org = directory.orgOf(peerId);
    if (org === undefined) return;
    for (const h of downHandlers) h(org);
  });

  await node.handle(
    MPC_PROTOCOL,
    async (stream: Stream, connection: Connection) => {
      const org = directory.orgOf(connection.remotePeer.toString());
      const lp = lpStream(stream, { maxDataLength: limits.maxFrameBytes });
      try {
        for (;;) {
          const frame = (await lp.read()).subarray();
          if (org === undefined || !directory.allows(connection.remotePeer.toString())) continue;
          if (!admit(org)) {
            stats.framesDropped++;
            continue;
          }
          stats.framesIn++;
          frameHandler(org, frame);
        }
      } catch {
        // Closed, reset, or a frame over the limit: the sender reopens on its next frame.
      } finally {
        stream.abort(new Error('closed'));
      }
    },
    { maxInboundStreams: 16 },
  );

  await node.handle(
    RPC_PROTOCOL,
    async (stream: Stream, connection: Connection) => {
      const org = directory.orgOf(connection.remotePeer.toString());
      const lp = lpStream(stream, { maxDataLength: limits.maxRpcBytes });
      try {
        const request = decodeWire(
          (await lp.read({ signal: AbortSignal.timeout(limits.rpcTimeoutMs) })).subarray(),
        ) as {
          method?: unknown;
          body?: unknown;
        };
        stats.rpcIn++;
        let response: unknown;
        const handler = typeof request.method === 'string' ? rpcHandlers.get(request.method) : undefined;
        if (org === undefined) {
          response = {
            ok: false,
            error: { code: 'TRANSPORT_PEER_UNKNOWN', message: 'unknown peer', context: {} },
          };
        } else if (handler === undefined) {
          response = {
            ok: false,
            error: {
              code: 'TRANSPORT_RPC_FAILED',
              message: `no method ${String(request.method)}`,
              context: {},
            },
          };
        } else {
          try {
            response = { ok: true, body: await handler(org, request.body) };
          } catch (err) {
            response = { ok: false, error: wireError(err) };
          }
        }
        await lp.write(encodeWire(response));
        await stream.close();
      } catch {
        stream.abort(new Error('rpc failed'));
      }
    },
    { maxInboundStreams: 64 },
  );

  const refresh = async (): Promise<string[]> => {
    const before = new Map(directory.bindings().map((b) => [b.orgId, b.peerId]));
    const dropped = await directory.refresh();
    for (const org of dropped) {
      const peerId = before.get(org);
      if (peerId !== undefined) await node.hangUp(peerIdFromString(peerId)).catch(() => {});
    }
    return dropped;
  };
  let refresher: NodeJS.Timeout | undefined;
  if (limits.refreshMs > 0) {
    refresher = setInterval(() => void refresh().catch(() => {}), limits.refreshMs);
    refresher.unref();
  }

  const peerIdOf = (org: string): PeerId => {
    const binding = directory.bindingOf(org);
    if (binding === undefined) {
      throw new TransportError('TRANSPORT_PEER_UNKNOWN', `${org} is not a known gateway`, { party: org });
    }
    return peerIdFromString(binding.peerId);
  };
  const knownAddrs = new Map<string, string>();
  const learn = async (binding: PeerBinding): Promise<void> => {
    const key = binding.addrs.join('\n');
    if (knownAddrs.get(binding.peerId) === key) return;
    knownAddrs.set(binding.peerId, key);
    await node.peerStore.merge(peerIdFromString(binding.peerId), {
      multiaddrs: binding.addrs.map((a) => multiaddr(a)),
    });
  };
  const dial = async (org: string, protocol: string): Promise<Stream> => {
    if (stopped) throw new TransportError('TRANSPORT_CLOSED', 'host stopped', {});
    const peer = peerIdOf(org);
    await learn(directory.bindingOf(org)!);
    try {
      return await node.dialProtocol(peer, protocol, { signal: AbortSignal.timeout(5000) });
    } catch (err) {
      throw new TransportError('TRANSPORT_UNREACHABLE', `cannot reach ${org}`, {
        party: org,
        reason: err instanceof Error ? err.message : String(err),
      });
    }
  };

  // Outbound frame streams by peer id (an organisation's binding may move to another peer).
  const outbound = new Map<string, Promise<LengthPrefixedStream<Stream>>>();
  const openFrames = (org: string): { peerId: string; lp: Promise<LengthPrefixedStream<Stream>> } => {
    const peerId = peerIdOf(org).toString();
    let s = outbound.get(peerId);
    if (s === undefined) {
      s = dial(org, MPC_PROTOCOL).then((stream) => lpStream(stream, { maxDataLength: limits.maxFrameBytes }));
      s.catch(() => outbound.delete(peerId));
      outbound.set(peerId, s);
    }
    return { peerId, lp: s };
  };

  const sendOnce = async (org: string, frame: Uint8Array): Promise<void> => {
    const open = openFrames(org);
    const lp = await open.lp;
    try {
      await lp.write(frame);
    } catch (err) {
      outbound.delete(open.peerId);
      throw new TransportError('TRANSPORT_UNREACHABLE', `stream to ${org} failed`, {
        party: org,
        reason: err instanceof Error ? err.message : String(err),
      });
    }
  };

  return {
    self: init.self,
    peerId: node.peerId.toString(),
    stats,
    addrs: () => node.getMultiaddrs().map((a) => a.toString()),
    async sendFrame(to, frame) {
      if (frame.length > limits.maxFrameBytes) {
        throw new TransportError('TRANSPORT_MESSAGE_TOO_LARGE', `frame of ${frame.length} bytes`, {
          party: to,
          bytes: frame.length,
          limit: limits.maxFrameBytes,
        });
      }
      try {
        await sendOnce(to, frame);
      } catch (err) {
        // One retry on a fresh stream: a cached one may have died with a replaced connection.
        if (!(err instanceof TransportError) || err.code !== 'TRANSPORT_UNREACHABLE') throw err;
        await sendOnce(to, frame);
      }
      stats.framesOut++;
    },
    onFrame(handler) {
      frameHandler = handler;
    },
    onPeerDown(handler) {
      downHandlers.add(handler);
      return () => downHandlers.delete(handler);
    },
    handle(method, handler) {
      rpcHandlers.set(method, handler);
    },
    async request(to, method, body, options = {}) {
      const timeoutMs = options.timeoutMs ?? limits.rpcTimeoutMs;
      const bytes = encodeWire({ method, body });
      if (bytes.length > limits.maxRpcBytes) {
        throw new TransportError(
          'TRANSPORT_MESSAGE_TOO_LARGE',
          `${method} request of ${bytes.length} bytes`,
          {
            party: to,
            bytes: bytes.length,
            limit: limits.maxRpcBytes,
          },
        );
      }
      const stream = await dial(to, RPC_PROTOCOL);
      const lp = lpStream(stream, { maxDataLength: limits.maxRpcBytes });
      let answer: {
        ok?: unknown;
        body?: unknown;
        error?: { code?: unknown; message?: unknown; context?: unknown };
      };
      try {
        stats.rpcOut++;
        await lp.write(bytes);
        answer = decodeWire(
          (await lp.read({ signal: AbortSignal.timeout(timeoutMs) })).subarray(),
        ) as typeof answer;
        await stream.close().catch(() => {});
      } catch (err) {
        stream.abort(new Error('rpc aborted'));
        if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
          throw new TransportError('TRANSPORT_RPC_TIMEOUT', `${method} at ${to} timed out`, {
            party: to,
            method,
            timeoutMs,
          });
        }
        throw new TransportError('TRANSPORT_UNREACHABLE', `${method} at ${to} failed`, {
          party: to,
          reason: err instanceof Error ? err.message : String(err),
        });
      }
      if (answer.ok === true) return answer.body;
      const e = answer.error ?? {};
      if (typeof e.code === 'string' && typeof e.message === 'string') {
        throw new CodedError(e.code, e.message, (e.context ?? {}) as Record<string, unknown>);
      }
      throw new TransportError('TRANSPORT_RPC_FAILED', `${method} at ${to} failed`, {
        party: to,
        method,
        reason: 'malformed answer',
      });
    },
    refresh,
    async connect(to) {
      const peer = peerIdOf(to);
      await learn(directory.bindingOf(to)!);
      try {
        await node.dial(peer, { signal: AbortSignal.timeout(5000) });
      } catch (err) {
        throw new TransportError('TRANSPORT_UNREACHABLE', `cannot reach ${to}`, {
          party: to,
          reason: err instanceof Error ? err.message : String(err),
        });
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(refresher);
      outbound.clear();
      await node.stop();
    },
  };
}

/** A handler's failure as it crosses the wire: coded errors keep their code; anything else is hidden. */
function wireError(err: unknown): { code: string; message: string; context: Record<string, unknown> } {
  if (err instanceof CodedError) return { code: err.code, message: err.message, context: { ...err.context } };
  return { code: 'TRANSPORT_RPC_FAILED', message: 'the remote handler failed', context: {} };
}
