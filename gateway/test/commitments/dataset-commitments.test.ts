import { computeMerkleRoot, defaultPoseidon, PoseidonMerkleTree, recordLeaf } from '@privgate/circuits';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommitmentTree,
  DatasetCommitments,
  fieldIdOf,
  PoseidonPool,
  packElements,
  rootHex,
  SubjectPseudonyms,
} from '../../src/commitments/index.ts';
import { LedgerAccount, type LocalLedger } from '../../src/ledger-client/index.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.ts';
import { GATEWAYS, openTestLedger, tempDir, testSigner } from '../query/consortium.ts';
import { loadMetricDataset, seeded, usccOf } from '../query/synthetic.ts';

const SUBJECT_KEY = new Uint8Array(32).fill(7);

describe('CommitmentTree', () => {
  let pool: PoseidonPool;
  beforeAll(async () => {
    pool = await PoseidonPool.create({ workers: 2 });
  });
  afterAll(() => pool.close());

  it.each([0, 1, 2, 3, 7, 300])('matches the circuits tree for %i leaves (depth 10)', async (n) => {
    const hasher = await defaultPoseidon();
    const rnd = seeded(n + 1);
    const leaves = Array.from({ length: n }, () => BigInt(Math.floor(rnd() * 2 ** 48)));
    const reference = await PoseidonMerkleTree.build(leaves, { hasher, depth: 10 });
    const tree = await CommitmentTree.build(packElements(leaves), { depth: 10, hasher, pool });
    expect(tree.root).toBe(reference.root);
    for (const i of [0, Math.floor(n / 2), n - 1].filter((i) => i >= 0 && i < n)) {
      const mine = tree.path(i);
      const theirs = reference.path(i);
      expect(mine.siblings).toEqual(theirs.siblings);
      expect(mine.pathIndices).toEqual(theirs.pathIndices);
      expect(computeMerkleRoot(hasher, mine.leaf, mine.siblings, mine.pathIndices)).toBe(tree.root);
    }
  });

  it('round-trips through its file', async () => {
    const hasher = await defaultPoseidon();
    const dir = tempDir('tree');
    try {
      const tree = await CommitmentTree.build(packElements([1n, 2n, 3n, 4n, 5n]), {
        depth: 20,
        hasher,
        pool,
      });
      await tree.save(`${dir.path}/t.tree`);
      const again = await CommitmentTree.load(`${dir.path}/t.tree`, hasher);
      expect(again.root).toBe(tree.root);
      expect(again.path(4)).toEqual(tree.path(4));
      expect(again.checkPath(3, hasher)).toBe(true);
    } finally {
      dir.remove();
    }
  });
});

describe('SubjectPseudonyms', () => {
  it('is keyed, case-insensitive, a field element, and refuses bad codes', () => {
    const a = new SubjectPseudonyms(SUBJECT_KEY);
    const b = new SubjectPseudonyms(new Uint8Array(32).fill(8));
    const code = usccOf(5);
    expect(a.of(code)).toBe(a.of(code.toLowerCase()));
    expect(a.of(code)).not.toBe(b.of(code));
    expect(a.of(code) < 1n << 248n).toBe(true);
    expect(() => a.of('91110108000000000X')).toThrow(RangeError);
    expect(() => new SubjectPseudonyms(new Uint8Array(8))).toThrow(RangeError);
  });
});

describe('DatasetCommitments', () => {
  const dir = tempDir('commitments');
  let ledger: LocalLedger;
  let store: SqliteStore;
  let pool: PoseidonPool;
  let commitments: DatasetCommitments;
  const values = new Map<string, bigint>(
    Array.from({ length: 50 }, (_, i) => [usccOf(i + 1), BigInt(i * 100)]),
  );

  beforeAll(async () => {
    ledger = await openTestLedger(`${dir.path}/ledger`);
    store = await openSqliteStore({ path: `${dir.path}/tax.sqlite` });
    pool = await PoseidonPool.create({ workers: 2 });
    const account = new LedgerAccount(GATEWAYS.tax, testSigner(GATEWAYS.tax), ledger);
    commitments = new DatasetCommitments(
      { dir: `${dir.path}/commitments`, subjectKey: SUBJECT_KEY },
      { store, account, pool, hasher: await defaultPoseidon() },
    );
    await loadMetricDataset(store, 'tax.arrears', values);
  });
  afterAll(async () => {
    await pool.close();
    await store.close();
    await ledger.close();
    dir.remove();
  });

  it('builds the circuit tree over the records, anchors it, and keeps every version', async () => {
    const hasher = await defaultPoseidon();
    const first = await commitments.commit('tax.arrears');
    expect(first.version).toBe(1);
    expect(first.recordCount).toBe(50);

    // The root is the circuits' tree over leaf = Poseidon(subjectId, fieldId, value, salt), rows in order.
    const records = await store.listRecords('tax.arrears', { limit: 100 });
    const pseudonyms = new SubjectPseudonyms(SUBJECT_KEY);
    const fieldId = fieldIdOf('tax.arrears', 'amount');
    const leaves = records.map((r) =>
      recordLeaf(hasher, {
        subjectId: pseudonyms.of(r.subjectId),
        fieldId,
        value: BigInt(r.values.amount!),
        salt: BigInt(`0x${Buffer.from(r.salt).toString('hex')}`),
      }),
    );
    const reference = await PoseidonMerkleTree.build(leaves, { hasher });
    expect(first.root).toBe(reference.root);

    // Anchored on the ledger by the gateway, and noted in the store.
    const head = await ledger.datasetHead('tax.arrears');
    expect(head).toMatchObject({ owner: GATEWAYS.tax, latestVersion: 1 });
    const anchored = await ledger.datasetVersion('tax.arrears', 1);
    expect(`0x${Buffer.from(anchored!.poseidonRoot).toString('hex')}`).toBe(rootHex(first.root));
    expect(anchored!.recordCount).toBe(50);
    expect((await store.getCommitmentVersion('tax.arrears', 1))?.anchoredTxId).toBe(first.anchor.idHex);

    // A witness of a subject proves under the anchored root.
    const v1 = await commitments.anchoredVersion('tax.arrears');
    const row = v1.rowOf(usccOf(7))!;
    const w = v1.witness(row, pseudonyms);
    expect(w.record.value).toBe(600n);
    expect(recordLeaf(hasher, w.record)).toBe(w.path.leaf);
    expect(computeMerkleRoot(hasher, w.path.leaf, w.path.siblings, w.path.pathIndices)).toBe(first.root);

    // Replace the records: version 2 anchors a new root; version 1 still proves its old records from disk.
    const session = await store.beginRecordImport('tax.arrears', { mode: 'replace' });
    await session.append([
      { subjectId: usccOf(7), values: { amount: '1' }, salt: new Uint8Array(31).fill(1) },
    ]);
    await session.commit();
    const second = await commitments.commit('tax.arrears');
    expect(second.version).toBe(2);
    expect(second.root).not.toBe(first.root);
    expect((await ledger.datasetHead('tax.arrears'))?.latestVersion).toBe(2);

    const reopened = new DatasetCommitments(
      { dir: `${dir.path}/commitments`, subjectKey: SUBJECT_KEY },
      { store, account: new LedgerAccount(GATEWAYS.tax, testSigner(GATEWAYS.tax), ledger), pool, hasher },
    );
    const old = await reopened.version('tax.arrears', 1);
    expect(old.root).toBe(first.root);
    expect(old.witness(old.rowOf(usccOf(7))!, pseudonyms).record.value).toBe(600n);
    expect((await reopened.version('tax.arrears')).meta.recordCount).toBe(1);
  });

  it('refuses to anchor a dataset another gateway owns', async () => {
    const other = new DatasetCommitments(
      { dir: `${dir.path}/other`, subjectKey: SUBJECT_KEY },
      {
        store,
        account: new LedgerAccount(GATEWAYS.bank, testSigner(GATEWAYS.bank), ledger),
        pool,
        hasher: await defaultPoseidon(),
      },
    );
    await expect(other.commit('tax.arrears')).rejects.toMatchObject({
      code: 'LEDGER_TX_REJECTED',
      context: { ledgerCode: 'TX_FORBIDDEN' },
    });
  });
});
