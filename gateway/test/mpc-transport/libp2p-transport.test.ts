import { CodedError } from '@privgate/accel';
import { governancePayload, identityChangeBytes, newPeerKey, signApproval, TxKind } from '@privgate/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerAccount, type LocalLedger } from '../../src/ledger-client/index.ts';
import { queryProgram, runMpcSession, sessionParticipants, sessionTag } from '../../src/mpc/index.ts';
import {
  decodeWire,
  encodeWire,
  type GatewayHost,
  type GatewayHostLimits,
  PeerDirectory,
  SessionTransports,
  signPeerBinding,
  startGatewayHost,
} from '../../src/mpc-transport/index.ts';
import {
  AGENCIES,
  CHAIN_ID,
  GATEWAYS,
  openTestLedger,
  tempDir,
  testSigner,
  VALIDATOR,
} from '../query/consortium.ts';

interface Node {
  org: string;
  host: GatewayHost;
  directory: PeerDirectory;
  sessions: SessionTransports;
}

const dir = tempDir('transport');
let ledger: LocalLedger;
const nodes = new Map<string, Node>();

async function startNode(org: string, limits: Partial<GatewayHostLimits> = {}): Promise<Node> {
  const { peerKey } = await newPeerKey();
  const directory = new PeerDirectory(ledger);
  const host = await startGatewayHost(
    { self: org, peerKey, listen: ['/ip4/127.0.0.1/tcp/0'], limits },
    { directory },
  );
  return { org, host, directory, sessions: new SessionTransports(host) };
}

/** Every node learns every other node's signed binding. */
async function introduce(all: Node[], signerOf: (org: string) => string = (o) => o): Promise<void> {
  for (const a of all) {
    const binding = signPeerBinding(
      CHAIN_ID,
      { orgId: a.org, peerId: a.host.peerId, addrs: a.host.addrs() },
      testSigner(signerOf(a.org)),
    );
    for (const b of all) if (b !== a) await b.directory.add(binding);
  }
}

beforeAll(async () => {
  ledger = await openTestLedger(`${dir.path}/ledger`);
  for (const org of Object.values(GATEWAYS)) nodes.set(org, await startNode(org));
  await introduce([...nodes.values()]);
});

afterAll(async () => {
  for (const n of nodes.values()) {
    n.sessions.close();
    await n.host.stop();
  }
  await ledger.close();
  dir.remove();
});

const node = (org: string): Node => nodes.get(org)!;

describe('peer bindings and the connection gater', () => {
  it('accepts only bindings signed by a registered gateway with its ledger key', async () => {
    const directory = new PeerDirectory(ledger);
    const { peerId } = await newPeerKey();
    const unsigned = { orgId: GATEWAYS.tax, peerId, addrs: [] };
    await expect(
      directory.add(signPeerBinding(CHAIN_ID, unsigned, testSigner(GATEWAYS.bank))),
    ).rejects.toMatchObject({
      code: 'TRANSPORT_BINDING_INVALID',
      context: { reason: 'bad signature' },
    });
    await expect(
      directory.add(
        signPeerBinding(CHAIN_ID, { ...unsigned, orgId: AGENCIES.rogue }, testSigner(AGENCIES.rogue)),
      ),
    ).rejects.toMatchObject({ code: 'TRANSPORT_BINDING_INVALID', context: { reason: 'not a gateway' } });
    await expect(
      directory.add(signPeerBinding(CHAIN_ID, { ...unsigned, orgId: 'nobody' }, testSigner('nobody'))),
    ).rejects.toMatchObject({
      code: 'TRANSPORT_BINDING_INVALID',
      context: { reason: 'not a registered organisation' },
    });
    await directory.add(signPeerBinding(CHAIN_ID, unsigned, testSigner(GATEWAYS.tax)));
    expect(directory.orgOf(peerId)).toBe(GATEWAYS.tax);
  });

  it('refuses connections from a peer no gateway vouches for', async () => {
    // The intruder knows the gateways' bindings, but nobody knows one of its own.
    const intruder = await startNode('intruder');
    try {
      for (const n of nodes.values()) {
        await intruder.directory.add(
          signPeerBinding(
            CHAIN_ID,
            { orgId: n.org, peerId: n.host.peerId, addrs: n.host.addrs() },
            testSigner(n.org),
          ),
        );
      }
      await expect(intruder.host.request(GATEWAYS.tax, 'echo', {})).rejects.toMatchObject({
        code: 'TRANSPORT_UNREACHABLE',
      });
      await expect(intruder.host.sendFrame(GATEWAYS.tax, new Uint8Array(40))).rejects.toMatchObject({
        code: 'TRANSPORT_UNREACHABLE',
      });
      expect(node(GATEWAYS.tax).host.stats.rpcIn).toBe(0);
    } finally {
      intruder.sessions.close();
      await intruder.host.stop();
    }
  });
});

describe('RPC', () => {
  it('carries bigints and bytes, names the authenticated caller, and re-creates coded errors', async () => {
    node(GATEWAYS.bank).host.handle('echo', (from, body) => ({ from, body }));
    node(GATEWAYS.bank).host.handle('fail', () => {
      throw new CodedError('QUERY_SUBJECT_UNKNOWN', 'no such subject', { subject: 'X' });
    });
    node(GATEWAYS.bank).host.handle('crash', () => {
      throw new Error('secret internals');
    });
    const body = { n: 2n ** 200n + 1n, bytes: Uint8Array.of(0, 255), list: [1, 'a'] };
    expect(await node(GATEWAYS.tax).host.request(GATEWAYS.bank, 'echo', body)).toEqual({
      from: GATEWAYS.tax,
      body,
    });
    await expect(node(GATEWAYS.tax).host.request(GATEWAYS.bank, 'fail', {})).rejects.toMatchObject({
      code: 'QUERY_SUBJECT_UNKNOWN',
      context: { subject: 'X' },
    });
    const crash = node(GATEWAYS.tax).host.request(GATEWAYS.bank, 'crash', {});
    await expect(crash).rejects.toMatchObject({ code: 'TRANSPORT_RPC_FAILED' });
    await expect(crash).rejects.not.toThrow(/secret/);
    await expect(node(GATEWAYS.tax).host.request(GATEWAYS.bank, 'nope', {})).rejects.toMatchObject({
      code: 'TRANSPORT_RPC_FAILED',
    });
    expect(decodeWire(encodeWire({ x: 5n }))).toEqual({ x: 5n });
  });
});

describe('MPC over libp2p', () => {
  const compute = [GATEWAYS.tax, GATEWAYS.customs, GATEWAYS.bank];

  async function run(
    sessionId: string,
    threshold: bigint | undefined,
    delayed?: string,
  ): Promise<{ results: Map<string, Awaited<ReturnType<typeof runMpcSession>>>; early: number }> {
    let builder = queryProgram()
      .input('t', GATEWAYS.tax)
      .input('c', GATEWAYS.customs)
      .input('b', GATEWAYS.bank)
      .sum();
    if (threshold !== undefined) builder = builder.compare(threshold);
    const program = builder.output(GATEWAYS.market);
    const tag = sessionTag(sessionId, sessionParticipants(compute, program), program);
    const inputs: Record<string, Record<string, bigint>> = {
      [GATEWAYS.tax]: { t: 100n },
      [GATEWAYS.customs]: { c: 250n },
      [GATEWAYS.bank]: { b: 7n },
    };
    let early = 0;
    const results = new Map<string, Awaited<ReturnType<typeof runMpcSession>>>();
    await Promise.all(
      Object.values(GATEWAYS).map(async (org) => {
        if (org === delayed) {
          // Start only once the others' round-1 messages sit in this gateway's early buffer.
          for (let i = 0; i < 200 && node(org).sessions.earlyFrames === 0; i++)
            await new Promise((r) => setTimeout(r, 25));
          early = node(org).sessions.earlyFrames;
        }
        const transport = node(org).sessions.session(tag);
        try {
          const init = { sessionId, self: org, computeParties: compute, program, timeoutMs: 10_000 };
          const inp = inputs[org];
          results.set(org, await runMpcSession(inp ? { ...init, inputs: inp } : init, { transport }));
        } finally {
          transport.close();
        }
      }),
    );
    return { results, early };
  }

  it('runs a sum and a comparison, buffering a late party’s early messages', async () => {
    const sum = await run('s-1', undefined, GATEWAYS.bank);
    expect(sum.results.get(GATEWAYS.market)?.output).toEqual({ kind: 'aggregate', value: 357n });
    expect(sum.early).toBeGreaterThan(0);
    const verdict = await run('s-2', 300n);
    expect(verdict.results.get(GATEWAYS.market)?.output).toEqual({
      kind: 'verdict',
      value: true,
      threshold: 300n,
    });
    const digests = [...verdict.results.values()].map((r) =>
      Buffer.from(r.transcript.digest).toString('hex'),
    );
    expect(new Set(digests).size).toBe(4);
  });

  it('fails every waiting party with MPC_PARTY_DROPPED when a peer goes away', async () => {
    const extra = await startNode(GATEWAYS.bank); // a fresh bank gateway that will die mid-session
    const others = [GATEWAYS.tax, GATEWAYS.customs, GATEWAYS.market].map(node);
    await introduce([...others, extra]);
    try {
      const program = queryProgram()
        .input('t', GATEWAYS.tax)
        .input('b', GATEWAYS.bank)
        .sum()
        .compare(1n)
        .output(GATEWAYS.market);
      const tag = sessionTag('drop-1', sessionParticipants(compute, program), program);
      const started = performance.now();
      const runs = others.map(async (n) => {
        const transport = n.sessions.session(tag);
        try {
          const init = {
            sessionId: 'drop-1',
            self: n.org,
            computeParties: compute,
            program,
            timeoutMs: 20_000,
          };
          return await runMpcSession(n.org === GATEWAYS.tax ? { ...init, inputs: { t: 1n } } : init, {
            transport,
          });
        } finally {
          transport.close();
        }
      });
      await extra.host.connect(GATEWAYS.tax);
      await extra.host.connect(GATEWAYS.customs);
      await extra.host.connect(GATEWAYS.market);
      await new Promise((r) => setTimeout(r, 200));
      await extra.host.stop();
      const outcomes = await Promise.allSettled(runs);
      for (const o of outcomes) {
        expect(o.status).toBe('rejected');
        expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'MPC_PARTY_DROPPED' });
      }
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      extra.sessions.close();
      await extra.host.stop();
      await introduce([...nodes.values()]); // restore the real bank's binding everywhere
    }
  });
});

describe('bounds', () => {
  it('refuses oversized frames and drops frames over a peer’s rate', async () => {
    await expect(
      node(GATEWAYS.tax).host.sendFrame(GATEWAYS.bank, new Uint8Array(200 * 1024)),
    ).rejects.toMatchObject({
      code: 'TRANSPORT_MESSAGE_TOO_LARGE',
    });
    const slow = await startNode(GATEWAYS.customs, { framesPerSecond: 1, frameBurst: 5 });
    await introduce([node(GATEWAYS.tax), slow]);
    try {
      const seen: string[] = [];
      slow.host.onFrame((from) => seen.push(from));
      for (let i = 0; i < 20; i++)
        await node(GATEWAYS.tax).host.sendFrame(GATEWAYS.customs, new Uint8Array(64));
      await new Promise((r) => setTimeout(r, 300));
      expect(seen.length).toBeGreaterThanOrEqual(5);
      expect(seen.length).toBeLessThan(20);
      expect(new Set(seen)).toEqual(new Set([GATEWAYS.tax]));
      expect(slow.host.stats.framesDropped).toBe(20 - seen.length);
    } finally {
      await slow.host.stop();
      await introduce([...nodes.values()]);
    }
  });
});

describe('revocation', () => {
  it('drops a gateway the ledger no longer lists, and refuses it from then on', async () => {
    // Governance: the validator turns gw-market into a mere agency.
    const validator = new LedgerAccount(VALIDATOR, testSigner(VALIDATOR), ledger);
    const change = identityChangeBytes(CHAIN_ID, 1, {
      op: 'upsert',
      orgId: GATEWAYS.market,
      publicKey: testSigner(GATEWAYS.market).publicKey,
      roles: ['agency'],
    });
    await validator.submit(
      TxKind.identityChange,
      governancePayload(change, [
        { orgId: VALIDATOR, signature: signApproval(change, testSigner(VALIDATOR)) },
      ]),
    );
    const tax = node(GATEWAYS.tax);
    expect(tax.directory.orgOf(node(GATEWAYS.market).host.peerId)).toBe(GATEWAYS.market);
    expect(await tax.host.refresh()).toEqual([GATEWAYS.market]);
    expect(tax.directory.allows(node(GATEWAYS.market).host.peerId)).toBe(false);
    await expect(node(GATEWAYS.market).host.request(GATEWAYS.tax, 'echo', {})).rejects.toMatchObject({
      code: 'TRANSPORT_UNREACHABLE',
    });
  });
});
