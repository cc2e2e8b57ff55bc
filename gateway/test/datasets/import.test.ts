import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  declareDataset,
  formatCsvRecord,
  type ImportProgress,
  type ImportSource,
  importRecords,
  importRecordsFromFile,
  usccCheckCharacter,
} from '../../src/datasets/index.ts';
import { GatewayError } from '../../src/errors.ts';
import { type GatewayStore, openPostgresStore, openSqliteStore } from '../../src/store/index.ts';

const pgUrl = process.env.PRIVGATE_TEST_DATABASE_URL;

interface Backend {
  name: string;
  open(): Promise<{ store: GatewayStore; peer: () => Promise<GatewayStore>; cleanup: () => Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'privgate-import-'));
      const path = join(dir, 'gateway.sqlite');
      const store = openSqliteStore({ path });
      return {
        store,
        peer: async () => openSqliteStore({ path }),
        cleanup: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];
if (pgUrl) {
  backends.push({
    name: 'postgres',
    async open() {
      const schema = `privgate_import_${randomBytes(6).toString('hex')}`;
      const store = await openPostgresStore({ connectionString: pgUrl, schema, maxConnections: 3 });
      return {
        store,
        peer: () => openPostgresStore({ connectionString: pgUrl, schema, maxConnections: 2 }),
        cleanup: async () => {
          await store.close();
          const client = new pg.Client({ connectionString: pgUrl });
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await client.end();
        },
      };
    },
  });
} else {
  console.warn('import tests on PostgreSQL SKIPPED: PRIVGATE_TEST_DATABASE_URL is not set');
}

const DECLARATION = {
  name: 'tax.arrears',
  subject: 'uscc',
  fields: [
    { name: 'uscc', type: 'uscc' },
    { name: 'amount', type: 'decimal', scale: 2, unit: 'CNY fen' },
    { name: 'due_date', type: 'date' },
    { name: 'office', type: 'string', maxLength: 64 },
  ],
};

function uscc(i: number): string {
  const first17 = `9111000${String(i).padStart(10, '0')}`;
  return first17 + usccCheckCharacter(first17);
}

/** CSV text: header on line 1, then one record per line (`count` records) from `from`. */
function arrearsCsv(from: number, count: number, header = true): string {
  let text = header ? formatCsvRecord(['uscc', 'amount', 'due_date', 'office']) : '';
  for (let i = from; i < from + count; i++) {
    text += formatCsvRecord([
      uscc(i),
      `${i}.${String(i % 100).padStart(2, '0')}`,
      '2024-06-30',
      `税务分局 ${i % 7}`,
    ]);
  }
  return text;
}

/** Cuts text into UTF-8 byte chunks of `size`, splitting multi-byte characters on purpose. */
function byteChunks(text: string, size: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

async function importError(promise: Promise<unknown>): Promise<GatewayError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(err)}`);
  return err;
}

for (const backend of backends) {
  describe(`record import (${backend.name})`, () => {
    let store: GatewayStore;
    let peer: () => Promise<GatewayStore>;
    let cleanup: () => Promise<void>;
    const dirs: string[] = [];

    beforeEach(async () => {
      ({ store, peer, cleanup } = await backend.open());
      await declareDataset(store, DECLARATION);
    });
    afterEach(async () => {
      await cleanup();
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    });

    it('imports CSV streamed in small byte chunks, encoding values and salting every record', async () => {
      const csv = `\uFEFF${arrearsCsv(0, 500)}`;
      const report = await importRecords(store, 'tax.arrears', byteChunks(csv, 97), { format: 'csv' });
      expect(report).toMatchObject({ imported: 500, firstRowNumber: 0, recordCount: 500 });
      expect(report.bytes).toBe(new TextEncoder().encode(csv).length);

      const rows = await store.listRecords('tax.arrears', { limit: 500 });
      expect(rows).toHaveLength(500);
      expect(rows[123]).toMatchObject({
        rowNumber: 123,
        subjectId: uscc(123),
        values: { amount: '12323', due_date: '20240630', office: '税务分局 4' },
      });
      const salts = new Set(rows.map((r) => Buffer.from(r.salt).toString('hex')));
      expect(salts.size).toBe(500);
      for (const row of rows) expect(row.salt).toHaveLength(31);
    });

    it('reports a bad row at line 7,342 of 10,000 exactly, and applies nothing of that import', async () => {
      await importRecords(store, 'tax.arrears', [arrearsCsv(0, 100)], { format: 'csv' });
      const lines = arrearsCsv(1000, 9999).split('\r\n');
      // Line 7,342 of the file is index 7,341: an amount with three decimal places.
      lines[7341] = `${uscc(8340)},12.345,2024-06-30,bad row`;
      // A quoted field spanning two lines earlier in the file must not shift the count.
      lines[99] = `${uscc(1098)},1.00,2024-06-30,"first line`;
      lines[100] = `second line"`;
      const text = lines.join('\r\n');
      expect(text.split('\r\n')).toHaveLength(10_001); // 10,000 lines and the final line break

      const dir = mkdtempSync(join(tmpdir(), 'privgate-import-file-'));
      dirs.push(dir);
      const file = join(dir, 'arrears.csv');
      writeFileSync(file, text);
      const err = await importError(importRecordsFromFile(store, 'tax.arrears', file));
      expect(err.code).toBe('IMPORT_BAD_ROW');
      expect(err.context).toEqual({
        dataset: 'tax.arrears',
        line: 7342,
        field: 'amount',
        reason: 'has more than 2 decimal places',
      });
      expect(await store.countRecords('tax.arrears')).toBe(100);
      expect((await store.listRecords('tax.arrears', { afterRow: 98 })).map((r) => r.rowNumber)).toEqual([
        99,
      ]);

      // Fixed, the same file imports in full, after the 100 earlier rows.
      lines[7341] = `${uscc(8340)},12.34,2024-06-30,fixed row`;
      writeFileSync(file, lines.join('\r\n'));
      const report = await importRecordsFromFile(store, 'tax.arrears', file);
      expect(report).toMatchObject({ imported: 9998, firstRowNumber: 100, recordCount: 10_098 });
    });

    it('lets a concurrent reader see either none or all of an import', async () => {
      await importRecords(store, 'tax.arrears', [arrearsCsv(0, 10)], { format: 'csv' });
      const other = await peer();
      const seen: number[] = [];
      const text = arrearsCsv(100, 3000);
      async function* source(): AsyncGenerator<string> {
        for (let i = 0; i < text.length; i += 8192) {
          yield text.slice(i, i + 8192);
          seen.push(await store.countRecords('tax.arrears'), await other.countRecords('tax.arrears'));
          seen.push((await other.listRecords('tax.arrears', { limit: 10_000 })).length);
        }
      }
      try {
        const report = await importRecords(store, 'tax.arrears', source(), { format: 'csv', batchSize: 250 });
        expect(report.imported).toBe(3000);
        expect(seen.length).toBeGreaterThan(30);
        expect(new Set(seen)).toEqual(new Set([10]));
        expect(await other.countRecords('tax.arrears')).toBe(3010);
        expect(await other.listRecords('tax.arrears', { limit: 10_000 })).toHaveLength(3010);
      } finally {
        await other.close();
      }
    });

    it('imports JSON lines with string and exact numeric values', async () => {
      const jsonl = [
        JSON.stringify({ uscc: uscc(1), amount: '10.50', due_date: '2024-01-31', office: 'a' }),
        '',
        JSON.stringify({ uscc: uscc(2), amount: 7, due_date: '2024-02-29', office: 'b' }),
        `${JSON.stringify({ uscc: uscc(3), amount: 0.25, due_date: '2024-03-01', office: 'c' })}\r`,
      ].join('\n');
      const report = await importRecords(store, 'tax.arrears', byteChunks(jsonl, 13), { format: 'jsonl' });
      expect(report.imported).toBe(3);
      const rows = await store.listRecords('tax.arrears');
      expect(rows.map((r) => r.values.amount)).toEqual(['1050', '700', '25']);
    });

    it('names the line of malformed JSON, of a non-object line and of an imprecise number', async () => {
      const good = JSON.stringify({ uscc: uscc(1), amount: '1', due_date: '2024-01-31', office: 'a' });
      const cases: [string, number, string | undefined, RegExp][] = [
        [`${good}\n${good}\n{"uscc": oops}\n`, 3, undefined, /not valid JSON/],
        [`${good}\n[1,2]\n`, 2, undefined, /JSON object/],
        [`${good}\n${good.replace('"1"', '12345678901234567.5')}\n`, 2, 'amount', /precision/],
        [`${good}\n${good.replace('"office":"a"', '"office":"a","rank":1')}\n`, 2, 'rank', /not a field/],
      ];
      for (const [text, line, field, reason] of cases) {
        const err = await importError(importRecords(store, 'tax.arrears', [text], { format: 'jsonl' }));
        expect(err.code).toBe('IMPORT_BAD_ROW');
        const context = (err as GatewayError<'IMPORT_BAD_ROW'>).context;
        expect([context.line, context.field]).toEqual([line, field]);
        expect(context.reason).toMatch(reason);
      }
      expect(await store.countRecords('tax.arrears')).toBe(0);
    });

    it('checks the CSV header against the declaration', async () => {
      const cases: [string, string, RegExp][] = [
        ['uscc,amount,due_date\r\n', 'office', /lacks/],
        ['uscc,amount,due_date,office,rank\r\n', 'rank', /not a field/],
        ['uscc,amount,amount,office\r\n', 'amount', /twice/],
      ];
      for (const [header, field, reason] of cases) {
        const err = await importError(importRecords(store, 'tax.arrears', [header], { format: 'csv' }));
        expect(err.context).toMatchObject({ line: 1, field });
        expect((err as GatewayError<'IMPORT_BAD_ROW'>).context.reason).toMatch(reason);
      }
      const empty = await importError(importRecords(store, 'tax.arrears', [''], { format: 'csv' }));
      expect(empty.context).toMatchObject({ line: 1, reason: expect.stringMatching(/header/) });
      // Columns in another order are fine.
      const reordered = `office,due_date,uscc,amount\r\nx,2024-01-01,${uscc(5)},3\r\n`;
      expect((await importRecords(store, 'tax.arrears', [reordered], { format: 'csv' })).imported).toBe(1);
      expect((await store.listRecords('tax.arrears'))[0]?.values).toEqual({
        amount: '300',
        due_date: '20240101',
        office: 'x',
      });
    });

    it('reports the first bad row even when a CSV syntax error follows it in the same chunk', async () => {
      const text = `${arrearsCsv(0, 3)}${uscc(9)},-1,2024-01-01,x\r\n${uscc(10)},1,2024-01-01,"open`;
      const err = await importError(importRecords(store, 'tax.arrears', [text], { format: 'csv' }));
      expect(err.context).toMatchObject({ line: 5, field: 'amount', reason: 'must not be negative' });
      const syntax = await importError(
        importRecords(store, 'tax.arrears', [`${arrearsCsv(0, 3)}${uscc(10)},1,"2024-01-01"x,y\r\n`], {
          format: 'csv',
        }),
      );
      expect(syntax.context).toMatchObject({
        line: 5,
        field: 'due_date',
        reason: expect.stringMatching(/after a closing quote/),
      });
      const count = await importError(
        importRecords(store, 'tax.arrears', [`${arrearsCsv(0, 2)}${uscc(10)},1\r\n`], { format: 'csv' }),
      );
      expect(count.context).toMatchObject({ line: 4, reason: 'expected 4 fields, got 2' });
    });

    it('refuses invalid UTF-8, input over the size limit, and stops when aborted; nothing applied', async () => {
      const bad = new Uint8Array([...new TextEncoder().encode(arrearsCsv(0, 2)), 0xff, 0xfe, 0x0a]);
      const utf8 = await importError(importRecords(store, 'tax.arrears', [bad], { format: 'csv' }));
      expect(utf8.context).toMatchObject({ reason: 'not valid UTF-8' });

      const big = arrearsCsv(0, 2000);
      const tooLarge = await importError(
        importRecords(store, 'tax.arrears', byteChunks(big, 4096), { format: 'csv', maxBytes: 10_000 }),
      );
      expect(tooLarge.code).toBe('IMPORT_TOO_LARGE');
      expect(tooLarge.context).toEqual({ dataset: 'tax.arrears', limitBytes: 10_000 });

      const controller = new AbortController();
      async function* aborting(): AsyncGenerator<string> {
        yield arrearsCsv(0, 10);
        controller.abort(new Error('operator cancelled'));
        yield arrearsCsv(10, 10, false);
      }
      await expect(
        importRecords(store, 'tax.arrears', aborting(), {
          format: 'csv',
          signal: controller.signal,
          batchSize: 3,
        }),
      ).rejects.toThrow('operator cancelled');
      expect(await store.countRecords('tax.arrears')).toBe(0);
    });

    it('answers DATASET_UNKNOWN for an undeclared dataset', async () => {
      const err = await importError(importRecords(store, 'no.such', [''], { format: 'csv' }));
      expect(err.code).toBe('DATASET_UNKNOWN');
    });

    it('reports progress with rising row counts and one final call', async () => {
      const calls: ImportProgress[] = [];
      const source: ImportSource = byteChunks(arrearsCsv(0, 1000), 2048);
      await importRecords(store, 'tax.arrears', source, {
        format: 'csv',
        progressEveryRows: 200,
        totalBytes: 1,
        onProgress: (p) => calls.push(p),
      });
      expect(calls.length).toBeGreaterThanOrEqual(5);
      const rows = calls.map((c) => c.rows);
      expect(rows).toEqual([...rows].sort((a, b) => a - b));
      expect(calls.filter((c) => c.done)).toHaveLength(1);
      expect(calls.at(-1)).toMatchObject({ rows: 1000, done: true, totalBytes: 1 });
      expect(calls.at(-1)!.rowsPerSecond).toBeGreaterThan(0);
    });

    it('replaces a dataset’s records in replace mode', async () => {
      await importRecords(store, 'tax.arrears', [arrearsCsv(0, 20)], { format: 'csv' });
      const report = await importRecords(store, 'tax.arrears', [arrearsCsv(500, 5)], {
        format: 'csv',
        mode: 'replace',
      });
      expect(report).toMatchObject({ mode: 'replace', imported: 5, firstRowNumber: 0, recordCount: 5 });
      expect((await store.listRecords('tax.arrears')).map((r) => r.subjectId)).toEqual(
        [500, 501, 502, 503, 504].map(uscc),
      );
    });
  });
}
