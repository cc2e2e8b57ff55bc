/**
 * A validator's side of the peer protocol (`wire.ts`), on direct streams to every other validator:
 *
 *   - every peer message is charged to its sender (`PeerLimiter`) before it is decoded;
 *   - consensus messages are deduplicated by SM3 hash and handed to the node for the height it decides;
 *     a message of a height this node committed makes it send that peer the height's certificate; one
 *     two heights ahead starts a block sync;
 *   - blocks are served on request (from the current height's cache or the store) and accepted only when
 *     someone here waits for them;
 *   - every `statusIntervalMs` the node tells its peers its committed height, consensus height and round,
 *     and how many messages it holds; a peer at the same height that holds less gets what this node
 *     holds; a peer that committed the height this node decides is asked for blocks (block sync), at
 *     once if it is two heights ahead, after two status periods if it is one;
 *   - transactions admitted for clients go to every peer; sends to a peer with more than 64 MiB in
 *     flight drop droppable traffic (transactions), never consensus.
 */
import { decodeBlock } from '../block/codec.ts';
import { decodeCertificate, decodeMessage } from '../codec/consensus-codec.ts';
import type { CommitCertificate, SignedMessage } from '../consensus/interface.ts';
import type { StateStore } from '../state/store.ts';
import type { BlockCache } from './block-cache.ts';
import { readSyncEntries, type SyncEntry } from './block-sync.ts';
import type { GenesisValidatorEntry } from './genesis.ts';
import { type HeightMessages, messageHeight, messageKey, type ReceivedMessage } from './height-messages.ts';
import type { NodeLogger } from './logger.ts';
import { DEFAULT_PEER_BUDGET, type PeerBudget, PeerLimiter } from './peer-limits.ts';
import type { NodeTransport } from './transport.ts';
import { decodeWire, encodeWire, MAX_GOSSIP_TXS, MAX_SYNC_BLOCKS, type WireMessage } from './wire.ts';

/** What the exchange needs from its node. */
export interface PeerExchangeHost {
  /** The height being decided, the committed height, the round, and whether a core runs. */
  position(): { height: number; committed: number; round: number; running: boolean };
  /** A consensus message for the height being decided or the next one. */
  onConsensus(m: ReceivedMessage): void;
  /** A commit certificate for the height being decided. */
  onCertificate(from: string, certificate: CommitCertificate): void;
  /** Transactions gossiped by a peer. */
  onTxs(txs: readonly Uint8Array[]): void;
  /** Validates and commits certified blocks, in order; resolves with how many were committed. */
  applySync(from: string, entries: readonly SyncEntry[]): Promise<number>;
}

/** Options of the exchange. */
export interface PeerExchangeInit {
  readonly self: string;
  readonly validators: readonly GenesisValidatorEntry[];
  readonly statusIntervalMs: number;
  readonly peerBudget?: PeerBudget;
  readonly now: () => number;
  readonly log: NodeLogger;
}

interface PeerState {
  committed: number;
  height: number;
  round: number;
  held: number;
  lastResend: number;
}

const MAX_PEER_INFLIGHT_BYTES = 64 << 20;
const MAX_GOSSIP_BYTES = 4 << 20;

/** The peer protocol of one validator. */
export class PeerExchange {
  private readonly peerOf = new Map<string, string>();
  private readonly validatorOf = new Map<string, string>();
  private readonly states = new Map<string, PeerState>();
  private readonly inflight = new Map<string, number>();
  private readonly certificateSent = new Map<string, number>();
  private readonly limiter: PeerLimiter;
  private sync: { peer: string; timer: NodeJS.Timeout } | undefined;
  private behind: { height: number; since: number } | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Messages refused by the budget, and undecodable ones. */
  readonly counters = { messagesDropped: 0, wireMalformed: 0 };

  constructor(
    private readonly init: PeerExchangeInit,
    private readonly net: NodeTransport,
    private readonly parts: { messages: HeightMessages; blocks: BlockCache; store: StateStore },
    private readonly host: PeerExchangeHost,
  ) {
    for (const v of init.validators) {
      if (v.id === init.self) continue;
      this.peerOf.set(v.id, v.peerId);
      this.validatorOf.set(v.peerId, v.id);
    }
    this.limiter = new PeerLimiter(init.peerBudget ?? DEFAULT_PEER_BUDGET, init.now);
  }

  /** Starts receiving and the status gossip. */
  start(): void {
    this.net.onMessage((from, payload) => this.receive(from, payload));
    this.statusTimer = setInterval(() => this.broadcastStatus(), this.init.statusIntervalMs);
    this.statusTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.statusTimer) clearInterval(this.statusTimer);
    if (this.sync) clearTimeout(this.sync.timer);
    this.sync = undefined;
  }

  /** Whether a block sync is in flight. */
  get syncing(): boolean {
    return this.sync !== undefined;
  }

  /** The other validators, with what they last said they committed. */
  peers(): { id: string; peerId: string; connected: boolean; committed: number | null }[] {
    const connected = new Set(this.net.connectedPeers());
    return [...this.peerOf].map(([id, peerId]) => ({
      id,
      peerId,
      connected: connected.has(peerId),
      committed: this.states.get(peerId)?.committed ?? null,
    }));
  }

  // --- sending ------------------------------------------------------------------------------------

  /** Sends a message this node signed (a proposal with its block) to every peer. */
  broadcastConsensus(message: Uint8Array, block: Uint8Array | null): void {
    this.toAll(encodeWire({ type: 'consensus', message, block }));
  }

  /** Forwards a message the core accepted to every peer but its sender (without the block). */
  forward(m: ReceivedMessage): void {
    this.toAll(encodeWire({ type: 'consensus', message: m.message, block: null }), m.from);
  }

  /** Sends what this node holds at the current height to `peer` (or to every peer). */
  resendHeld(peer?: string): void {
    for (const message of this.parts.messages.heldMessages()) {
      const wire = encodeWire({ type: 'consensus', message, block: null });
      if (peer === undefined) this.toAll(wire);
      else this.send(peer, wire);
    }
  }

  /** Asks for a block: the proposal's sender first, then everyone. */
  requestBlock(hash: Uint8Array, attempt: number): void {
    const wire = encodeWire({ type: 'block-request', hash });
    const source = this.parts.messages.sourceOf(hash);
    if (attempt === 0 && source !== undefined) this.send(source, wire);
    else this.toAll(wire);
  }

  /** Sends transactions admitted for clients to every peer, in messages of at most 4 MiB. */
  gossipTxs(txs: readonly Uint8Array[]): void {
    for (let at = 0; at < txs.length; ) {
      let bytes = 0;
      let end = at;
      while (end < txs.length && end - at < MAX_GOSSIP_TXS && bytes + txs[end]!.length <= MAX_GOSSIP_BYTES)
        bytes += txs[end++]!.length;
      if (end === at) end++;
      this.toAll(encodeWire({ type: 'txs', txs: txs.slice(at, end) }), undefined, true);
      at = end;
    }
  }

  /** Tells every peer where this node is. */
  broadcastStatus(): void {
    if (this.stopped) return;
    const p = this.host.position();
    this.toAll(
      encodeWire({
        type: 'status',
        committed: p.committed,
        height: p.height,
        round: p.round,
        held: this.parts.messages.heldCount,
      }),
    );
  }

  private toAll(wire: Uint8Array, except?: string, droppable = false): void {
    for (const peer of this.peerOf.values()) if (peer !== except) this.send(peer, wire, droppable);
  }

  private send(peer: string, wire: Uint8Array, droppable = false): void {
    const pending = this.inflight.get(peer) ?? 0;
    if (droppable && pending + wire.length > MAX_PEER_INFLIGHT_BYTES) return;
    this.inflight.set(peer, pending + wire.length);
    void this.net
      .send(peer, wire)
      .catch(() => false)
      .finally(() => this.inflight.set(peer, (this.inflight.get(peer) ?? wire.length) - wire.length));
  }

  // --- receiving ----------------------------------------------------------------------------------

  private receive(from: string, payload: Uint8Array): void {
    if (this.stopped || !this.validatorOf.has(from)) return;
    if (!this.limiter.admit(from, payload.length)) {
      this.counters.messagesDropped++;
      return;
    }
    let msg: WireMessage;
    try {
      msg = decodeWire(payload);
    } catch (err) {
      this.counters.wireMalformed++;
      this.init.log.debug('malformed wire message', { peer: this.validatorOf.get(from), err });
      return;
    }
    switch (msg.type) {
      case 'consensus':
        this.onConsensus(from, msg.message, msg.block);
        return;
      case 'certificate':
        this.onCertificate(from, msg.certificate);
        return;
      case 'txs':
        this.host.onTxs(msg.txs);
        return;
      case 'status':
        this.onStatus(from, msg);
        return;
      case 'block-request':
        void this.serveBlock(from, msg.hash);
        return;
      case 'block':
        this.onBlock(msg.block);
        return;
      case 'sync-request':
        void readSyncEntries(this.parts.store, msg.from, Math.min(msg.max, MAX_SYNC_BLOCKS)).then(
          (entries) => entries.length > 0 && this.send(from, encodeWire({ type: 'sync-response', entries })),
          (err) => this.init.log.warn('sync serve failed', { err }),
        );
        return;
      case 'sync-response':
        if (this.sync?.peer === from)
          void this.onSyncResponse(from, msg.entries).catch((err) =>
            this.init.log.warn('sync failed', { err }),
          );
        return;
    }
  }

  private decode(message: Uint8Array): SignedMessage | undefined {
    try {
      return decodeMessage(message);
    } catch {
      this.counters.wireMalformed++;
      return undefined;
    }
  }

  private onConsensus(from: string, message: Uint8Array, block: Uint8Array | null): void {
    const { messages, blocks } = this.parts;
    const key = messageKey(message);
    if (messages.seenBefore(key)) {
      // A duplicate may still bring the block of a proposal accepted without it.
      if (block === null) return;
      const decoded = this.decode(message);
      if (decoded?.kind === 'proposal' && !blocks.has(decoded.proposal.blockHash))
        blocks.put(decoded.proposal.blockHash, decoded.proposal.height, block);
      return;
    }
    const decoded = this.decode(message);
    if (decoded === undefined) {
      messages.markSeen(key);
      return;
    }
    const height = messageHeight(decoded);
    const { height: current } = this.host.position();
    if (height < current) {
      this.helpPeerBehind(from, height);
      return;
    }
    if (height > current + 1) {
      this.requestSync(from); // two heights ahead: catch up by block sync, not by buffering
      return;
    }
    this.host.onConsensus({ from, key, message, block, decoded, height });
  }

  private onCertificate(from: string, bytes: Uint8Array): void {
    let certificate: CommitCertificate;
    try {
      certificate = decodeCertificate(bytes);
    } catch {
      this.counters.wireMalformed++;
      return;
    }
    const { height } = this.host.position();
    if (certificate.height > height) this.requestSync(from);
    if (certificate.height !== height) return;
    this.parts.messages.setSource(certificate.blockHash, from);
    this.host.onCertificate(from, certificate);
  }

  /** A peer sent a message of a height this node committed: send it that height's certificate. */
  private helpPeerBehind(peer: string, height: number): void {
    const { store } = this.parts;
    if (height > store.height) return;
    const key = `${peer}:${height}`;
    const now = this.init.now();
    if (now - (this.certificateSent.get(key) ?? 0) < 1000) return;
    if (this.certificateSent.size > 1000) this.certificateSent.clear();
    this.certificateSent.set(key, now);
    void store.certificate(height).then((certificate) => {
      if (certificate !== undefined) this.send(peer, encodeWire({ type: 'certificate', certificate }));
    });
  }

  private async serveBlock(peer: string, hash: Uint8Array): Promise<void> {
    const bytes = this.parts.blocks.get(hash) ?? (await this.parts.store.blockByHash(hash))?.bytes;
    if (bytes !== undefined) this.send(peer, encodeWire({ type: 'block', block: bytes }));
  }

  private onBlock(bytes: Uint8Array): void {
    let block: ReturnType<typeof decodeBlock>;
    try {
      block = decodeBlock(bytes);
    } catch {
      this.counters.wireMalformed++;
      return;
    }
    // Only blocks someone waits for: unsolicited blocks would be free memory for a peer to fill.
    if (this.parts.blocks.wanted(block.hash)) this.parts.blocks.put(block.hash, block.header.height, bytes);
  }

  private onStatus(from: string, s: Extract<WireMessage, { type: 'status' }>): void {
    const state: PeerState = { ...s, lastResend: this.states.get(from)?.lastResend ?? 0 };
    this.states.set(from, state);
    const p = this.host.position();
    const now = this.init.now();
    if (s.committed >= p.height && p.height > 0) {
      // One height behind is the normal race of a slower node (the certificate path covers it); still
      // behind after two status periods, or two heights behind, is a node that must sync.
      if (this.behind?.height !== p.height) this.behind = { height: p.height, since: now };
      if (s.committed > p.height || now - this.behind.since > 2 * this.init.statusIntervalMs)
        this.requestSync(from);
      return;
    }
    if (
      s.height === p.height &&
      p.running &&
      (s.round < p.round || s.held < this.parts.messages.heldCount) &&
      now - state.lastResend > 1000
    ) {
      state.lastResend = now;
      this.resendHeld(from);
    }
  }

  // --- block sync ---------------------------------------------------------------------------------

  /** Asks `peer` for committed blocks from this node's next height (one request in flight). */
  requestSync(peer: string): void {
    if (this.sync !== undefined || this.stopped) return;
    const timer = setTimeout(() => {
      if (this.sync?.timer === timer) this.sync = undefined;
    }, 10_000);
    timer.unref();
    this.sync = { peer, timer };
    const from = this.parts.store.height + 1;
    this.send(peer, encodeWire({ type: 'sync-request', from, max: 16 }));
  }

  private async onSyncResponse(peer: string, entries: readonly SyncEntry[]): Promise<void> {
    const sync = this.sync!;
    let committed = 0;
    try {
      committed = await this.host.applySync(peer, entries);
    } finally {
      clearTimeout(sync.timer);
      if (this.sync === sync) this.sync = undefined;
    }
    const ahead = this.states.get(peer);
    if (committed > 0 && ahead !== undefined && ahead.committed > this.parts.store.height)
      this.requestSync(peer);
  }
}
