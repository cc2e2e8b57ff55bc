/**
 * The synthetic economy as the ministries would hand it over: one declaration and one file (CSV per
 * RFC 4180, or JSON lines) per dataset, in the form `POST /v1/datasets` and
 * `POST /v1/datasets/:name/records` take. Amounts are written in yuan with two decimals (the declarations'
 * `decimal` scale 2), so the stored integers are the economy's fen.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type DatasetDeclarationInput, formatCsvRecord } from '../datasets/index.ts';
import { METRIC_DATASETS, registeredCapitalOf, type SyntheticData } from './economy.ts';

/** The market registry: every enterprise and its registered capital. */
export const REGISTRY_DATASET = 'market.enterprises';
/** The ownership graph: owner → owned, share in basis points. */
export const OWNERSHIP_DATASET = 'market.ownership';

/** The ministries of the synthetic consortium. */
export const MINISTRIES = ['market', 'tax', 'customs', 'bank'] as const;
export type Ministry = (typeof MINISTRIES)[number];

/** Which ministry holds which dataset. */
export const DATASET_HOLDERS: Readonly<Record<string, Ministry>> = {
  [REGISTRY_DATASET]: 'market',
  [OWNERSHIP_DATASET]: 'market',
  'tax.arrears': 'tax',
  'customs.penalties': 'customs',
  'bank.loans': 'bank',
  'fx.violations': 'bank',
};

const METRIC_TITLES: Record<string, string> = {
  'tax.arrears': 'Tax arrears',
  'customs.penalties': 'Customs penalties',
  'bank.loans': 'Outstanding bank loans',
  'fx.violations': 'Foreign-exchange violation fines',
};

/** The declarations of the synthetic datasets, by name. */
export function syntheticDeclarations(): Record<string, DatasetDeclarationInput> {
  const out: Record<string, DatasetDeclarationInput> = {
    [REGISTRY_DATASET]: {
      name: REGISTRY_DATASET,
      title: 'Enterprise registry',
      subject: 'enterprise',
      fields: [
        { name: 'enterprise', type: 'uscc' },
        { name: 'registered_capital', type: 'int64', unit: 'CNY' },
      ],
    },
    [OWNERSHIP_DATASET]: {
      name: OWNERSHIP_DATASET,
      title: 'Shareholdings between enterprises',
      subject: 'owner',
      fields: [
        { name: 'owner', type: 'uscc' },
        { name: 'owned', type: 'uscc' },
        { name: 'share_bp', type: 'int64', unit: 'basis points' },
      ],
    },
  };
  for (const dataset of METRIC_DATASETS) {
    out[dataset] = {
      name: dataset,
      title: METRIC_TITLES[dataset]!,
      subject: 'enterprise',
      fields: [
        { name: 'enterprise', type: 'uscc' },
        { name: 'amount', type: 'decimal', scale: 2, unit: 'CNY' },
      ],
    };
  }
  return out;
}

/** Fen as yuan with two decimals: 123456n → "1234.56". */
export function fenToYuan(fen: bigint): string {
  if (fen < 0n) throw new RangeError('fenToYuan: negative amount');
  return `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`;
}

/** The rows of a synthetic dataset, field name → text, in file order. */
export function* syntheticRows(data: SyntheticData, dataset: string): Generator<Record<string, string>> {
  if (dataset === REGISTRY_DATASET) {
    for (let i = 0; i < data.enterprises.length; i++)
      yield { enterprise: data.enterprises[i]!, registered_capital: registeredCapitalOf(i).toString() };
    return;
  }
  if (dataset === OWNERSHIP_DATASET) {
    for (const e of data.edges) yield { owner: e.owner, owned: e.owned, share_bp: String(e.shareBp) };
    return;
  }
  const values = data.metrics[dataset];
  if (values === undefined) throw new RangeError(`syntheticRows: no dataset ${dataset}`);
  for (const [enterprise, fen] of values) yield { enterprise, amount: fenToYuan(fen) };
}

/** A written dataset file. */
export interface SyntheticFile {
  dataset: string;
  holder: Ministry;
  format: 'csv' | 'jsonl';
  path: string;
  rows: number;
  bytes: number;
}

/**
 * Writes one file per synthetic dataset into `dir` (created if missing), `<dataset>.csv` or
 * `<dataset>.jsonl`, in chunks so a large economy never builds one big string.
 */
export function writeSyntheticFiles(
  data: SyntheticData,
  dir: string,
  options: { format?: 'csv' | 'jsonl'; datasets?: readonly string[] } = {},
): SyntheticFile[] {
  const format = options.format ?? 'csv';
  const declarations = syntheticDeclarations();
  const datasets = options.datasets ?? Object.keys(declarations);
  mkdirSync(dir, { recursive: true });
  const files: SyntheticFile[] = [];
  for (const dataset of datasets) {
    const declaration = declarations[dataset];
    if (declaration === undefined) throw new RangeError(`writeSyntheticFiles: no dataset ${dataset}`);
    const names = declaration.fields.map((f) => f.name);
    const path = join(dir, `${dataset}.${format}`);
    const fd = openSync(path, 'w', 0o600);
    let rows = 0;
    let bytes = 0;
    let chunk: string[] = [];
    const flush = () => {
      const text = chunk.join('');
      bytes += writeSync(fd, text);
      chunk = [];
    };
    try {
      if (format === 'csv') chunk.push(formatCsvRecord(names));
      for (const row of syntheticRows(data, dataset)) {
        chunk.push(
          format === 'csv'
            ? formatCsvRecord(names.map((n) => row[n]!))
            : `${JSON.stringify(Object.fromEntries(names.map((n) => [n, row[n]!])))}\n`,
        );
        rows++;
        if (chunk.length >= 10_000) flush();
      }
      flush();
    } finally {
      closeSync(fd);
    }
    files.push({ dataset, holder: DATASET_HOLDERS[dataset]!, format, path, rows, bytes });
  }
  return files;
}
