/**
 * The validator API's JSON read models (`ledger/src/node/state-queries.ts`, `http-api.ts`) as zod
 * schemas that turn them into the ledger's own types (`DatasetHead`, `PolicyRecord`, …) and the client's
 * (`LedgerIdentity`, `AuditEvent`), so a value read over HTTP is the value `LocalLedger` reads from its
 * store. Bytes travel as hex; every string and list is bounded.
 */
import {
  type DatasetHead,
  type DatasetVersion,
  Disclosure,
  fromHex,
  ID_PATTERN,
  MAX_RESULT_PROOFS,
  type PolicyRecord,
  ROLES,
  type VkeyRecord,
} from '@privgate/ledger';
import { z } from 'zod';
import type { AuditEvent, LedgerIdentity } from './interface.ts';

const uint = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const id = z.string().regex(ID_PATTERN);
const text = z.string().max(4096);
const bytesHex = (n: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-fA-F]{${2 * n}}$`))
    .transform((h) => fromHex(h));
const hex32 = bytesHex(32);
/** A query record (canonical JSON, at most the ledger's 56 KiB). */
const recordHex = z
  .string()
  .max(2 * 56 * 1024)
  .regex(/^(?:[0-9a-fA-F]{2})+$/)
  .transform((h) => fromHex(h));
const disclosure = z
  .enum(['aggregate', 'verdict'])
  .transform((d): Disclosure => (d === 'verdict' ? Disclosure.verdict : Disclosure.aggregate));

/** `GET /v1/status` (what the client checks). */
export const StatusJson = z.object({ chainId: z.string().min(1).max(64), nodeId: id.optional() });

/** `POST /v1/tx` → 202. */
export const SubmitAckJson = z.object({
  id: z.string().regex(/^[0-9a-f]{64}$/),
  status: z.literal('pending'),
});

/** `GET /v1/tx/:id`: committed, pending, or dropped by the node with the ledger's reason. */
export const TxStatusJson = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('committed'),
    id: z.string().regex(/^[0-9a-f]{64}$/),
    height: uint,
    index: uint,
    blockTime: uint,
    tx: z.string().regex(/^(?:[0-9a-f]{2})+$/),
  }),
  z.object({ status: z.literal('pending'), id: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.object({
    status: z.literal('rejected'),
    id: z.string().regex(/^[0-9a-f]{64}$/),
    code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
    detail: text,
    context: z.record(z.string().max(64), z.unknown()).optional(),
  }),
]);
export type TxStatus = z.output<typeof TxStatusJson>;

/** `GET /v1/accounts/:org`. */
export const AccountJson = z.object({ id, nonce: uint, registered: z.boolean() });

/** `GET /v1/identities/:org`. */
export const IdentityJson = z
  .object({
    id,
    publicKey: bytesHex(65).nullable(),
    roles: z.array(z.enum(ROLES)).max(ROLES.length),
    name: z.string().max(256).nullable(),
    version: uint,
  })
  .transform(
    (o): LedgerIdentity => ({
      id: o.id,
      publicKey: o.publicKey,
      roles: o.roles,
      name: o.name,
      version: o.version,
    }),
  );

/** `GET /v1/datasets/:dataset`. */
export const DatasetHeadJson = z
  .object({ dataset: id, owner: id, latestVersion: uint, versionCount: uint })
  .transform((h): DatasetHead => ({ ...h }));

/** `GET /v1/datasets/:dataset/versions/:v`. */
export const DatasetVersionJson = z
  .object({
    dataset: id,
    version: uint,
    schemaHash: hex32,
    recordCount: uint,
    poseidonRoot: hex32,
    anchoredBy: id,
    height: uint,
    timestamp: uint,
    txId: hex32,
  })
  .transform((v): DatasetVersion => ({ ...v }));

/** `GET /v1/vkeys/:circuit`. */
export const VkeyJson = z
  .object({ circuit: id, vkeyHash: hex32, version: uint })
  .transform((v): VkeyRecord => ({ ...v }));

/** `GET /v1/policies/:id`. */
export const PolicyJson = z
  .object({
    policyId: id,
    agency: id,
    queryKind: id,
    datasets: z.array(id).max(32),
    purpose: text,
    disclosure,
    maxQueries: uint,
    windowMs: uint,
    enabled: z.boolean(),
    version: uint,
  })
  .transform((p): PolicyRecord => ({ ...p }));

const AuditEventJson = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('opened'),
    requester: id,
    policyId: id,
    queryKind: id,
    datasets: z.array(id).max(32),
    purpose: text,
    disclosure: z.enum(['aggregate', 'verdict']),
    height: uint,
    timestamp: uint,
    txId: hex32.optional(),
  }),
  z.object({
    kind: z.literal('answered'),
    gateway: id,
    resultCommitment: hex32,
    proofIds: z.array(hex32).max(MAX_RESULT_PROOFS),
    height: uint,
    timestamp: uint,
    txId: hex32.optional(),
    record: recordHex.optional(),
  }),
  z.object({
    kind: z.literal('failed'),
    gateway: id,
    reason: text,
    height: uint,
    timestamp: uint,
    txId: hex32.optional(),
  }),
]);

/** `GET /v1/queries/:id/audit`: opened, then answered or failed. */
export const AuditTrailJson = z
  .object({ events: z.array(AuditEventJson).max(2) })
  .transform((t): AuditEvent[] => t.events);

/**
 * Parses a node's JSON with `schema`.
 * @returns the parsed value, or the first issue as text.
 */
export function parseNodeJson<T>(
  schema: z.ZodType<T, unknown>,
  value: unknown,
): { ok: true; value: T } | { ok: false; issue: string } {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, issue: `${issue.path.join('.') || '(root)'}: ${issue.message}`.slice(0, 300) };
}
