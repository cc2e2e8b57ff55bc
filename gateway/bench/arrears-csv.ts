/**
 * The ingest benchmarks' record file: tax arrears as CSV (USCC with its GB 32100 check character, a
 * decimal amount, a date, an integer and a short text, a fifth of them non-ASCII), deterministic per row,
 * so the in-process and over-HTTP imports read the same bytes.
 */
import { statSync, writeFileSync } from 'node:fs';
import { formatCsvRecord, usccCheckCharacter } from '../src/datasets/index.ts';

/** The declaration the records follow (named `name`). */
export function arrearsDeclaration(name = 'tax.arrears') {
  return {
    name,
    title: 'Tax arrears by taxpayer',
    subject: 'uscc',
    fields: [
      { name: 'uscc', type: 'uscc' },
      { name: 'amount', type: 'decimal', scale: 2, unit: 'CNY fen' },
      { name: 'due_date', type: 'date' },
      { name: 'periods', type: 'int64' },
      { name: 'office', type: 'string', maxLength: 64 },
    ],
  };
}

/** Writes `count` records of tax arrears as CSV to `path`; returns the file's size in bytes. */
export function writeArrearsCsv(path: string, count: number): number {
  const parts: string[] = [formatCsvRecord(['uscc', 'amount', 'due_date', 'periods', 'office'])];
  for (let i = 0; i < count; i++) {
    const first17 = `91${String(110000 + (i % 300_000)).padStart(6, '0')}${String(i).padStart(9, '0')}`;
    parts.push(
      formatCsvRecord([
        first17 + usccCheckCharacter(first17),
        `${(i * 7919) % 10_000_000}.${String(i % 100).padStart(2, '0')}`,
        `20${10 + (i % 15)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
        String(i % 36),
        i % 5 === 0 ? `Branch ${i % 97}, Chaoyang` : `税务分局 ${i % 97}`,
      ]),
    );
  }
  writeFileSync(path, parts.join(''));
  return statSync(path).size;
}
