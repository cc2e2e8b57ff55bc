// The ledger's peer-to-peer layer on libp2p 3: TCP + Noise + Yamux between the validators listed in
// genesis, and nobody else (a connection gater refuses every other peer id, inbound and outbound).
// Consensus messages travel on direct length-prefixed streams (one long-lived outbound stream per
// peer, writes batched); transactions and blocks go by gossipsub with StrictNoSign — every payload is
// already SM2-signed by its author, and libp2p's own signing would cap gossip at ≈250 msgs/s here.
import './polyfill.ts';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { generateKeyPairFromSeed, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { gossipsub } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import type { Connection, PeerId, PrivateKey, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { tcp } from '@libp2p/tcp';
import { type LengthPrefixedStream, lpStream } from '@libp2p/utils';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';

/** Protocol id of direct consensus messages. */
export const CONSENSUS_PROTOCOL = '/privgate/consensus/1.0.0';
/** Largest direct message (a proposal carrying a block). */
export const MAX_DIRECT_MESSAGE_BYTES = 16 << 20;
/** Largest gossip message. */
export const MAX_GOSSIP_MESSAGE_BYTES = 4 << 20;

/** A peer the node may talk to. */
export interface PeerEntry {
  peerId: string;
  addrs: string[];
}

/** Options of the network. */
export interface LedgerNetworkInit {
  /** The node's libp2p key (protobuf bytes, see `newPeerKey`). */
  peerKey: Uint8Array;
  /** Multiaddrs to listen on, e.g. `/ip4/127.0.0.1/tcp/7001`. */
  listen: string[];
  /** Every other validator (from genesis). */
  peers: PeerEntry[];
  /** Gossip topics to join. */
  topics: string[];
}

/** Handlers for what arrives. */
export interface LedgerNetworkEvents {
  onDirect(from: string, payload: Uint8Array): void;
  onGossip(topic: string, from: string, payload: Uint8Array): void;
}

/** A running ledger network endpoint. */
export interface LedgerNetwork {
  readonly peerId: string;
  /** Sends to one peer; false if no connection could be made (consensus re-sends on its own). */
  send(peerId: string, payload: Uint8Array): Promise<boolean>;
  /** Sends to every listed peer. */
  broadcast(payload: Uint8Array): Promise<void>;
  /** Publishes on a gossip topic. */
  publish(topic: string, payload: Uint8Array): Promise<void>;
  /** Peers currently connected. */
  connectedPeers(): string[];
  stop(): Promise<void>;
}

/** A fresh libp2p Ed25519 key as protobuf bytes; deterministic when a 32-byte seed is given. */
export async function newPeerKey(seed?: Uint8Array): Promise<{ peerKey: Uint8Array; peerId: string }> {
  const key = await generateKeyPairFromSeed('Ed25519', seed ?? crypto.getRandomValues(new Uint8Array(32)));
  const { peerIdFromPrivateKey } = await import('@libp2p/peer-id');
  return { peerKey: privateKeyToProtobuf(key), peerId: peerIdFromPrivateKey(key).toString() };
}

/**
 * Starts the network endpoint.
 * @throws if the listen address cannot be bound.
 */
export async function startLedgerNetwork(
  init: LedgerNetworkInit,
  events: LedgerNetworkEvents,
): Promise<LedgerNetwork> {
  const privateKey: PrivateKey = privateKeyFromProtobuf(init.peerKey);
  const allowed = new Set(init.peers.map((p) => p.peerId));
  const denyUnknown = (peer: PeerId) => !allowed.has(peer.toString());
  const node = await createLibp2p({
    privateKey,
    addresses: { listen: init.listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: {
      denyDialPeer: denyUnknown,
      denyInboundEncryptedConnection: denyUnknown,
      denyOutboundEncryptedConnection: denyUnknown,
      // Loopback and private addresses are where validators live in tests and deployments.
      denyDialMultiaddr: () => false,
    },
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictNoSign',
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        maxInboundDataLength: MAX_GOSSIP_MESSAGE_BYTES,
      }),
    },
  });
  for (const p of init.peers) {
    await node.peerStore.merge(peerIdFromString(p.peerId), { multiaddrs: p.addrs.map((a) => multiaddr(a)) });
  }

  await node.handle(
    CONSENSUS_PROTOCOL,
    async (stream: Stream, connection: Connection) => {
      const from = connection.remotePeer.toString();
      const lp = lpStream(stream, { maxDataLength: MAX_DIRECT_MESSAGE_BYTES });
      try {
        for (;;) {
          const msg = await lp.read();
          events.onDirect(from, msg.subarray());
        }
      } catch {
        // Stream closed or reset: the sender reopens on its next message.
      } finally {
        stream.abort(new Error('closed'));
      }
    },
    { maxInboundStreams: 4, runOnLimitedConnection: false },
  );

  const pubsub = node.services.pubsub;
  pubsub.addEventListener('message', (evt) => {
    const m = evt.detail;
    const from = 'from' in m && m.from ? m.from.toString() : '';
    events.onGossip(m.topic, from, m.data);
  });
  for (const t of init.topics) pubsub.subscribe(t);

  // Validators keep connections to each other: dial every listed peer that is not connected, now and
  // every 2 s, so a restarted validator is found again and gossip meshes form without waiting for traffic.
  const keepConnected = () => {
    const connected = new Set(node.getPeers().map((p) => p.toString()));
    for (const p of init.peers) {
      if (!connected.has(p.peerId))
        void node.dial(peerIdFromString(p.peerId), { signal: AbortSignal.timeout(2000) }).catch(() => {});
    }
  };
  keepConnected();
  const keeper = setInterval(keepConnected, 2000);
  keeper.unref();

  const outbound = new Map<string, Promise<LengthPrefixedStream<Stream> | undefined>>();
  const open = (peerId: string): Promise<LengthPrefixedStream<Stream> | undefined> => {
    let s = outbound.get(peerId);
    if (!s) {
      s = node
        .dialProtocol(peerIdFromString(peerId), CONSENSUS_PROTOCOL, { signal: AbortSignal.timeout(3000) })
        .then((stream) => lpStream(stream, { maxDataLength: MAX_DIRECT_MESSAGE_BYTES }))
        .catch(() => {
          outbound.delete(peerId);
          return undefined;
        });
      outbound.set(peerId, s);
    }
    return s;
  };

  const sendOnce = async (peerId: string, payload: Uint8Array): Promise<boolean> => {
    const lp = await open(peerId);
    if (!lp) return false;
    try {
      await lp.write(payload);
      return true;
    } catch {
      outbound.delete(peerId);
      return false;
    }
  };
  // One retry on a fresh stream: a cached stream may have died with a connection the peer replaced
  // (simultaneous dials, a restarted peer).
  const send = async (peerId: string, payload: Uint8Array): Promise<boolean> =>
    allowed.has(peerId) && ((await sendOnce(peerId, payload)) || (await sendOnce(peerId, payload)));

  return {
    peerId: node.peerId.toString(),
    send,
    broadcast: async (payload) => {
      await Promise.all(init.peers.map((p) => send(p.peerId, payload)));
    },
    publish: async (topic, payload) => {
      try {
        await pubsub.publish(topic, payload);
      } catch (err) {
        // Message ids are content hashes (StrictNoSign): re-publishing the same bytes is a no-op for us.
        if (!(err instanceof Error && err.message.includes('Duplicate'))) throw err;
      }
    },
    connectedPeers: () => node.getPeers().map((p) => p.toString()),
    stop: async () => {
      clearInterval(keeper);
      outbound.clear();
      await node.stop();
    },
  };
}
