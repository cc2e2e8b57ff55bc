/**
 * Byzantine behaviours. A Byzantine validator runs a normal core (so its timing follows the protocol)
 * and rewrites what that core broadcasts, per recipient. It holds only its own signing function, so
 * everything it sends is signed as itself: it can lie, equivocate and stay silent, not forge.
 * The coordinated amnesia attack lives in `amnesia.ts`.
 */
import { proposalSignBytes, voteSignBytes } from '../../src/codec/consensus-codec.ts';
import { encodeMessage } from '../../src/codec/index.ts';
import { valuesEqual } from '../../src/consensus/bytes.ts';
import type { Proposal, SignedMessage, Vote } from '../../src/consensus/index.ts';
import { amnesiaAttack } from './amnesia.ts';
import type { BlockRegistry } from './application.ts';
import type { WireMessage } from './network.ts';
import type { Prng } from './prng.ts';
import type { ByzantineBehaviour } from './scenario.ts';

/**
 * What an adversary controls: its own key, randomness, the block registry, and — before GST, as the
 * partial-synchrony model allows — the network's scheduling of messages to a peer.
 */
export interface AdversaryContext {
  readonly index: number;
  readonly id: string;
  readonly chainId: string;
  readonly rng: Prng;
  readonly registry: BlockRegistry;
  readonly sign: (bytes: Uint8Array) => Uint8Array;
  /** Index of proposer(h, r). */
  readonly proposerIndex: (height: number, round: number) => number;
  /** Drops messages to `to` that match, for `ms` (no effect after GST). */
  readonly censor: (to: number, ms: number, match: (message: WireMessage) => boolean) => void;
}

/** A packet to one peer. */
export interface Outgoing {
  readonly to: number;
  readonly bytes: Uint8Array;
}

/** Rewrites the core's broadcasts into per-peer packets. */
export interface Adversary {
  readonly behaviour: ByzantineBehaviour;
  /** Whether it takes part in status gossip (a silent node does not). */
  readonly gossips: boolean;
  outgoing(message: SignedMessage, peers: readonly number[]): Outgoing[];
  /** What its own core gets to see of an incoming message (undefined: nothing). */
  incoming(message: SignedMessage): SignedMessage | undefined;
  /** Whether its core may take a certificate offered by `peers` since `firstSeenMs`. */
  acceptsCertificate(peers: ReadonlySet<number>, firstSeenMs: number, nowMs: number): boolean;
}

const ACTIVE: readonly ByzantineBehaviour[] = [
  'equivocating-proposer',
  'double-vote',
  'invalid-votes',
  'invalid-proposals',
  'future-rounds',
  'garbage',
];

/** Re-signing helpers for an adversary that holds only its own key. */
export function resigner(ctx: AdversaryContext) {
  return {
    proposal(p: Proposal, change: Partial<Pick<Proposal, 'blockHash' | 'polRound'>>): Proposal {
      const unsigned = { ...p, ...change };
      return { ...unsigned, signature: ctx.sign(proposalSignBytes(ctx.chainId, unsigned)) };
    },
    vote(v: Vote, change: Partial<Pick<Vote, 'blockHash' | 'round'>>): Vote {
      const unsigned = { ...v, ...change };
      return { ...unsigned, signature: ctx.sign(voteSignBytes(ctx.chainId, unsigned)) };
    },
  };
}

/** Builds the adversary for `behaviour`. */
export function createAdversary(behaviour: ByzantineBehaviour, ctx: AdversaryContext): Adversary {
  if (behaviour === 'amnesia') return amnesiaAttack(ctx);
  const { rng, registry } = ctx;
  const resign = resigner(ctx);
  const resignProposal = (p: Proposal, blockHash: Uint8Array): Proposal => resign.proposal(p, { blockHash });
  const resignVote = resign.vote;
  const label = (m: { height: number; round: number }, tag: string) =>
    `${ctx.index}|${m.height}|${m.round}|${tag}`;
  const enc = (message: SignedMessage) => encodeMessage(message);
  const toAll = (peers: readonly number[], bytes: Uint8Array) => peers.map((to) => ({ to, bytes }));

  const act = (mode: ByzantineBehaviour, message: SignedMessage, peers: readonly number[]): Outgoing[] => {
    const original = enc(message);
    switch (mode) {
      case 'silent':
        return [];
      case 'equivocating-proposer': {
        if (message.kind !== 'proposal') return toAll(peers, original);
        const p = message.proposal;
        const variants = [
          original,
          ...['a', 'b'].map((t) =>
            enc({ kind: 'proposal', proposal: resignProposal(p, registry.alternative(label(p, t))) }),
          ),
        ];
        return peers.map((to) => ({ to, bytes: rng.pick(variants) }));
      }
      case 'double-vote': {
        if (message.kind !== 'vote') return toAll(peers, original);
        const v = message.vote;
        const other = v.blockHash === null || rng.chance(0.5) ? registry.alternative(label(v, 'dv')) : null;
        const conflicting = enc({ kind: 'vote', vote: resignVote(v, { blockHash: other }) });
        return peers.map((to) => ({ to, bytes: rng.chance(0.5) ? original : conflicting }));
      }
      case 'invalid-votes': {
        if (message.kind !== 'vote') return toAll(peers, original);
        const bad = registry.invalidBlock(label(message.vote, 'iv'));
        return toAll(peers, enc({ kind: 'vote', vote: resignVote(message.vote, { blockHash: bad }) }));
      }
      case 'invalid-proposals': {
        // Propose a block the application rejects, and vote for it instead of the core's own value.
        if (message.kind === 'proposal') {
          const bad = registry.invalidBlock(label(message.proposal, 'ip'));
          return toAll(peers, enc({ kind: 'proposal', proposal: resignProposal(message.proposal, bad) }));
        }
        const v = message.vote;
        const own = registry.honestValue(ctx.index, v.height);
        if (v.blockHash === null || !valuesEqual(v.blockHash, own)) return toAll(peers, original);
        const bad = registry.invalidBlock(label(v, 'ip'));
        return toAll(peers, enc({ kind: 'vote', vote: resignVote(v, { blockHash: bad }) }));
      }
      case 'future-rounds': {
        // Alone (f validators) it must not be able to drag correct nodes into higher rounds (line 55).
        if (message.kind !== 'vote') return toAll(peers, original);
        const out = toAll(peers, original);
        for (let ahead = 1; ahead <= 3; ahead++) {
          const bytes = enc({
            kind: 'vote',
            vote: resignVote(message.vote, { round: message.vote.round + ahead }),
          });
          out.push(...toAll(peers, bytes));
        }
        return out;
      }
      case 'amnesia': // handled by amnesiaAttack; here only for exhaustiveness
        return toAll(peers, original);
      case 'garbage':
        return peers.map((to) => ({ to, bytes: rng.chance(0.5) ? original : corrupt(original, rng) }));
      case 'mixed':
        return rng.chance(0.2) ? [] : act(rng.pick(ACTIVE), message, peers);
    }
  };

  return {
    behaviour,
    gossips: behaviour !== 'silent',
    outgoing: (message, peers) => act(behaviour, message, peers),
    incoming: (message) => message,
    acceptsCertificate: () => true,
  };
}

/** Flips, truncates or extends the bytes: the codec or the signature check must reject the result. */
function corrupt(bytes: Uint8Array, rng: Prng): Uint8Array {
  const copy = Uint8Array.from(bytes);
  switch (rng.int(0, 2)) {
    case 0: {
      const i = rng.int(0, copy.length - 1);
      copy[i] = copy[i]! ^ (1 << rng.int(0, 7));
      return copy;
    }
    case 1:
      return copy.subarray(0, rng.int(0, copy.length - 1));
    default:
      return Uint8Array.from([...copy, rng.int(0, 255)]);
  }
}
