// The node driver with real SM2, real LevelDB and the in-memory transport: blocks are decided and
// committed identically everywhere, transactions gossip to every mempool, a stopped validator does not
// stop the others, and it catches up from its WAL and block sync when it comes back.
import { sm3 } from '@privgate/accel';
import { afterEach, describe, expect, it } from 'vitest';
import { toHex } from '../../src/tx/bytes.ts';
import { anchors, type Cluster, startCluster, until } from './cluster.ts';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function sameChain(c: Cluster, upTo: number): Promise<void> {
  const live = c.nodes.filter((n) => n !== undefined);
  for (let h = 1; h <= upTo; h++) {
    const blocks = await Promise.all(live.map((n) => n.store.blockAt(h)));
    const hashes = new Set(blocks.map((b) => (b === undefined ? 'missing' : toHex(b.hash))));
    expect(hashes.size, `height ${h}`).toBe(1);
    expect(hashes.has('missing')).toBe(false);
    const certs = await Promise.all(live.map((n) => n.store.certificate(h)));
    expect(certs.every((x) => x !== undefined)).toBe(true);
  }
}

describe('ledger node driver (validators in one process)', () => {
  it('decides and commits the same blocks on every node, with the transactions of any node', async () => {
    cluster = await startCluster(4);
    const c = cluster;
    await until(() => c.nodes.every((n) => n!.store.height >= 2), 20_000, 'first blocks');
    const txs = anchors(c.net, 20, 1);
    const results = await c.node(1).submit(txs);
    expect(results.every((r) => r.ok)).toBe(true);
    // Gossip reaches the other mempools (or the txs are already committed there).
    await until(
      async () => {
        for (const n of c.nodes) {
          const done = await n!.store.txCommitted(txs.map(sha));
          if (!done.every(Boolean)) return false;
        }
        return true;
      },
      20_000,
      'all txs committed everywhere',
    );
    const top = Math.min(...c.nodes.map((n) => n!.store.height));
    await sameChain(c, top);
    const roots = new Set(c.nodes.map((n) => toHex(n!.store.stateRoot)));
    const heights = new Set(c.nodes.map((n) => n!.store.height));
    if (heights.size === 1) expect(roots.size).toBe(1);
    for (const n of c.nodes) expect(n!.evidenceSeen()).toEqual([]);
  }, 60_000);

  it('runs 7 validators (f = 2): two down, the other five still commit', async () => {
    cluster = await startCluster(7);
    const c = cluster;
    await until(() => c.nodes.every((n) => n!.store.height >= 2), 30_000, 'first blocks');
    await c.stop(5);
    await c.stop(6);
    const txs = anchors(c.net, 10, 1);
    expect((await c.node(2).submit(txs)).every((r) => r.ok)).toBe(true);
    await until(
      async () => {
        for (const i of [0, 1, 2, 3, 4])
          if (!(await c.node(i).store.txCommitted(txs.map(sha))).every(Boolean)) return false;
        return true;
      },
      60_000,
      'txs committed by 5 of 7',
    );
    await sameChain(c, Math.min(...[0, 1, 2, 3, 4].map((i) => c.node(i).store.height)));
  }, 120_000);

  it('keeps committing with one validator down, and the validator catches up when it returns', async () => {
    cluster = await startCluster(4);
    const c = cluster;
    await until(() => c.nodes.every((n) => n!.store.height >= 2), 20_000, 'first blocks');
    await c.stop(3);
    const before = c.node(0).store.height;
    const txs = anchors(c.net, 30, 1);
    expect((await c.node(0).submit(txs)).every((r) => r.ok)).toBe(true);
    await until(() => c.node(0).store.height >= before + 5, 30_000, 'progress without validator-4');
    const restarted = await c.start(3);
    const target = c.node(0).store.height;
    await until(() => restarted.store.height >= target, 30_000, 'catch-up');
    await until(async () => (await restarted.store.txCommitted(txs.map(sha))).every(Boolean), 20_000, 'txs');
    await until(() => restarted.store.height >= target + 2, 30_000, 'consensus after catch-up');
    await sameChain(c, target + 2);
    expect(restarted.status().counters.blocksSynced).toBeGreaterThan(0);
  }, 90_000);
});

const sha = (t: Uint8Array): Uint8Array => sm3(t);
