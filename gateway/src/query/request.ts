/**
 * The credit-penetration request: about which enterprise (USCC), how far along the ownership and control
 * graph (depth k; 0 is the enterprise alone), which metrics (each an anchored dataset, optionally
 * weighted), what to disclose (the aggregate, or only the verdict aggregate ≥ threshold), and for which
 * purpose under which policy. Its query id is SM3 of its canonical public form (the subject hidden under
 * a salted commitment), so the agency's signed "opened" audit transaction commits to exactly this
 * request, no gateway can alter it, and gateways can check it without learning the subject.
 */
import { sm3 } from '@privgate/accel';
import { auditPayload, decodeTx, type Tx, TxKind } from '@privgate/ledger';
import { z } from 'zod';
import { canonicalJson, DatasetNameSchema, usccProblem } from '../datasets/index.ts';
import type { LedgerAccount } from '../ledger-client/account.ts';
import { QueryError } from './errors.ts';

/** The ledger's query kind of this query. */
export const CREDIT_PENETRATION = 'credit-penetration';
/** Deepest traversal allowed. */
export const MAX_DEPTH = 3;
/** Most metrics per query. */
export const MAX_METRICS = 8;

const Integer64 = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,19})$/, 'must be a non-negative integer written in decimal')
  .refine((s) => BigInt(s) < 1n << 64n, 'must be below 2^64');

export const CreditPenetrationRequestSchema = z.strictObject({
  agency: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, 'must be a ledger identifier'),
  policyId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, 'must be a ledger identifier'),
  subject: z
    .string()
    .transform((s) => s.toUpperCase())
    .refine((s) => usccProblem(s) === undefined, 'must be a unified social credit code'),
  depth: z.number().int().min(0).max(MAX_DEPTH),
  metrics: z
    .array(z.strictObject({ dataset: DatasetNameSchema, weight: Integer64.optional() }))
    .min(1)
    .max(MAX_METRICS)
    .refine((m) => new Set(m.map((x) => x.dataset)).size === m.length, 'datasets must be distinct'),
  disclosure: z.discriminatedUnion('mode', [
    z.strictObject({ mode: z.literal('aggregate') }),
    z.strictObject({ mode: z.literal('verdict'), threshold: Integer64 }),
  ]),
  purpose: z.string().min(1).max(256),
  /** Random hex making the query id unique; the agency chooses it. */
  nonce: z.string().regex(/^[0-9a-f]{32}$/, 'must be 16 random bytes in lower-case hex'),
});

export type CreditPenetrationRequest = z.output<typeof CreditPenetrationRequestSchema>;
export type CreditPenetrationRequestInput = z.input<typeof CreditPenetrationRequestSchema>;

/**
 * Validates a request.
 * @throws {QueryError} `QUERY_INVALID` naming the first problem.
 */
export function parseQueryRequest(input: unknown): CreditPenetrationRequest {
  const result = CreditPenetrationRequestSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const reason = `${issue.path.join('.') || '(request)'}: ${issue.message}`;
  throw new QueryError('QUERY_INVALID', `invalid request: ${reason}`, { reason });
}

/**
 * The request as gateways that need not know the subject see it: the subject and nonce replaced by
 * subjectCommitment = SM3("privgate/query/subject/v1\0" ‖ subject ‖ "\0" ‖ nonce), hex. The nonce is 16
 * random bytes, so the commitment cannot be tested against candidate codes.
 */
export type PublicRequest = Omit<CreditPenetrationRequest, 'subject' | 'nonce'> & {
  subjectCommitment: string;
};

/** The public form of a request. */
export function publicRequestOf(request: CreditPenetrationRequest): PublicRequest {
  const { subject, nonce, ...rest } = request;
  const commitment = sm3(new TextEncoder().encode(`privgate/query/subject/v1\0${subject}\0${nonce}`));
  return { ...rest, subjectCommitment: Buffer.from(commitment).toString('hex') };
}

/** The query id: SM3("privgate/query/v1\0" ‖ canonical JSON of the public request). */
export function queryIdOfPublic(request: PublicRequest): Uint8Array {
  return sm3(new TextEncoder().encode(`privgate/query/v1\0${canonicalJson(request)}`));
}

/** The query id of a request (see {@link queryIdOfPublic}). */
export function queryIdOf(request: CreditPenetrationRequest): Uint8Array {
  return queryIdOfPublic(publicRequestOf(request));
}

/** The datasets of a request, ascending (as the audit log stores them). */
export function requestDatasets(request: Pick<CreditPenetrationRequest, 'metrics'>): string[] {
  return request.metrics.map((m) => m.dataset).sort();
}

/** A fresh nonce for a request. */
export function newRequestNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex');
}

/**
 * The agency's authorisation of a request: the "opened" audit transaction, signed with the agency's
 * ledger key. The entry gateway submits it; the ledger checks it against the policy registry.
 * @throws {QueryError} `QUERY_INVALID` for an invalid request.
 */
export async function authorizeQuery(
  request: CreditPenetrationRequestInput,
  agency: LedgerAccount,
): Promise<Uint8Array> {
  const parsed = parseQueryRequest(request);
  return agency.sign(
    TxKind.queryAudit,
    auditPayload({
      op: 'open',
      queryId: queryIdOf(parsed),
      policyId: parsed.policyId,
      queryKind: CREDIT_PENETRATION,
      datasets: requestDatasets(parsed),
      purpose: parsed.purpose,
    }),
  );
}

/**
 * Checks that an authorisation transaction opens exactly this request, signed by its agency (the
 * signature itself is the ledger's to verify).
 * @throws {QueryError} `QUERY_INVALID` otherwise.
 */
export function checkAuthorization(
  request: CreditPenetrationRequest,
  openTx: Uint8Array,
  chainId: string,
): Tx {
  let tx: Tx;
  try {
    tx = decodeTx(openTx, { chainId });
  } catch (err) {
    throw new QueryError('QUERY_INVALID', 'authorisation is not a ledger transaction', {
      reason: err instanceof Error ? err.message : String(err),
    });
  }
  const expected = canonicalJson(
    toJson(
      auditPayload({
        op: 'open',
        queryId: queryIdOf(request),
        policyId: request.policyId,
        queryKind: CREDIT_PENETRATION,
        datasets: requestDatasets(request),
        purpose: request.purpose,
      }),
    ),
  );
  if (
    tx.kind !== TxKind.queryAudit ||
    tx.sender !== request.agency ||
    canonicalJson(toJson(tx.payload)) !== expected
  ) {
    throw new QueryError('QUERY_INVALID', 'authorisation does not open this request', {
      reason: 'the signed audit transaction differs from the request',
    });
  }
  return tx;
}

function toJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('hex') };
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'bigint') return value.toString();
  return value;
}
