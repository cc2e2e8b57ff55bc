/**
 * Keys and value schemas of the contracts' state tables. Every value is canonical CBOR; the tuples are:
 *
 *   account        0x01 ‖ orgId                → [nonce]
 *   org            0x02 ‖ orgId                → [publicKey / null, roles, version, name / null]
 *   vkey           0x03 ‖ circuit              → [vkeyHash, version]
 *   policy         0x04 ‖ policyId             → [agency, queryKind, datasets, purpose, disclosure,
 *                                                 maxQueries, windowMs, enabled, version]
 *   datasetHead    0x05 ‖ dataset              → [owner, latestVersion, versionCount]
 *   openQuery      0x06 ‖ queryId              → [requester, policyId, queryKind, datasets, purpose, disclosure, height]
 *   rateWindow     0x07 ‖ policyId             → [windowStart, count]
 *   registry       0x08 ‖ "validators"         → [orgId, ...] ascending
 *   nullifier      0x41 ‖ nullifier            → [height]
 *   datasetVersion 0x42 ‖ dataset ‖ 0x00 ‖ u64 version → [schemaHash, recordCount, poseidonRoot, anchoredBy, height, timestamp, txId]
 *   vkeyBytes      0x43 ‖ vkeyHash             → the verification key's bytes (raw)
 *   proof          0x44 ‖ txId                 → [circuit, vkeyHash, SM3(signals), submitter, height, context / null]
 *   auditEvent     0x45 ‖ queryId ‖ seq u8     → seq 0: [1, requester, policyId, queryKind, datasets, purpose, disclosure, height, timestamp]
 *                                                 seq 1: [2, gateway, resultCommitment, proofIds, height, timestamp]
 *                                                     or [3, gateway, reason, height, timestamp]
 *   governance     0x46 ‖ txId                 → [kind, target, version, approvers]   (every quorum change)
 */
import {
  type CborValue,
  decodeCanonical,
  encodeCanonical,
  readBytes,
  readInt,
  readList,
  readTuple,
} from '../codec/canonical.ts';
import type { StateReader } from '../state/interface.ts';
import { Namespace, stateKey } from '../state/keys.ts';
import { u64be } from '../tx/bytes.ts';
import { LedgerError } from '../tx/errors.ts';
import { readDigest, readFreeText, readIdentifier, readIdentifierSet, readUint } from '../tx/readers.ts';

/** Roles an organisation can hold. */
export const ROLES = ['agency', 'auditor', 'gateway', 'validator'] as const;
/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** Disclosure a policy allows: an aggregate figure, or a yes/no verdict. */
export const Disclosure = { aggregate: 1, verdict: 2 } as const;
/** One of the {@link Disclosure} numbers. */
export type Disclosure = (typeof Disclosure)[keyof typeof Disclosure];

/** Largest purpose text, in bytes. */
export const MAX_PURPOSE_BYTES = 256;
/** Most datasets a policy or query names. */
export const MAX_POLICY_DATASETS = 32;

const encode = (v: CborValue): Uint8Array => encodeCanonical(v);

/** Decodes a stored value; a stored value that does not parse means the store is corrupt. */
function stored<T>(bytes: Uint8Array, what: string, read: (v: CborValue) => T): T {
  try {
    return read(decodeCanonical(bytes, 1 << 20, what));
  } catch (err) {
    throw new LedgerError('STATE_CORRUPT', `${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// --- accounts -------------------------------------------------------------------------------------

/** Key of a sender's committed nonce. */
export const accountKey = (orgId: string): Uint8Array => stateKey(Namespace.account, orgId);

/** The last nonce a sender used (0 if it never sent). */
export async function readNonce(state: StateReader, orgId: string): Promise<number> {
  const bytes = await state.get(accountKey(orgId));
  return bytes === undefined
    ? 0
    : stored(bytes, 'account', (v) => readUint(readTuple(v, 1, 'account')[0], 'nonce'));
}

/** The last nonces of several senders in one read (0 for a sender that never sent). */
export async function readNonces(state: StateReader, orgIds: readonly string[]): Promise<number[]> {
  const values = await state.getMany(orgIds.map(accountKey));
  return values.map((bytes) =>
    bytes === undefined
      ? 0
      : stored(bytes, 'account', (v) => readUint(readTuple(v, 1, 'account')[0], 'nonce')),
  );
}

/** Encoded account value. */
export const encodeAccount = (nonce: number): Uint8Array => encode([nonce]);

// --- organisations --------------------------------------------------------------------------------

/** A registered organisation. A removed one keeps a record (no key, no roles) so its version keeps counting. */
export interface OrgRecord {
  readonly id: string;
  readonly publicKey: Uint8Array | null;
  readonly roles: readonly Role[];
  readonly version: number;
  readonly name: string | null;
}

/** Key of an organisation record. */
export const orgKey = (orgId: string): Uint8Array => stateKey(Namespace.org, orgId);

/** Encoded organisation value. */
export function encodeOrg(org: OrgRecord): Uint8Array {
  return encode([org.publicKey, [...org.roles], org.version, org.name]);
}

/** Reads a role list: ascending, distinct, known roles. @throws {CodecError} */
export function readRoles(value: CborValue | undefined, what: string, allowEmpty: boolean): Role[] {
  if (allowEmpty && Array.isArray(value) && value.length === 0) return [];
  const roles = readIdentifierSet(value, ROLES.length, what);
  for (const r of roles) {
    if (!(ROLES as readonly string[]).includes(r))
      throw new LedgerError('TX_MALFORMED', `${what}: unknown role "${r}"`);
  }
  return roles as Role[];
}

/** Decodes an organisation value. */
export function decodeOrg(id: string, bytes: Uint8Array): OrgRecord {
  return stored(bytes, 'org', (v) => {
    const f = readTuple(v, 4, 'org');
    return {
      id,
      publicKey: f[0] === null ? null : readBytes(f[0], 65, 65, 'org.publicKey'),
      roles: readRoles(f[1], 'org.roles', true),
      version: readUint(f[2], 'org.version'),
      name: f[3] === null ? null : readFreeText(f[3], 256, 'org.name'),
    };
  });
}

/** Key of the validator list. */
export const validatorsKey: Uint8Array = stateKey(Namespace.registry, 'validators');

/** Encoded validator list (ascending). */
export const encodeValidators = (ids: readonly string[]): Uint8Array => encode([...ids].sort());

/** Decodes the validator list. */
export function decodeValidators(bytes: Uint8Array): string[] {
  return stored(bytes, 'validators', (v) =>
    readList(v, 10_000, 'validators').map((x, i) => readIdentifier(x, `validators[${i}]`)),
  );
}

// --- verification keys ----------------------------------------------------------------------------

/** The registered verification key of a circuit. */
export interface VkeyRecord {
  readonly circuit: string;
  readonly vkeyHash: Uint8Array;
  readonly version: number;
}

/** Key of a circuit's registered verification key. */
export const vkeyKey = (circuit: string): Uint8Array => stateKey(Namespace.vkey, circuit);
/** Key of a verification key's bytes. */
export const vkeyBytesKey = (vkeyHash: Uint8Array): Uint8Array => stateKey(Namespace.vkeyBytes, vkeyHash);

/** Encoded vkey value. */
export const encodeVkey = (r: VkeyRecord): Uint8Array => encode([r.vkeyHash, r.version]);

/** The registered key of `circuit`, if any. */
export async function readVkey(state: StateReader, circuit: string): Promise<VkeyRecord | undefined> {
  const bytes = await state.get(vkeyKey(circuit));
  if (bytes === undefined) return undefined;
  return stored(bytes, 'vkey', (v) => {
    const f = readTuple(v, 2, 'vkey');
    return { circuit, vkeyHash: readDigest(f[0], 'vkey.hash'), version: readUint(f[1], 'vkey.version') };
  });
}

// --- policies -------------------------------------------------------------------------------------

/** Which agency may run which query kind over which datasets, for which purpose. */
export interface PolicyRecord {
  readonly policyId: string;
  readonly agency: string;
  readonly queryKind: string;
  readonly datasets: readonly string[];
  readonly purpose: string;
  readonly disclosure: Disclosure;
  /** Queries allowed per window. */
  readonly maxQueries: number;
  /** Window length in ms; windows are aligned on multiples of it (block time). */
  readonly windowMs: number;
  readonly enabled: boolean;
  readonly version: number;
}

/** Key of a policy. */
export const policyKey = (policyId: string): Uint8Array => stateKey(Namespace.policy, policyId);

/** Encoded policy value. */
export function encodePolicy(p: PolicyRecord): Uint8Array {
  return encode([
    p.agency,
    p.queryKind,
    [...p.datasets],
    p.purpose,
    p.disclosure,
    p.maxQueries,
    p.windowMs,
    p.enabled ? 1 : 0,
    p.version,
  ]);
}

/** A policy, if set. */
export async function readPolicy(state: StateReader, policyId: string): Promise<PolicyRecord | undefined> {
  const bytes = await state.get(policyKey(policyId));
  if (bytes === undefined) return undefined;
  return stored(bytes, 'policy', (v) => {
    const f = readTuple(v, 9, 'policy');
    return {
      policyId,
      agency: readIdentifier(f[0], 'policy.agency'),
      queryKind: readIdentifier(f[1], 'policy.queryKind'),
      datasets: readIdentifierSet(f[2], MAX_POLICY_DATASETS, 'policy.datasets'),
      purpose: readFreeText(f[3], MAX_PURPOSE_BYTES, 'policy.purpose'),
      disclosure: readInt(f[4], 1, 2, 'policy.disclosure') as Disclosure,
      maxQueries: readUint(f[5], 'policy.maxQueries'),
      windowMs: readUint(f[6], 'policy.windowMs'),
      enabled: readInt(f[7], 0, 1, 'policy.enabled') === 1,
      version: readUint(f[8], 'policy.version'),
    };
  });
}

/** Key of a policy's rate-limit window. */
export const rateWindowKey = (policyId: string): Uint8Array => stateKey(Namespace.rateWindow, policyId);

/** The current window of a policy: [windowStart, count]. */
export async function readRateWindow(
  state: StateReader,
  policyId: string,
): Promise<{ start: number; count: number } | undefined> {
  const bytes = await state.get(rateWindowKey(policyId));
  if (bytes === undefined) return undefined;
  return stored(bytes, 'rateWindow', (v) => {
    const f = readTuple(v, 2, 'rateWindow');
    return { start: readUint(f[0], 'rate.start'), count: readUint(f[1], 'rate.count') };
  });
}

/** Encoded rate window. */
export const encodeRateWindow = (start: number, count: number): Uint8Array => encode([start, count]);

// --- datasets -------------------------------------------------------------------------------------

/** The latest state of an anchored dataset. */
export interface DatasetHead {
  readonly dataset: string;
  readonly owner: string;
  readonly latestVersion: number;
  readonly versionCount: number;
}

/** One anchored version of a dataset. */
export interface DatasetVersion {
  readonly dataset: string;
  readonly version: number;
  readonly schemaHash: Uint8Array;
  readonly recordCount: number;
  readonly poseidonRoot: Uint8Array;
  readonly anchoredBy: string;
  readonly height: number;
  readonly timestamp: number;
  readonly txId: Uint8Array;
}

/** Key of a dataset head. */
export const datasetHeadKey = (dataset: string): Uint8Array => stateKey(Namespace.datasetHead, dataset);
/** Key of one dataset version (versions of a dataset sort by number). */
export const datasetVersionKey = (dataset: string, version: number): Uint8Array =>
  stateKey(Namespace.datasetVersion, dataset, Uint8Array.of(0), u64be(version));

/** Encoded dataset head. */
export const encodeDatasetHead = (h: DatasetHead): Uint8Array =>
  encode([h.owner, h.latestVersion, h.versionCount]);

/** A dataset's head, if anchored. */
export async function readDatasetHead(state: StateReader, dataset: string): Promise<DatasetHead | undefined> {
  const bytes = await state.get(datasetHeadKey(dataset));
  if (bytes === undefined) return undefined;
  return stored(bytes, 'datasetHead', (v) => {
    const f = readTuple(v, 3, 'datasetHead');
    return {
      dataset,
      owner: readIdentifier(f[0], 'head.owner'),
      latestVersion: readUint(f[1], 'head.latestVersion'),
      versionCount: readUint(f[2], 'head.versionCount'),
    };
  });
}

/** Encoded dataset version. */
export function encodeDatasetVersion(d: DatasetVersion): Uint8Array {
  return encode([d.schemaHash, d.recordCount, d.poseidonRoot, d.anchoredBy, d.height, d.timestamp, d.txId]);
}

/** One version of a dataset, if anchored. */
export async function readDatasetVersion(
  state: StateReader,
  dataset: string,
  version: number,
): Promise<DatasetVersion | undefined> {
  const bytes = await state.get(datasetVersionKey(dataset, version));
  if (bytes === undefined) return undefined;
  return stored(bytes, 'datasetVersion', (v) => {
    const f = readTuple(v, 7, 'datasetVersion');
    return {
      dataset,
      version,
      schemaHash: readDigest(f[0], 'version.schemaHash'),
      recordCount: readUint(f[1], 'version.recordCount'),
      poseidonRoot: readDigest(f[2], 'version.poseidonRoot'),
      anchoredBy: readIdentifier(f[3], 'version.anchoredBy'),
      height: readUint(f[4], 'version.height'),
      timestamp: readUint(f[5], 'version.timestamp'),
      txId: readDigest(f[6], 'version.txId'),
    };
  });
}

// --- proofs, queries, nullifiers, governance ------------------------------------------------------

/** Key of a committed proof (by its transaction id). */
export const proofKey = (txId: Uint8Array): Uint8Array => stateKey(Namespace.proof, txId);
/** Key of an open query. */
export const openQueryKey = (queryId: Uint8Array): Uint8Array => stateKey(Namespace.openQuery, queryId);
/** Key of a query's audit event `seq` (0 opened, 1 closed). */
export const auditEventKey = (queryId: Uint8Array, seq: number): Uint8Array =>
  stateKey(Namespace.auditEvent, queryId, Uint8Array.of(seq));
/** Key of a nullifier (built directly: it is on the hot path of nullifier batches). */
export function nullifierKey(nullifier: Uint8Array): Uint8Array {
  const key = new Uint8Array(1 + nullifier.length);
  key[0] = Namespace.nullifier;
  key.set(nullifier, 1);
  return key;
}
/** Key of a governance record. */
export const governanceKey = (txId: Uint8Array): Uint8Array => stateKey(Namespace.governance, txId);

/** Encoded value of any table whose tuple is built by the contract itself. */
export const encodeValue = (v: CborValue): Uint8Array => encode(v);

/** Decodes a stored tuple value (for readers of audit events, proofs and open queries). */
export function decodeValue(bytes: Uint8Array, what: string): readonly CborValue[] {
  return stored(bytes, what, (v) => {
    if (!Array.isArray(v)) throw new TypeError('expected an array');
    return v as readonly CborValue[];
  });
}
