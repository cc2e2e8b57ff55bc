/**
 * The amnesia attack, the scenario Tendermint's locks exist for (Buchman, Kwon, Milosevic 2018, §4):
 * a Byzantine proposer gets one correct validator to decide a block in round r while the others move
 * to round r + 1 without it, and then helps them decide a different block there. Correct validators
 * that precommitted in round r are locked and refuse; the teeth test runs honest validators without
 * locks (`AmnesicTendermint`) and the invariant checker must report the safety violation.
 *
 * The attacker coordinates with the network adversary (allowed before GST): it censors its own round-r
 * messages towards the next round's proposer (so that proposer has no validValue to re-propose) and
 * everyone's commit certificates of the height for a while (so nobody catches up from the one that
 * decided). Its own core forgets locks, sees others' precommits for blocks as nil (so it follows the
 * rounds but never decides from votes), and lingers at a height where only one peer decided.
 */
import { decodeCertificate, decodeMessage, encodeMessage } from '../../src/codec/index.ts';
import type { SignedMessage } from '../../src/consensus/index.ts';
import { Tendermint } from '../../src/consensus/index.ts';
import { type Adversary, type AdversaryContext, type Outgoing, resigner } from './adversary.ts';
import type { WireMessage } from './network.ts';

/** Lines 23 and 29 without their lock condition: prevotes any valid proposal. */
export class AmnesicTendermint extends Tendermint {
  protected override lockAllowsPrevote(): boolean {
    return true;
  }
}

/** How long the network adversary holds back the messages that would end the attack. */
const CENSOR_MS = 1200;
/** How long the attacker stays at a height that only one peer decided. */
const LINGER_MS = 1500;

const heightOf = (m: WireMessage): number | undefined => {
  try {
    if (m.kind === 'certificate') return decodeCertificate(m.bytes).height;
    if (m.kind === 'consensus') {
      const d = decodeMessage(m.bytes);
      return d.kind === 'proposal' ? d.proposal.height : d.vote.height;
    }
  } catch {
    // not a valid message: not the attacker's concern
  }
  return undefined;
};

const fromRound = (m: WireMessage, signer: string, height: number, round: number): boolean => {
  if (m.kind !== 'consensus') return false;
  try {
    const d = decodeMessage(m.bytes);
    const x =
      d.kind === 'proposal'
        ? { ...d.proposal, who: d.proposal.proposer }
        : { ...d.vote, who: d.vote.validator };
    return x.who === signer && x.height === height && x.round === round;
  } catch {
    return false;
  }
};

/** The amnesia attacker. */
export function amnesiaAttack(ctx: AdversaryContext): Adversary {
  const resign = resigner(ctx);
  const plans = new Map<string, { fresh: Uint8Array; victim: number; favoured: number }>();
  const enc = (m: SignedMessage) => encodeMessage(m);

  const outgoing = (message: SignedMessage, peers: readonly number[]): Outgoing[] => {
    const { height, round } = message.kind === 'proposal' ? message.proposal : message.vote;
    const key = `${height}|${round}`;
    if (message.kind === 'proposal') {
      const fresh = ctx.registry.alternative(`${ctx.index}|${height}|${round}|amnesia`);
      const next = ctx.proposerIndex(height, round + 1);
      const victim = peers.includes(next) ? next : ctx.rng.pick(peers);
      const favoured = ctx.rng.pick(peers.filter((p) => p !== victim));
      plans.set(key, { fresh, victim, favoured });
      ctx.censor(victim, CENSOR_MS, (m) => fromRound(m, ctx.id, height, round));
      for (const p of peers)
        ctx.censor(p, CENSOR_MS, (m) => m.kind === 'certificate' && heightOf(m) === height);
      const bytes = enc({
        kind: 'proposal',
        proposal: resign.proposal(message.proposal, { blockHash: fresh, polRound: -1 }),
      });
      return peers.filter((to) => to !== victim).map((to) => ({ to, bytes }));
    }
    const plan = plans.get(key);
    const vote = message.vote;
    if (plan === undefined) return peers.map((to) => ({ to, bytes: enc(message) }));
    // Its own round: prevote the fresh block to all but the victim; precommit it to the favoured only.
    const forFresh = enc({ kind: 'vote', vote: resign.vote(vote, { blockHash: plan.fresh }) });
    const nil = enc({ kind: 'vote', vote: resign.vote(vote, { blockHash: null }) });
    const gets = (to: number) => (vote.type === 'prevote' ? to !== plan.victim : to === plan.favoured);
    return peers.map((to) => ({ to, bytes: gets(to) ? forFresh : nil }));
  };

  return {
    behaviour: 'amnesia',
    gossips: true,
    outgoing,
    incoming: (message) =>
      message.kind === 'vote' && message.vote.type === 'precommit' && message.vote.blockHash !== null
        ? { kind: 'vote', vote: { ...message.vote, blockHash: null } }
        : message,
    // Once two peers decided a height, the split did not happen there: catch up.
    acceptsCertificate: (peers, firstSeenMs, nowMs) => peers.size >= 2 || nowMs - firstSeenMs >= LINGER_MS,
  };
}
