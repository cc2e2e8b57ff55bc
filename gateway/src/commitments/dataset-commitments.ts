/**
 * Dataset commitments: build the Poseidon Merkle tree of a dataset's records, keep the version's files,
 * record the version in the store and anchor {dataset, schemaHash, recordCount, poseidonRoot, version} on
 * the ledger's dataset directory with a transaction signed by the gateway. Every version stays on disk,
 * so records can still be proven against any anchored root, and proofs made against an older root stay
 * checkable against the ledger (which keeps every version).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type PoseidonHasher, TREE_DEPTH } from '@privgate/circuits';
import { datasetAnchorPayload, TxKind } from '@privgate/ledger';
import { parseDeclaration } from '../datasets/index.ts';
import { GatewayError } from '../errors.ts';
import type { LedgerAccount } from '../ledger-client/account.ts';
import type { CommittedTx } from '../ledger-client/interface.ts';
import type { GatewayStore } from '../store/index.ts';
import { CommitmentTree } from './commitment-tree.ts';
import { CommittedVersion, ROW_BYTES, rootHex, type VersionMeta, writeRow } from './committed-version.ts';
import { CommitmentError } from './errors.ts';
import { writeElement } from './field-bytes.ts';
import type { PoseidonPool } from './poseidon-pool.ts';
import { bytesToField, fieldIdOf, measureField, SubjectPseudonyms } from './subject-id.ts';

/** Options of the commitment service. */
export interface DatasetCommitmentsInit {
  /** Directory of the version files (one sub-directory per dataset). */
  dir: string;
  /** The consortium's subject key (see `subject-id.ts`); every gateway uses the same one. */
  subjectKey: Uint8Array;
  /** Tree depth; default the circuits' TREE_DEPTH. */
  depth?: number;
  /** Records read from the store per page (default 10 000). */
  pageSize?: number;
  /** Versions kept loaded (default 8). */
  cacheVersions?: number;
}

/** Collaborators: the store, the gateway's ledger account, a Poseidon pool and a hasher. */
export interface DatasetCommitmentsComponents {
  store: GatewayStore;
  account: LedgerAccount;
  pool: PoseidonPool;
  hasher: PoseidonHasher;
}

/** Where the time of a commit went. */
export interface CommitTimings {
  readMs: number;
  leavesMs: number;
  treeMs: number;
  persistMs: number;
  anchorMs: number;
  totalMs: number;
}

/** What a commit produced. */
export interface CommitResult {
  dataset: string;
  version: number;
  root: bigint;
  recordCount: number;
  schemaHash: string;
  anchor: CommittedTx;
  timings: CommitTimings;
}

/** Options of one commit. */
export interface CommitOptions {
  onProgress?: (
    stage: 'read' | 'leaves' | 'tree' | 'persist' | 'anchor',
    done: number,
    total: number,
  ) => void;
}

const hexToBytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/^0x/, ''), 'hex'));

/** The commitment service of one gateway. */
export class DatasetCommitments {
  readonly pseudonyms: SubjectPseudonyms;
  readonly depth: number;
  readonly #init: DatasetCommitmentsInit;
  readonly #c: DatasetCommitmentsComponents;
  readonly #cache = new Map<string, Promise<CommittedVersion>>();

  constructor(init: DatasetCommitmentsInit, components: DatasetCommitmentsComponents) {
    this.#init = init;
    this.#c = components;
    this.pseudonyms = new SubjectPseudonyms(init.subjectKey);
    this.depth = init.depth ?? TREE_DEPTH;
  }

  #base(dataset: string, version: number): string {
    return join(this.#init.dir, dataset, `v${version}`);
  }

  /**
   * Commits the dataset's current records as a new version and anchors it.
   * @throws {GatewayError} `DATASET_UNKNOWN`, `STORE_UNAVAILABLE`.
   * @throws {CommitmentError} `COMMITMENT_NO_MEASURE`, `COMMITMENT_TOO_LARGE`.
   * @throws {LedgerClientError} when the ledger refuses the anchor (the version stays recorded,
   *   unanchored; {@link anchor} retries it).
   */
  async commit(dataset: string, options: CommitOptions = {}): Promise<CommitResult> {
    const t0 = performance.now();
    const { store, pool, hasher } = this.#c;
    const entry = await store.getDataset(dataset);
    if (entry === undefined)
      throw new GatewayError('DATASET_UNKNOWN', `dataset ${dataset} is not declared`, { dataset });
    const declaration = parseDeclaration(entry.declaration);
    let measure: string;
    try {
      measure = measureField(declaration).name;
    } catch {
      throw new CommitmentError('COMMITMENT_NO_MEASURE', `${dataset} has no numeric field to commit`, {
        dataset,
      });
    }
    const fieldId = fieldIdOf(dataset, measure);
    const count = await store.countRecords(dataset);
    const capacity = 2 ** this.depth;
    if (count > capacity) {
      throw new CommitmentError(
        'COMMITMENT_TOO_LARGE',
        `${dataset} has ${count} records, a tree holds ${capacity}`,
        {
          dataset,
          records: count,
          capacity,
        },
      );
    }

    // Read every record once: leaf inputs (subjectId, fieldId, value, salt) and the committed rows.
    const inputs = new BigUint64Array(count * 16);
    const rows = Buffer.alloc(count * ROW_BYTES);
    const seen = new Set<string>();
    let unique = true;
    let n = 0;
    let afterRow = -1;
    const pageSize = this.#init.pageSize ?? 10_000;
    while (n < count) {
      const page = await store.listRecords(dataset, { afterRow, limit: pageSize });
      if (page.length === 0) break;
      for (const r of page) {
        if (n >= count) break;
        const value = BigInt(r.values[measure] ?? '0');
        writeElement(inputs, n * 4, this.pseudonyms.of(r.subjectId));
        writeElement(inputs, n * 4 + 1, fieldId);
        writeElement(inputs, n * 4 + 2, value);
        writeElement(inputs, n * 4 + 3, bytesToField(r.salt));
        writeRow(rows, n, r.subjectId, value, r.salt);
        if (unique) {
          if (seen.has(r.subjectId)) unique = false;
          else seen.add(r.subjectId);
        }
        n++;
      }
      afterRow = page[page.length - 1]!.rowNumber;
      options.onProgress?.('read', n, count);
    }
    seen.clear();
    const recordCount = n;
    const t1 = performance.now();
    const leaves = await pool.hashGroups(
      recordCount === count ? inputs : inputs.subarray(0, recordCount * 16),
      4,
    );
    options.onProgress?.('leaves', recordCount, recordCount);
    const t2 = performance.now();
    const tree = await CommitmentTree.build(leaves, { depth: this.depth, hasher, pool });
    options.onProgress?.('tree', recordCount, recordCount);
    const t3 = performance.now();

    const root = tree.root;
    const recorded = await store.addCommitmentVersion(dataset, {
      root: rootHex(root),
      recordCount,
      schemaHash: entry.schemaHash,
    });
    const meta: VersionMeta = {
      dataset,
      version: recorded.version,
      root: rootHex(root),
      recordCount,
      schemaHash: entry.schemaHash,
      measureField: measure,
      fieldId: fieldId.toString(),
      depth: this.depth,
      uniqueSubjects: unique,
      createdAt: recorded.createdAt,
    };
    await mkdir(join(this.#init.dir, dataset), { recursive: true });
    await CommittedVersion.save(
      this.#base(dataset, recorded.version),
      meta,
      tree,
      rows.subarray(0, recordCount * ROW_BYTES),
    );
    this.#cache.set(
      `${dataset}\0${recorded.version}`,
      Promise.resolve(new CommittedVersion(meta, tree, rows.subarray(0, recordCount * ROW_BYTES))),
    );
    options.onProgress?.('persist', recordCount, recordCount);
    const t4 = performance.now();
    const anchor = await this.anchor(dataset, recorded.version);
    options.onProgress?.('anchor', 1, 1);
    const t5 = performance.now();
    this.#trimCache();
    return {
      dataset,
      version: recorded.version,
      root,
      recordCount,
      schemaHash: entry.schemaHash,
      anchor,
      timings: {
        readMs: t1 - t0,
        leavesMs: t2 - t1,
        treeMs: t3 - t2,
        persistMs: t4 - t3,
        anchorMs: t5 - t4,
        totalMs: t5 - t0,
      },
    };
  }

  /**
   * Anchors a recorded version on the ledger (dataset directory) and notes the transaction in the store.
   * @throws {GatewayError} `COMMITMENT_UNKNOWN`, `COMMITMENT_ANCHORED`.
   * @throws {LedgerClientError} `LEDGER_TX_REJECTED` (e.g. `DATASET_VERSION_STALE`, `TX_FORBIDDEN`).
   */
  async anchor(dataset: string, version: number): Promise<CommittedTx> {
    const recorded = await this.#c.store.getCommitmentVersion(dataset, version);
    if (recorded === undefined) {
      throw new GatewayError('COMMITMENT_UNKNOWN', `${dataset} has no version ${version}`, {
        dataset,
        version,
      });
    }
    const committed = await this.#c.account.submit(
      TxKind.datasetAnchor,
      datasetAnchorPayload({
        dataset,
        schemaHash: hexToBytes(recorded.schemaHash),
        recordCount: recorded.recordCount,
        poseidonRoot: hexToBytes(recorded.root),
        version,
      }),
    );
    await this.#c.store.markCommitmentAnchored(dataset, version, committed.idHex);
    return committed;
  }

  /**
   * A version's tree and rows (the latest recorded one when `version` is omitted), loaded once and cached.
   * @throws {GatewayError} `COMMITMENT_UNKNOWN`.
   * @throws {CommitmentError} `COMMITMENT_FILES_MISSING`, `COMMITMENT_MISMATCH`.
   */
  async version(dataset: string, version?: number): Promise<CommittedVersion> {
    const v = version ?? (await this.#c.store.getCommitmentVersion(dataset))?.version;
    if (v === undefined)
      throw new GatewayError('COMMITMENT_UNKNOWN', `${dataset} has no commitment`, { dataset, version: 0 });
    const key = `${dataset}\0${v}`;
    let loaded = this.#cache.get(key);
    if (loaded === undefined) {
      loaded = CommittedVersion.load(this.#base(dataset, v), this.#c.hasher, { dataset, version: v });
      loaded.catch(() => this.#cache.delete(key));
      this.#cache.set(key, loaded);
      this.#trimCache();
    }
    return loaded;
  }

  /**
   * The latest version anchored on the ledger by this gateway, loaded and checked against the anchored root.
   * @throws {CommitmentError} `COMMITMENT_NOT_ANCHORED`, `COMMITMENT_MISMATCH`, `COMMITMENT_FILES_MISSING`.
   */
  async anchoredVersion(dataset: string): Promise<CommittedVersion> {
    const head = await this.#c.account.ledger.datasetHead(dataset);
    if (head === undefined || head.owner !== this.#c.account.id) {
      throw new CommitmentError(
        'COMMITMENT_NOT_ANCHORED',
        `${dataset} is not anchored by ${this.#c.account.id}`,
        {
          dataset,
          version: 0,
        },
      );
    }
    const anchored = await this.#c.account.ledger.datasetVersion(dataset, head.latestVersion);
    const loaded = await this.version(dataset, head.latestVersion);
    const expected = `0x${Buffer.from(anchored!.poseidonRoot).toString('hex')}`;
    if (expected !== loaded.meta.root) {
      throw new CommitmentError(
        'COMMITMENT_MISMATCH',
        `${dataset} v${head.latestVersion} differs from its anchor`,
        {
          dataset,
          version: head.latestVersion,
          expected,
          actual: loaded.meta.root,
        },
      );
    }
    return loaded;
  }

  #trimCache(): void {
    const max = this.#init.cacheVersions ?? 8;
    while (this.#cache.size > max) this.#cache.delete(this.#cache.keys().next().value!);
  }
}
