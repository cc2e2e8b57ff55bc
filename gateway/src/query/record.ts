/**
 * The query record: everything a completed query commits to, in canonical JSON (RFC 8785 style). The
 * ledger's "answered" audit event carries the record itself and SM3 of it as its result commitment, with
 * the ids of the proof transactions behind it, so an auditor can check a query from the ledger alone; the
 * requester also receives the record with the proof bundle, and can later open the result commitment with
 * its nonce. The result itself is never on the ledger.
 */
import { sm3 } from '@privgate/accel';
import type { DatasetContribution } from '../contribution/index.ts';
import { canonicalJson } from '../datasets/index.ts';
import type { MpcOutput } from '../mpc/index.ts';
import type { PublicRequest } from './request.ts';

/** One party's signed transcript digest. */
export interface SignedTranscript {
  party: string;
  /** SM3 transcript digest, hex. */
  digest: string;
  /** SM2 signature (raw r ‖ s, hex) over `transcriptBytes(queryId, party, digest)`. */
  signature: string;
}

/** One dataset's part of the record. */
export interface RecordDataset {
  dataset: string;
  holder: string;
  version: number;
  /** Anchored root, 0x hex. */
  root: string;
  /** SM3 of the canonical proofs and public signals, hex. */
  proofDigest: string;
}

/** What the answered audit event commits to. */
export interface QueryRecord {
  v: 1;
  queryId: string;
  request: PublicRequest;
  entry: string;
  resolver: string;
  computeParties: string[];
  subjectCount: number;
  /** SM3 of the related parties' subject ids, hex. */
  subjectDigest: string;
  /** The resolver's SM2 signature over `attestationBytes`, hex. */
  attestation: string;
  datasets: RecordDataset[];
  transcripts: SignedTranscript[];
  /** SM3("privgate/query/result/v1\0" ‖ queryId ‖ "\0" ‖ result ‖ "\0" ‖ nonce), hex. */
  resultCommitment: string;
}

/** The canonical text of an output, as the result commitment hashes it. */
export function outputText(output: MpcOutput): string {
  return output.kind === 'aggregate'
    ? `aggregate:${output.value}`
    : `verdict:${output.value ? 1 : 0}:${output.threshold}`;
}

/** Commitment to the result under a random nonce (hex). */
export function resultCommitment(queryId: string, output: MpcOutput, nonce: string): string {
  return Buffer.from(
    sm3(new TextEncoder().encode(`privgate/query/result/v1\0${queryId}\0${outputText(output)}\0${nonce}`)),
  ).toString('hex');
}

/** SM3 of a contribution's proofs and public signals, hex. */
export function proofDigest(c: Pick<DatasetContribution, 'inclusion' | 'binding'>): string {
  const proofs = [...c.inclusion, ...c.binding].map((p) => ({
    circuit: p.circuit,
    proof: p.proof,
    publicSignals: p.publicSignals,
  }));
  return Buffer.from(sm3(new TextEncoder().encode(canonicalJson(proofs)))).toString('hex');
}

/** SM3 of the record's canonical JSON: the ledger's result commitment. */
export function recordDigest(record: QueryRecord): Uint8Array {
  return sm3(new TextEncoder().encode(`privgate/query/record/v1\0${canonicalJson(record)}`));
}

/**
 * The record as the ledger's "answered" event carries it: UTF-8 canonical JSON. Its digest under the
 * ledger's `QUERY_RECORD_DOMAIN` is {@link recordDigest}.
 */
export function recordBytes(record: QueryRecord): Uint8Array {
  return new TextEncoder().encode(canonicalJson(record));
}
