/**
 * Read models of the committed state for the node's HTTP API: registries, datasets, nullifiers, proofs
 * and the query audit trail, as JSON-ready objects (bytes as lower-case hex). The audit trail has the
 * shape the gateway's `LedgerClient.auditTrail` uses (opened, then answered or failed).
 */
import type { CborValue } from '../codec/canonical.ts';
import {
  auditEventKey,
  Disclosure,
  decodeOrg,
  decodeValue,
  nullifierKey,
  orgKey,
  proofKey,
  readDatasetHead,
  readDatasetVersion,
  readNonce,
  readPolicy,
  readVkey,
} from '../contracts/tables.ts';
import type { StateReader } from '../state/interface.ts';
import { toHex } from '../tx/bytes.ts';

type Json = Record<string, unknown>;

const hexOf = (v: CborValue | undefined): string | null => (v instanceof Uint8Array ? toHex(v) : null);
const optionalHex = (name: string, v: CborValue | undefined): Json =>
  v instanceof Uint8Array ? { [name]: toHex(v) } : {};
const disclosure = (d: number): string => (d === Disclosure.verdict ? 'verdict' : 'aggregate');

/** An organisation with its nonce, or undefined if never registered. */
export async function identityJson(state: StateReader, orgId: string): Promise<Json | undefined> {
  const bytes = await state.get(orgKey(orgId));
  if (bytes === undefined) return undefined;
  const org = decodeOrg(orgId, bytes);
  return {
    id: org.id,
    publicKey: org.publicKey === null ? null : toHex(org.publicKey),
    roles: org.roles,
    name: org.name,
    version: org.version,
    nonce: await readNonce(state, orgId),
  };
}

/** A dataset's head, if anchored. */
export async function datasetJson(state: StateReader, dataset: string): Promise<Json | undefined> {
  const head = await readDatasetHead(state, dataset);
  return head === undefined ? undefined : { ...head };
}

/** One anchored version of a dataset. */
export async function datasetVersionJson(
  state: StateReader,
  dataset: string,
  version: number,
): Promise<Json | undefined> {
  const v = await readDatasetVersion(state, dataset, version);
  if (v === undefined) return undefined;
  return {
    ...v,
    schemaHash: toHex(v.schemaHash),
    poseidonRoot: toHex(v.poseidonRoot),
    txId: toHex(v.txId),
  };
}

/** The verification key registered for a circuit (hash and version). */
export async function vkeyJson(state: StateReader, circuit: string): Promise<Json | undefined> {
  const v = await readVkey(state, circuit);
  return v === undefined ? undefined : { circuit, vkeyHash: toHex(v.vkeyHash), version: v.version };
}

/** A policy. */
export async function policyJson(state: StateReader, policyId: string): Promise<Json | undefined> {
  const p = await readPolicy(state, policyId);
  return p === undefined ? undefined : { ...p, disclosure: disclosure(p.disclosure) };
}

/** Whether a nullifier was registered, and at which height. */
export async function nullifierJson(state: StateReader, nullifier: Uint8Array): Promise<Json> {
  const bytes = await state.get(nullifierKey(nullifier));
  const height = bytes === undefined ? null : decodeValue(bytes, 'nullifier')[0];
  return {
    nullifier: toHex(nullifier),
    seen: bytes !== undefined,
    height: typeof height === 'number' ? height : null,
  };
}

/** A committed proof transaction's record. */
export async function proofJson(state: StateReader, txId: Uint8Array): Promise<Json | undefined> {
  const bytes = await state.get(proofKey(txId));
  if (bytes === undefined) return undefined;
  const f = decodeValue(bytes, 'proof');
  return {
    txId: toHex(txId),
    circuit: f[0],
    vkeyHash: hexOf(f[1]),
    signalsHash: hexOf(f[2]),
    submitter: f[3],
    height: f[4],
    context: hexOf(f[5]),
  };
}

/**
 * The audit trail of a query: [] if never opened, [opened] while open, [opened, answered | failed].
 * Each event names the transaction that wrote it (`txId`), and an answer carries the query record
 * (`record`, hex of its canonical JSON bytes) when the gateway anchored it; events written before those
 * fields existed omit them.
 */
export async function auditTrailJson(state: StateReader, queryId: Uint8Array): Promise<Json[]> {
  const [opened, closed] = await state.getMany([auditEventKey(queryId, 0), auditEventKey(queryId, 1)]);
  const out: Json[] = [];
  if (opened !== undefined) {
    const f = decodeValue(opened, 'auditEvent');
    out.push({
      kind: 'opened',
      requester: f[1],
      policyId: f[2],
      queryKind: f[3],
      datasets: f[4],
      purpose: f[5],
      disclosure: disclosure(f[6] as number),
      height: f[7],
      timestamp: f[8],
      ...optionalHex('txId', f[9]),
    });
  }
  if (closed !== undefined) {
    const f = decodeValue(closed, 'auditEvent');
    if (f[0] === 2) {
      out.push({
        kind: 'answered',
        gateway: f[1],
        resultCommitment: hexOf(f[2]),
        proofIds: (f[3] as readonly CborValue[]).map(hexOf),
        height: f[4],
        timestamp: f[5],
        ...optionalHex('txId', f[6]),
        ...optionalHex('record', f[7]),
      });
    } else {
      out.push({
        kind: 'failed',
        gateway: f[1],
        reason: f[2],
        height: f[3],
        timestamp: f[4],
        ...optionalHex('txId', f[5]),
      });
    }
  }
  return out;
}
