/**
 * Independent check of an answer's proof bundle, for the requester or an auditor: everything is checked
 * against the ledger, nothing is taken from the entry gateway on trust except the MPC itself (whose
 * transcripts every participant signed).
 *
 *   1. the record is the one the ledger's "answered" event commits to, for this query id and request;
 *   2. the answer and the nonce open the record's result commitment, in the request's disclosure mode;
 *   3. the resolver's attestation verifies with its ledger key, and every contribution covers exactly the
 *      attested subjects;
 *   4. every contribution matches its record entry (holder, version, root, proof digest) and passes the
 *      contribution verifier at that anchored version (roots, subjects, commitments, Groth16 proofs);
 *   5. every participant's signed transcript digest verifies with its ledger key.
 */
import { verifySm2 } from '@privgate/accel';
import type { ContributionVerifier } from '../contribution/index.ts';
import type { LedgerClient } from '../ledger-client/interface.ts';
import type { MpcOutput } from '../mpc/index.ts';
import { attestationBytes, subjectDigest, transcriptBytes } from './plan.ts';
import type { ProofBundle } from './query-gateway.ts';
import { proofDigest, recordDigest, resultCommitment } from './record.ts';
import { queryIdOfPublic } from './request.ts';

/** The outcome of a bundle check. */
export type BundleCheck = { valid: true } | { valid: false; reason: string };

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

async function signedBy(
  ledger: LedgerClient,
  org: string,
  message: Uint8Array,
  signature: string,
): Promise<boolean> {
  const identity = await ledger.identity(org);
  if (identity?.publicKey == null) return false;
  try {
    return verifySm2(message, unhex(signature), identity.publicKey);
  } catch {
    return false;
  }
}

/**
 * Checks an answer and its bundle (see the file comment).
 * @returns `{ valid: true }`, or the first reason it is not.
 */
export async function checkProofBundle(
  answer: { queryId: string; output: MpcOutput; bundle: ProofBundle },
  components: { ledger: LedgerClient; verifier: ContributionVerifier },
): Promise<BundleCheck> {
  const { ledger, verifier } = components;
  const { record, contributions } = answer.bundle;
  const fail = (reason: string): BundleCheck => ({ valid: false, reason });
  const queryId = answer.queryId;

  if (record.queryId !== queryId || hex(queryIdOfPublic(record.request)) !== queryId) {
    return fail('the record is not this query’s');
  }
  const trail = await ledger.auditTrail(unhex(queryId));
  const [opened, closed] = trail;
  if (opened?.kind !== 'opened' || opened.requester !== record.request.agency)
    return fail('not opened by the agency');
  if (closed?.kind !== 'answered' || closed.gateway !== record.entry)
    return fail('not answered by the entry gateway');
  if (hex(closed.resultCommitment) !== hex(recordDigest(record)))
    return fail('the ledger commits to another record');

  const mode = record.request.disclosure;
  if (answer.output.kind !== mode.mode) return fail('the answer is not in the request’s disclosure mode');
  if (
    answer.output.kind === 'verdict' &&
    mode.mode === 'verdict' &&
    answer.output.threshold !== BigInt(mode.threshold)
  ) {
    return fail('the verdict is for another threshold');
  }
  if (resultCommitment(queryId, answer.output, answer.bundle.resultNonce) !== record.resultCommitment) {
    return fail('the answer does not open the result commitment');
  }

  const attested = attestationBytes(unhex(queryId), record.subjectCount, unhex(record.subjectDigest));
  if (!(await signedBy(ledger, record.resolver, attested, record.attestation)))
    return fail('bad resolver attestation');

  if (
    contributions.length !== record.request.metrics.length ||
    record.datasets.length !== contributions.length
  ) {
    return fail('one contribution per metric is required');
  }
  for (const [i, c] of contributions.entries()) {
    const entry = record.datasets[i]!;
    if (c.dataset !== record.request.metrics[i]!.dataset || entry.dataset !== c.dataset)
      return fail(`contribution ${i} order`);
    if (entry.holder !== c.holder || entry.version !== c.version || BigInt(entry.root) !== c.root) {
      return fail(`${c.dataset}: contribution differs from the record`);
    }
    if (entry.proofDigest !== proofDigest(c)) return fail(`${c.dataset}: proofs differ from the record`);
    if (
      c.subjectIds.length !== record.subjectCount ||
      hex(subjectDigest(c.subjectIds)) !== record.subjectDigest
    ) {
      return fail(`${c.dataset}: subjects differ from the attested set`);
    }
    const check = await verifier.check(c, {
      queryId,
      holder: c.holder,
      dataset: c.dataset,
      subjectIds: c.subjectIds,
      version: c.version,
    });
    if (!check.valid) return fail(`${c.dataset}: ${check.code}: ${check.reason}`);
  }

  const parties = new Set([...record.computeParties, record.entry, ...contributions.map((c) => c.holder)]);
  const signed = new Set(record.transcripts.map((t) => t.party));
  for (const p of parties) if (!signed.has(p)) return fail(`no transcript from ${p}`);
  for (const t of record.transcripts) {
    if (
      !(await signedBy(
        ledger,
        t.party,
        transcriptBytes(unhex(queryId), t.party, unhex(t.digest)),
        t.signature,
      ))
    ) {
      return fail(`bad transcript signature of ${t.party}`);
    }
  }
  return { valid: true };
}
