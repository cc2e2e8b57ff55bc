/**
 * Runs one validator of a local network directory (`local-network.ts` layout): reads the genesis and the
 * node's key file, opens its state store and WAL under `<dir>/<id>/`, starts the accelerator, the libp2p
 * endpoint on the node's genesis p2p address, the node and its HTTP API on its genesis URL. `stop` closes
 * everything in the reverse order, so a clean shutdown leaves a store that reopens without repair.
 */
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { createAccelerator, type PrivGateAccelerator } from '@privgate/accel';
import { StateStore } from '../state/store.ts';
import { bytesEqual } from '../tx/bytes.ts';
import { LedgerNodeError } from './errors.ts';
import { readLedgerGenesis } from './genesis.ts';
import { releaseGroth16 } from './groth16-verifier.ts';
import { type NodeHttpServer, startHttpServer } from './http-server.ts';
import type { LedgerNodeInit } from './interface.ts';
import { readKeyFile } from './key-file.ts';
import { createLedgerNode, type LedgerNode } from './ledger-node.ts';
import { localPaths } from './local-network.ts';
import { createJsonLogger, type NodeLogger } from './logger.ts';
import { startNodeTransport } from './transport.ts';
import { LevelWalStore } from './wal-store.ts';

/** Options of {@link runLedgerNode}. */
export interface RunNodeOptions {
  /** The network directory (genesis.json, <id>/key.json). */
  readonly dir: string;
  readonly id: string;
  readonly passphrase?: string;
  /** `workers` (default, one worker thread) or `cpu` (verify on the main thread). */
  readonly accel?: 'cpu' | 'workers';
  readonly workers?: number;
  /** fsync every block commit (default true). */
  readonly syncCommits?: boolean;
  readonly logger?: NodeLogger;
  /** Extra node options (mempool bounds, status period). */
  readonly node?: Partial<Omit<LedgerNodeInit, 'genesis' | 'validatorId' | 'privateKey'>>;
}

/** A running validator process. */
export interface RunningNode {
  readonly node: LedgerNode;
  readonly http: NodeHttpServer;
  readonly accel: PrivGateAccelerator;
  stop(): Promise<void>;
}

/**
 * Starts validator `id` of the network in `dir`.
 * @throws {LedgerNodeError} `GENESIS_INVALID`, `NODE_NOT_VALIDATOR` (id not in genesis, or a key file that
 *   does not match its genesis entry), `KEY_FILE_*`; errors binding the p2p or HTTP address.
 */
export async function runLedgerNode(options: RunNodeOptions): Promise<RunningNode> {
  const genesis = readLedgerGenesis(localPaths.genesis(options.dir));
  const entry = genesis.validators.find((v) => v.id === options.id);
  if (entry === undefined) {
    throw new LedgerNodeError('NODE_NOT_VALIDATOR', `${options.id} is not a validator in this genesis`, {
      id: options.id,
    });
  }
  const keys = readKeyFile(localPaths.nodeKey(options.dir, options.id), options.passphrase);
  if (
    keys.id !== entry.id ||
    keys.peerId !== entry.peerId ||
    !bytesEqual(keys.sm2PublicKey, Uint8Array.from(Buffer.from(entry.sm2PublicKey, 'hex')))
  ) {
    throw new LedgerNodeError(
      'NODE_NOT_VALIDATOR',
      `key file of ${options.id} does not match its genesis entry`,
    );
  }
  const log = options.logger ?? createJsonLogger({ bindings: { node: options.id } });
  const nodeDir = localPaths.nodeDir(options.dir, options.id);
  const store = await StateStore.open(join(nodeDir, 'state'), { sync: options.syncCommits ?? true });
  const wal = await LevelWalStore.open(join(nodeDir, 'wal'));
  const accel = createAccelerator(
    options.accel === 'cpu' ? { backend: 'cpu' } : { backend: 'workers', workers: options.workers ?? 1 },
  );
  const closers: (() => Promise<void>)[] = [() => store.close(), () => wal.close(), () => accel.close()];
  const closeAll = async () => {
    for (const c of closers.reverse()) await c().catch((err) => log.warn('close failed', { err }));
  };
  try {
    const network = await startNodeTransport({
      peerKey: keys.peerKey,
      listen: [entry.p2p],
      peers: genesis.validators
        .filter((v) => v.id !== entry.id)
        .map((v) => ({ peerId: v.peerId, addrs: [v.p2p] })),
    });
    closers.push(() => network.stop());
    const node = await createLedgerNode(
      { ...options.node, genesis, validatorId: entry.id, privateKey: keys.sm2PrivateKey },
      { store, wal, network, accel, logger: log },
    );
    closers.push(async () => {
      await node.stop();
      await releaseGroth16();
    });
    const httpUrl = new URL(entry.http);
    const http = await startHttpServer(
      node,
      { host: httpUrl.hostname, port: Number(httpUrl.port || 80) },
      { logger: log },
    );
    closers.push(() => http.close());
    log.info('node listening', {
      p2p: multiaddr(entry.p2p).toString(),
      peerId: network.peerId,
      http: http.url,
      height: store.height,
    });
    let stopping: Promise<void> | undefined;
    return {
      node,
      http,
      accel,
      stop: () => {
        stopping ??= closeAll();
        return stopping;
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
