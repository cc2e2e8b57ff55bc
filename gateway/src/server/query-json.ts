/**
 * The query API's JSON: the agency's request (the request and its signed authorisation), and the answer
 * with its proof bundle, bigints written as decimal strings. The same zod schemas validate requests,
 * describe both in the OpenAPI document, and read an answer back (`queryAnswerFromJson`), so an agency can
 * check the bundle against the ledger with `checkProofBundle`.
 */
import { z } from 'zod';
import type { DatasetContribution, ProofItem } from '../contribution/index.ts';
import type { MpcOutput } from '../mpc/index.ts';
import { CreditPenetrationRequestSchema, type QueryAnswer, type QueryEvent } from '../query/index.ts';

/** Largest authorisation transaction, in bytes (an "opened" audit transaction is a few hundred). */
export const MAX_AUTHORISATION_BYTES = 16 * 1024;

const Decimal = z.string().regex(/^(0|[1-9][0-9]*)$/, 'must be a non-negative integer in decimal');
const Hex = z.string().regex(/^[0-9a-f]*$/, 'must be lower-case hex');
const QueryId = z.string().regex(/^[0-9a-f]{64}$/, 'must be 32 bytes in lower-case hex');

export const QueryIdSchema = QueryId.describe('SM3 of the request’s canonical public form, hex.');

export const QuerySubmissionSchema = z
  .strictObject({
    request: CreditPenetrationRequestSchema,
    authorization: z
      .string()
      .max(MAX_AUTHORISATION_BYTES * 2)
      .regex(/^([0-9a-fA-F]{2})+$/, 'must be the signed transaction in hex')
      .describe(
        'The agency’s SM2-signed "opened" audit transaction for this request (`authorizeQuery`), hex. ' +
          'It carries the agency’s signature, timestamp and ledger nonce: the ledger refuses a replay.',
      ),
  })
  .describe('A credit-penetration query and the agency’s signed authorisation of it.');

export type QuerySubmission = z.output<typeof QuerySubmissionSchema>;

export const MpcOutputJsonSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('aggregate'), value: Decimal.describe('The aggregate.') }),
    z.object({
      kind: z.literal('verdict'),
      value: z.boolean().describe('aggregate ≥ threshold'),
      threshold: Decimal,
    }),
  ])
  .describe('The query’s output: the aggregate, or only the verdict aggregate ≥ threshold.');

const ProofItemJsonSchema = z.object({
  circuit: z.string(),
  proof: z.looseObject({}).describe('Groth16 proof, snarkjs JSON.'),
  publicSignals: z.array(Decimal),
});

export const ContributionJsonSchema = z.object({
  queryId: QueryId,
  holder: z.string(),
  dataset: z.string(),
  version: z.number().int().min(1),
  root: Decimal,
  fieldId: Decimal,
  subjectIds: z.array(Decimal),
  inclusion: z.array(ProofItemJsonSchema),
  binding: z.array(ProofItemJsonSchema),
});

export const QueryRecordJsonSchema = z
  .looseObject({
    v: z.literal(1),
    queryId: QueryId,
    request: z.looseObject({}),
    entry: z.string(),
    resolver: z.string(),
    computeParties: z.array(z.string()),
    subjectCount: z.number().int(),
    subjectDigest: Hex,
    attestation: Hex,
    datasets: z.array(z.looseObject({})),
    transcripts: z.array(z.object({ party: z.string(), digest: Hex, signature: Hex })),
    resultCommitment: Hex,
  })
  .describe('The query record: SM3 of its canonical JSON is the ledger’s "answered" result commitment.');

export const QueryAnswerJsonSchema = z
  .object({
    queryId: QueryId,
    output: MpcOutputJsonSchema,
    bundle: z.object({
      record: QueryRecordJsonSchema,
      resultNonce: Hex,
      contributions: z.array(ContributionJsonSchema),
      ledger: z.object({
        openTxId: Hex,
        answerTxId: Hex,
        anchors: z.array(z.object({ dataset: z.string(), version: z.number().int(), txId: Hex })),
      }),
    }),
    timings: z
      .object({
        authorise: z.number(),
        resolve: z.number(),
        contributeAndCompute: z.number(),
        finish: z.number(),
        anchor: z.number(),
        total: z.number(),
      })
      .describe('Where the entry gateway’s time went, in ms.'),
  })
  .describe('The answer and its proof bundle (check it with `checkProofBundle`).');

export type QueryAnswerJson = z.output<typeof QueryAnswerJsonSchema>;

export const QueryEventSchema = z.object({
  queryId: QueryId,
  role: z.enum(['entry', 'participant']),
  stage: z.enum([
    'opened',
    'refused',
    'resolved',
    'session',
    'proved',
    'computed',
    'verified',
    'answered',
    'failed',
  ]),
  at: z.number().int().describe('ms since the epoch'),
  details: z.record(z.string(), z.union([z.string(), z.number()])),
});

export const QueryProgressSchema = z
  .object({
    queryId: QueryId,
    role: z.enum(['entry', 'participant']),
    stage: QueryEventSchema.shape.stage.describe('The latest stage reached.'),
    outcome: z.enum(['running', 'answered', 'failed', 'refused']),
    startedAt: z.number().int(),
    updatedAt: z.number().int(),
    events: z.array(QueryEventSchema),
  })
  .describe('What this gateway has seen of a query.');

const outputToJson = (o: MpcOutput): z.output<typeof MpcOutputJsonSchema> =>
  o.kind === 'aggregate'
    ? { kind: 'aggregate', value: o.value.toString() }
    : { kind: 'verdict', value: o.value, threshold: o.threshold.toString() };

const proofToJson = (p: ProofItem) => ({
  circuit: p.circuit,
  proof: p.proof as unknown as Record<string, unknown>,
  publicSignals: [...p.publicSignals],
});

/** An answer as the API sends it. */
export function queryAnswerToJson(answer: QueryAnswer): QueryAnswerJson {
  const { bundle } = answer;
  return {
    queryId: answer.queryId,
    output: outputToJson(answer.output),
    bundle: {
      record: bundle.record as unknown as QueryAnswerJson['bundle']['record'],
      resultNonce: bundle.resultNonce,
      contributions: bundle.contributions.map((c) => ({
        queryId: c.queryId,
        holder: c.holder,
        dataset: c.dataset,
        version: c.version,
        root: c.root.toString(),
        fieldId: c.fieldId.toString(),
        subjectIds: c.subjectIds.map(String),
        inclusion: c.inclusion.map(proofToJson),
        binding: c.binding.map(proofToJson),
      })),
      ledger: {
        openTxId: bundle.ledger.openTxId,
        answerTxId: bundle.ledger.answerTxId,
        anchors: bundle.ledger.anchors.map((a) => ({ ...a })),
      },
    },
    timings: { ...answer.timings },
  };
}

/**
 * Reads an answer the API sent, for `checkProofBundle`.
 * @throws {z.ZodError} when `json` is not an answer.
 */
export function queryAnswerFromJson(json: unknown): QueryAnswer {
  const a = QueryAnswerJsonSchema.parse(json);
  const output: MpcOutput =
    a.output.kind === 'aggregate'
      ? { kind: 'aggregate', value: BigInt(a.output.value) }
      : { kind: 'verdict', value: a.output.value, threshold: BigInt(a.output.threshold) };
  const proof = (p: z.output<typeof ProofItemJsonSchema>): ProofItem =>
    ({ circuit: p.circuit, proof: p.proof, publicSignals: p.publicSignals }) as unknown as ProofItem;
  const contributions: DatasetContribution[] = a.bundle.contributions.map((c) => ({
    queryId: c.queryId,
    holder: c.holder,
    dataset: c.dataset,
    version: c.version,
    root: BigInt(c.root),
    fieldId: BigInt(c.fieldId),
    subjectIds: c.subjectIds.map(BigInt),
    inclusion: c.inclusion.map(proof),
    binding: c.binding.map(proof),
  }));
  return {
    queryId: a.queryId,
    output,
    bundle: {
      record: a.bundle.record as unknown as QueryAnswer['bundle']['record'],
      resultNonce: a.bundle.resultNonce,
      contributions,
      ledger: a.bundle.ledger,
    },
    timings: a.timings,
  };
}

/** A query event as the API sends it. */
export function queryEventToJson(event: QueryEvent): z.output<typeof QueryEventSchema> {
  return { ...event, details: { ...event.details } };
}
