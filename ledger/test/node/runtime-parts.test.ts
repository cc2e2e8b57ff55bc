// The small parts of the node runtime: admission batching and bounds, the per-peer budget, the serial
// lane, the block cache's waiters, and the LevelDB WAL store's durability round trip.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WalState } from '../../src/consensus/interface.ts';
import type { Admission } from '../../src/mempool/mempool.ts';
import { BlockCache } from '../../src/node/block-cache.ts';
import { PeerLimiter } from '../../src/node/peer-limits.ts';
import { SerialLane } from '../../src/node/serial-lane.ts';
import { TxIntake } from '../../src/node/tx-intake.ts';
import { LevelWalStore } from '../../src/node/wal-store.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('TxIntake', () => {
  it('admits whatever arrived during an admission in one batch, and gossips only local transactions', async () => {
    const batches: number[] = [];
    let release!: () => void;
    const first = new Promise<void>((r) => {
      release = r;
    });
    const mempool = {
      add: async (txs: readonly Uint8Array[]): Promise<Admission[]> => {
        batches.push(txs.length);
        if (batches.length === 1) await first;
        return txs.map((t) => ({ ok: true as const, id: t }));
      },
    };
    const gossiped: number[] = [];
    const intake = new TxIntake({}, mempool, {
      onAdmitted: (local) => gossiped.push(local.length),
      onError: () => {},
    });
    const a = intake.submit([Uint8Array.of(1)]);
    await tick();
    const b = intake.submit([Uint8Array.of(2), Uint8Array.of(3)]);
    intake.fromPeer([Uint8Array.of(4)]);
    const c = intake.submit([Uint8Array.of(5)]);
    release();
    await Promise.all([a, b, c]);
    expect(batches).toEqual([1, 4]);
    expect(gossiped).toEqual([1, 3]);
  });

  it('refuses clients past its bound with MEMPOOL_FULL, and waits for its gate', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const mempool = {
      add: async (txs: readonly Uint8Array[]) => txs.map((t) => ({ ok: true as const, id: t })),
    };
    const intake = new TxIntake({ maxPending: 2, gate: () => gate }, mempool, {
      onAdmitted: () => {},
      onError: () => {},
    });
    const held = intake.submit([Uint8Array.of(1), Uint8Array.of(2)]);
    const [refused] = await intake.submit([Uint8Array.of(3)]);
    expect(refused).toMatchObject({ ok: false, code: 'MEMPOOL_FULL' });
    expect(intake.size).toBe(2);
    open();
    expect((await held).every((r) => r.ok)).toBe(true);
  });
});

describe('PeerLimiter', () => {
  it('lets a peer use its burst, then throttles it to its rate, per peer', () => {
    let now = 0;
    const limiter = new PeerLimiter(
      { messagesPerSecond: 10, bytesPerSecond: 1000, burstSeconds: 1 },
      () => now,
    );
    let passed = 0;
    for (let i = 0; i < 50; i++) if (limiter.admit('a', 10)) passed++;
    expect(passed).toBe(10);
    expect(limiter.admit('b', 10)).toBe(true);
    now += 500;
    expect([1, 2, 3, 4, 5, 6].filter(() => limiter.admit('a', 10)).length).toBe(5);
    expect(limiter.dropped.get('a')).toBe(41);
  });
});

describe('SerialLane', () => {
  it('runs jobs one at a time in order, bounds external jobs, and survives a failing job', async () => {
    const errors: unknown[] = [];
    const lane = new SerialLane(2, (e) => errors.push(e));
    const log: string[] = [];
    lane.push(async () => {
      log.push('a<');
      await tick();
      log.push('a>');
    });
    lane.push(() => {
      throw new Error('boom');
    });
    expect(lane.push(() => void log.push('x'), true)).toBe(true);
    expect(lane.push(() => void log.push('y'), true)).toBe(true);
    expect(lane.push(() => void log.push('z'), true)).toBe(false);
    expect(await lane.run(() => 42)).toBe(42);
    expect(log).toEqual(['a<', 'a>', 'x', 'y']);
    expect(errors).toHaveLength(1);
    await lane.close();
    expect(lane.push(() => {})).toBe(false);
  });
});

describe('BlockCache', () => {
  it('wakes a waiter when the block arrives, times out otherwise, and stays bounded', async () => {
    const cache = new BlockCache(2);
    const hash = new Uint8Array(32).fill(1);
    const waiting = cache.wait(hash, 1000);
    expect(cache.wanted(hash)).toBe(true);
    cache.put(hash, 5, Uint8Array.of(9));
    expect(await waiting).toEqual(Uint8Array.of(9));
    expect(await cache.wait(new Uint8Array(32), 10)).toBeUndefined();
    cache.put(new Uint8Array(32).fill(2), 5, Uint8Array.of(1));
    cache.put(new Uint8Array(32).fill(3), 6, Uint8Array.of(1));
    expect(cache.size).toBe(2);
    expect(cache.has(hash)).toBe(false);
    cache.pruneBelow(6);
    expect(cache.size).toBe(1);
  });
});

describe('LevelWalStore', () => {
  it('reads back the last state and the blocks proposed at its height, and prunes older blocks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'privgate-wal-'));
    try {
      const wal: WalState = {
        height: 7,
        round: 1,
        step: 'prevote',
        lockedValue: null,
        lockedRound: -1,
        validValue: null,
        validRound: -1,
        ownProposals: [],
        ownVotes: [
          {
            type: 'prevote',
            height: 7,
            round: 1,
            blockHash: null,
            validator: 'validator-1',
            signature: new Uint8Array(64).fill(3),
          },
        ],
        validPolVotes: [],
      };
      let store = await LevelWalStore.open(dir);
      expect(await store.load()).toEqual({ wal: undefined, blocks: [] });
      await store.saveBlock(6, new Uint8Array(32).fill(6), Uint8Array.of(6));
      await store.saveBlock(7, new Uint8Array(32).fill(7), Uint8Array.of(7));
      await store.save(wal);
      await store.close();
      store = await LevelWalStore.open(dir);
      expect(await store.load()).toEqual({ wal, blocks: [Uint8Array.of(7)] });
      await store.pruneBlocks(7);
      await store.save({ ...wal, height: 6, ownVotes: [] });
      expect((await store.load()).blocks).toEqual([]);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
