/**
 * The store compliance suite: every GatewayStore implementation runs exactly these tests
 * (`sqlite.test.ts`, `postgres.test.ts`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.ts';
import type { GatewayStore, NewDataset, NewRecord } from '../../src/store/index.ts';

export interface StoreHarness {
  store: GatewayStore;
  /** A second store on the same database (another connection), for isolation checks. */
  openPeer?: () => Promise<GatewayStore>;
  cleanup: () => Promise<void>;
}

const DECLARATION: NewDataset = {
  name: 'tax.arrears',
  declaration: {
    name: 'tax.arrears',
    subject: 'uscc',
    fields: [
      { name: 'uscc', type: 'uscc' },
      { name: 'amount', type: 'decimal', scale: 2, unit: 'CNY fen' },
    ],
  },
  schemaHash: 'a'.repeat(64),
};

/** Deterministic record `i`: distinct subject ids, salts and values. */
export function sampleRecord(i: number): NewRecord {
  const salt = new Uint8Array(31);
  for (let b = 0; b < salt.length; b++) salt[b] = (i * 31 + b) & 0xff;
  return {
    subjectId: `91110000${String(i).padStart(9, '0')}X`,
    values: { amount: String(i * 100), note: `row ${i}, "quoted"` },
    salt,
  };
}

function records(from: number, count: number): NewRecord[] {
  return Array.from({ length: count }, (_, k) => sampleRecord(from + k));
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<GatewayError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayError);
  expect((err as GatewayError).code).toBe(code);
  return err as GatewayError;
}

export function describeStoreCompliance(name: string, open: () => Promise<StoreHarness>): void {
  describe(`${name}: GatewayStore compliance`, () => {
    let harness: StoreHarness;
    let store: GatewayStore;

    beforeEach(async () => {
      harness = await open();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    describe('datasets', () => {
      it('creates, gets and lists datasets with their declaration and hash', async () => {
        const created = await store.createDataset(DECLARATION);
        expect(created).toMatchObject({ name: 'tax.arrears', schemaHash: 'a'.repeat(64), recordCount: 0 });
        expect(created.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        await store.createDataset({ ...DECLARATION, name: 'customs.declarations' });

        const fetched = await store.getDataset('tax.arrears');
        expect(fetched).toEqual(created);
        expect(fetched?.declaration).toEqual(DECLARATION.declaration);
        expect((await store.listDatasets()).map((d) => d.name)).toEqual([
          'customs.declarations',
          'tax.arrears',
        ]);
        expect(await store.getDataset('nope.nothing')).toBeUndefined();
      });

      it('refuses a second dataset with the same name (DATASET_EXISTS)', async () => {
        await store.createDataset(DECLARATION);
        const err = await expectCode(store.createDataset(DECLARATION), 'DATASET_EXISTS');
        expect(err.context).toEqual({ dataset: 'tax.arrears' });
        expect(await store.listDatasets()).toHaveLength(1);
      });

      it('answers DATASET_UNKNOWN for record operations on an unknown dataset', async () => {
        await expectCode(store.countRecords('nope.nothing'), 'DATASET_UNKNOWN');
        await expectCode(store.listRecords('nope.nothing'), 'DATASET_UNKNOWN');
        await expectCode(store.findRecordsBySubject('nope.nothing', 'x'.repeat(18)), 'DATASET_UNKNOWN');
        await expectCode(store.beginRecordImport('nope.nothing'), 'DATASET_UNKNOWN');
        await expectCode(
          store.addCommitmentVersion('nope.nothing', { root: '0x1', recordCount: 0, schemaHash: 'h' }),
          'DATASET_UNKNOWN',
        );
      });
    });

    describe('record imports', () => {
      beforeEach(async () => {
        await store.createDataset(DECLARATION);
      });

      it('commits staged batches in order with consecutive row numbers, salts and values intact', async () => {
        const session = await store.beginRecordImport('tax.arrears');
        await session.append(records(0, 3));
        await session.append(records(3, 2));
        expect(session.staged).toBe(5);
        const result = await session.commit();
        expect(result).toEqual({
          dataset: 'tax.arrears',
          mode: 'append',
          imported: 5,
          firstRowNumber: 0,
          recordCount: 5,
        });

        const rows = await store.listRecords('tax.arrears');
        expect(rows.map((r) => r.rowNumber)).toEqual([0, 1, 2, 3, 4]);
        for (const row of rows) {
          const expected = sampleRecord(row.rowNumber);
          expect(row.subjectId).toBe(expected.subjectId);
          expect(row.values).toEqual(expected.values);
          expect(row.salt).toEqual(expected.salt);
        }
        expect(await store.countRecords('tax.arrears')).toBe(5);
        expect((await store.getDataset('tax.arrears'))?.recordCount).toBe(5);
      });

      it('appends after existing rows, and replace swaps the rows', async () => {
        const first = await store.beginRecordImport('tax.arrears');
        await first.append(records(0, 4));
        await first.commit();

        const second = await store.beginRecordImport('tax.arrears', { mode: 'append' });
        await second.append(records(4, 3));
        expect(await second.commit()).toMatchObject({ imported: 3, firstRowNumber: 4, recordCount: 7 });
        expect((await store.listRecords('tax.arrears')).map((r) => r.subjectId)).toEqual(
          records(0, 7).map((r) => r.subjectId),
        );

        const replace = await store.beginRecordImport('tax.arrears', { mode: 'replace' });
        await replace.append(records(100, 2));
        expect(await store.countRecords('tax.arrears')).toBe(7);
        expect(await replace.commit()).toMatchObject({ mode: 'replace', firstRowNumber: 0, recordCount: 2 });
        const rows = await store.listRecords('tax.arrears');
        expect(rows.map((r) => [r.rowNumber, r.subjectId])).toEqual([
          [0, sampleRecord(100).subjectId],
          [1, sampleRecord(101).subjectId],
        ]);
      });

      it('shows nothing of an import before commit, on this store and on another connection', async () => {
        const session = await store.beginRecordImport('tax.arrears');
        await session.append(records(0, 50));
        expect(await store.countRecords('tax.arrears')).toBe(0);
        expect(await store.listRecords('tax.arrears')).toEqual([]);
        expect(await store.findRecordsBySubject('tax.arrears', sampleRecord(3).subjectId)).toEqual([]);
        const peer = harness.openPeer ? await harness.openPeer() : undefined;
        try {
          if (peer) expect(await peer.countRecords('tax.arrears')).toBe(0);
          await session.append(records(50, 50));
          if (peer) expect(await peer.listRecords('tax.arrears')).toEqual([]);
          await session.commit();
          expect(await store.countRecords('tax.arrears')).toBe(100);
          if (peer) {
            expect(await peer.countRecords('tax.arrears')).toBe(100);
            expect(await peer.listRecords('tax.arrears', { limit: 1000 })).toHaveLength(100);
          }
        } finally {
          await peer?.close();
        }
      });

      it('applies nothing of an aborted import, and a closed session refuses more work', async () => {
        const before = await store.beginRecordImport('tax.arrears');
        await before.append(records(0, 10));
        await before.commit();

        const session = await store.beginRecordImport('tax.arrears');
        await session.append(records(10, 20));
        await session.abort();
        await session.abort();
        expect(await store.countRecords('tax.arrears')).toBe(10);
        expect((await store.listRecords('tax.arrears')).at(-1)?.rowNumber).toBe(9);
        await expect(session.append(records(30, 1))).rejects.toThrow(TypeError);
        await expect(session.commit()).rejects.toThrow(TypeError);

        // The next import continues right after the committed rows.
        const next = await store.beginRecordImport('tax.arrears');
        await next.append(records(10, 1));
        expect(await next.commit()).toMatchObject({ firstRowNumber: 10, recordCount: 11 });
      });

      it('rejects malformed records before staging them', async () => {
        const session = await store.beginRecordImport('tax.arrears');
        const bad = { ...sampleRecord(0), salt: new Uint8Array(8) };
        await expect(session.append([sampleRecord(1), bad])).rejects.toThrow(/records\[1\]\.salt/);
        await session.abort();
      });

      it('serialises two imports into the same dataset without overlapping row numbers', async () => {
        const a = await store.beginRecordImport('tax.arrears');
        await a.append(records(0, 3));
        const resultA = await a.commit();
        const b = await store.beginRecordImport('tax.arrears');
        await b.append(records(3, 2));
        const resultB = await b.commit();
        expect(resultA.firstRowNumber).toBe(0);
        expect(resultB.firstRowNumber).toBe(3);
        expect(await store.countRecords('tax.arrears')).toBe(5);
      });

      it('pages records by row number and finds a subject’s records', async () => {
        const session = await store.beginRecordImport('tax.arrears');
        const batch = records(0, 25);
        batch.push({ ...sampleRecord(7), values: { amount: '1', note: 'second record of subject 7' } });
        await session.append(batch);
        await session.commit();

        const page1 = await store.listRecords('tax.arrears', { limit: 10 });
        const page2 = await store.listRecords('tax.arrears', {
          afterRow: page1.at(-1)!.rowNumber,
          limit: 10,
        });
        const page3 = await store.listRecords('tax.arrears', {
          afterRow: page2.at(-1)!.rowNumber,
          limit: 10,
        });
        expect([...page1, ...page2, ...page3].map((r) => r.rowNumber)).toEqual([...Array(26).keys()]);

        const subject7 = await store.findRecordsBySubject('tax.arrears', sampleRecord(7).subjectId);
        expect(subject7.map((r) => r.rowNumber)).toEqual([7, 25]);
        expect(subject7[1]?.values.note).toBe('second record of subject 7');
        await expect(store.listRecords('tax.arrears', { limit: 0 })).rejects.toThrow(RangeError);
      });
    });

    describe('commitment versions', () => {
      beforeEach(async () => {
        await store.createDataset(DECLARATION);
      });

      it('numbers versions per dataset and returns the latest', async () => {
        expect(await store.getCommitmentVersion('tax.arrears')).toBeUndefined();
        const v1 = await store.addCommitmentVersion('tax.arrears', {
          root: '0x01',
          recordCount: 10,
          schemaHash: 'h1',
        });
        const v2 = await store.addCommitmentVersion('tax.arrears', {
          root: '0x02',
          recordCount: 12,
          schemaHash: 'h1',
        });
        expect(v1).toMatchObject({ dataset: 'tax.arrears', version: 1, root: '0x01', recordCount: 10 });
        expect(v1.anchoredTxId).toBeNull();
        expect(v2.version).toBe(2);
        expect(await store.getCommitmentVersion('tax.arrears')).toEqual(v2);
        expect(await store.getCommitmentVersion('tax.arrears', 1)).toEqual(v1);
        expect(await store.getCommitmentVersion('tax.arrears', 3)).toBeUndefined();
        expect((await store.listCommitmentVersions('tax.arrears')).map((v) => v.version)).toEqual([1, 2]);
        expect(await store.listCommitmentVersions('nope.nothing')).toEqual([]);

        await store.createDataset({ ...DECLARATION, name: 'customs.declarations' });
        const other = await store.addCommitmentVersion('customs.declarations', {
          root: '0x03',
          recordCount: 1,
          schemaHash: 'h2',
        });
        expect(other.version).toBe(1);
      });

      it('anchors a version once; the same transaction again is a no-op, another one a conflict', async () => {
        await store.addCommitmentVersion('tax.arrears', { root: '0x01', recordCount: 1, schemaHash: 'h' });
        const anchored = await store.markCommitmentAnchored('tax.arrears', 1, 'tx-1');
        expect(anchored.anchoredTxId).toBe('tx-1');
        expect(anchored.anchoredAt).not.toBeNull();
        expect(await store.markCommitmentAnchored('tax.arrears', 1, 'tx-1')).toEqual(anchored);
        const err = await expectCode(
          store.markCommitmentAnchored('tax.arrears', 1, 'tx-2'),
          'COMMITMENT_ANCHORED',
        );
        expect(err.context).toMatchObject({ anchoredTxId: 'tx-1' });
        await expectCode(store.markCommitmentAnchored('tax.arrears', 9, 'tx-3'), 'COMMITMENT_UNKNOWN');
        expect((await store.getCommitmentVersion('tax.arrears', 1))?.anchoredTxId).toBe('tx-1');
      });
    });

    describe('query log', () => {
      it('appends entries with increasing ids and filters by dataset, caller and page', async () => {
        const a = await store.appendQueryLog({
          caller: 'customs',
          kind: 'threshold',
          dataset: 'tax.arrears',
          outcome: 'answered',
          details: { threshold: '100000', proof: true },
        });
        const b = await store.appendQueryLog({ caller: 'state-bank', kind: 'inclusion', outcome: 'refused' });
        const c = await store.appendQueryLog({
          caller: 'customs',
          kind: 'threshold',
          dataset: 'tax.arrears',
          outcome: 'failed',
          at: '2024-01-02T03:04:05.678Z',
        });
        expect(b.id).toBeGreaterThan(a.id);
        expect(c.id).toBeGreaterThan(b.id);
        expect(b).toMatchObject({ dataset: null, details: {} });
        expect(c.at).toBe('2024-01-02T03:04:05.678Z');

        expect(await store.listQueryLog()).toEqual([a, b, c]);
        expect((await store.listQueryLog({ dataset: 'tax.arrears' })).map((e) => e.id)).toEqual([a.id, c.id]);
        expect((await store.listQueryLog({ caller: 'state-bank' })).map((e) => e.id)).toEqual([b.id]);
        expect((await store.listQueryLog({ afterId: a.id, limit: 1 })).map((e) => e.id)).toEqual([b.id]);
        expect((await store.listQueryLog())[0]?.details).toEqual({ threshold: '100000', proof: true });
      });
    });

    describe('settings', () => {
      it('sets, overwrites, reads and deletes values', async () => {
        expect(await store.getSetting('ledger.lastHeight')).toBeUndefined();
        await store.setSetting('ledger.lastHeight', '10');
        await store.setSetting('ledger.lastHeight', '11');
        expect(await store.getSetting('ledger.lastHeight')).toBe('11');
        expect(await store.deleteSetting('ledger.lastHeight')).toBe(true);
        expect(await store.deleteSetting('ledger.lastHeight')).toBe(false);
        expect(await store.getSetting('ledger.lastHeight')).toBeUndefined();
      });
    });

    describe('lifecycle', () => {
      it('answers ping, and STORE_UNAVAILABLE once closed', async () => {
        await store.ping();
        await store.close();
        await expectCode(store.listDatasets(), 'STORE_UNAVAILABLE');
      });

      it('aborts pending imports on close', async () => {
        await store.createDataset(DECLARATION);
        const session = await store.beginRecordImport('tax.arrears');
        await session.append(records(0, 5));
        const peer = harness.openPeer ? await harness.openPeer() : undefined;
        await store.close();
        if (peer) {
          expect(await peer.countRecords('tax.arrears')).toBe(0);
          await peer.close();
        }
        await expect(session.commit()).rejects.toThrow(TypeError);
      });
    });
  });
}
