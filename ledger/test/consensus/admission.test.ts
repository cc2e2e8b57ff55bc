/**
 * Messages a node must refuse without changing state (unknown sender, bad signature, wrong height,
 * duplicates, wrong proposer, malformed, too far ahead), and equivocation turned into evidence.
 */
import { describe, expect, it } from 'vitest';
import type { DuplicateVoteEvidence, Proposal, Vote } from '../../src/consensus/index.ts';
import { ConsensusErrorCode, verifyEvidence } from '../../src/consensus/index.ts';
import { block, network, outputs } from './harness.ts';

const A = block('A');
const B = block('B');

function started() {
  const net = network(4);
  const core = net.core(0);
  core.step({ type: 'start', height: 1 });
  return { net, core };
}

describe('admission', () => {
  const cases: [string, (net: ReturnType<typeof network>) => { proposal?: Proposal; vote?: Vote }, string][] =
    [
      [
        'unknown validator',
        (net) => ({ vote: { ...net.vote(1, 'prevote', 1, 0, A), validator: 'mallory' } }),
        ConsensusErrorCode.UNKNOWN_VALIDATOR,
      ],
      [
        'bad signature',
        (net) => ({ vote: { ...net.vote(1, 'prevote', 1, 0, A), blockHash: B } }),
        ConsensusErrorCode.BAD_SIGNATURE,
      ],
      [
        'signature of another validator',
        (net) => ({ vote: { ...net.vote(2, 'prevote', 1, 0, A), validator: 'v1' } }),
        ConsensusErrorCode.BAD_SIGNATURE,
      ],
      [
        'prevote signature on a precommit',
        (net) => ({ vote: { ...net.vote(1, 'prevote', 1, 0, A), type: 'precommit' } }),
        ConsensusErrorCode.BAD_SIGNATURE,
      ],
      ['wrong height', (net) => ({ vote: net.vote(1, 'prevote', 2, 0, A) }), ConsensusErrorCode.WRONG_HEIGHT],
      [
        'round too far ahead',
        (net) => ({ vote: net.vote(1, 'prevote', 1, 5000, A) }),
        ConsensusErrorCode.ROUND_TOO_FAR,
      ],
      [
        'short block hash',
        (net) => ({ vote: net.vote(1, 'prevote', 1, 0, A.subarray(0, 31)) }),
        ConsensusErrorCode.MALFORMED,
      ],
      [
        'proposal from a non-proposer',
        (net) => ({ proposal: net.proposal(2, 1, 0, A) }),
        ConsensusErrorCode.NOT_PROPOSER,
      ],
      [
        'polRound not below round',
        (net) => ({ proposal: net.proposal(1, 1, 0, A, 0) }),
        ConsensusErrorCode.MALFORMED,
      ],
    ];

  it.each(cases)('rejects %s with a typed reason and no state change', (_, make, code) => {
    const { net, core } = started();
    const before = JSON.stringify(core.walState());
    const { proposal, vote } = make(net);
    const r =
      proposal !== undefined
        ? core.step({ type: 'proposal', proposal })
        : core.step({ type: 'vote', vote: vote! });
    expect(r.rejected?.code).toBe(code);
    expect(r.outputs).toEqual([]);
    expect(JSON.stringify(core.walState())).toBe(before);
    expect(core.state).toMatchObject({ round: 0, step: 'propose' });
  });

  it('rejects a re-delivered vote as a duplicate', () => {
    const { net, core } = started();
    const vote = net.vote(1, 'prevote', 1, 0, A);
    expect(core.step({ type: 'vote', vote }).rejected).toBeUndefined();
    expect(core.step({ type: 'vote', vote }).rejected?.code).toBe(ConsensusErrorCode.DUPLICATE);
  });

  it('rejects input before start', () => {
    const net = network(4);
    const r = net.core(0).step({ type: 'vote', vote: net.vote(1, 'prevote', 1, 0, A) });
    expect(r.rejected?.code).toBe(ConsensusErrorCode.NOT_STARTED);
  });

  it('turns a double vote into evidence that verifies offline', () => {
    const { net, core } = started();
    core.step({ type: 'vote', vote: net.vote(1, 'prevote', 1, 0, A) });
    const r = core.step({ type: 'vote', vote: net.vote(1, 'prevote', 1, 0, B) });
    const [evidence] = outputs(r, 'evidence').map((o) => o.evidence);
    expect(evidence).toMatchObject({ kind: 'duplicate-vote', validator: 'v1' });
    expect(verifyEvidence(net.set, net.keyring, evidence!)).toBe(true);
    // The same pair with one signature replaced (v2's, relabelled as v1's) is not evidence.
    const first = (evidence as DuplicateVoteEvidence).first;
    const second = { ...net.vote(2, 'prevote', 1, 0, B), validator: 'v1' };
    const forged: DuplicateVoteEvidence = { kind: 'duplicate-vote', validator: 'v1', first, second };
    expect(verifyEvidence(net.set, net.keyring, forged)).toBe(false);
    // Reported once per equivocator and slot.
    expect(
      outputs(core.step({ type: 'vote', vote: net.vote(1, 'prevote', 1, 0, null) }), 'evidence'),
    ).toEqual([]);
  });

  it('turns two proposals of one proposer for a round into evidence', () => {
    const { net, core } = started();
    core.step({ type: 'proposal', proposal: net.proposal(1, 1, 0, A) });
    const r = core.step({ type: 'proposal', proposal: net.proposal(1, 1, 0, B) });
    expect(r.rejected?.code).toBe(ConsensusErrorCode.EQUIVOCATION);
    const [evidence] = outputs(r, 'evidence').map((o) => o.evidence);
    expect(evidence).toMatchObject({ kind: 'conflicting-proposal', validator: 'v1' });
    expect(verifyEvidence(net.set, net.keyring, evidence!)).toBe(true);
  });

  it('an equivocator counted for both of its values still cannot complete a quorum with f honest votes', () => {
    const { net, core } = started();
    core.step({ type: 'timeout', kind: 'propose', height: 1, round: 0 }); // v0 prevotes nil
    // v3 prevotes A and B; v1 prevotes A, v2 prevotes B: each value has 2 < quorum 3.
    const r = [
      core.step({ type: 'vote', vote: net.vote(3, 'prevote', 1, 0, A) }),
      core.step({ type: 'vote', vote: net.vote(3, 'prevote', 1, 0, B) }),
      core.step({ type: 'vote', vote: net.vote(1, 'prevote', 1, 0, A) }),
      core.step({ type: 'vote', vote: net.vote(2, 'prevote', 1, 0, B) }),
    ];
    expect(r.flatMap((x) => outputs(x, 'request-validation'))).toEqual([]);
    expect(r.flatMap((x) => outputs(x, 'broadcast'))).toEqual([]);
    expect(core.state).toMatchObject({ step: 'prevote', lockedRound: -1, validRound: -1 });
  });
});
