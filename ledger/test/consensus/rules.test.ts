/**
 * The other `upon` rules of Algorithm 1: the f + 1 round skip (line 55), deciding (line 49) with a
 * certificate, validity gating decisions, timeouts growing with the round, and the proposer's own
 * proposal (lines 13–16).
 */
import { describe, expect, it } from 'vitest';
import { verifyCertificate } from '../../src/consensus/index.ts';
import { block, feed, network, outputs, sent, sentVotes, TEST_TIMEOUTS } from './harness.ts';

const A = block('A');

describe('round skip (line 55)', () => {
  it.each([4, 7])('n = %i: f messages of a higher round do not move a node, f + 1 do', (n) => {
    const net = network(n);
    const f = net.set.f;
    const core = net.core(0);
    core.step({ type: 'start', height: 1 });
    for (let i = 1; i <= f; i++) {
      // One validator's prevote and precommit count once: it is one sender.
      core.step({ type: 'vote', vote: net.vote(i, 'prevote', 1, 5, null) });
      core.step({ type: 'vote', vote: net.vote(i, 'precommit', 1, 5, null) });
    }
    expect(core.state.round).toBe(0);
    const r = core.step({ type: 'vote', vote: net.vote(f + 1, 'prevote', 1, 5, A) });
    expect(core.state).toMatchObject({ round: 5, step: 'propose' });
    expect(outputs(r, 'schedule-timeout')).toMatchObject([{ kind: 'propose', round: 5 }]);
  });

  it('timeouts grow with the round', () => {
    const net = network(4);
    const core = net.core(0);
    const start = core.step({ type: 'start', height: 1 });
    expect(outputs(start, 'schedule-timeout')[0]?.durationMs).toBe(TEST_TIMEOUTS.propose.baseMs);
    const r = feed(core, [
      { type: 'vote', vote: net.vote(1, 'precommit', 1, 6, null) },
      { type: 'vote', vote: net.vote(2, 'precommit', 1, 6, null) },
    ]);
    const { baseMs, deltaMs } = TEST_TIMEOUTS.propose;
    // Round 6 is proposed by v3, so v0 waits for it: timeoutPropose(6).
    expect(outputs(r, 'schedule-timeout')).toMatchObject([
      { kind: 'propose', round: 6, durationMs: baseMs + 6 * deltaMs },
    ]);
  });
});

describe('deciding (line 49)', () => {
  it('decides on 2f+1 precommits for a valid value, with a certificate that verifies, and moves on', () => {
    const net = network(4);
    const core = net.core(0);
    core.step({ type: 'start', height: 1 });
    const r = feed(core, [
      { type: 'vote', vote: net.vote(1, 'precommit', 1, 0, A) },
      { type: 'vote', vote: net.vote(2, 'precommit', 1, 0, A) },
      { type: 'vote', vote: net.vote(3, 'precommit', 1, 0, A) },
    ]);
    expect(outputs(r, 'decide')).toEqual([]); // valid(A) unknown: asked, not decided
    expect(outputs(r, 'request-validation').map((o) => o.blockHash)).toEqual([A]);
    const decided = core.step({ type: 'block-validity', blockHash: A, valid: true });
    const [decision] = outputs(decided, 'decide');
    expect(decision).toMatchObject({ height: 1, blockHash: A });
    expect(decision!.certificate.precommits.map((p) => p.validator)).toEqual(['v1', 'v2', 'v3']);
    expect(verifyCertificate(net.set, net.keyring, decision!.certificate, { height: 1, blockHash: A })).toBe(
      true,
    );
    expect(core.state).toMatchObject({ height: 2, round: 0, lockedRound: -1, validRound: -1 });
  });

  it('never decides a value the application marks invalid', () => {
    const net = network(4);
    const core = net.core(0);
    core.step({ type: 'start', height: 1 });
    const r = feed(core, [
      { type: 'vote', vote: net.vote(1, 'precommit', 1, 0, A) },
      { type: 'vote', vote: net.vote(2, 'precommit', 1, 0, A) },
      { type: 'vote', vote: net.vote(3, 'precommit', 1, 0, A) },
      { type: 'block-validity', blockHash: A, valid: false },
    ]);
    expect(outputs(r, 'decide')).toEqual([]);
    expect(core.state.height).toBe(1);
  });

  it('a node that missed the precommits decides from a commit certificate', () => {
    const net = network(4);
    const leader = net.core(0);
    leader.step({ type: 'start', height: 1 });
    const done = feed(leader, [
      { type: 'vote', vote: net.vote(1, 'precommit', 1, 2, A) },
      { type: 'vote', vote: net.vote(2, 'precommit', 1, 2, A) },
      { type: 'vote', vote: net.vote(3, 'precommit', 1, 2, A) },
      { type: 'block-validity', blockHash: A, valid: true },
    ]);
    const certificate = outputs(done, 'decide')[0]!.certificate;
    const behind = net.core(1);
    behind.step({ type: 'start', height: 1 });
    const r = feed(behind, [
      { type: 'commit', certificate },
      { type: 'block-validity', blockHash: A, valid: true },
    ]);
    expect(outputs(r, 'decide')).toMatchObject([{ height: 1, blockHash: A }]);
  });
});

describe('proposing (lines 13–19)', () => {
  it('the proposer proposes getValue(h), persists before sending, and prevotes its own value', () => {
    const net = network(4);
    const core = net.core(1); // proposer(1, 0) = v1
    const r = core.step({ type: 'start', height: 1 });
    const kinds = r.outputs.map((o) => o.type);
    expect(kinds.indexOf('persist')).toBeLessThan(kinds.indexOf('broadcast'));
    expect(sent(r).map((m) => m.kind)).toEqual(['proposal', 'vote']);
    expect(sentVotes(r)).toMatchObject([{ type: 'prevote', blockHash: block('value-1-1') }]);
  });
});
