import { sm3 } from '@privgate/accel';
import { afterAll, describe, expect, it } from 'vitest';
import { LedgerChain } from '../../src/block/chain.ts';
import { type Block, type BlockHeader, decodeHeader, encodeBlock, txRootOf } from '../../src/block/codec.ts';
import { verifyTxInclusion } from '../../src/block/inclusion.ts';
import { datasetAnchorPayload } from '../../src/contracts/dataset-directory.ts';
import { nullifierBatchPayload } from '../../src/contracts/nullifier-registry.ts';
import { proofSubmissionPayload } from '../../src/contracts/proof-submission.ts';
import { StateStore } from '../../src/state/store.ts';
import { TxKind } from '../../src/tx/codec.ts';
import { LedgerError } from '../../src/tx/errors.ts';
import {
  digest,
  field,
  GENESIS_TIME,
  genesisDoc,
  MULTIPLIER_PROOFS,
  MULTIPLIER_VKEY,
  Nonces,
  ORGS,
  openLedger,
  terminateSnarkjs,
  tx,
} from './harness.ts';

afterAll(terminateSnarkjs);

/** A deterministic mix of transactions for block `h` (nonces from `nonces`). */
function blockTxs(h: number, nonces: Nonces, time: number): Uint8Array[] {
  const txs: Uint8Array[] = [];
  const n = 1 + (h % 3);
  for (let i = 0; i < n; i++) {
    txs.push(
      tx(
        ORGS.gw1,
        TxKind.nullifierBatch,
        nullifierBatchPayload(Array.from({ length: 20 }, (_, j) => digest(`n-${h}-${i}-${j}`))),
        nonces.take('gw-1'),
        time,
      ),
    );
  }
  txs.push(
    tx(
      ORGS.gw2,
      TxKind.datasetAnchor,
      datasetAnchorPayload({
        dataset: `ds-${h % 2}`,
        schemaHash: digest('s'),
        recordCount: h,
        poseidonRoot: field(`r${h}`),
        version: h,
      }),
      nonces.take('gw-2'),
      time,
    ),
  );
  if (h % 4 === 1) {
    const p = MULTIPLIER_PROOFS[h % 3]!;
    txs.push(
      tx(
        ORGS.ag1,
        TxKind.proofSubmit,
        proofSubmissionPayload({
          circuit: 'multiplier',
          vkeyHash: sm3(MULTIPLIER_VKEY),
          proof: p.proof,
          publicSignals: p.publicSignals,
          context: null,
        }),
        nonces.take('agency-tax'),
        time,
      ),
    );
  }
  return txs;
}

describe('ledger chain', () => {
  it('is deterministic: a second store validating the same blocks reaches the same roots and state', async () => {
    const a = await openLedger();
    const b = await openLedger();
    try {
      expect(b.store.head?.blockHash).toEqual(a.store.head?.blockHash);
      const nonces = new Nonces();
      for (let h = 1; h <= 8; h++) {
        const time = GENESIS_TIME + h * 1000;
        const proposed = await a.chain.propose({
          proposer: 'val-1',
          timestamp: time,
          txs: blockTxs(h, nonces, time),
        });
        expect(proposed.excluded).toEqual([]);
        await a.chain.commit(proposed);
        // The second node receives the block's bytes, validates and commits it.
        const validated = await b.chain.validate(proposed.block.bytes);
        await b.chain.commit(validated);
        expect(b.store.stateRoot).toEqual(a.store.stateRoot);
        expect(b.store.head?.blockHash).toEqual(a.store.head?.blockHash);
      }
      expect(await b.store.dump()).toEqual(await a.store.dump());
      expect(await a.store.verifyMapRoot()).toBe(true);
      expect(await b.store.verifyMapRoot()).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses blocks that do not follow the chain, and a wrong state root', async () => {
    const a = await openLedger();
    const b = await openLedger();
    try {
      const nonces = new Nonces();
      const time = GENESIS_TIME + 1000;
      const proposed = await a.chain.propose({
        proposer: 'val-2',
        timestamp: time,
        txs: blockTxs(1, nonces, time),
      });
      const good = proposed.block;
      const variant = (over: Partial<BlockHeader>, txs = good.txs): Block =>
        encodeBlock({ ...good.header, ...over }, txs);
      const code = async (block: Block) =>
        (await b.chain.validate(block).catch((e: unknown) => e)) as LedgerError;
      expect((await code(variant({ height: 2 }))).code).toBe('BLOCK_INVALID');
      expect((await code(variant({ prevHash: digest('elsewhere') }))).code).toBe('BLOCK_INVALID');
      expect((await code(variant({ timestamp: GENESIS_TIME }))).code).toBe('BLOCK_INVALID');
      expect((await code(variant({ proposer: 'gw-1' }))).code).toBe('BLOCK_INVALID');
      expect((await code(variant({ chainId: 'other' }))).code).toBe('BLOCK_INVALID');
      expect((await code(variant({ txRoot: digest('x') }))).code).toBe('BLOCK_INVALID');
      expect((await code(variant({}, good.txs.slice(1)))).code).toBe('BLOCK_INVALID');
      expect((await code(variant({ stateRoot: digest('x') }))).code).toBe('STATE_ROOT_MISMATCH');
      // Reordered transactions (each sender's nonces still in order): the log is appended in another
      // order, so with a matching txRoot the state root gives it away.
      const reordered = [good.txs[good.txs.length - 1]!, ...good.txs.slice(0, -1)];
      expect((await code(variant({ txRoot: txRootOf(reordered.map((t) => sm3(t))) }, reordered))).code).toBe(
        'STATE_ROOT_MISMATCH',
      );
      expect(b.store.height).toBe(0);
      const ok = await b.chain.validate(good.bytes);
      await b.chain.commit(ok);
      expect(b.store.height).toBe(1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('serves blocks by height and hash, transactions by id, and inclusion proofs that verify', async () => {
    const l = await openLedger();
    try {
      const nonces = new Nonces();
      const blocks: Block[] = [];
      for (let h = 1; h <= 3; h++) {
        const time = GENESIS_TIME + h * 1000;
        const p = await l.chain.propose({
          proposer: 'val-1',
          timestamp: time,
          txs: blockTxs(h, nonces, time),
        });
        await l.chain.commit(p, { certificate: new Uint8Array([h]) });
        blocks.push(p.block);
      }
      const b2 = blocks[1]!;
      expect((await l.store.blockAt(2))?.hash).toEqual(b2.hash);
      expect((await l.store.blockByHash(b2.hash))?.header.height).toBe(2);
      expect(await l.store.certificate(2)).toEqual(new Uint8Array([2]));
      for (const block of blocks) {
        for (let i = 0; i < block.txs.length; i++) {
          const id = sm3(block.txs[i]!);
          const stored = await l.store.tx(id);
          expect(stored).toMatchObject({ height: block.header.height, index: i });
          expect(stored?.bytes).toEqual(block.txs[i]);
          const proof = await l.store.txProof(id);
          expect(proof).toBeDefined();
          expect(verifyTxInclusion(proof!, block.hash)).toBe(true);
          expect(decodeHeader(proof!.header).txCount).toBe(block.txs.length);
          expect(verifyTxInclusion(proof!, blocks[0] === block ? b2.hash : blocks[0]!.hash)).toBe(false);
          expect(verifyTxInclusion({ ...proof!, txId: digest('other') }, block.hash)).toBe(false);
          if (block.txs.length > 1)
            expect(verifyTxInclusion({ ...proof!, index: (i + 1) % block.txs.length }, block.hash)).toBe(
              false,
            );
        }
      }
      expect(await l.store.tx(digest('absent'))).toBeUndefined();
    } finally {
      await l.close();
    }
  });

  it('reopens a store to the same head, and refuses a second genesis or another genesis document', async () => {
    const l = await openLedger();
    const dir = l.dir;
    const nonces = new Nonces();
    const time = GENESIS_TIME + 1000;
    await l.chain.commit(
      await l.chain.propose({ proposer: 'val-1', timestamp: time, txs: blockTxs(1, nonces, time) }),
    );
    const head = l.store.head!;
    const root = l.store.stateRoot;
    await l.store.close();
    const store = await StateStore.open(dir, { sync: false });
    try {
      expect(store.head).toEqual(head);
      expect(store.stateRoot).toEqual(root);
      const chain = new LedgerChain(
        { chainId: head ? 'privgate-test' : '' },
        { store, accel: l.accel, proofVerifier: l.verifier },
      );
      const err = await chain.initGenesis(genesisDoc()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LedgerError);
      expect((err as LedgerError).code).toBe('GENESIS_INVALID');
    } finally {
      await store.close();
      await l.close();
    }
    const other = await openLedger({ genesis: genesisDoc({ timestamp: GENESIS_TIME + 1 }) });
    try {
      expect(other.store.head?.blockHash).not.toEqual((await openHash()).hash);
    } finally {
      await other.close();
    }
  });
});

async function openHash(): Promise<{ hash: Uint8Array }> {
  const l = await openLedger();
  try {
    return { hash: l.store.head!.blockHash };
  } finally {
    await l.close();
  }
}
