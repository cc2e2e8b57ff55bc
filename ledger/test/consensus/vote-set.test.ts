/** Vote tallies: de-duplication, equivocation evidence, bounded counting of an equivocator's values. */
import { describe, expect, it } from 'vitest';
import { VoteSet } from '../../src/consensus/index.ts';
import { block, network } from './harness.ts';

const [A, B, C] = [block('A'), block('B'), block('C')];

describe('VoteSet', () => {
  it('counts each validator once per value and tallies any-value power by distinct validators', () => {
    const net = network(4);
    const set = new VoteSet(net.set, 1, 0, 'prevote');
    expect(set.add(net.vote(0, 'prevote', 1, 0, A)).status).toBe('added');
    expect(set.add(net.vote(0, 'prevote', 1, 0, A)).status).toBe('duplicate');
    expect(set.add(net.vote(1, 'prevote', 1, 0, null)).status).toBe('added');
    expect(set.powerFor(A)).toBe(1);
    expect(set.powerFor(null)).toBe(1);
    expect(set.totalPower()).toBe(2);
    expect(set.hasQuorumAny()).toBe(false);
    set.add(net.vote(2, 'prevote', 1, 0, A));
    expect(set.hasQuorumAny()).toBe(true);
    expect(set.quorumValue()).toBeUndefined();
    set.add(net.vote(3, 'prevote', 1, 0, A));
    expect(set.quorumValue()?.blockHash).toEqual(A);
  });

  it('reports a double vote once, counts its second value, and ignores later values without f + 1 backing', () => {
    const net = network(4);
    const set = new VoteSet(net.set, 1, 0, 'precommit');
    set.add(net.vote(3, 'precommit', 1, 0, A));
    const conflict = set.add(net.vote(3, 'precommit', 1, 0, B));
    expect(conflict.status).toBe('conflict');
    expect(set.powerFor(B)).toBe(1);
    expect(set.totalPower()).toBe(1); // still one validator
    expect(set.add(net.vote(3, 'precommit', 1, 0, C)).status).toBe('ignored');
    // Once f + 1 = 2 others back C, the equivocator's C vote counts too.
    set.add(net.vote(1, 'precommit', 1, 0, C));
    set.add(net.vote(2, 'precommit', 1, 0, C));
    expect(set.add(net.vote(3, 'precommit', 1, 0, C)).status).toBe('added-variant');
    expect(set.powerFor(C)).toBe(3);
  });

  it('counts certified precommits regardless of earlier votes', () => {
    const net = network(4);
    const set = new VoteSet(net.set, 1, 0, 'precommit');
    set.add(net.vote(3, 'precommit', 1, 0, A));
    set.add(net.vote(3, 'precommit', 1, 0, B));
    expect(set.addCertified(net.vote(3, 'precommit', 1, 0, C))).toBe(true);
    expect(set.addCertified(net.vote(3, 'precommit', 1, 0, C))).toBe(false);
    expect(set.powerFor(C)).toBe(1);
  });

  it('refuses votes of another slot', () => {
    const net = network(4);
    const set = new VoteSet(net.set, 1, 0, 'prevote');
    expect(() => set.add(net.vote(0, 'precommit', 1, 0, A))).toThrow(RangeError);
    expect(() => set.add(net.vote(0, 'prevote', 1, 1, A))).toThrow(RangeError);
  });
});
