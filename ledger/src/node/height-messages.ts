/**
 * The consensus messages a node keeps for gossip at the height it is deciding: which it has seen (by SM3
 * of their encoding, so identical bytes are handled once and an equivocator's two votes are two
 * messages), which it holds to re-send to peers that lack them (its own and those its core accepted),
 * who sent each proposal (the first peer to ask for the block), and a bounded buffer of messages for the
 * next height, replayed when it starts.
 */
import { sm3 } from '@privgate/accel';
import type { SignedMessage } from '../consensus/interface.ts';
import { byteKey, toHex } from '../tx/bytes.ts';

/** A consensus message as received. */
export interface ReceivedMessage {
  readonly from: string;
  /** Gossip identity: SM3 of `message`. */
  readonly key: string;
  readonly message: Uint8Array;
  /** The block the proposer sent with its proposal, if any. */
  readonly block: Uint8Array | null;
  readonly decoded: SignedMessage;
  readonly height: number;
}

/** Gossip identity of an encoded consensus message. */
export const messageKey = (bytes: Uint8Array): string => byteKey(sm3(bytes));

/** Height of a consensus message. */
export const messageHeight = (m: SignedMessage): number =>
  m.kind === 'proposal' ? m.proposal.height : m.vote.height;

const MAX_FUTURE_MESSAGES = 4096;
const MAX_FUTURE_BLOCK_BYTES = 64 << 20;

/** Gossip state of the height being decided. */
export class HeightMessages {
  /** The height being decided. */
  height = 0;
  private seen = new Set<string>();
  private held = new Map<string, Uint8Array>();
  private sources = new Map<string, string>();
  private future: ReceivedMessage[] = [];
  private futureBlockBytes = 0;
  /** Messages of the next height dropped because the buffer was full. */
  dropped = 0;

  /** Moves to `height`: seen, held and sources start empty; buffered messages stay. */
  reset(height: number): void {
    this.height = height;
    this.seen = new Set();
    this.held = new Map();
    this.sources = new Map();
  }

  /** Whether a message was handled for good at this height. */
  seenBefore(key: string): boolean {
    return this.seen.has(key);
  }

  /** Remembers a message as handled (accepted, or refused for good). */
  markSeen(key: string): void {
    this.seen.add(key);
  }

  /** Holds a message to re-send to peers that lack it. */
  hold(key: string, message: Uint8Array): void {
    this.seen.add(key);
    this.held.set(key, message);
  }

  /** Number of messages held. */
  get heldCount(): number {
    return this.held.size;
  }

  /** The held messages' encodings. */
  heldMessages(): IterableIterator<Uint8Array> {
    return this.held.values();
  }

  /** Records the peer a proposal for `blockHash` came from. */
  setSource(blockHash: Uint8Array, peer: string): void {
    this.sources.set(toHex(blockHash), peer);
  }

  /** The peer a proposal for `blockHash` came from. */
  sourceOf(blockHash: Uint8Array): string | undefined {
    return this.sources.get(toHex(blockHash));
  }

  /**
   * Buffers a message for later (the current height while its core is not running yet, or the next
   * height); bounded in count and in attached block bytes.
   * @returns false if it was dropped.
   */
  buffer(m: ReceivedMessage): boolean {
    if (m.height > this.height + 1 || m.height < this.height || this.future.length >= MAX_FUTURE_MESSAGES) {
      this.dropped++;
      return false;
    }
    let block = m.block;
    if (block !== null && this.futureBlockBytes + block.length > MAX_FUTURE_BLOCK_BYTES) block = null;
    this.futureBlockBytes += block?.length ?? 0;
    this.future.push(block === m.block ? m : { ...m, block });
    return true;
  }

  /** Takes the buffered messages of `height` (and drops older ones; later ones stay). */
  takeBuffered(height: number): ReceivedMessage[] {
    const now = this.future.filter((m) => m.height === height);
    this.future = this.future.filter((m) => m.height > height);
    this.futureBlockBytes = this.future.reduce((n, m) => n + (m.block?.length ?? 0), 0);
    return now;
  }
}
