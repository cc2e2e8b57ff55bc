/**
 * The Poseidon hashes the circuits compute, in TypeScript: the reference the witness tests compare
 * circuit outputs against, and what the gateway uses to build trees, commitments and nullifiers.
 */
import { assertField, assertUint64, tagToField } from '../field.ts';
import type { PoseidonHasher } from './interface.ts';

/** A dataset record as RecordInclusion hashes it. */
export interface DatasetRecord {
  subjectId: bigint;
  fieldId: bigint;
  /** < 2^64. */
  value: bigint;
  /** Secret per-record salt: keeps a leaf from being recomputed from guessed fields. */
  salt: bigint;
}

/** An invoice as InvoiceNullifier hashes it. */
export interface Invoice {
  invoiceNumber: bigint;
  issuer: bigint;
  buyer: bigint;
  /** < 2^64, in the currency's smallest unit. */
  amount: bigint;
  issueDate: bigint;
  salt: bigint;
}

/** The signed content of a Credential. */
export interface CredentialClaim {
  subject: bigint;
  attribute: bigint;
  /** < 2^64. */
  value: bigint;
  /** First instant (same unit as the verifier's date) at which the credential is no longer valid; < 2^64. */
  expiry: bigint;
}

/** Domain tag of the invoice nullifier: ASCII "privgate/invoice-nullifier/v1", as in invoice-nullifier.circom. */
export const INVOICE_NULLIFIER_TAG = tagToField('privgate/invoice-nullifier/v1');

/**
 * leaf = Poseidon(subjectId, fieldId, value, salt).
 * @throws {RangeError} when a field is not a field element or the value is not 64-bit.
 */
export function recordLeaf(hasher: PoseidonHasher, record: DatasetRecord): bigint {
  return hasher.hash([
    assertField(record.subjectId, 'subjectId'),
    assertField(record.fieldId, 'fieldId'),
    assertUint64(record.value, 'value'),
    assertField(record.salt, 'salt'),
  ]);
}

/**
 * valueCommitment = Poseidon(value, blinding): the commitment RecordInclusion, Threshold and ShareBinding share.
 * @throws {RangeError} when an argument is not a field element.
 */
export function valueCommitment(hasher: PoseidonHasher, value: bigint, blinding: bigint): bigint {
  return hasher.hash([assertField(value, 'value'), assertField(blinding, 'blinding')]);
}

/**
 * shareCommitment = Poseidon(share, blinding): what each MPC party checks its received share against.
 * @throws {RangeError} when an argument is not a field element.
 */
export function shareCommitment(hasher: PoseidonHasher, share: bigint, blinding: bigint): bigint {
  return hasher.hash([assertField(share, 'share'), assertField(blinding, 'blinding')]);
}

/**
 * Invoice leaf = Poseidon(invoiceNumber, issuer, buyer, amount, issueDate, salt).
 * @throws {RangeError} when a field is not a field element or the amount is not 64-bit.
 */
export function invoiceLeaf(hasher: PoseidonHasher, invoice: Invoice): bigint {
  return hasher.hash([
    assertField(invoice.invoiceNumber, 'invoiceNumber'),
    assertField(invoice.issuer, 'issuer'),
    assertField(invoice.buyer, 'buyer'),
    assertUint64(invoice.amount, 'amount'),
    assertField(invoice.issueDate, 'issueDate'),
    assertField(invoice.salt, 'salt'),
  ]);
}

/**
 * nullifier = Poseidon(INVOICE_NULLIFIER_TAG, invoiceNumber, issuer): every bank shown the invoice derives
 * the same value, so a second financing of the invoice collides in the nullifier registry.
 * @throws {RangeError} when an argument is not a field element.
 */
export function invoiceNullifier(hasher: PoseidonHasher, invoiceNumber: bigint, issuer: bigint): bigint {
  return hasher.hash([
    INVOICE_NULLIFIER_TAG,
    assertField(invoiceNumber, 'invoiceNumber'),
    assertField(issuer, 'issuer'),
  ]);
}

/**
 * The message an authority signs for a Credential: Poseidon(subject, attribute, value, expiry).
 * @throws {RangeError} when a field is out of range (value and expiry are 64-bit).
 */
export function credentialMessage(hasher: PoseidonHasher, claim: CredentialClaim): bigint {
  return hasher.hash([
    assertField(claim.subject, 'subject'),
    assertField(claim.attribute, 'attribute'),
    assertUint64(claim.value, 'value'),
    assertUint64(claim.expiry, 'expiry'),
  ]);
}

/**
 * subjectCommitment = Poseidon(subject, blinding), the Credential circuit's public handle on the subject.
 * @throws {RangeError} when an argument is not a field element.
 */
export function subjectCommitment(hasher: PoseidonHasher, subject: bigint, blinding: bigint): bigint {
  return hasher.hash([assertField(subject, 'subject'), assertField(blinding, 'blinding')]);
}
