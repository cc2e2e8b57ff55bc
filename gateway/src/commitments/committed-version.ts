/**
 * One committed version of a dataset as this gateway keeps it: the tree (`<v>.tree`), the committed rows
 * (`<v>.rows`: the subject, measure value and salt of every leaf, 64 bytes per row) and a metadata file
 * (`<v>.json`). Rows are kept per version rather than read back from the store, whose records may since
 * have been appended to or replaced: any anchored version can prove its records for as long as its files
 * are kept.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { DatasetRecord, MerklePath, PoseidonHasher } from '@privgate/circuits';
import { CommitmentTree } from './commitment-tree.ts';
import { CommitmentError } from './errors.ts';
import type { SubjectPseudonyms } from './subject-id.ts';
import { bytesToField } from './subject-id.ts';

/** Bytes per committed row: code 18 ‖ value u64 BE 8 ‖ salt 31 ‖ 7 zero bytes. */
export const ROW_BYTES = 64;

/** What a version's metadata file says. */
export interface VersionMeta {
  dataset: string;
  version: number;
  /** Root as 0x-prefixed 64-digit hex. */
  root: string;
  recordCount: number;
  schemaHash: string;
  measureField: string;
  /** Decimal. */
  fieldId: string;
  depth: number;
  /** False when some subject has more than one row (such a dataset cannot back a per-subject figure). */
  uniqueSubjects: boolean;
  createdAt: string;
}

/** A record with its path, ready for RecordInclusion. */
export interface RecordWitnessParts {
  row: number;
  record: DatasetRecord;
  path: MerklePath;
}

/** Hex form of a root as metadata and the store keep it. */
export function rootHex(root: bigint): string {
  return `0x${root.toString(16).padStart(64, '0')}`;
}

/** Writes row `i` of a rows buffer. */
export function writeRow(rows: Buffer, i: number, uscc: string, value: bigint, salt: Uint8Array): void {
  const o = i * ROW_BYTES;
  rows.write(uscc, o, 18, 'ascii');
  rows.writeBigUInt64BE(value, o + 18);
  rows.set(salt.subarray(0, 31), o + 26);
}

/** A loaded version. */
export class CommittedVersion {
  readonly meta: VersionMeta;
  readonly tree: CommitmentTree;
  readonly #rows: Buffer;
  readonly fieldId: bigint;
  #index: Map<string, number> | undefined;

  constructor(meta: VersionMeta, tree: CommitmentTree, rows: Buffer) {
    this.meta = meta;
    this.tree = tree;
    this.#rows = rows;
    this.fieldId = BigInt(meta.fieldId);
  }

  get root(): bigint {
    return this.tree.root;
  }

  /** The subject code of a row. */
  subjectAt(row: number): string {
    return this.#rows.toString('ascii', row * ROW_BYTES, row * ROW_BYTES + 18);
  }

  /** The row of a subject's (first) record, if it has one. */
  rowOf(uscc: string): number | undefined {
    if (this.#index === undefined) {
      const index = new Map<string, number>();
      for (let i = this.meta.recordCount - 1; i >= 0; i--) index.set(this.subjectAt(i), i);
      this.#index = index;
    }
    return this.#index.get(uscc.toUpperCase());
  }

  /**
   * The committed record of row `row` and its path.
   * @throws {RangeError} for a row outside the version.
   */
  witness(row: number, pseudonyms: SubjectPseudonyms): RecordWitnessParts {
    if (!Number.isInteger(row) || row < 0 || row >= this.meta.recordCount)
      throw new RangeError(`no row ${row}`);
    const o = row * ROW_BYTES;
    const record: DatasetRecord = {
      subjectId: pseudonyms.of(this.subjectAt(row)),
      fieldId: this.fieldId,
      value: this.#rows.readBigUInt64BE(o + 18),
      salt: bytesToField(this.#rows.subarray(o + 26, o + 57)),
    };
    return { row, record, path: this.tree.path(row) };
  }

  /** Writes the three files under `base` (`base.tree`, `base.rows`, `base.json`). */
  static async save(base: string, meta: VersionMeta, tree: CommitmentTree, rows: Buffer): Promise<void> {
    await tree.save(`${base}.tree`);
    await writeFile(`${base}.rows.tmp`, rows);
    await rename(`${base}.rows.tmp`, `${base}.rows`);
    await writeFile(`${base}.json.tmp`, `${JSON.stringify(meta, null, 2)}\n`);
    await rename(`${base}.json.tmp`, `${base}.json`);
  }

  /**
   * Loads the files under `base` and checks the tree's root against the metadata.
   * @throws {CommitmentError} `COMMITMENT_FILES_MISSING`, `COMMITMENT_MISMATCH`.
   */
  static async load(
    base: string,
    hasher: PoseidonHasher,
    expect: { dataset: string; version: number },
  ): Promise<CommittedVersion> {
    let meta: VersionMeta;
    let tree: CommitmentTree;
    let rows: Buffer;
    try {
      meta = JSON.parse(await readFile(`${base}.json`, 'utf8')) as VersionMeta;
      tree = await CommitmentTree.load(`${base}.tree`, hasher);
      rows = await readFile(`${base}.rows`);
    } catch (err) {
      throw new CommitmentError(
        'COMMITMENT_FILES_MISSING',
        `version ${expect.version} of ${expect.dataset} cannot be read`,
        {
          ...expect,
          reason: err instanceof Error ? err.message : String(err),
        },
      );
    }
    const actual = rootHex(tree.root);
    if (
      actual !== meta.root ||
      rows.length !== meta.recordCount * ROW_BYTES ||
      tree.size !== meta.recordCount
    ) {
      throw new CommitmentError(
        'COMMITMENT_MISMATCH',
        `files of ${expect.dataset} v${expect.version} disagree`,
        {
          ...expect,
          expected: meta.root,
          actual,
        },
      );
    }
    return new CommittedVersion(meta, tree, rows);
  }
}
