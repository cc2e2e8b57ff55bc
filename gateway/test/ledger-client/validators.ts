/**
 * A real consortium ledger for the HTTP client's tests: four validators (the smallest BFT set the
 * genesis allows) in this process, with real SM2 keys, LevelDB stores and WALs, the in-memory transport
 * between them, and each validator's HTTP API on 127.0.0.1 (a free port). The genesis carries the test
 * consortium's gateways and agencies (keys from `testSigner`) and the query circuits' verification keys,
 * so the same transactions can be sent to a `LocalLedger` opened on the same genesis document.
 */
import { join } from 'node:path';
import { type Accelerator, createCpuAccelerator } from '@privgate/accel';
import { readArtifact } from '@privgate/circuits';
import {
  createLedgerNode,
  createLocalNetwork,
  type GenesisDocument,
  genesisDocumentOf,
  type LedgerGenesis,
  type LedgerNode,
  LevelWalStore,
  MemoryTransportHub,
  type NodeHttpServer,
  parseLedgerGenesis,
  StateStore,
  startHttpServer,
} from '@privgate/ledger';
import { AGENCIES, CHAIN_ID, GATEWAYS, QUERY_CIRCUITS, tempDir, testSigner } from '../query/consortium.ts';

export interface Validators {
  readonly genesis: LedgerGenesis;
  /** The application genesis, for a LocalLedger of the same chain. */
  readonly document: GenesisDocument;
  readonly nodes: readonly LedgerNode[];
  /** HTTP API base URL of each validator. */
  readonly urls: readonly string[];
  /** Stops one validator's HTTP API (the node keeps voting). */
  stopHttp(i: number): Promise<void>;
  close(): Promise<void>;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export async function startValidators(): Promise<Validators> {
  const dir = tempDir('http-ledger');
  const net = await createLocalNetwork({
    validators: 4,
    seed: 'http-ledger-test',
    chainId: CHAIN_ID,
    genesisTime: Date.now() - 60_000,
    // Short consensus timeouts: the tests are about the client, not about waiting.
    params: {
      consensus: {
        timeouts: {
          propose: { baseMs: 800, deltaMs: 200 },
          prevote: { baseMs: 300, deltaMs: 200 },
          precommit: { baseMs: 300, deltaMs: 200 },
        },
        maxRoundsAhead: 100,
      },
      block: { maxTxs: 2000, maxBytes: 1 << 20, emptyBlockIntervalMs: 150, maxClockDriftMs: 10_000 },
    },
  });
  const orgs = [
    ...Object.values(GATEWAYS).map((id) => ({ id, roles: ['gateway' as const] })),
    ...Object.values(AGENCIES).map((id) => ({ id, roles: ['agency' as const] })),
  ];
  const vkeys = await Promise.all(
    QUERY_CIRCUITS.map(async (circuit) => ({
      circuit,
      vkey: Buffer.from(await readArtifact(circuit, 'vkey')).toString('base64'),
    })),
  );
  const genesis = parseLedgerGenesis({
    ...net.genesis,
    app: {
      orgs: orgs.map((o) => ({ id: o.id, publicKey: hex(testSigner(o.id).publicKey), roles: o.roles })),
      vkeys,
    },
  });
  const hub = new MemoryTransportHub();
  const accel: Accelerator = createCpuAccelerator();
  const nodes: LedgerNode[] = [];
  const servers: (NodeHttpServer | undefined)[] = [];
  const closers: (() => Promise<void>)[] = [];
  for (const keys of net.validators) {
    const store = await StateStore.open(join(dir.path, keys.id, 'state'), { sync: false });
    const wal = await LevelWalStore.open(join(dir.path, keys.id, 'wal'));
    const network = hub.connect(keys.peerId);
    const node = await createLedgerNode(
      { genesis, validatorId: keys.id, privateKey: keys.sm2PrivateKey, statusIntervalMs: 300 },
      { store, wal, network, accel },
    );
    const server = await startHttpServer(node, { host: '127.0.0.1', port: 0 });
    const i = nodes.length;
    nodes.push(node);
    servers.push(server);
    closers.push(async () => {
      await servers[i]?.close();
      await node.stop();
      await network.stop();
      await wal.close();
      await store.close();
    });
  }
  await nodes[0]!.waitForHeight(1, 20_000);
  return {
    genesis,
    document: genesisDocumentOf(genesis),
    nodes,
    urls: servers.map((s) => s!.url),
    async stopHttp(i) {
      const server = servers[i];
      servers[i] = undefined;
      await server?.close();
    },
    async close() {
      for (const close of closers) await close();
      await accel.close();
      dir.remove();
    },
  };
}
