import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatCsvRecord, usccCheckCharacter } from '../../src/datasets/index.ts';
import { ARREARS_DECLARATION, postJson, problemOf, startTestApp, type TestApp } from './harness.ts';

function uscc(i: number): string {
  const first17 = `9144030${String(i).padStart(10, '0')}`;
  return first17 + usccCheckCharacter(first17);
}

function jsonLines(from: number, count: number): string {
  let text = '';
  for (let i = from; i < from + count; i++) {
    text += `${JSON.stringify({ uscc: uscc(i), amount: `${i}.50`, due_date: '2024-12-31' })}\n`;
  }
  return text;
}

function upload(
  app: TestApp,
  body: string | Uint8Array,
  type = 'application/x-ndjson',
  query = '',
): Promise<Response> {
  return fetch(`${app.base}/v1/datasets/tax.arrears/records${query}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body,
  });
}

let app: TestApp;
beforeEach(async () => {
  app = await startTestApp({ recordsBodyBytes: 64 * 1024 });
});
afterEach(async () => {
  await app.close();
});

describe('dataset admin routes', () => {
  it('declares a dataset (201, Location, schema hash) and lists and describes it', async () => {
    const created = await postJson(`${app.base}/v1/datasets`, ARREARS_DECLARATION);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/v1/datasets/tax.arrears');
    const body = (await created.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ name: 'tax.arrears', title: 'Tax arrears', recordCount: 0, versions: [] });
    expect(body.schemaHash).toMatch(/^[0-9a-f]{64}$/);

    const list = (await (await fetch(`${app.base}/v1/datasets`)).json()) as { datasets: unknown[] };
    expect(list.datasets).toEqual([
      {
        name: 'tax.arrears',
        title: 'Tax arrears',
        schemaHash: body.schemaHash,
        createdAt: body.createdAt,
        recordCount: 0,
      },
    ]);

    await app.store.addCommitmentVersion('tax.arrears', {
      root: '0xabc',
      recordCount: 0,
      schemaHash: String(body.schemaHash),
    });
    const details = (await (await fetch(`${app.base}/v1/datasets/tax.arrears`)).json()) as Record<
      string,
      unknown
    >;
    expect(details.declaration).toEqual(ARREARS_DECLARATION);
    expect(details.versions).toEqual([
      expect.objectContaining({ version: 1, root: '0xabc', anchoredTxId: null }),
    ]);
  });

  it('imports JSON lines and CSV uploads, appending, then replacing', async () => {
    await postJson(`${app.base}/v1/datasets`, ARREARS_DECLARATION);
    const first = await upload(app, jsonLines(0, 300));
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      dataset: 'tax.arrears',
      imported: 300,
      firstRowNumber: 0,
      recordCount: 300,
    });

    const csv =
      formatCsvRecord(['uscc', 'amount', 'due_date']) + formatCsvRecord([uscc(900), '1.5', '2025-01-01']);
    const second = await upload(app, csv, 'text/csv; charset=utf-8');
    expect(await second.json()).toMatchObject({ imported: 1, firstRowNumber: 300, recordCount: 301 });
    expect((await app.store.findRecordsBySubject('tax.arrears', uscc(900)))[0]?.values).toEqual({
      amount: '150',
      due_date: '20250101',
    });

    const replaced = await upload(app, jsonLines(1000, 2), 'application/jsonl', '?mode=replace');
    expect(await replaced.json()).toMatchObject({ mode: 'replace', imported: 2, recordCount: 2 });
    const details = (await (await fetch(`${app.base}/v1/datasets/tax.arrears`)).json()) as {
      recordCount: number;
    };
    expect(details.recordCount).toBe(2);
  });

  it('answers a bad row with 422 IMPORT_BAD_ROW (line, field, reason) and keeps the record count', async () => {
    await postJson(`${app.base}/v1/datasets`, ARREARS_DECLARATION);
    await upload(app, jsonLines(0, 10));
    const lines = jsonLines(100, 50).split('\n');
    lines[41] = JSON.stringify({ uscc: uscc(141), amount: '1.50', due_date: '2024-02-30' });
    const response = await upload(app, lines.join('\n'));
    expect(response.status).toBe(422);
    expect(await problemOf(response)).toMatchObject({
      code: 'IMPORT_BAD_ROW',
      dataset: 'tax.arrears',
      line: 42,
      field: 'due_date',
      reason: 'must be a calendar date YYYY-MM-DD (years 1000-9999)',
    });
    expect(await app.store.countRecords('tax.arrears')).toBe(10);
  });

  it('answers an upload over the limit with 413 IMPORT_TOO_LARGE, by length or while streaming', async () => {
    await postJson(`${app.base}/v1/datasets`, ARREARS_DECLARATION);
    const big = jsonLines(0, 2000); // ~150 KB, over the 64 KiB limit
    const declared = await upload(app, big);
    expect(declared.status).toBe(413);
    expect(await problemOf(declared)).toMatchObject({ code: 'IMPORT_TOO_LARGE', limitBytes: 64 * 1024 });

    // Chunked, without Content-Length: the limit is enforced while reading.
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.subarray(i, i + 8192));
        controller.close();
      },
    });
    const streamed = await fetch(`${app.base}/v1/datasets/tax.arrears/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await problemOf(streamed)).code).toBe('IMPORT_TOO_LARGE');
    expect(await app.store.countRecords('tax.arrears')).toBe(0);
  });

  it('answers an upload to an unknown dataset with 404, and of another media type with 415', async () => {
    const unknown = await upload(app, jsonLines(0, 1));
    expect(unknown.status).toBe(404);
    expect((await problemOf(unknown)).code).toBe('DATASET_UNKNOWN');
    await postJson(`${app.base}/v1/datasets`, ARREARS_DECLARATION);
    const wrongType = await upload(app, jsonLines(0, 1), 'application/json');
    expect(wrongType.status).toBe(415);
    expect(await problemOf(wrongType)).toMatchObject({
      code: 'MEDIA_TYPE_UNSUPPORTED',
      accepted: ['application/x-ndjson', 'application/jsonl', 'text/csv'],
    });
  });
});
