/**
 * Child process of crash.test.ts: opens the store in argv[2] (creating the chain if empty) and commits
 * blocks in a loop until it is killed, printing "writing <height>" just before each commit and
 * "committed <height> <hash>" after it resolves. Blocks are large (3 × 1000 nullifiers and a dataset
 * anchor: a LevelDB batch of ≈ 3,000 puts), so that a kill soon after "writing" lands inside the write.
 */
import { sm3 } from '@privgate/accel';
import { LedgerChain } from '../../src/block/chain.ts';
import { datasetAnchorPayload } from '../../src/contracts/dataset-directory.ts';
import { nullifierBatchPayload } from '../../src/contracts/nullifier-registry.ts';
import { readNonce } from '../../src/contracts/tables.ts';
import { StateStore } from '../../src/state/store.ts';
import { toHex, utf8 } from '../../src/tx/bytes.ts';
import { TxKind } from '../../src/tx/codec.ts';
import {
  CHAIN_ID,
  CountingAccelerator,
  GENESIS_TIME,
  genesisDoc,
  ORGS,
  SnarkjsVerifier,
  tx,
} from './harness.ts';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: crash-child.ts <store dir>');
const store = await StateStore.open(dir, { sync: false });
const accel = new CountingAccelerator();
const chain = new LedgerChain(
  { chainId: CHAIN_ID },
  { store, accel, proofVerifier: new SnarkjsVerifier(store) },
);
if (store.height === -1) await chain.initGenesis(genesisDoc());
process.stdout.write(`ready ${store.height}\n`);
for (;;) {
  const h = store.height + 1;
  const time = GENESIS_TIME + h * 1000;
  const gw1Nonce = await readNonce(store, 'gw-1');
  const txs = [0, 1, 2].map((k) =>
    tx(
      ORGS.gw1,
      TxKind.nullifierBatch,
      nullifierBatchPayload(Array.from({ length: 1000 }, (_, i) => sm3(utf8(`crash-${h}-${k}-${i}`)))),
      gw1Nonce + 1 + k,
      time,
    ),
  );
  txs.push(
    tx(
      ORGS.gw2,
      TxKind.datasetAnchor,
      datasetAnchorPayload({
        dataset: 'crash-ds',
        schemaHash: sm3(utf8('s')),
        recordCount: h,
        poseidonRoot: new Uint8Array(32),
        version: h,
      }),
      (await readNonce(store, 'gw-2')) + 1,
      time,
    ),
  );
  const proposed = await chain.propose({ proposer: 'val-1', timestamp: time, txs });
  if (proposed.excluded.length > 0)
    throw new Error(`excluded: ${proposed.excluded.map((e) => e.error.message).join('; ')}`);
  process.stdout.write(`writing ${h}\n`);
  await chain.commit(proposed);
  process.stdout.write(`committed ${h} ${toHex(proposed.block.hash)}\n`);
}
