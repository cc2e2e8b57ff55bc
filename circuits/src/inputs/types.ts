/** Typed inputs and public signals of each compiled circuit (see registry.ts for shapes). */
import type { CircuitName } from '../registry.ts';

/** A Merkle path bit: 1 when the node at that level is a right child. */
export type Bit = 0 | 1;

/** Comparison direction of Threshold and Credential: `le` proves value ≤ threshold, `ge` value ≥ threshold. */
export type Direction = 'le' | 'ge';
export const DIRECTION_SIGNAL: Readonly<Record<Direction, bigint>> = { le: 0n, ge: 1n };

export interface RecordInclusionPublic {
  root: bigint;
  subjectId: bigint;
  fieldId: bigint;
  valueCommitment: bigint;
}
export interface RecordInclusionInput extends RecordInclusionPublic {
  value: bigint;
  salt: bigint;
  blinding: bigint;
  siblings: bigint[];
  pathIndices: Bit[];
}

export interface RecordInclusionBatchPublic {
  root: bigint;
  /** Slots [0, count) are real records; the rest are padding the verifier ignores. */
  count: bigint;
  subjectIds: bigint[];
  fieldIds: bigint[];
  valueCommitments: bigint[];
}
export interface RecordInclusionBatchInput extends RecordInclusionBatchPublic {
  values: bigint[];
  salts: bigint[];
  blindings: bigint[];
  siblings: bigint[][];
  pathIndices: Bit[][];
}

export interface ThresholdPublic {
  valueCommitment: bigint;
  threshold: bigint;
  /** 0: value ≤ threshold, 1: value ≥ threshold. */
  direction: bigint;
}
export interface ThresholdInput extends ThresholdPublic {
  value: bigint;
  blinding: bigint;
}

export interface ShareBindingPublic {
  valueCommitment: bigint;
  shareCommitments: bigint[];
}
export interface ShareBindingInput extends ShareBindingPublic {
  value: bigint;
  blinding: bigint;
  shares: bigint[];
  shareBlindings: bigint[];
  /** Shamir coefficients a_1..a_t; `[0n]` for additive sharing. */
  coefficients: bigint[];
}

export interface ShareBindingBatchPublic {
  valueCommitments: bigint[];
  shareCommitments: bigint[][];
}
export interface ShareBindingBatchInput extends ShareBindingBatchPublic {
  values: bigint[];
  blindings: bigint[];
  shares: bigint[][];
  shareBlindings: bigint[][];
  coefficients: bigint[][];
}

export interface InvoiceNullifierPublic {
  nullifier: bigint;
  amountCommitment: bigint;
  root: bigint;
  issuer: bigint;
}
export interface InvoiceNullifierInput {
  root: bigint;
  issuer: bigint;
  invoiceNumber: bigint;
  buyer: bigint;
  amount: bigint;
  issueDate: bigint;
  salt: bigint;
  amountBlinding: bigint;
  siblings: bigint[];
  pathIndices: Bit[];
}

export interface CredentialPublic {
  issuerAx: bigint;
  issuerAy: bigint;
  attribute: bigint;
  currentDate: bigint;
  threshold: bigint;
  direction: bigint;
  subjectCommitment: bigint;
}
export interface CredentialInput extends CredentialPublic {
  subject: bigint;
  subjectBlinding: bigint;
  value: bigint;
  expiry: bigint;
  signatureR8x: bigint;
  signatureR8y: bigint;
  signatureS: bigint;
}

/** Input and public-signal types per circuit name. */
export interface CircuitTypes {
  record_inclusion: { input: RecordInclusionInput; public: RecordInclusionPublic };
  record_inclusion_batch: { input: RecordInclusionBatchInput; public: RecordInclusionBatchPublic };
  threshold: { input: ThresholdInput; public: ThresholdPublic };
  share_binding: { input: ShareBindingInput; public: ShareBindingPublic };
  share_binding_additive: { input: ShareBindingInput; public: ShareBindingPublic };
  share_binding_batch: { input: ShareBindingBatchInput; public: ShareBindingBatchPublic };
  invoice_nullifier: { input: InvoiceNullifierInput; public: InvoiceNullifierPublic };
  credential: { input: CredentialInput; public: CredentialPublic };
}

export type CircuitInput<C extends CircuitName> = CircuitTypes[C]['input'];
export type CircuitPublic<C extends CircuitName> = CircuitTypes[C]['public'];

// Compile-time check that every circuit has types and every typed name is a circuit.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const CIRCUIT_TYPES_COMPLETE: Exact<keyof CircuitTypes, CircuitName> = true;
