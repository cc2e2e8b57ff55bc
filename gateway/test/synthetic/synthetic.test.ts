/**
 * The synthetic economy: reproducible from its seed, valid codes, a related-party walk and clear sums
 * that agree with a brute-force reading of the edges, and files that import into a gateway store (CSV and
 * JSON lines) with exactly the economy's figures.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declareDataset, importRecordsFromFile, usccProblem } from '../../src/datasets/index.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.ts';
import {
  aggregateInClear,
  DATASET_HOLDERS,
  fenToYuan,
  METRIC_DATASETS,
  OWNERSHIP_DATASET,
  REGISTRY_DATASET,
  relatedInClear,
  subjectWithRelated,
  syntheticData,
  syntheticDeclarations,
  usccOf,
  writeSyntheticFiles,
} from '../../src/synthetic/index.ts';

describe('synthetic economy', () => {
  it('is reproducible from its seed and differs with another seed', () => {
    const a = syntheticData(500, 7);
    const b = syntheticData(500, 7);
    const c = syntheticData(500, 8);
    expect(b.enterprises).toEqual(a.enterprises);
    expect(b.edges).toEqual(a.edges);
    for (const d of METRIC_DATASETS) expect([...b.metrics[d]!]).toEqual([...a.metrics[d]!]);
    expect(c.edges).not.toEqual(a.edges);
  });

  it('has valid, distinct codes and only backward ownership edges', () => {
    const data = syntheticData(2000);
    for (const e of data.enterprises) expect(usccProblem(e)).toBeUndefined();
    expect(new Set(data.enterprises).size).toBe(2000);
    const index = new Map(data.enterprises.map((e, i) => [e, i]));
    for (const e of data.edges) {
      expect(index.get(e.owner)!).toBeLessThan(index.get(e.owned)!);
      expect(e.shareBp).toBeGreaterThanOrEqual(1000);
      expect(e.shareBp).toBeLessThan(10_000);
    }
    expect(data.edges.length).toBeGreaterThan(1000);
  });

  it('refuses bad sizes and indices', () => {
    expect(() => syntheticData(0)).toThrow(RangeError);
    expect(() => syntheticData(1.5)).toThrow(RangeError);
    expect(() => usccOf(-1)).toThrow(RangeError);
    expect(() => usccOf(31 ** 9)).toThrow(RangeError);
  });

  it('walks related parties as a brute-force closure over the edges does', () => {
    const data = syntheticData(300, 3);
    const brute = (subject: string, depth: number): string[] => {
      let set = new Set([subject]);
      for (let d = 0; d < depth; d++) {
        const next = new Set(set);
        for (const e of data.edges) {
          if (set.has(e.owner)) next.add(e.owned);
          if (set.has(e.owned)) next.add(e.owner);
        }
        set = next;
      }
      return [...set].sort();
    };
    for (const i of [0, 5, 77, 150, 299]) {
      const s = data.enterprises[i]!;
      expect(relatedInClear(data, s, 0)).toEqual([s]);
      for (const depth of [1, 2, 3]) expect(relatedInClear(data, s, depth)).toEqual(brute(s, depth));
    }
    const s = subjectWithRelated(data, 2, 3, 4)!;
    expect(relatedInClear(data, s, 2).length).toBeGreaterThanOrEqual(3);
    expect(subjectWithRelated(data, 2, 10_000, 20_000)).toBeUndefined();
  });

  it('sums figures in the clear with weights; an unknown dataset is an error', () => {
    const data = syntheticData(100);
    const subjects = data.enterprises.slice(10, 20);
    let expected = 0n;
    for (const s of subjects)
      expected += 3n * data.metrics['tax.arrears']!.get(s)! + data.metrics['bank.loans']!.get(s)!;
    expect(
      aggregateInClear(data, subjects, [{ dataset: 'tax.arrears', weight: '3' }, { dataset: 'bank.loans' }]),
    ).toBe(expected);
    expect(() => aggregateInClear(data, subjects, [{ dataset: 'no.such' }])).toThrow(RangeError);
  });

  it('writes fen as yuan with two decimals', () => {
    expect(fenToYuan(0n)).toBe('0.00');
    expect(fenToYuan(7n)).toBe('0.07');
    expect(fenToYuan(123456n)).toBe('1234.56');
    expect(() => fenToYuan(-1n)).toThrow(RangeError);
  });
});

describe('synthetic files import into a gateway store', () => {
  let dir: string;
  let store: SqliteStore;
  const data = syntheticData(400, 11);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'privgate-synthetic-'));
    store = openSqliteStore({ path: join(dir, 'gateway.sqlite') });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const format of ['csv', 'jsonl'] as const) {
    it(`${format}: every dataset imports with the economy's figures`, async () => {
      const files = writeSyntheticFiles(data, join(dir, format), { format });
      expect(files.map((f) => f.dataset).sort()).toEqual(Object.keys(DATASET_HOLDERS).sort());
      const declarations = syntheticDeclarations();
      for (const f of files) {
        const declaration = { ...declarations[f.dataset]!, name: `${format}.${f.dataset.replace('.', '_')}` };
        await declareDataset(store, declaration);
        const report = await importRecordsFromFile(store, declaration.name, f.path);
        expect(report.imported).toBe(f.rows);
        expect(report.bytes).toBe(f.bytes);
        const records = await store.listRecords(declaration.name, { limit: 10_000 });
        expect(records.length).toBe(f.rows);
        if (f.dataset === REGISTRY_DATASET) expect(f.rows).toBe(400);
        if (f.dataset === OWNERSHIP_DATASET) {
          expect(records.map((r) => [r.subjectId, r.values.owned, Number(r.values.share_bp)])).toEqual(
            data.edges.map((e) => [e.owner, e.owned, e.shareBp]),
          );
        }
        const metric = data.metrics[f.dataset];
        if (metric !== undefined) {
          expect(new Map(records.map((r) => [r.subjectId, BigInt(r.values.amount as string)]))).toEqual(
            metric,
          );
        }
      }
      expect(readFileSync(files[0]!.path, 'utf8').length).toBe(files[0]!.bytes);
    });
  }

  it('refuses an unknown dataset', () => {
    expect(() => writeSyntheticFiles(data, join(dir, 'x'), { datasets: ['no.such'] })).toThrow(RangeError);
  });
});
