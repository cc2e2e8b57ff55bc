/**
 * An auditor's check of one credit-penetration query from the ledger alone: no proof bundle, no gateway,
 * only what a validator answers (through a `LedgerClient`) and the circuits' committed verification keys.
 * Each check has a stable name:
 *
 *   opened.event          the query was opened (by whom, under which policy)
 *   opened.tx             the opening transaction is intact (its bytes hash to its id, it parses for this
 *                         chain), signed with the requester's registered key, and opens exactly this query
 *   opened.agency         the requester is a registered agency
 *   opened.policy         the policy exists for that agency, query kind, datasets and purpose
 *   failed.tx             (a failed query) the failure transaction is intact, signed, and says this
 *   failed.gateway        it was sent by a registered gateway
 *   answered.tx           the result transaction is intact, signed by the answering gateway, and carries
 *                         exactly the event's commitment, proof ids and record
 *   answered.gateway      the answering gateway is a registered gateway
 *   record.present        the answer carries the record: UTF-8 canonical JSON of the record's schema
 *   record.digest         the record's digest is the result commitment
 *   record.queryId        the record names this query, and its public request hashes to the query id
 *   record.request        the opening matches the request (agency, policy, kind, datasets, purpose,
 *                         disclosure), and the record's datasets are the request's metrics in order
 *   record.entry          the record's entry gateway is the gateway that answered
 *   record.attestation    the resolver's signature over the related-party count and digest verifies
 *   record.transcripts    every participant (compute parties, entry, holders) signed one transcript
 *   transcript.signature  per party: its transcript signature verifies with its registered key
 *   answered.proofs       the answer names 2·⌈n / BATCH_SIZE⌉ proofs per dataset (`anchor.ts` order)
 *   dataset.anchor        per dataset: the record's version is anchored by the holder with the record's
 *                         root, and the anchoring transaction is intact and signed by the holder
 *   proof.tx              per proof: an intact proof transaction, signed by a gateway or an agency
 *   proof.context         its context is this query
 *   proof.vkey            the expected circuit, under the key the ledger registers for it, which is the
 *                         circuit's committed key (the one the proof is verified with)
 *   proof.groth16         the proof verifies, again, here
 *   proof.root            (inclusion proofs) its public root is the anchored root of the record's version
 *   dataset.subjects      per dataset: the inclusion proofs' subjects are the attested set, in order
 *   dataset.binding       per dataset: the share-binding proofs bind the inclusion proofs' commitments
 *   dataset.proofDigest   per dataset: the record's proof digest is the digest of these proofs
 *
 * Limits: signatures are checked with the signers' keys as the ledger holds them now, so a key rotated
 * since fails (the detail names the key version); the ledger client is trusted to answer with committed
 * transactions (blocks and commit certificates are `privgate audit chain`'s job); whether the resolver
 * owns the ownership graph is not checked (the ledger does not say which dataset that is).
 */
import { sm3, verifySm2 } from '@privgate/accel';
import {
  BATCH_SIZE,
  CIRCUIT_NAMES,
  type CircuitName,
  decodePublicSignals,
  SHARE_PARTIES,
} from '@privgate/circuits';
import {
  type AuditEntry,
  type DatasetAnchor,
  type ParsedTx,
  type ProofSubmission,
  parseTx,
  TxKind,
  txKindName,
  txSignBytes,
} from '@privgate/ledger';
import { z } from 'zod';
import {
  inclusionCircuitsAccepted,
  inclusionSignals,
  type ProofCheck,
  type ProofItem,
} from '../contribution/index.ts';
import { canonicalJson } from '../datasets/index.ts';
import type { AuditEvent, LedgerClient, LedgerIdentity } from '../ledger-client/interface.ts';
import { circuitVkeyHash } from '../ledger-client/proof-verifier.ts';
import { MAX_INPUTS } from '../mpc/index.ts';
import { type AuditCheck, AuditError, type QueryAuditReport } from './audit-report.ts';
import { PublicRequestSchema, TranscriptSchema } from './messages.ts';
import { attestationBytes, subjectDigest, transcriptBytes } from './plan.ts';
import { proofDigest, type QueryRecord, recordDigest } from './record.ts';
import { CREDIT_PENETRATION, MAX_METRICS, queryIdOfPublic, requestDatasets } from './request.ts';

/** Collaborators of {@link verifyQueryFromLedger}. */
export interface QueryAuditDeps {
  /** Groth16 verification with the circuits' committed keys (`verifyProof`, a prover pool's `verify`). */
  verify: ProofCheck;
}

const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/);
const Hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const QueryRecordSchema = z.strictObject({
  v: z.literal(1),
  queryId: Hex32,
  request: PublicRequestSchema,
  entry: Id,
  resolver: Id,
  computeParties: z.array(Id).min(1).max(32),
  subjectCount: z.number().int().min(1).max(MAX_INPUTS),
  subjectDigest: Hex32,
  attestation: z.string().regex(/^[0-9a-f]{128}$/),
  datasets: z
    .array(
      z.strictObject({
        dataset: z.string().max(64),
        holder: Id,
        version: z.number().int().min(1),
        root: z.string().regex(/^0x[0-9a-f]{64}$/),
        proofDigest: Hex32,
      }),
    )
    .min(1)
    .max(MAX_METRICS),
  transcripts: z.array(TranscriptSchema).max(64),
  resultCommitment: Hex32,
});

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const short = (h: string): string => `${h.slice(0, 12)}…`;
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A committed transaction that passed the integrity checks. */
interface CheckedTx {
  parsed: ParsedTx;
  height: number;
}

/** One proof transaction of the answer, where it sits in the record. */
interface ProofSlot {
  dataset: string;
  role: 'inclusion' | 'binding';
  chunk: number;
  count: number;
  id: Uint8Array;
}

/**
 * Verifies a query from the ledger alone (see the file comment for every check).
 * @param queryId the query id, 64 hex characters or 32 bytes.
 * @returns the report; its verdict is PASS only when every check passed.
 * @throws {AuditError} `AUDIT_QUERY_UNKNOWN` when the ledger has no trail for the query.
 * @throws {LedgerClientError} `LEDGER_UNAVAILABLE` when the ledger cannot be read.
 * @throws {TypeError} for a malformed query id.
 * @example
 * const report = await verifyQueryFromLedger(ledger, queryId, { verify: verifyProof });
 * process.stdout.write(formatQueryAuditReport(report));
 */
export async function verifyQueryFromLedger(
  ledger: LedgerClient,
  queryId: string | Uint8Array,
  deps: QueryAuditDeps,
): Promise<QueryAuditReport> {
  const id = typeof queryId === 'string' ? queryId.toLowerCase() : hex(queryId);
  if (!/^[0-9a-f]{64}$/.test(id)) throw new TypeError('queryId: expected 32 bytes or 64 hex characters');
  return new QueryAudit(ledger, id, deps).run();
}

class QueryAudit {
  readonly #ledger: LedgerClient;
  readonly #queryId: string;
  readonly #deps: QueryAuditDeps;
  readonly #checks: AuditCheck[] = [];
  readonly #identities = new Map<string, Promise<LedgerIdentity | undefined>>();

  constructor(ledger: LedgerClient, queryId: string, deps: QueryAuditDeps) {
    this.#ledger = ledger;
    this.#queryId = queryId;
    this.#deps = deps;
  }

  #add(check: string, ok: boolean, detail: string, subject?: string): boolean {
    this.#checks.push({ check, ...(subject === undefined ? {} : { subject }), ok, detail });
    return ok;
  }

  async run(): Promise<QueryAuditReport> {
    const trail = await this.#ledger.auditTrail(unhex(this.#queryId));
    const [opened, closed] = trail;
    if (opened === undefined) {
      throw new AuditError('AUDIT_QUERY_UNKNOWN', `query ${this.#queryId} is not on the ledger`, {
        queryId: this.#queryId,
        chainId: this.#ledger.chainId,
      });
    }
    const report = (outcome: QueryAuditReport['outcome'], failure?: QueryAuditReport['failure']) => ({
      queryId: this.#queryId,
      chainId: this.#ledger.chainId,
      outcome,
      ...(failure === undefined ? {} : { failure }),
      checks: this.#checks,
      verdict: this.#checks.every((c) => c.ok) ? ('PASS' as const) : ('FAIL' as const),
    });
    if (opened.kind !== 'opened') {
      this.#add('opened.event', false, `the trail starts with "${opened.kind}", not "opened"`);
      return report(closed?.kind === 'failed' ? 'failed' : closed?.kind === 'answered' ? 'answered' : 'open');
    }
    await this.#checkOpened(opened);
    if (closed === undefined) return report('open');
    if (closed.kind === 'failed') {
      await this.#checkFailed(closed);
      const { gateway, reason, height, timestamp } = closed;
      return report('failed', { gateway, reason, height, timestamp });
    }
    if (closed.kind !== 'answered') {
      this.#add('answered.tx', false, `the trail closes with "${closed.kind}"`);
      return report('open');
    }
    await this.#checkAnswered(opened, closed);
    return report('answered');
  }

  // --- transactions ------------------------------------------------------------------------------------

  #identity(org: string): Promise<LedgerIdentity | undefined> {
    let found = this.#identities.get(org);
    if (found === undefined) {
      found = this.#ledger.identity(org);
      this.#identities.set(org, found);
    }
    return found;
  }

  /** Whether `signature` (hex or bytes) over `message` verifies with `org`'s registered key; else why not. */
  async #signedBy(org: string, message: Uint8Array, signature: string | Uint8Array): Promise<string | true> {
    const identity = await this.#identity(org);
    if (identity?.publicKey == null) return `${org} has no registered key`;
    let valid = false;
    try {
      const sig = typeof signature === 'string' ? unhex(signature) : signature;
      valid = verifySm2(message, sig, identity.publicKey);
    } catch {
      valid = false;
    }
    return valid || `does not verify with ${org}'s registered key (version ${identity.version})`;
  }

  /**
   * Fetches a committed transaction and checks it is intact: its bytes hash to its id, it parses as a
   * transaction of this chain and of `kind`, and its signature verifies with its sender's registered key.
   * @returns the transaction, or why it fails.
   */
  async #tx(id: Uint8Array | undefined, kind: TxKind): Promise<CheckedTx | string> {
    if (id === undefined) return 'the ledger does not name the transaction';
    const found = await this.#ledger.transaction(id);
    if (found === undefined) return `transaction ${short(hex(id))} is not on the ledger`;
    if (hex(sm3(found.bytes)) !== hex(id)) return `the bytes of ${short(hex(id))} do not hash to its id`;
    let parsed: ParsedTx;
    try {
      parsed = parseTx(found.bytes, this.#ledger.chainId);
    } catch (err) {
      return `${short(hex(id))} is not a valid transaction of ${this.#ledger.chainId}: ${message(err)}`;
    }
    if (parsed.tx.kind !== kind) return `${short(hex(id))} is a ${txKindName(parsed.tx.kind)} transaction`;
    const signed = await this.#signedBy(parsed.tx.sender, txSignBytes(found.bytes), parsed.tx.signature);
    if (signed !== true) return `the signature of ${short(hex(id))} ${signed}`;
    return { parsed, height: found.height };
  }

  // --- opening and closing -----------------------------------------------------------------------------

  async #checkOpened(opened: Extract<AuditEvent, { kind: 'opened' }>): Promise<void> {
    this.#add(
      'opened.event',
      true,
      `opened by ${opened.requester} under policy ${opened.policyId} at height ${opened.height}`,
    );
    const tx = await this.#tx(opened.txId, TxKind.queryAudit);
    if (typeof tx === 'string') this.#add('opened.tx', false, tx);
    else {
      const e = tx.parsed.payload as AuditEntry;
      const same =
        e.op === 'open' &&
        hex(e.queryId) === this.#queryId &&
        e.policyId === opened.policyId &&
        e.queryKind === opened.queryKind &&
        e.purpose === opened.purpose &&
        e.datasets.join('\n') === opened.datasets.join('\n');
      if (tx.parsed.tx.sender !== opened.requester)
        this.#add('opened.tx', false, `sent by ${tx.parsed.tx.sender}, not by ${opened.requester}`);
      else if (!same) this.#add('opened.tx', false, 'the transaction does not open this query as recorded');
      else if (tx.height !== opened.height)
        this.#add('opened.tx', false, `committed at height ${tx.height}, not ${opened.height}`);
      else this.#add('opened.tx', true, `${short(hex(opened.txId!))} signed by ${opened.requester}`);
    }
    const agency = await this.#identity(opened.requester);
    this.#add(
      'opened.agency',
      agency?.roles.includes('agency') === true,
      agency === undefined ? `${opened.requester} is not registered` : `roles: ${agency.roles.join(', ')}`,
    );
    const policy = await this.#ledger.policy(opened.policyId);
    const problem =
      policy === undefined
        ? 'no such policy'
        : policy.agency !== opened.requester
          ? `the policy is for ${policy.agency}`
          : policy.queryKind !== opened.queryKind
            ? `the policy allows ${policy.queryKind} queries`
            : opened.datasets.some((d) => !policy.datasets.includes(d))
              ? 'the policy does not cover every dataset'
              : policy.purpose !== opened.purpose
                ? 'the policy is for another purpose'
                : undefined;
    this.#add(
      'opened.policy',
      problem === undefined,
      problem ?? `policy ${opened.policyId} (version ${policy!.version}) allows this opening`,
    );
  }

  async #checkFailed(closed: Extract<AuditEvent, { kind: 'failed' }>): Promise<void> {
    const tx = await this.#tx(closed.txId, TxKind.queryAudit);
    if (typeof tx === 'string') this.#add('failed.tx', false, tx);
    else {
      const e = tx.parsed.payload as AuditEntry;
      if (tx.parsed.tx.sender !== closed.gateway)
        this.#add('failed.tx', false, `sent by ${tx.parsed.tx.sender}, not by ${closed.gateway}`);
      else if (e.op !== 'failed' || hex(e.queryId) !== this.#queryId || e.reason !== closed.reason)
        this.#add('failed.tx', false, 'the transaction does not record this failure');
      else
        this.#add(
          'failed.tx',
          true,
          `${short(hex(closed.txId!))} signed by ${closed.gateway}: ${closed.reason}`,
        );
    }
    const gateway = await this.#identity(closed.gateway);
    this.#add(
      'failed.gateway',
      gateway?.roles.includes('gateway') === true,
      gateway === undefined ? `${closed.gateway} is not registered` : `roles: ${gateway.roles.join(', ')}`,
    );
  }

  async #checkAnswered(
    opened: Extract<AuditEvent, { kind: 'opened' }>,
    closed: Extract<AuditEvent, { kind: 'answered' }>,
  ): Promise<void> {
    const tx = await this.#tx(closed.txId, TxKind.queryAudit);
    if (typeof tx === 'string') this.#add('answered.tx', false, tx);
    else {
      const e = tx.parsed.payload as AuditEntry;
      const same =
        e.op === 'result' &&
        hex(e.queryId) === this.#queryId &&
        hex(e.resultCommitment) === hex(closed.resultCommitment) &&
        e.proofIds.map(hex).join() === closed.proofIds.map(hex).join() &&
        (e.record === undefined ? '' : hex(e.record)) ===
          (closed.record === undefined ? '' : hex(closed.record));
      if (tx.parsed.tx.sender !== closed.gateway)
        this.#add('answered.tx', false, `sent by ${tx.parsed.tx.sender}, not by ${closed.gateway}`);
      else if (!same)
        this.#add(
          'answered.tx',
          false,
          'the signed result differs from the trail (commitment, proofs or record)',
        );
      else if (tx.height !== closed.height)
        this.#add('answered.tx', false, `committed at height ${tx.height}, not ${closed.height}`);
      else this.#add('answered.tx', true, `${short(hex(closed.txId!))} signed by ${closed.gateway}`);
    }
    const gateway = await this.#identity(closed.gateway);
    this.#add(
      'answered.gateway',
      gateway?.roles.includes('gateway') === true,
      gateway === undefined ? `${closed.gateway} is not registered` : `roles: ${gateway.roles.join(', ')}`,
    );

    const record = this.#readRecord(closed.record);
    if (record === undefined) return;
    this.#checkRecord(opened, closed, record);
    await this.#checkSignatures(record);
    await this.#checkProofs(record, closed);
  }

  // --- the record --------------------------------------------------------------------------------------

  #readRecord(bytes: Uint8Array | undefined): QueryRecord | undefined {
    const fail = (reason: string) => {
      this.#add('record.present', false, reason);
      return undefined;
    };
    if (bytes === undefined) return fail('the answer carries no record (anchored before records were kept)');
    let text: string;
    let value: unknown;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      value = JSON.parse(text);
    } catch {
      return fail('the record is not UTF-8 JSON');
    }
    const parsed = QueryRecordSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return fail(`the record does not follow the schema: ${issue.path.join('.')}: ${issue.message}`);
    }
    if (canonicalJson(value) !== text) return fail('the record is not in canonical JSON');
    this.#add('record.present', true, `${bytes.length} bytes`);
    // The parsed JSON itself (not zod's output), so the digest is over exactly what the ledger holds.
    return value as QueryRecord;
  }

  #checkRecord(
    opened: Extract<AuditEvent, { kind: 'opened' }>,
    closed: Extract<AuditEvent, { kind: 'answered' }>,
    record: QueryRecord,
  ): void {
    const digest = hex(recordDigest(record));
    this.#add(
      'record.digest',
      digest === hex(closed.resultCommitment),
      digest === hex(closed.resultCommitment)
        ? `SM3 ${short(digest)} = the result commitment`
        : `SM3 ${short(digest)} ≠ the result commitment ${short(hex(closed.resultCommitment))}`,
    );
    const requestId = hex(queryIdOfPublic(record.request));
    this.#add(
      'record.queryId',
      record.queryId === this.#queryId && requestId === this.#queryId,
      record.queryId !== this.#queryId
        ? `the record is for query ${short(record.queryId)}`
        : requestId !== this.#queryId
          ? `the record's request hashes to ${short(requestId)}`
          : 'the record and its public request are this query’s',
    );
    const r = record.request;
    const problem =
      opened.requester !== r.agency
        ? `opened by ${opened.requester}, requested by ${r.agency}`
        : opened.policyId !== r.policyId
          ? 'another policy'
          : opened.queryKind !== CREDIT_PENETRATION
            ? `query kind ${opened.queryKind}`
            : opened.purpose !== r.purpose
              ? 'another purpose'
              : opened.datasets.join('\n') !== requestDatasets(r).join('\n')
                ? 'other datasets'
                : opened.disclosure === 'verdict' && r.disclosure.mode !== 'verdict'
                  ? 'an aggregate under a verdict-only policy'
                  : record.datasets.length !== r.metrics.length ||
                      record.datasets.some((d, i) => d.dataset !== r.metrics[i]!.dataset)
                    ? 'the record’s datasets are not the request’s metrics'
                    : undefined;
    this.#add(
      'record.request',
      problem === undefined,
      problem ?? `${r.disclosure.mode} over ${r.metrics.length} metric(s), depth ${r.depth}`,
    );
    this.#add(
      'record.entry',
      record.entry === closed.gateway,
      record.entry === closed.gateway
        ? `${record.entry} answered`
        : `the record names ${record.entry}, ${closed.gateway} answered`,
    );
  }

  async #checkSignatures(record: QueryRecord): Promise<void> {
    const q = unhex(this.#queryId);
    const attested = await this.#signedBy(
      record.resolver,
      attestationBytes(q, record.subjectCount, unhex(record.subjectDigest)),
      record.attestation,
    );
    this.#add(
      'record.attestation',
      attested === true,
      attested === true
        ? `${record.resolver} attests ${record.subjectCount} related part${record.subjectCount === 1 ? 'y' : 'ies'}`
        : `the attestation ${attested}`,
    );
    const parties = [
      ...new Set([...record.computeParties, record.entry, ...record.datasets.map((d) => d.holder)]),
    ].sort();
    const signers = record.transcripts.map((t) => t.party);
    const missing = parties.filter((p) => !signers.includes(p));
    const repeated = signers.filter((p, i) => signers.indexOf(p) !== i);
    this.#add(
      'record.transcripts',
      missing.length === 0 && repeated.length === 0,
      missing.length > 0
        ? `no transcript from ${missing.join(', ')}`
        : repeated.length > 0
          ? `several transcripts from ${repeated.join(', ')}`
          : `${parties.length} participants: ${parties.join(', ')}`,
    );
    for (const t of record.transcripts) {
      const signed = await this.#signedBy(t.party, transcriptBytes(q, t.party, unhex(t.digest)), t.signature);
      this.#add(
        'transcript.signature',
        signed === true,
        signed === true ? `digest ${short(t.digest)} signed` : `the signature ${signed}`,
        t.party,
      );
    }
  }

  // --- proofs ------------------------------------------------------------------------------------------

  async #checkProofs(record: QueryRecord, closed: Extract<AuditEvent, { kind: 'answered' }>): Promise<void> {
    const chunks = Math.ceil(record.subjectCount / BATCH_SIZE);
    const expected = record.datasets.length * 2 * chunks;
    if (
      !this.#add(
        'answered.proofs',
        closed.proofIds.length === expected,
        `${closed.proofIds.length} proof transaction(s), ${expected} expected (${record.datasets.length} dataset(s) × 2 × ${chunks} chunk(s))`,
      )
    ) {
      return;
    }
    const slots: ProofSlot[] = [];
    for (const [i, d] of record.datasets.entries()) {
      for (const role of ['inclusion', 'binding'] as const) {
        for (let chunk = 0; chunk < chunks; chunk++) {
          slots.push({
            dataset: d.dataset,
            role,
            chunk,
            count: Math.min(BATCH_SIZE, record.subjectCount - chunk * BATCH_SIZE),
            id: closed.proofIds[i * 2 * chunks + (role === 'inclusion' ? 0 : chunks) + chunk]!,
          });
        }
      }
    }
    // Fetch and verify concurrently; report in ledger order.
    const fetched = await Promise.all(slots.map((s) => this.#tx(s.id, TxKind.proofSubmit)));
    const verified = await Promise.all(
      fetched.map(async (tx, i) => {
        if (typeof tx === 'string') return undefined;
        const p = tx.parsed.payload as ProofSubmission;
        if (!(CIRCUIT_NAMES as readonly string[]).includes(p.circuit)) return undefined;
        try {
          return await this.#deps.verify(p.circuit as CircuitName, p.proof, p.publicSignals);
        } catch (err) {
          return `${slots[i]!.dataset}: ${message(err)}`;
        }
      }),
    );

    for (const d of record.datasets) {
      const anchored = await this.#checkAnchor(d);
      const mine = slots.map((s, j) => ({ s, j })).filter(({ s }) => s.dataset === d.dataset);
      const items: (ProofItem | undefined)[] = [];
      for (const { s, j } of mine) {
        items.push(await this.#checkProof(s, fetched[j]!, verified[j], closed.height, anchored));
      }
      if (items.some((p) => p === undefined)) {
        this.#add('dataset.subjects', false, 'not every proof could be read', d.dataset);
        this.#add('dataset.binding', false, 'not every proof could be read', d.dataset);
        this.#add('dataset.proofDigest', false, 'not every proof could be read', d.dataset);
        continue;
      }
      const proofs = items as ProofItem[];
      this.#checkSubjects(d.dataset, record, proofs.slice(0, chunks));
      this.#checkBinding(d.dataset, record, proofs.slice(0, chunks), proofs.slice(chunks));
      const digest = proofDigest({ inclusion: proofs.slice(0, chunks), binding: proofs.slice(chunks) });
      this.#add(
        'dataset.proofDigest',
        digest === d.proofDigest,
        digest === d.proofDigest
          ? `${proofs.length} proofs hash to the record’s digest`
          : `the proofs hash to ${short(digest)}, the record says ${short(d.proofDigest)}`,
        d.dataset,
      );
    }
  }

  /** The record's version of a dataset, anchored by its holder with its root; returns the anchored root. */
  async #checkAnchor(d: QueryRecord['datasets'][number]): Promise<bigint | undefined> {
    const version = await this.#ledger.datasetVersion(d.dataset, d.version);
    const fail = (reason: string) => {
      this.#add('dataset.anchor', false, reason, d.dataset);
      return version === undefined ? undefined : BigInt(`0x${hex(version.poseidonRoot)}`);
    };
    if (version === undefined) return fail(`version ${d.version} is not anchored`);
    const root = BigInt(`0x${hex(version.poseidonRoot)}`);
    if (version.anchoredBy !== d.holder)
      return fail(`version ${d.version} was anchored by ${version.anchoredBy}, not ${d.holder}`);
    if (root !== BigInt(d.root)) return fail(`the record’s root differs from version ${d.version}’s`);
    const tx = await this.#tx(version.txId, TxKind.datasetAnchor);
    if (typeof tx === 'string') return fail(`anchoring transaction: ${tx}`);
    const a = tx.parsed.payload as DatasetAnchor;
    if (
      tx.parsed.tx.sender !== d.holder ||
      a.dataset !== d.dataset ||
      a.version !== d.version ||
      hex(a.poseidonRoot) !== hex(version.poseidonRoot)
    ) {
      return fail('the anchoring transaction does not anchor this version');
    }
    this.#add(
      'dataset.anchor',
      true,
      `version ${d.version} anchored by ${d.holder} at height ${version.height}, root ${short(d.root.slice(2))}`,
      d.dataset,
    );
    return root;
  }

  async #checkProof(
    s: ProofSlot,
    tx: CheckedTx | string,
    verified: boolean | string | undefined,
    answeredAt: number,
    anchoredRoot: bigint | undefined,
  ): Promise<ProofItem | undefined> {
    const subject = `${s.dataset} ${s.role}#${s.chunk}`;
    if (typeof tx === 'string') {
      this.#add('proof.tx', false, tx, subject);
      return undefined;
    }
    const sender = await this.#identity(tx.parsed.tx.sender);
    const p = tx.parsed.payload as ProofSubmission;
    const submitterOk = sender?.roles.some((r) => r === 'gateway' || r === 'agency') === true;
    this.#add(
      'proof.tx',
      submitterOk && tx.height <= answeredAt,
      !submitterOk
        ? `submitted by ${tx.parsed.tx.sender}, neither a gateway nor an agency`
        : tx.height > answeredAt
          ? `committed at height ${tx.height}, after the answer`
          : `${short(hex(s.id))} by ${tx.parsed.tx.sender} at height ${tx.height}`,
      subject,
    );
    const context = p.context === null ? null : hex(p.context);
    this.#add(
      'proof.context',
      context === this.#queryId,
      context === this.#queryId
        ? 'about this query'
        : context === null
          ? 'the proof names no query'
          : `the proof is about query ${short(context)}`,
      subject,
    );
    const wanted: readonly string[] =
      s.role === 'inclusion'
        ? inclusionCircuitsAccepted(s.count)
        : s.count === 1
          ? ['share_binding', 'share_binding_batch']
          : ['share_binding_batch'];
    let vkeyProblem: string | undefined;
    if (!wanted.includes(p.circuit))
      vkeyProblem = `a ${p.circuit} proof where ${wanted.join(' or ')} belongs`;
    else {
      const registered = await this.#ledger.vkey(p.circuit);
      const committed = await circuitVkeyHash(p.circuit as CircuitName);
      if (registered === undefined) vkeyProblem = `no key is registered for ${p.circuit}`;
      else if (hex(p.vkeyHash) !== hex(registered.vkeyHash))
        vkeyProblem = `names key ${short(hex(p.vkeyHash))}, the ledger registers ${short(hex(registered.vkeyHash))}`;
      else if (committed !== hex(registered.vkeyHash))
        vkeyProblem = `the registered key of ${p.circuit} is not the circuit’s committed key`;
    }
    this.#add(
      'proof.vkey',
      vkeyProblem === undefined,
      vkeyProblem ?? `${p.circuit}, key ${short(hex(p.vkeyHash))}`,
      subject,
    );
    this.#add(
      'proof.groth16',
      verified === true,
      verified === true
        ? 'verifies'
        : typeof verified === 'string'
          ? `cannot be verified: ${verified}`
          : 'does not verify',
      subject,
    );
    const item: ProofItem = {
      circuit: p.circuit as CircuitName,
      proof: p.proof,
      publicSignals: [...p.publicSignals],
    };
    if (s.role === 'inclusion') {
      let root: bigint | undefined;
      try {
        root = inclusionSignals({
          circuit: p.circuit as CircuitName,
          publicSignals: [...p.publicSignals],
        }).root;
      } catch {
        root = undefined;
      }
      this.#add(
        'proof.root',
        root !== undefined && root === anchoredRoot,
        root === undefined
          ? 'the public signals are not an inclusion proof’s'
          : anchoredRoot === undefined
            ? 'the record’s version is not anchored'
            : root === anchoredRoot
              ? 'public root = the anchored root'
              : `public root ${short(root.toString(16))} ≠ the anchored root ${short(anchoredRoot.toString(16))}`,
        subject,
      );
    }
    return item;
  }

  /** The inclusion proofs' subject ids, chunk by chunk, are the attested set. */
  #checkSubjects(dataset: string, record: QueryRecord, inclusion: ProofItem[]): void {
    const ids: bigint[] = [];
    let problem: string | undefined;
    try {
      let field: bigint | undefined;
      for (const [chunk, item] of inclusion.entries()) {
        const pub = inclusionSignals(item);
        const count = Math.min(BATCH_SIZE, record.subjectCount - chunk * BATCH_SIZE);
        if (pub.count !== BigInt(count))
          problem ??= `chunk ${chunk} proves ${pub.count} records, not ${count}`;
        for (let j = 0; j < count; j++) {
          ids.push(pub.subjectIds[j]!);
          field ??= pub.fieldIds[j];
          if (pub.fieldIds[j] !== field) problem ??= `chunk ${chunk} mixes fields`;
        }
      }
    } catch (err) {
      problem = message(err);
    }
    if (problem === undefined && hex(subjectDigest(ids)) !== record.subjectDigest)
      problem = 'the proven subjects differ from the attested set';
    this.#add(
      'dataset.subjects',
      problem === undefined,
      problem ?? `${ids.length} attested subject(s)`,
      dataset,
    );
  }

  /** Each binding proof commits to the same values as its chunk's inclusion proof. */
  #checkBinding(dataset: string, record: QueryRecord, inclusion: ProofItem[], binding: ProofItem[]): void {
    let problem: string | undefined;
    try {
      for (const [chunk, bind] of binding.entries()) {
        const count = Math.min(BATCH_SIZE, record.subjectCount - chunk * BATCH_SIZE);
        const values = inclusionSignals(inclusion[chunk]!).valueCommitments;
        const bound =
          bind.circuit === 'share_binding'
            ? (() => {
                const b = decodePublicSignals('share_binding', bind.publicSignals);
                return { valueCommitments: [b.valueCommitment], shareCommitments: [b.shareCommitments] };
              })()
            : decodePublicSignals('share_binding_batch', bind.publicSignals);
        for (let j = 0; j < count; j++) {
          if (bound.valueCommitments[j] !== values[j])
            problem ??= `chunk ${chunk}: value commitment ${j} differs`;
          if (bound.shareCommitments[j]?.length !== SHARE_PARTIES)
            problem ??= `chunk ${chunk}: share commitments ${j}`;
        }
      }
    } catch (err) {
      problem = message(err);
    }
    this.#add(
      'dataset.binding',
      problem === undefined,
      problem ?? 'shares bound to the proven value commitments',
      dataset,
    );
  }
}
