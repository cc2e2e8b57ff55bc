/**
 * In-process validators for driver tests: real SM2 keys (derived from a seed), real LevelDB stores and
 * WALs in a temporary directory, the CPU accelerator, and the in-memory transport hub between them.
 * A node can be stopped (its process "dies": store and WAL closed, nothing else kept) and started again
 * from the same directories.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Accelerator, createCpuAccelerator, Sm2Signer } from '@privgate/accel';
import { datasetAnchorPayload } from '../../src/contracts/dataset-directory.ts';
import { createLedgerNode, type LedgerNode } from '../../src/node/ledger-node.ts';
import {
  createLocalNetwork,
  type LocalNetwork,
  type LocalNetworkOptions,
} from '../../src/node/local-network.ts';
import { MemoryTransportHub } from '../../src/node/transport.ts';
import { LevelWalStore } from '../../src/node/wal-store.ts';
import { StateStore } from '../../src/state/store.ts';
import { signTx, TxKind } from '../../src/tx/codec.ts';

/** Short timeouts: the tests are about behaviour, not about waiting. */
export const TEST_PARAMS: LocalNetworkOptions['params'] = {
  consensus: {
    timeouts: {
      propose: { baseMs: 800, deltaMs: 200 },
      prevote: { baseMs: 300, deltaMs: 200 },
      precommit: { baseMs: 300, deltaMs: 200 },
    },
    maxRoundsAhead: 100,
  },
  block: { maxTxs: 2000, maxBytes: 1 << 20, emptyBlockIntervalMs: 150, maxClockDriftMs: 10_000 },
};

export interface Cluster {
  readonly net: LocalNetwork;
  readonly hub: MemoryTransportHub;
  readonly nodes: (LedgerNode | undefined)[];
  readonly accel: Accelerator;
  start(i: number): Promise<LedgerNode>;
  stop(i: number): Promise<void>;
  node(i: number): LedgerNode;
  close(): Promise<void>;
}

export async function startCluster(n: number, options: Partial<LocalNetworkOptions> = {}): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'privgate-cluster-'));
  const net = await createLocalNetwork({
    validators: n,
    seed: 'cluster-test',
    chainId: 'privgate-cluster',
    genesisTime: Date.now() - 60_000,
    orgs: [{ id: 'gw-1', roles: ['gateway'] }],
    params: TEST_PARAMS,
    ...options,
  });
  const hub = new MemoryTransportHub();
  const accel = createCpuAccelerator();
  const nodes: (LedgerNode | undefined)[] = new Array(n).fill(undefined);
  const closers: ((() => Promise<void>) | undefined)[] = new Array(n).fill(undefined);
  const start = async (i: number): Promise<LedgerNode> => {
    const keys = net.validators[i]!;
    const store = await StateStore.open(join(dir, keys.id, 'state'), { sync: false });
    const wal = await LevelWalStore.open(join(dir, keys.id, 'wal'));
    const network = hub.connect(keys.peerId);
    const node = await createLedgerNode(
      { genesis: net.genesis, validatorId: keys.id, privateKey: keys.sm2PrivateKey, statusIntervalMs: 300 },
      { store, wal, network, accel },
    );
    nodes[i] = node;
    closers[i] = async () => {
      await node.stop();
      await network.stop();
      await wal.close();
      await store.close();
    };
    return node;
  };
  const stop = async (i: number): Promise<void> => {
    const close = closers[i];
    closers[i] = undefined;
    nodes[i] = undefined;
    await close?.();
  };
  for (let i = 0; i < n; i++) await start(i);
  return {
    net,
    hub,
    nodes,
    accel,
    start,
    stop,
    node: (i) => nodes[i]!,
    close: async () => {
      for (let i = 0; i < n; i++) await stop(i);
      await accel.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `cond` every 20 ms until true; throws after `ms`. */
export async function until(
  cond: () => boolean | Promise<boolean>,
  ms = 20_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Dataset anchors signed by `gw-1` with nonces from `firstNonce`. */
export function anchors(
  net: LocalNetwork,
  count: number,
  firstNonce: number,
  chainId = net.genesis.chainId,
): Uint8Array[] {
  const gw = net.orgs.find((o) => o.id === 'gw-1')!;
  const signer = new Sm2Signer(gw.sm2PrivateKey);
  return Array.from({ length: count }, (_, k) =>
    signTx(
      {
        chainId,
        kind: TxKind.datasetAnchor,
        sender: gw.id,
        nonce: firstNonce + k,
        timestamp: Date.now(),
        payload: datasetAnchorPayload({
          dataset: 'gw-1/records',
          schemaHash: new Uint8Array(32).fill(1),
          recordCount: 10 + k,
          poseidonRoot: new Uint8Array(32),
          version: firstNonce + k,
        }),
      },
      signer,
    ),
  );
}
