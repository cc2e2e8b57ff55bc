// Faults the driver must survive: validators restarted one after another in the middle of heights
// (their WAL brings back what they signed, so nobody sees them equivocate), and a Byzantine validator
// that signs two different prevotes — both votes spread to every honest node, each records evidence,
// and the chain goes on.
import { afterEach, describe, expect, it } from 'vitest';
import { encodeMessage, voteSignBytes } from '../../src/codec/consensus-codec.ts';
import { createSm2ConsensusCrypto } from '../../src/node/consensus-crypto.ts';
import { validatorSetOf } from '../../src/node/genesis.ts';
import { encodeWire } from '../../src/node/wire.ts';
import { toHex } from '../../src/tx/bytes.ts';
import { type Cluster, startCluster, until } from './cluster.ts';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function sameChain(c: Cluster): Promise<void> {
  const live = c.nodes.filter((n) => n !== undefined);
  const top = Math.min(...live.map((n) => n.store.height));
  for (let h = 1; h <= top; h++) {
    const hashes = new Set(
      (await Promise.all(live.map((n) => n.store.blockAt(h)))).map((b) => toHex(b!.hash)),
    );
    expect(hashes.size, `height ${h}`).toBe(1);
  }
}

describe('ledger node faults', () => {
  it('restarts validators one by one without equivocation or divergence', async () => {
    cluster = await startCluster(4);
    const c = cluster;
    await until(() => c.nodes.every((n) => n!.store.height >= 2), 20_000, 'first blocks');
    for (let i = 0; i < 4; i++) {
      const target = c.node((i + 1) % 4).store.height + 2;
      await c.stop(i);
      await new Promise((r) => setTimeout(r, 150));
      await c.start(i);
      await until(
        () => c.nodes.every((n) => n!.store.height >= target),
        30_000,
        `progress after restart ${i}`,
      );
    }
    for (const n of c.nodes) expect(n!.evidenceSeen()).toEqual([]);
    await sameChain(c);
  }, 120_000);

  it('spreads both prevotes of an equivocating validator, and every honest node records the evidence', async () => {
    cluster = await startCluster(4);
    const c = cluster;
    await until(() => c.nodes.every((n) => n!.store.height >= 1), 20_000, 'first block');
    // validator-4 turns Byzantine: its node is stopped and the test speaks with its keys, to node 1 only.
    await c.stop(3);
    const byz = c.net.validators[3]!;
    const crypto = createSm2ConsensusCrypto(validatorSetOf(c.net.genesis), byz.sm2PrivateKey);
    const endpoint = c.hub.connect(byz.peerId);
    const honest = [0, 1, 2];
    let salt = 0;
    await until(
      async () => {
        const { height, round } = c.node(0).status().consensus;
        for (const value of [1, 2]) {
          const unsigned = {
            type: 'prevote' as const,
            height,
            round,
            blockHash: new Uint8Array(32).fill(value + 16 * (salt % 8)),
            validator: byz.id,
          };
          const vote = {
            ...unsigned,
            signature: crypto.sign(voteSignBytes(c.net.genesis.chainId, unsigned)),
          };
          const wire = encodeWire({
            type: 'consensus',
            message: encodeMessage({ kind: 'vote', vote }),
            block: null,
          });
          await endpoint.send(c.net.validators[0]!.peerId, wire);
        }
        salt++;
        await new Promise((r) => setTimeout(r, 100));
        return honest.every((i) =>
          c
            .node(i)
            .evidenceSeen()
            .some((e) => e.validator === byz.id),
        );
      },
      30_000,
      'evidence on every honest node',
    );
    for (const i of honest) {
      const e = c
        .node(i)
        .evidenceSeen()
        .find((x) => x.validator === byz.id)!;
      expect(e.kind).toBe('duplicate-vote');
    }
    const h = c.node(0).store.height;
    await until(() => honest.every((i) => c.node(i).store.height >= h + 3), 30_000, 'chain goes on');
    await sameChain(c);
  }, 90_000);
});
