// The ledger network on real libp2p nodes over TCP on 127.0.0.1: direct messages and gossip between
// listed validators, and refusal of a peer that genesis does not list.
import { afterAll, describe, expect, it } from 'vitest';
import { type LedgerNetwork, newPeerKey, startLedgerNetwork } from '../../src/net/network.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ledger network (libp2p 3, TCP + Noise + Yamux)', () => {
  const nets: LedgerNetwork[] = [];
  afterAll(async () => {
    await Promise.all(nets.map((n) => n.stop()));
  });

  it('delivers direct messages and gossip among listed peers only', async () => {
    const ports = [0, 1, 2].map((i) => 17_100 + Math.floor(Math.random() * 800) + i * 1000);
    const keys = await Promise.all(ports.map(() => newPeerKey()));
    const intruderKey = await newPeerKey();
    const addr = (i: number) => `/ip4/127.0.0.1/tcp/${ports[i]}`;
    const inbox: string[][] = [[], [], []];
    const gossip: string[][] = [[], [], []];
    for (let i = 0; i < 3; i++) {
      const peers = keys.flatMap((k, j) => (j === i ? [] : [{ peerId: k.peerId, addrs: [addr(j)] }]));
      nets.push(
        await startLedgerNetwork(
          { peerKey: keys[i]!.peerKey, listen: [addr(i)], peers, topics: ['txs'] },
          {
            onDirect: (from, p) => inbox[i]!.push(`${from.slice(-6)}:${dec.decode(p)}`),
            onGossip: (_t, _from, p) => gossip[i]!.push(dec.decode(p)),
          },
        ),
      );
    }
    await until(() => nets.every((n) => n.connectedPeers().length === 2));
    expect(await nets[0]!.send(keys[1]!.peerId, enc.encode('prevote'))).toBe(true);
    await nets[0]!.broadcast(enc.encode('precommit'));
    await until(() => inbox[1]!.length === 2 && inbox[2]!.length === 1);
    expect(inbox[1]).toEqual([
      `${keys[0]!.peerId.slice(-6)}:prevote`,
      `${keys[0]!.peerId.slice(-6)}:precommit`,
    ]);

    // gossip needs the mesh to form; publish until everyone has it
    // Each attempt publishes new bytes (ids are content hashes) until the mesh has formed.
    let attempt = 0;
    await until(() => {
      void nets[2]!.publish('txs', enc.encode(`tx-1#${attempt++}`));
      const seen = (g: string[]) => g.some((m) => m.startsWith('tx-1#'));
      return seen(gossip[0]!) && seen(gossip[1]!);
    }, 40_000);
    // Publishing the same bytes twice is not an error.
    await nets[2]!.publish('txs', enc.encode('tx-1#0'));

    // An intruder not in genesis: the validators refuse it, and we refuse to send to it.
    const intruder = await startLedgerNetwork(
      {
        peerKey: intruderKey.peerKey,
        listen: ['/ip4/127.0.0.1/tcp/0'],
        peers: [{ peerId: keys[0]!.peerId, addrs: [addr(0)] }],
        topics: [],
      },
      { onDirect: () => {}, onGossip: () => {} },
    );
    nets.push(intruder);
    expect(await intruder.send(keys[0]!.peerId, enc.encode('let me in'))).toBe(false);
    expect(await nets[0]!.send(intruderKey.peerId, enc.encode('hello'))).toBe(false);
    expect(inbox[0]!.some((m) => m.includes('let me in'))).toBe(false);
    expect(nets[0]!.connectedPeers()).not.toContain(intruderKey.peerId);
  }, 90_000);
});
