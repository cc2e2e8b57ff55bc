/**
 * Write-ahead state: everything a validator signed is in a `persist` output before it is broadcast,
 * and a validator restored from that state re-sends what it signed instead of signing anew.
 */
import { describe, expect, it } from 'vitest';
import { decodeWalState, encodeWalState } from '../../src/codec/index.ts';
import type { StepResult, WalState } from '../../src/consensus/index.ts';
import { ConsensusError, ConsensusErrorCode, Tendermint } from '../../src/consensus/index.ts';
import { block, feed, network, outputs, sent, sentVotes } from './harness.ts';

const A = block('A');

/** The last WAL state persisted by a step, as it would come back from disk. */
function lastPersisted(result: StepResult): WalState {
  const wal = outputs(result, 'persist').at(-1)?.wal;
  if (wal === undefined) throw new Error('nothing persisted');
  return decodeWalState(encodeWalState(wal));
}

describe('WAL', () => {
  it('persists every signed message before it is broadcast', () => {
    const net = network(4);
    const core = net.core(1); // v1 proposes at (1, 0)
    const results = [
      core.step({ type: 'start', height: 1 }),
      core.step({ type: 'vote', vote: net.vote(2, 'prevote', 1, 0, block('value-1-1')) }),
      core.step({ type: 'vote', vote: net.vote(3, 'prevote', 1, 0, block('value-1-1')) }),
    ];
    let broadcasts = 0;
    for (const r of results) {
      let persisted: WalState | undefined;
      for (const o of r.outputs) {
        if (o.type === 'persist') persisted = o.wal;
        if (o.type !== 'broadcast') continue;
        broadcasts++;
        const m = o.message;
        const inWal =
          m.kind === 'proposal'
            ? persisted?.ownProposals.some((p) => p.round === m.proposal.round)
            : persisted?.ownVotes.some((v) => v.type === m.vote.type && v.round === m.vote.round);
        expect(inWal).toBe(true);
      }
    }
    expect(broadcasts).toBe(3); // proposal, prevote, precommit
    expect(core.state).toMatchObject({ lockedRound: 0 });
    expect(lastPersisted(results[2]!)).toMatchObject({ lockedRound: 0, lockedValue: block('value-1-1') });
  });

  it('a restarted validator re-sends its prevote and never signs a different one for that round', () => {
    const net = network(4);
    const before = net.core(0);
    before.step({ type: 'start', height: 1 });
    before.step({ type: 'proposal', proposal: net.proposal(1, 1, 0, A) });
    const voted = before.step({ type: 'block-validity', blockHash: A, valid: true });
    const [prevote] = sentVotes(voted);
    expect(prevote).toMatchObject({ type: 'prevote', blockHash: A });

    const after = net.core(0, lastPersisted(voted)); // crash and restart
    const resumed = after.step({ type: 'start', height: 1 });
    expect(sentVotes(resumed)).toEqual([prevote]); // same message, same signature
    // The propose timeout that, without the WAL, would produce a nil prevote (see the control below).
    const timeout = after.step({ type: 'timeout', kind: 'propose', height: 1, round: 0 });
    expect(sentVotes(timeout)).toEqual([]);
    expect(after.state).toMatchObject({ height: 1, round: 0, step: 'prevote' });
  });

  it('control: without the WAL the same restart signs a conflicting prevote', () => {
    const net = network(4);
    const amnesiac = net.core(0);
    amnesiac.step({ type: 'start', height: 1 });
    const r = amnesiac.step({ type: 'timeout', kind: 'propose', height: 1, round: 0 });
    expect(sentVotes(r)).toMatchObject([{ type: 'prevote', blockHash: null }]);
  });

  it('a restarted proposer re-sends its proposal instead of proposing a new value', () => {
    const net = network(4);
    let calls = 0;
    const app = { getValue: () => block(`fresh-${calls++}`) };
    const make = (wal?: WalState) =>
      new Tendermint(
        { validatorId: 'v1', validators: net.set },
        { crypto: net.keyring.cryptoFor('v1'), app },
        wal,
      );
    const first = make().step({ type: 'start', height: 1 });
    const restarted = make(lastPersisted(first)).step({ type: 'start', height: 1 });
    const proposals = (r: StepResult) => sent(r).filter((m) => m.kind === 'proposal');
    expect(proposals(restarted)).toEqual(proposals(first));
    expect(calls).toBe(1);
  });

  it('keeps the lock across a restart', () => {
    const net = network(4);
    const core = net.core(0);
    core.step({ type: 'start', height: 1 });
    const r = feed(core, [
      { type: 'proposal', proposal: net.proposal(1, 1, 0, A) },
      { type: 'block-validity', blockHash: A, valid: true },
      { type: 'vote', vote: net.vote(1, 'prevote', 1, 0, A) },
      { type: 'vote', vote: net.vote(2, 'prevote', 1, 0, A) },
    ]);
    const restarted = net.core(0, lastPersisted(r));
    restarted.step({ type: 'start', height: 1 });
    expect(restarted.state).toMatchObject({ lockedRound: 0, lockedValue: A, step: 'precommit' });
  });

  it('refuses to start below the persisted height, and starts fresh above it', () => {
    const net = network(4);
    const core = net.core(0);
    core.step({ type: 'start', height: 3 });
    const wal = core.walState();
    expect(() => net.core(0, wal).step({ type: 'start', height: 2 })).toThrow(
      expect.objectContaining({ code: ConsensusErrorCode.STALE_START }) as ConsensusError,
    );
    const fresh = net.core(0, wal);
    fresh.step({ type: 'start', height: 4 });
    expect(fresh.state).toMatchObject({ height: 4, round: 0, lockedRound: -1 });
    expect(() => fresh.step({ type: 'start', height: 4 })).toThrow(ConsensusError);
  });

  it('rejects a WAL holding messages signed by someone else', () => {
    const net = network(4);
    const wal: WalState = {
      ...net.core(0).walState(),
      height: 1,
      ownVotes: [net.vote(2, 'prevote', 1, 0, A)],
    };
    expect(() => net.core(0, wal).step({ type: 'start', height: 1 })).toThrow(
      expect.objectContaining({ code: ConsensusErrorCode.INVALID_WAL }) as ConsensusError,
    );
  });

  describe('a restarted proposer re-proposing its validValue (polRound 0) in round 3', () => {
    // proposer(1, 3) = v0; v0 locked A in round 0 and crashed.
    const walFor = (net: ReturnType<typeof network>, pol: boolean): WalState => ({
      ...net.core(0).walState(),
      height: 1,
      round: 3,
      step: 'propose',
      lockedValue: A,
      lockedRound: 0,
      validValue: A,
      validRound: 0,
      validPolVotes: pol ? [1, 2, 3].map((i) => net.vote(i, 'prevote', 1, 0, A)) : [],
    });

    it('re-gossips the persisted proof-of-lock and prevotes its proposal', () => {
      const net = network(4);
      const core = net.core(0, walFor(net, true));
      const r = core.step({ type: 'start', height: 1 });
      const relayed = sentVotes(r).filter((v) => v.validator !== 'v0');
      expect(relayed.map((v) => v.validator)).toEqual(['v1', 'v2', 'v3']);
      expect(sent(r).find((m) => m.kind === 'proposal')).toMatchObject({
        proposal: { round: 3, polRound: 0, blockHash: A },
      });
      // valid(A) was forgotten with the crash: asked again, then the POL holds and v0 prevotes A.
      expect(outputs(r, 'request-validation').map((o) => o.blockHash)).toEqual([A]);
      const validated = core.step({ type: 'block-validity', blockHash: A, valid: true });
      expect(sentVotes(validated)).toMatchObject([{ type: 'prevote', round: 3, blockHash: A }]);
    });

    it('without the proof-of-lock it still arms timeoutPropose, and prevotes nil when it fires', () => {
      const net = network(4);
      const core = net.core(0, walFor(net, false));
      const r = core.step({ type: 'start', height: 1 });
      expect(sentVotes(r)).toEqual([]); // cannot check its own proposal's POL (line 28)
      expect(outputs(r, 'schedule-timeout')).toMatchObject([{ kind: 'propose', round: 3 }]);
      const fired = core.step({ type: 'timeout', kind: 'propose', height: 1, round: 3 });
      expect(sentVotes(fired)).toMatchObject([{ type: 'prevote', round: 3, blockHash: null }]);
    });
  });
});
