/**
 * Schemas of the query's RPC messages between gateways. Peers are authenticated, not trusted: every body
 * is validated here before a handler touches it, and anything malformed is refused with QUERY_INVALID.
 */
import { CIRCUIT_NAMES } from '@privgate/circuits';
import { z } from 'zod';
import type { DatasetContribution } from '../contribution/index.ts';
import { MAX_INPUTS } from '../mpc/index.ts';
import { QueryError } from './errors.ts';
import type { QueryPlan } from './plan.ts';
import type { SignedTranscript } from './record.ts';
import { CreditPenetrationRequestSchema, type PublicRequest } from './request.ts';

const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/);
const Hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const HexSig = z.string().regex(/^[0-9a-f]{128}$/);
const Dataset = z.string().max(64);

export const QueryPlanSchema = z.strictObject({
  entry: Id,
  resolver: Id,
  holders: z.record(Dataset, Id),
  computeParties: z.array(Id).min(1).max(32),
});

const { subject: _subject, nonce: _nonce, ...requestShape } = CreditPenetrationRequestSchema.shape;
export const PublicRequestSchema = z.strictObject({ ...requestShape, subjectCommitment: Hex32 });

export const SessionSpecSchema = z.strictObject({
  queryId: Hex32,
  request: PublicRequestSchema,
  plan: QueryPlanSchema,
  count: z.number().int().min(1).max(MAX_INPUTS),
  digest: Hex32,
  attestation: HexSig,
});

const Decimal = z.string().regex(/^[0-9]{1,78}$/);
const ProofSchema = z.strictObject({
  circuit: z.enum(CIRCUIT_NAMES),
  proof: z.looseObject({
    pi_a: z.array(Decimal).length(3),
    pi_b: z.array(z.array(Decimal).length(2)).length(3),
    pi_c: z.array(Decimal).length(3),
    protocol: z.string(),
    curve: z.string(),
  }),
  publicSignals: z.array(Decimal).max(64),
});

export const ContributionSchema = z.strictObject({
  queryId: Hex32,
  holder: Id,
  dataset: Dataset,
  version: z.number().int().min(1),
  root: z.bigint(),
  fieldId: z.bigint(),
  subjectIds: z.array(z.bigint()).max(MAX_INPUTS),
  inclusion: z.array(ProofSchema).max(MAX_INPUTS),
  binding: z.array(ProofSchema).max(MAX_INPUTS),
});

export const TranscriptSchema = z.strictObject({ party: Id, digest: Hex32, signature: HexSig });

/** A participant's session order, as the entry gateway sends it. */
export interface SessionSpec {
  queryId: string;
  request: PublicRequest;
  plan: QueryPlan;
  count: number;
  digest: string;
  attestation: string;
}

/**
 * Validates a message body.
 * @throws {QueryError} `QUERY_INVALID` naming the first problem.
 */
export function parseMessage<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const reason = `${what}.${issue.path.join('.')}: ${issue.message}`;
  throw new QueryError('QUERY_INVALID', `malformed ${what}: ${reason}`, { reason });
}

export const parseSessionSpec = (body: unknown): SessionSpec =>
  parseMessage(SessionSpecSchema, body, 'session') as SessionSpec;
export const parseContribution = (body: unknown): DatasetContribution =>
  parseMessage(ContributionSchema, body, 'contribution') as DatasetContribution;
export const parseTranscript = (body: unknown): SignedTranscript =>
  parseMessage(TranscriptSchema, body, 'transcript');
export const parsePlan = (body: unknown): QueryPlan => parseMessage(QueryPlanSchema, body, 'plan');
