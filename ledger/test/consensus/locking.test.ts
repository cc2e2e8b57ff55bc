/**
 * Locking (Algorithm 1 lines 22–43): a validator locked on a value prevotes nil for any other value
 * unless a proposal carries a proof-of-lock (polRound) newer than its lock.
 * v0 is the node under test; with n = 4 the proposers at height 1 are v1, v2, v3 for rounds 0, 1, 2.
 */
import { describe, expect, it } from 'vitest';
import type { Tendermint } from '../../src/consensus/index.ts';
import { block, feed, network, outputs, sentVotes } from './harness.ts';

const A = block('A');
const B = block('B');

/** Brings v0 to round 1 locked on A from round 0 (round 0 then fails on nil precommits). */
function lockedOnAInRound0(net: ReturnType<typeof network>): Tendermint {
  const core = net.core(0);
  core.step({ type: 'start', height: 1 });
  const proposed = core.step({ type: 'proposal', proposal: net.proposal(1, 1, 0, A) });
  expect(outputs(proposed, 'request-validation').map((o) => o.blockHash)).toEqual([A]);
  expect(sentVotes(proposed)).toEqual([]); // valid(v) is not known yet: no prevote
  expect(sentVotes(core.step({ type: 'block-validity', blockHash: A, valid: true }))).toMatchObject([
    { type: 'prevote', round: 0, blockHash: A },
  ]);
  const locked = feed(core, [
    { type: 'vote', vote: net.vote(1, 'prevote', 1, 0, A) },
    { type: 'vote', vote: net.vote(2, 'prevote', 1, 0, A) },
  ]);
  expect(sentVotes(locked)).toMatchObject([{ type: 'precommit', round: 0, blockHash: A }]);
  expect(core.state).toMatchObject({ lockedRound: 0, lockedValue: A, validRound: 0, step: 'precommit' });
  const failed = feed(core, [
    { type: 'vote', vote: net.vote(1, 'precommit', 1, 0, null) },
    { type: 'vote', vote: net.vote(2, 'precommit', 1, 0, null) },
  ]);
  expect(outputs(failed, 'schedule-timeout')).toMatchObject([{ kind: 'precommit', round: 0 }]);
  core.step({ type: 'timeout', kind: 'precommit', height: 1, round: 0 });
  expect(core.state).toMatchObject({ round: 1, step: 'propose', lockedRound: 0 });
  return core;
}

describe('locking', () => {
  it('a locked validator prevotes nil for a different value proposed without a proof-of-lock', () => {
    const net = network(4);
    const core = lockedOnAInRound0(net);
    core.step({ type: 'proposal', proposal: net.proposal(2, 1, 1, B) });
    const r = core.step({ type: 'block-validity', blockHash: B, valid: true });
    expect(sentVotes(r)).toMatchObject([{ type: 'prevote', round: 1, blockHash: null }]);
  });

  it('the same proposal gets a prevote for B from a validator that is not locked (control)', () => {
    const net = network(4);
    const core = net.core(3);
    core.step({ type: 'start', height: 1 });
    // f + 1 = 2 validators in round 1 move v3 there (line 55).
    feed(core, [
      { type: 'proposal', proposal: net.proposal(2, 1, 1, B) },
      { type: 'vote', vote: net.vote(1, 'prevote', 1, 1, null) },
    ]);
    const r = core.step({ type: 'block-validity', blockHash: B, valid: true });
    expect(sentVotes(r)).toMatchObject([{ type: 'prevote', round: 1, blockHash: B }]);
  });

  it('a locked validator prevotes its locked value when it is proposed again', () => {
    const net = network(4);
    const core = lockedOnAInRound0(net);
    const r = core.step({ type: 'proposal', proposal: net.proposal(2, 1, 1, A) });
    expect(sentVotes(r)).toMatchObject([{ type: 'prevote', round: 1, blockHash: A }]);
  });
});

describe('proposals with a proof-of-lock round (line 28)', () => {
  it('wait for the 2f+1 prevotes of polRound, then unlock when polRound is newer than the lock', () => {
    const net = network(4);
    const core = lockedOnAInRound0(net);
    // Round 1 fails without v0 seeing the prevotes for B that others cast.
    core.step({ type: 'timeout', kind: 'propose', height: 1, round: 1 });
    feed(core, [
      { type: 'vote', vote: net.vote(1, 'precommit', 1, 1, null) },
      { type: 'vote', vote: net.vote(2, 'precommit', 1, 1, null) },
    ]);
    core.step({ type: 'timeout', kind: 'precommit', height: 1, round: 1 });
    expect(core.state.round).toBe(2);
    const waiting = core.step({ type: 'proposal', proposal: net.proposal(3, 1, 2, B, 1) });
    expect(sentVotes(waiting)).toEqual([]); // no POL for B in round 1 yet
    core.step({ type: 'block-validity', blockHash: B, valid: true });
    const r = feed(core, [
      { type: 'vote', vote: net.vote(1, 'prevote', 1, 1, B) },
      { type: 'vote', vote: net.vote(2, 'prevote', 1, 1, B) },
      { type: 'vote', vote: net.vote(3, 'prevote', 1, 1, B) },
    ]);
    expect(sentVotes(r)).toMatchObject([{ type: 'prevote', round: 2, blockHash: B }]);
  });

  it('keep the lock when polRound is older than the lock', () => {
    const net = network(4);
    const core = net.core(0);
    core.step({ type: 'start', height: 1 });
    // Round 0: v0 times out to nil, then sees B reach 2f+1 prevotes after precommitting nil: B
    // becomes validValue (line 42) but not locked.
    core.step({ type: 'timeout', kind: 'propose', height: 1, round: 0 });
    feed(core, [
      { type: 'vote', vote: net.vote(1, 'prevote', 1, 0, B) },
      { type: 'vote', vote: net.vote(2, 'prevote', 1, 0, B) },
      { type: 'timeout', kind: 'prevote', height: 1, round: 0 },
      { type: 'vote', vote: net.vote(3, 'prevote', 1, 0, B) },
      { type: 'block-validity', blockHash: B, valid: true },
    ]);
    expect(core.state).toMatchObject({ lockedRound: -1, validRound: 0, validValue: B });
    // Round 1: lock on A.
    feed(core, [
      { type: 'vote', vote: net.vote(1, 'precommit', 1, 0, null) },
      { type: 'vote', vote: net.vote(2, 'precommit', 1, 0, null) },
      { type: 'timeout', kind: 'precommit', height: 1, round: 0 },
      { type: 'proposal', proposal: net.proposal(2, 1, 1, A) },
      { type: 'block-validity', blockHash: A, valid: true },
      { type: 'vote', vote: net.vote(1, 'prevote', 1, 1, A) },
      { type: 'vote', vote: net.vote(2, 'prevote', 1, 1, A) },
      { type: 'vote', vote: net.vote(1, 'precommit', 1, 1, null) },
      { type: 'vote', vote: net.vote(2, 'precommit', 1, 1, null) },
      { type: 'timeout', kind: 'precommit', height: 1, round: 1 },
    ]);
    expect(core.state).toMatchObject({ round: 2, lockedRound: 1, lockedValue: A });
    // Round 2: B re-proposed with its round-0 POL, which v0 holds; the lock from round 1 wins.
    const r = core.step({ type: 'proposal', proposal: net.proposal(3, 1, 2, B, 0) });
    expect(sentVotes(r)).toMatchObject([{ type: 'prevote', round: 2, blockHash: null }]);
  });
});
