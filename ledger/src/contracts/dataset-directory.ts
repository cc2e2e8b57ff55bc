/**
 * Dataset directory: a gateway anchors each version of a dataset it serves, committing to its content by
 * the Poseidon Merkle root the circuits prove inclusion against.
 *
 *   payload = [dataset, schemaHash, recordCount, poseidonRoot, version]
 *     dataset       identifier
 *     schemaHash    bstr 32 (SM3 of the dataset's schema document)
 *     recordCount   uint
 *     poseidonRoot  bstr 32, a BN254 scalar-field element, big-endian (below r)
 *     version       uint ≥ 1, strictly greater than the latest anchored version
 *
 * The first gateway to anchor a dataset owns it; only the owner anchors later versions. Every version
 * stays readable (`readDatasetVersion`).
 */
import { type CborValue, readTuple } from '../codec/canonical.ts';
import { TxKind } from '../tx/codec.ts';
import { LedgerError } from '../tx/errors.ts';
import { readDigest, readIdentifier, readUint } from '../tx/readers.ts';
import type { Contract } from './interface.ts';
import {
  datasetHeadKey,
  datasetVersionKey,
  encodeDatasetHead,
  encodeDatasetVersion,
  readDatasetHead,
} from './tables.ts';

/** BN254 scalar field modulus r (the field of circom signals and Poseidon). */
export const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** A dataset version to anchor. */
export interface DatasetAnchor {
  readonly dataset: string;
  readonly schemaHash: Uint8Array;
  readonly recordCount: number;
  readonly poseidonRoot: Uint8Array;
  readonly version: number;
}

/** Reads a 32-byte big-endian BN254 scalar-field element. @throws {LedgerError} `TX_MALFORMED`. */
export function readFieldElement(value: CborValue | undefined, what: string): Uint8Array {
  const bytes = readDigest(value, what);
  if (BigInt(`0x${Buffer.from(bytes).toString('hex')}`) >= BN254_R) {
    throw new LedgerError('TX_MALFORMED', `${what}: not below the BN254 scalar field modulus`);
  }
  return bytes;
}

/** The payload tuple of an anchor. */
export function datasetAnchorPayload(a: DatasetAnchor): CborValue[] {
  return [a.dataset, a.schemaHash, a.recordCount, a.poseidonRoot, a.version];
}

/** The dataset directory contract. */
export const datasetDirectory: Contract<DatasetAnchor> = {
  kind: TxKind.datasetAnchor,

  decode(payload) {
    const f = readTuple(payload, 5, 'anchor');
    const version = readUint(f[4], 'anchor.version');
    if (version < 1) throw new LedgerError('TX_MALFORMED', 'anchor.version: versions start at 1');
    return {
      dataset: readIdentifier(f[0], 'anchor.dataset'),
      schemaHash: readDigest(f[1], 'anchor.schemaHash'),
      recordCount: readUint(f[2], 'anchor.recordCount'),
      poseidonRoot: readFieldElement(f[3], 'anchor.poseidonRoot'),
      version,
    };
  },

  async apply(ctx, a) {
    if (!ctx.sender.roles.includes('gateway')) {
      throw new LedgerError('TX_FORBIDDEN', `${ctx.sender.id} is not a gateway`, { sender: ctx.sender.id });
    }
    const head = await readDatasetHead(ctx.state, a.dataset);
    if (head !== undefined) {
      if (head.owner !== ctx.sender.id) {
        throw new LedgerError('TX_FORBIDDEN', `${a.dataset} is owned by ${head.owner}`, {
          dataset: a.dataset,
          owner: head.owner,
        });
      }
      if (a.version <= head.latestVersion) {
        throw new LedgerError('DATASET_VERSION_STALE', `${a.dataset} is at version ${head.latestVersion}`, {
          dataset: a.dataset,
          latest: head.latestVersion,
          version: a.version,
        });
      }
    }
    ctx.state.put(
      datasetHeadKey(a.dataset),
      encodeDatasetHead({
        dataset: a.dataset,
        owner: ctx.sender.id,
        latestVersion: a.version,
        versionCount: (head?.versionCount ?? 0) + 1,
      }),
    );
    ctx.state.append(
      datasetVersionKey(a.dataset, a.version),
      encodeDatasetVersion({
        ...a,
        anchoredBy: ctx.sender.id,
        height: ctx.env.height,
        timestamp: ctx.env.timestamp,
        txId: ctx.tx.id,
      }),
    );
  },
};
