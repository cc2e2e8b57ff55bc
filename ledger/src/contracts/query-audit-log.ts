/**
 * Query audit log: every cross-ministry query is opened on the ledger by the requesting agency, checked
 * against the policy registry, and closed by the gateway that ran it, either with a result commitment
 * and the proofs backing it or as failed. Events are append-only; only the set of open queries changes.
 *
 *   payload = [1, queryId, policyId, queryKind, datasets, purpose]        open    (sender: the agency)
 *           | [2, queryId, resultCommitment, proofIds (, record)]          result  (sender: a gateway)
 *           | [3, queryId, reason]                                         failed  (sender: a gateway)
 *     queryId           bstr 32, chosen by the agency (e.g. SM3 of the request), never reused
 *     datasets          ascending identifiers, a subset of the policy's
 *     purpose           text, must equal the policy's purpose
 *     resultCommitment  bstr 32 (e.g. Poseidon commitment of the result, or SM3 of it)
 *     proofIds          [bstr 32, ...] 0..128 distinct ids of committed proof transactions whose context
 *                       is this query
 *     record            optional bstr 2..MAX_QUERY_RECORD_BYTES: the query record, UTF-8 canonical JSON of
 *                       an object with "v": 1 and "queryId": hex of queryId; resultCommitment must then be
 *                       SM3(QUERY_RECORD_DOMAIN ‖ record), so the record on the ledger is the committed one
 *     reason            text 1..256 bytes
 *
 * Opening checks the policy (`POLICY_DENIED` names which rule failed) and its rate limit
 * (`RATE_LIMITED`): at most maxQueries opens per window of windowMs, windows aligned on block time.
 * Every stored event ends with the id of the transaction that wrote it (then the record, for a result),
 * so an auditor can fetch that transaction and check its signature; events stored before these fields
 * existed simply lack them.
 */
import { sm3 } from '@privgate/accel';
import { type CborValue, readBytes, readInt, readList, readTuple } from '../codec/canonical.ts';
import { concatBytes, toHex } from '../tx/bytes.ts';
import { TxKind } from '../tx/codec.ts';
import { LedgerError } from '../tx/errors.ts';
import { readDigest, readFreeText, readIdentifier, readIdentifierSet } from '../tx/readers.ts';
import type { ApplyContext, Contract } from './interface.ts';
import {
  auditEventKey,
  decodeValue,
  encodeRateWindow,
  encodeValue,
  MAX_POLICY_DATASETS,
  MAX_PURPOSE_BYTES,
  openQueryKey,
  proofKey,
  rateWindowKey,
  readPolicy,
  readRateWindow,
} from './tables.ts';

/** Most proofs a result references (a query of 8 metrics over 64 MPC inputs needs at most ~70). */
export const MAX_RESULT_PROOFS = 128;
/** Largest query record a result carries (the whole transaction stays under its 64 KiB limit). */
export const MAX_QUERY_RECORD_BYTES = 56 * 1024;
/** Domain tag of the record digest: resultCommitment = SM3(tag ‖ record) when the record is carried. */
export const QUERY_RECORD_DOMAIN: Uint8Array = new TextEncoder().encode('privgate/query/record/v1\0');

/** An audit log operation. */
export type AuditEntry =
  | {
      readonly op: 'open';
      readonly queryId: Uint8Array;
      readonly policyId: string;
      readonly queryKind: string;
      readonly datasets: readonly string[];
      readonly purpose: string;
    }
  | {
      readonly op: 'result';
      readonly queryId: Uint8Array;
      readonly resultCommitment: Uint8Array;
      readonly proofIds: readonly Uint8Array[];
      /** The query record's canonical JSON bytes (see the file comment); absent in older results. */
      readonly record?: Uint8Array;
    }
  | { readonly op: 'failed'; readonly queryId: Uint8Array; readonly reason: string };

/** The payload tuple of an audit entry. */
export function auditPayload(e: AuditEntry): CborValue[] {
  switch (e.op) {
    case 'open':
      return [1, e.queryId, e.policyId, e.queryKind, [...e.datasets].sort(), e.purpose];
    case 'result':
      return e.record === undefined
        ? [2, e.queryId, e.resultCommitment, [...e.proofIds]]
        : [2, e.queryId, e.resultCommitment, [...e.proofIds], e.record];
    case 'failed':
      return [3, e.queryId, e.reason];
  }
}

/** SM3(QUERY_RECORD_DOMAIN ‖ record): the result commitment of a result that carries its record. */
export function queryRecordDigest(record: Uint8Array): Uint8Array {
  return sm3(concatBytes(QUERY_RECORD_DOMAIN, record));
}

/**
 * Checks a carried record's shape and that the commitment is its digest (cheap: one SM3, one JSON parse).
 * @throws {LedgerError} `TX_MALFORMED`.
 */
function checkRecord(record: Uint8Array, queryId: Uint8Array, resultCommitment: Uint8Array): void {
  const bad = (reason: string) =>
    new LedgerError('TX_MALFORMED', `audit.record: ${reason}`, { field: 'audit.record', reason });
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(record));
  } catch {
    throw bad('not UTF-8 JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('not a JSON object');
  const { v, queryId: named } = parsed as { v?: unknown; queryId?: unknown };
  if (v !== 1) throw bad('not a version 1 record');
  if (named !== toHex(queryId)) throw bad('the record is for another query');
  if (toHex(queryRecordDigest(record)) !== toHex(resultCommitment))
    throw bad('the result commitment is not the record digest');
}

function deny(reason: string, context: Record<string, string>): LedgerError {
  return new LedgerError('POLICY_DENIED', `policy refuses the query: ${reason}`, { reason, ...context });
}

async function open(ctx: ApplyContext, e: Extract<AuditEntry, { op: 'open' }>): Promise<void> {
  if (!ctx.sender.roles.includes('agency')) {
    throw new LedgerError('TX_FORBIDDEN', `${ctx.sender.id} is not an agency`, { sender: ctx.sender.id });
  }
  const [openBytes, openedBefore] = await ctx.state.getMany([
    openQueryKey(e.queryId),
    auditEventKey(e.queryId, 0),
  ]);
  if (openBytes !== undefined || openedBefore !== undefined)
    throw new LedgerError('QUERY_EXISTS', 'query id already used');
  const policy = await readPolicy(ctx.state, e.policyId);
  if (policy === undefined) throw deny('no such policy', { policyId: e.policyId });
  if (!policy.enabled) throw deny('policy disabled', { policyId: e.policyId });
  if (policy.agency !== ctx.sender.id)
    throw deny('policy is for another agency', { policyId: e.policyId, agency: ctx.sender.id });
  if (policy.queryKind !== e.queryKind) throw deny('query kind not allowed', { queryKind: e.queryKind });
  const outside = e.datasets.find((d) => !policy.datasets.includes(d));
  if (outside !== undefined) throw deny('dataset not allowed', { dataset: outside });
  if (policy.purpose !== e.purpose) throw deny('purpose not allowed', { purpose: e.purpose });
  const start = ctx.env.timestamp - (ctx.env.timestamp % policy.windowMs);
  const window = await readRateWindow(ctx.state, e.policyId);
  const used = window !== undefined && window.start === start ? window.count : 0;
  if (used >= policy.maxQueries) {
    throw new LedgerError(
      'RATE_LIMITED',
      `policy ${e.policyId} allows ${policy.maxQueries} queries per window`,
      {
        policyId: e.policyId,
        windowStart: start,
        maxQueries: policy.maxQueries,
      },
    );
  }
  ctx.state.put(rateWindowKey(e.policyId), encodeRateWindow(start, used + 1));
  ctx.state.put(
    openQueryKey(e.queryId),
    encodeValue([
      ctx.sender.id,
      e.policyId,
      e.queryKind,
      [...e.datasets],
      e.purpose,
      policy.disclosure,
      ctx.env.height,
    ]),
  );
  ctx.state.append(
    auditEventKey(e.queryId, 0),
    encodeValue([
      1,
      ctx.sender.id,
      e.policyId,
      e.queryKind,
      [...e.datasets],
      e.purpose,
      policy.disclosure,
      ctx.env.height,
      ctx.env.timestamp,
      ctx.tx.id,
    ]),
  );
}

async function close(ctx: ApplyContext, e: Exclude<AuditEntry, { op: 'open' }>): Promise<void> {
  if (!ctx.sender.roles.includes('gateway')) {
    throw new LedgerError('TX_FORBIDDEN', `${ctx.sender.id} is not a gateway`, { sender: ctx.sender.id });
  }
  const openBytes = await ctx.state.get(openQueryKey(e.queryId));
  if (openBytes === undefined) throw new LedgerError('QUERY_NOT_OPEN', 'query is not open');
  decodeValue(openBytes, 'openQuery');
  let event: CborValue[];
  if (e.op === 'result') {
    const proofs = await ctx.state.getMany(e.proofIds.map(proofKey));
    const missing = proofs.indexOf(undefined);
    if (missing >= 0) {
      throw new LedgerError('PROOF_UNKNOWN', `proof ${toHex(e.proofIds[missing]!)} is not committed`, {
        index: missing,
      });
    }
    const queryHex = toHex(e.queryId);
    const elsewhere = proofs.findIndex((p) => {
      const context = decodeValue(p!, 'proof')[5];
      return !(context instanceof Uint8Array) || toHex(context) !== queryHex;
    });
    if (elsewhere >= 0) {
      throw new LedgerError(
        'PROOF_WRONG_QUERY',
        `proof ${toHex(e.proofIds[elsewhere]!)} is not about this query`,
        { index: elsewhere },
      );
    }
    event = [
      2,
      ctx.sender.id,
      e.resultCommitment,
      [...e.proofIds],
      ctx.env.height,
      ctx.env.timestamp,
      ctx.tx.id,
      ...(e.record === undefined ? [] : [e.record]),
    ];
  } else {
    event = [3, ctx.sender.id, e.reason, ctx.env.height, ctx.env.timestamp, ctx.tx.id];
  }
  ctx.state.delete(openQueryKey(e.queryId));
  ctx.state.append(auditEventKey(e.queryId, 1), encodeValue(event));
}

/** The query audit log contract. */
export const queryAuditLog: Contract<AuditEntry> = {
  kind: TxKind.queryAudit,

  decode(payload) {
    const op = readInt(payload[0], 1, 3, 'audit.op');
    if (op === 1) {
      const f = readTuple(payload, 6, 'audit.open');
      return {
        op: 'open',
        queryId: readDigest(f[1], 'audit.queryId'),
        policyId: readIdentifier(f[2], 'audit.policyId'),
        queryKind: readIdentifier(f[3], 'audit.queryKind'),
        datasets: readIdentifierSet(f[4], MAX_POLICY_DATASETS, 'audit.datasets'),
        purpose: readFreeText(f[5], MAX_PURPOSE_BYTES, 'audit.purpose'),
      };
    }
    if (op === 2) {
      const f = readTuple(payload, payload.length === 5 ? 5 : 4, 'audit.result');
      const proofIds = readList(f[3], MAX_RESULT_PROOFS, 'audit.proofIds').map((p, i) =>
        readDigest(p, `audit.proofIds[${i}]`),
      );
      if (new Set(proofIds.map(toHex)).size !== proofIds.length)
        throw new LedgerError('TX_MALFORMED', 'audit.proofIds: repeated proof id');
      const queryId = readDigest(f[1], 'audit.queryId');
      const resultCommitment = readDigest(f[2], 'audit.result');
      if (f.length === 4) return { op: 'result', queryId, resultCommitment, proofIds };
      const record = readBytes(f[4], 2, MAX_QUERY_RECORD_BYTES, 'audit.record');
      checkRecord(record, queryId, resultCommitment);
      return { op: 'result', queryId, resultCommitment, proofIds, record };
    }
    const f = readTuple(payload, 3, 'audit.failed');
    return {
      op: 'failed',
      queryId: readDigest(f[1], 'audit.queryId'),
      reason: readFreeText(f[2], 256, 'audit.reason'),
    };
  },

  apply: (ctx, e) => (e.op === 'open' ? open(ctx, e) : close(ctx, e)),
};
