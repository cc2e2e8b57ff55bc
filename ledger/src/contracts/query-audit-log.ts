/**
 * Query audit log: every cross-ministry query is opened on the ledger by the requesting agency, checked
 * against the policy registry, and closed by the gateway that ran it, either with a result commitment
 * and the proofs backing it or as failed. Events are append-only; only the set of open queries changes.
 *
 *   payload = [1, queryId, policyId, queryKind, datasets, purpose]        open    (sender: the agency)
 *           | [2, queryId, resultCommitment, proofIds]                     result  (sender: a gateway)
 *           | [3, queryId, reason]                                         failed  (sender: a gateway)
 *     queryId           bstr 32, chosen by the agency (e.g. SM3 of the request), never reused
 *     datasets          ascending identifiers, a subset of the policy's
 *     purpose           text, must equal the policy's purpose
 *     resultCommitment  bstr 32 (e.g. Poseidon commitment of the result, or SM3 of it)
 *     proofIds          [bstr 32, ...] 0..16 ids of committed proof transactions
 *     reason            text 1..256 bytes
 *
 * Opening checks the policy (`POLICY_DENIED` names which rule failed) and its rate limit
 * (`RATE_LIMITED`): at most maxQueries opens per window of windowMs, windows aligned on block time.
 */
import { type CborValue, readInt, readList, readTuple } from '../codec/canonical.ts';
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

/** Most proofs a result references. */
export const MAX_RESULT_PROOFS = 16;

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
    }
  | { readonly op: 'failed'; readonly queryId: Uint8Array; readonly reason: string };

/** The payload tuple of an audit entry. */
export function auditPayload(e: AuditEntry): CborValue[] {
  switch (e.op) {
    case 'open':
      return [1, e.queryId, e.policyId, e.queryKind, [...e.datasets].sort(), e.purpose];
    case 'result':
      return [2, e.queryId, e.resultCommitment, [...e.proofIds]];
    case 'failed':
      return [3, e.queryId, e.reason];
  }
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
      throw new LedgerError(
        'PROOF_UNKNOWN',
        `proof ${Buffer.from(e.proofIds[missing]!).toString('hex')} is not committed`,
        {
          index: missing,
        },
      );
    }
    event = [2, ctx.sender.id, e.resultCommitment, [...e.proofIds], ctx.env.height, ctx.env.timestamp];
  } else {
    event = [3, ctx.sender.id, e.reason, ctx.env.height, ctx.env.timestamp];
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
      const f = readTuple(payload, 4, 'audit.result');
      const proofIds = readList(f[3], MAX_RESULT_PROOFS, 'audit.proofIds').map((p, i) =>
        readDigest(p, `audit.proofIds[${i}]`),
      );
      return {
        op: 'result',
        queryId: readDigest(f[1], 'audit.queryId'),
        resultCommitment: readDigest(f[2], 'audit.result'),
        proofIds,
      };
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
