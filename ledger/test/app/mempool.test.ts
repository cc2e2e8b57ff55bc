import { createAccelerator, sm3 } from '@privgate/accel';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerChain } from '../../src/block/chain.ts';
import { datasetAnchorPayload } from '../../src/contracts/dataset-directory.ts';
import { identityChangeBytes } from '../../src/contracts/identity-registry.ts';
import { nullifierBatchPayload } from '../../src/contracts/nullifier-registry.ts';
import { proofSubmissionPayload } from '../../src/contracts/proof-submission.ts';
import { Mempool, type MempoolInit } from '../../src/mempool/mempool.ts';
import { TxKind } from '../../src/tx/codec.ts';
import {
  approved,
  CHAIN_ID,
  digest,
  field,
  GENESIS_TIME,
  MULTIPLIER_PROOFS,
  MULTIPLIER_VKEY,
  ORGS,
  openLedger,
  type TestLedger,
  type TestOrg,
  terminateSnarkjs,
  tx,
} from './harness.ts';

let l: TestLedger;
let now = GENESIS_TIME + 1000;
beforeEach(async () => {
  l = await openLedger();
  now = GENESIS_TIME + 1000;
});
afterEach(async () => {
  await l.close();
});
afterAll(terminateSnarkjs);

function pool(init: Partial<MempoolInit> = {}): Mempool {
  return new Mempool(
    { chainId: CHAIN_ID, now: () => now, ...init },
    { store: l.store, accel: l.accel, proofVerifier: l.verifier },
  );
}

const anchor = (from: TestOrg, nonce: number, version = nonce, ts = now) =>
  tx(
    from,
    TxKind.datasetAnchor,
    datasetAnchorPayload({
      dataset: `ds-${from.id}`,
      schemaHash: digest('s'),
      recordCount: 1,
      poseidonRoot: field(`${version}`),
      version,
    }),
    nonce,
    ts,
  );

/** Proposes a block from the pool (as a proposer would), commits it and updates the pool. */
async function blockFrom(mempool: Mempool, chain: LedgerChain = l.chain): Promise<Uint8Array[]> {
  now += 1000;
  const txs = await mempool.reapParsed(1 << 20, 1000);
  const p = await chain.propose({ proposer: 'val-1', timestamp: now, txs });
  mempool.evict(p.excluded);
  await chain.commit(p);
  await mempool.update(p.block);
  return p.block.txs as Uint8Array[];
}

const codes = (results: { ok: boolean; code?: string }[]) => results.map((r) => (r.ok ? 'OK' : r.code));

describe('mempool admission', () => {
  it('admits valid transactions, verifying all signatures of a batch in one accelerator call', async () => {
    const m = pool();
    const txs = [anchor(ORGS.gw1, 1), anchor(ORGS.gw1, 2), anchor(ORGS.gw2, 1), anchor(ORGS.gw2, 2)];
    const batches = l.accel.batches;
    expect(codes(await m.add(txs))).toEqual(['OK', 'OK', 'OK', 'OK']);
    expect(l.accel.batches - batches).toBe(1);
    expect(m.size).toBe(4);
    expect(m.bytes).toBe(txs.reduce((n, t) => n + t.length, 0));
  });

  it('verifies through the worker-pool accelerator from createAccelerator', async () => {
    const accel = createAccelerator({ backend: 'workers', workers: 2 });
    try {
      const m = new Mempool(
        { chainId: CHAIN_ID, now: () => now },
        { store: l.store, accel, proofVerifier: l.verifier },
      );
      const txs = [1, 2, 3, 4, 5, 6].map((n) => anchor(ORGS.gw1, n));
      const forged = anchor({ ...ORGS.gw2, signer: ORGS.gw1.signer }, 1);
      expect(codes(await m.add([...txs, forged]))).toEqual([
        'OK',
        'OK',
        'OK',
        'OK',
        'OK',
        'OK',
        'TX_BAD_SIGNATURE',
      ]);
    } finally {
      await accel.close();
    }
  });

  it('refuses each bad transaction with its code and keeps the good ones of the same batch', async () => {
    const m = pool();
    const good = anchor(ORGS.gw1, 1);
    expect(codes(await m.add([good]))).toEqual(['OK']);
    const forged = anchor({ ...ORGS.gw2, signer: ORGS.gw1.signer }, 1);
    const results = await m.add([
      good, // already pending
      anchor(ORGS.gw1, 1, 99), // same sender and nonce, another transaction
      forged,
      anchor({ ...ORGS.gw1, id: 'nobody' }, 1),
      anchor(ORGS.gw1, 5000), // too far ahead
      anchor(ORGS.gw1, 2, 2, now - 11 * 60_000),
      new Uint8Array(70_000),
      new Uint8Array([0x88, 0x01]),
      anchor(ORGS.ag1, 1),
    ]);
    expect(codes(results)).toEqual([
      'TX_DUPLICATE',
      'TX_REPLAY',
      'TX_BAD_SIGNATURE',
      'TX_UNKNOWN_SENDER',
      'TX_NONCE_GAP',
      'TX_STALE',
      'TX_OVERSIZED',
      'TX_MALFORMED',
      'OK', // forbidden for an agency, but only block execution knows contract rules
    ]);
    expect(m.size).toBe(2);
  });

  it('refuses committed transactions and committed nonces', async () => {
    const m = pool();
    const t = anchor(ORGS.gw1, 1);
    await m.add([t]);
    expect(await blockFrom(m)).toEqual([t]);
    expect(m.size).toBe(0);
    expect(codes(await m.add([t, anchor(ORGS.gw1, 1, 7)]))).toEqual(['TX_REPLAY', 'TX_REPLAY']);
  });

  it('is bounded in count and bytes', async () => {
    const byCount = pool({ maxTxs: 2 });
    expect(codes(await byCount.add([anchor(ORGS.gw1, 1), anchor(ORGS.gw1, 2), anchor(ORGS.gw1, 3)]))).toEqual(
      ['OK', 'OK', 'MEMPOOL_FULL'],
    );
    const one = anchor(ORGS.gw2, 1);
    const byBytes = pool({ maxBytes: one.length + 10 });
    expect(codes(await byBytes.add([one, anchor(ORGS.gw2, 2)]))).toEqual(['OK', 'MEMPOOL_FULL']);
  });

  it('verifies proofs in one batch on entry and refuses invalid ones', async () => {
    const m = pool();
    const proof = (i: number, signals = MULTIPLIER_PROOFS[i]!.publicSignals) =>
      proofSubmissionPayload({
        circuit: 'multiplier',
        vkeyHash: sm3(MULTIPLIER_VKEY),
        proof: MULTIPLIER_PROOFS[i]!.proof,
        publicSignals: signals,
        context: null,
      });
    const before = l.verifier.batches;
    const results = await m.add([
      tx(ORGS.gw1, TxKind.proofSubmit, proof(0), 1, now),
      tx(ORGS.gw1, TxKind.proofSubmit, proof(1, MULTIPLIER_PROOFS[2]!.publicSignals), 2, now),
      tx(
        ORGS.gw1,
        TxKind.proofSubmit,
        proofSubmissionPayload({
          circuit: 'nope',
          vkeyHash: digest('k'),
          proof: MULTIPLIER_PROOFS[0]!.proof,
          publicSignals: ['1'],
          context: null,
        }),
        3,
        now,
      ),
      tx(ORGS.gw2, TxKind.proofSubmit, proof(2), 1, now),
    ]);
    expect(codes(results)).toEqual(['OK', 'PROOF_INVALID', 'VKEY_UNKNOWN', 'OK']);
    expect(l.verifier.batches - before).toBe(1);
  });

  it('refuses nullifier batches with a committed or repeated nullifier on entry', async () => {
    const m = pool();
    await m.add([
      tx(ORGS.gw1, TxKind.nullifierBatch, nullifierBatchPayload([digest('n1'), digest('n2')]), 1, now),
    ]);
    await blockFrom(m);
    const results = await m.add([
      tx(ORGS.gw2, TxKind.nullifierBatch, nullifierBatchPayload([digest('n3'), digest('n2')]), 1, now),
      tx(ORGS.gw2, TxKind.nullifierBatch, nullifierBatchPayload([digest('n4'), digest('n4')]), 2, now),
    ]);
    expect(codes(results)).toEqual(['NULLIFIER_SEEN', 'NULLIFIER_SEEN']);
    expect(results[0]!.ok ? undefined : results[0]!.error.context).toMatchObject({
      index: 1,
      where: 'state',
    });
  });
});

describe('mempool reaping and updates', () => {
  it('reaps consecutive nonces per sender in arrival order, within the limits', async () => {
    const m = pool();
    const g1 = [1, 2, 3, 5].map((n) => anchor(ORGS.gw1, n));
    const g2 = [2, 1].map((n) => anchor(ORGS.gw2, n));
    expect(codes(await m.add([g1[2]!, g2[0]!, g1[0]!, g2[1]!, g1[1]!, g1[3]!]))).toEqual([
      'OK',
      'OK',
      'OK',
      'OK',
      'OK',
      'OK',
    ]);
    const all = await m.reap(1 << 20, 100);
    // gw-1's nonce 5 waits for 4; gw-2's 2 waits for 1; each sender's run stays in nonce order.
    expect(all).toHaveLength(5);
    const order = (t: Uint8Array) => all.indexOf(t);
    expect(order(g1[0]!)).toBeLessThan(order(g1[1]!));
    expect(order(g1[1]!)).toBeLessThan(order(g1[2]!));
    expect(order(g2[1]!)).toBeLessThan(order(g2[0]!));
    expect(all).not.toContain(g1[3]);
    expect(await m.reap(1 << 20, 2)).toHaveLength(2);
    const size = g1[0]!.length;
    // Room for two transactions only, and a sender's run stops at the first that does not fit.
    expect((await m.reap(2 * size + 1, 100)).length).toBeLessThanOrEqual(2);
  });

  it('drops committed and obsolete transactions on update, and skips re-verifying its own in blocks', async () => {
    const m = pool();
    await m.add([anchor(ORGS.gw1, 1), anchor(ORGS.gw1, 2), anchor(ORGS.gw2, 1)]);
    // A chain without the mempool's results verifies the block's signatures again (one batch of 3)...
    let before = l.accel.items;
    expect(await blockFrom(m)).toHaveLength(3);
    expect(l.accel.items - before).toBe(3);
    // ...one that reuses them verifies none.
    const chainWithPool = new LedgerChain(
      { chainId: CHAIN_ID },
      { store: l.store, accel: l.accel, proofVerifier: l.verifier, preverified: m },
    );
    await m.add([anchor(ORGS.gw1, 3)]);
    before = l.accel.items;
    expect(await blockFrom(m, chainWithPool)).toHaveLength(1);
    expect(l.accel.items - before).toBe(0);
    expect(m.size).toBe(0);

    // Another node committed gw-2's nonce 2: the pending nonce-2 transaction becomes a replay.
    const other = anchor(ORGS.gw2, 2, 2);
    await m.add([anchor(ORGS.gw2, 2, 3)]);
    now += 1000;
    const p = await l.chain.propose({ proposer: 'val-2', timestamp: now, txs: [other] });
    await l.chain.commit(p);
    expect(await m.update(p.block)).toEqual([expect.objectContaining({ code: 'TX_REPLAY' })]);
    expect(m.size).toBe(0);
  });

  it('evicts transactions of a sender whose key changed, and transactions that grew too old', async () => {
    const m = pool();
    await m.add([anchor(ORGS.gw1, 1), anchor(ORGS.gw1, 2), anchor(ORGS.gw2, 1)]);
    const rotated = identityChangeBytes(CHAIN_ID, 1, {
      op: 'upsert',
      orgId: 'gw-2',
      publicKey: ORGS.au1.signer.publicKey,
      roles: ['gateway'],
    });
    now += 1000;
    const p = await l.chain.propose({
      proposer: 'val-1',
      timestamp: now,
      txs: [tx(ORGS.v1, TxKind.identityChange, approved(rotated, [ORGS.v1, ORGS.v2, ORGS.v3]), 1, now)],
    });
    await l.chain.commit(p);
    const evicted = await m.update(p.block);
    expect(evicted.map((e) => e.code)).toEqual(['TX_BAD_SIGNATURE']);
    now += 11 * 60_000;
    const stale = await m.update({ txs: [] });
    expect(stale.map((e) => e.code)).toEqual(['TX_STALE', 'TX_STALE']);
    expect(m.size).toBe(0);
  });
});
