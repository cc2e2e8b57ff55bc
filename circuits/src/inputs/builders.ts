/**
 * Typed input builders: from domain objects (records, paths, sharings, invoices, credentials) to the
 * exact inputs of each circuit, with the public values computed by the TypeScript reference hashes.
 * Builders check consistency early (leaf vs path, sizes), so a mistake is reported here rather than as a
 * failed witness deep in the prover.
 */
import type { IssuerPublicKey, SignedCredential } from '../credential/issuer.ts';
import { CircuitError } from '../errors.ts';
import { assertField, assertUint64 } from '../field.ts';
import type { MerklePath } from '../merkle/poseidon-merkle-tree.ts';
import {
  type DatasetRecord,
  type Invoice,
  invoiceLeaf,
  recordLeaf,
  shareCommitment,
  subjectCommitment,
  valueCommitment,
} from '../poseidon/commitments.ts';
import type { PoseidonHasher } from '../poseidon/interface.ts';
import { BATCH_SIZE, SHARE_DEGREE, SHARE_PARTIES, TREE_DEPTH } from '../registry.ts';
import type { Sharing } from '../sharing/shares.ts';
import {
  type Bit,
  type CredentialInput,
  DIRECTION_SIGNAL,
  type Direction,
  type InvoiceNullifierInput,
  type RecordInclusionBatchInput,
  type RecordInclusionInput,
  type ShareBindingBatchInput,
  type ShareBindingInput,
  type ThresholdInput,
} from './types.ts';

/** One record to prove: the record, its path in the dataset tree, and the commitment's blinding. */
export interface RecordWitness {
  record: DatasetRecord;
  path: MerklePath;
  blinding: bigint;
}

/** One value's sharing to bind: the value, its commitment blinding, the sharing and share blindings. */
export interface SharingWitness {
  value: bigint;
  blinding: bigint;
  sharing: Sharing;
  shareBlindings: bigint[];
}

function invalid(circuit: string, signal: string, reason: string): never {
  throw new CircuitError('INPUT_INVALID', `${circuit}.${signal}: ${reason}`, { circuit, signal, reason });
}

function checkPath(circuit: string, hasher: PoseidonHasher, item: RecordWitness, signal: string): bigint {
  const leaf = recordLeaf(hasher, item.record);
  if (item.path.siblings.length !== TREE_DEPTH) {
    invalid(
      circuit,
      `${signal}.path`,
      `depth ${item.path.siblings.length}, circuits are depth ${TREE_DEPTH}`,
    );
  }
  if (item.path.leaf !== leaf) invalid(circuit, `${signal}.path`, 'path leaf is not the record leaf');
  return leaf;
}

/**
 * Builds RecordInclusion's input.
 * @throws {CircuitError} `INPUT_INVALID` when the path is not the record's path or has the wrong depth.
 * @throws {RangeError} when a record field is out of range.
 */
export function recordInclusionInput(hasher: PoseidonHasher, item: RecordWitness): RecordInclusionInput {
  checkPath('record_inclusion', hasher, item, 'record');
  const { record, path, blinding } = item;
  return {
    root: path.root,
    subjectId: record.subjectId,
    fieldId: record.fieldId,
    valueCommitment: valueCommitment(hasher, record.value, blinding),
    value: record.value,
    salt: record.salt,
    blinding,
    siblings: [...path.siblings],
    pathIndices: [...path.pathIndices],
  };
}

/**
 * Builds RecordInclusionBatch's input for up to BATCH_SIZE records under one root; empty slots are padded
 * with zeros (value 0, blinding 0) and `count` says how many are real.
 * @throws {CircuitError} `INPUT_INVALID` for zero or too many records, or paths to different roots.
 */
export function recordInclusionBatchInput(
  hasher: PoseidonHasher,
  items: readonly RecordWitness[],
): RecordInclusionBatchInput {
  const circuit = 'record_inclusion_batch';
  if (items.length < 1 || items.length > BATCH_SIZE)
    invalid(circuit, 'items', `need 1 to ${BATCH_SIZE} records`);
  const root = items[0]!.path.root;
  const padding = valueCommitment(hasher, 0n, 0n);
  const input: RecordInclusionBatchInput = {
    root,
    count: BigInt(items.length),
    subjectIds: [],
    fieldIds: [],
    valueCommitments: [],
    values: [],
    salts: [],
    blindings: [],
    siblings: [],
    pathIndices: [],
  };
  for (let i = 0; i < BATCH_SIZE; i++) {
    const item = items[i];
    if (!item) {
      input.subjectIds.push(0n);
      input.fieldIds.push(0n);
      input.valueCommitments.push(padding);
      input.values.push(0n);
      input.salts.push(0n);
      input.blindings.push(0n);
      input.siblings.push(new Array<bigint>(TREE_DEPTH).fill(0n));
      input.pathIndices.push(new Array<Bit>(TREE_DEPTH).fill(0));
      continue;
    }
    checkPath(circuit, hasher, item, `items[${i}]`);
    if (item.path.root !== root)
      invalid(circuit, `items[${i}].path`, 'all records must be under the same root');
    input.subjectIds.push(item.record.subjectId);
    input.fieldIds.push(item.record.fieldId);
    input.valueCommitments.push(valueCommitment(hasher, item.record.value, item.blinding));
    input.values.push(item.record.value);
    input.salts.push(item.record.salt);
    input.blindings.push(item.blinding);
    input.siblings.push([...item.path.siblings]);
    input.pathIndices.push([...item.path.pathIndices]);
  }
  return input;
}

/**
 * Builds Threshold's input. A value that does not satisfy the predicate yields an input without a witness.
 * @throws {RangeError} when value or threshold is not 64-bit.
 */
export function thresholdInput(
  hasher: PoseidonHasher,
  args: { value: bigint; blinding: bigint; threshold: bigint; direction: Direction },
): ThresholdInput {
  return {
    valueCommitment: valueCommitment(hasher, assertUint64(args.value, 'value'), args.blinding),
    threshold: assertUint64(args.threshold, 'threshold'),
    direction: DIRECTION_SIGNAL[args.direction],
    value: args.value,
    blinding: args.blinding,
  };
}

function sharingSignals(
  circuit: string,
  hasher: PoseidonHasher,
  w: SharingWitness,
  degree: number,
  signal: string,
) {
  if (w.sharing.degree !== degree)
    invalid(circuit, `${signal}.sharing`, `degree ${w.sharing.degree}, need ${degree}`);
  if (w.sharing.shares.length !== SHARE_PARTIES || w.shareBlindings.length !== SHARE_PARTIES) {
    invalid(circuit, `${signal}.sharing`, `need ${SHARE_PARTIES} shares and share blindings`);
  }
  return {
    valueCommitment: valueCommitment(hasher, assertField(w.value, 'value'), w.blinding),
    shareCommitments: w.sharing.shares.map((share, i) =>
      shareCommitment(hasher, share, w.shareBlindings[i]!),
    ),
    shares: [...w.sharing.shares],
    shareBlindings: [...w.shareBlindings],
    coefficients: degree === 0 ? [0n] : [...w.sharing.coefficients],
  };
}

/**
 * Builds ShareBinding's input; `additive` selects the share_binding_additive circuit's convention (t = 0).
 * @throws {CircuitError} `INPUT_INVALID` when the sharing has the wrong degree or party count.
 */
export function shareBindingInput(
  hasher: PoseidonHasher,
  witness: SharingWitness,
  options: { additive?: boolean } = {},
): ShareBindingInput {
  const degree = options.additive ? 0 : SHARE_DEGREE;
  const circuit = options.additive ? 'share_binding_additive' : 'share_binding';
  const sig = sharingSignals(circuit, hasher, witness, degree, 'witness');
  return { ...sig, value: witness.value, blinding: witness.blinding };
}

/**
 * Builds ShareBindingBatch's input for up to BATCH_SIZE values; empty slots share 0 with zero coefficients.
 * Slot i must hold the same value commitment as slot i of the matching RecordInclusionBatch.
 * @throws {CircuitError} `INPUT_INVALID` for zero or too many values, or a malformed sharing.
 */
export function shareBindingBatchInput(
  hasher: PoseidonHasher,
  witnesses: readonly SharingWitness[],
): ShareBindingBatchInput {
  const circuit = 'share_binding_batch';
  if (witnesses.length < 1 || witnesses.length > BATCH_SIZE)
    invalid(circuit, 'witnesses', `need 1 to ${BATCH_SIZE}`);
  const zeroSharing: SharingWitness = {
    value: 0n,
    blinding: 0n,
    sharing: {
      degree: SHARE_DEGREE,
      shares: new Array<bigint>(SHARE_PARTIES).fill(0n),
      coefficients: new Array<bigint>(SHARE_DEGREE).fill(0n),
    },
    shareBlindings: new Array<bigint>(SHARE_PARTIES).fill(0n),
  };
  const input: ShareBindingBatchInput = {
    valueCommitments: [],
    shareCommitments: [],
    values: [],
    blindings: [],
    shares: [],
    shareBlindings: [],
    coefficients: [],
  };
  for (let i = 0; i < BATCH_SIZE; i++) {
    const w = witnesses[i] ?? zeroSharing;
    const sig = sharingSignals(circuit, hasher, w, SHARE_DEGREE, `witnesses[${i}]`);
    input.valueCommitments.push(sig.valueCommitment);
    input.shareCommitments.push(sig.shareCommitments);
    input.values.push(w.value);
    input.blindings.push(w.blinding);
    input.shares.push(sig.shares);
    input.shareBlindings.push(sig.shareBlindings);
    input.coefficients.push(sig.coefficients);
  }
  return input;
}

/**
 * Builds InvoiceNullifier's input from an invoice and its path in the issuer's invoice tree.
 * @throws {CircuitError} `INPUT_INVALID` when the path is not the invoice's path.
 */
export function invoiceNullifierInput(
  hasher: PoseidonHasher,
  args: { invoice: Invoice; path: MerklePath; amountBlinding: bigint },
): InvoiceNullifierInput {
  const { invoice, path, amountBlinding } = args;
  if (path.siblings.length !== TREE_DEPTH)
    invalid('invoice_nullifier', 'path', `depth must be ${TREE_DEPTH}`);
  if (path.leaf !== invoiceLeaf(hasher, invoice))
    invalid('invoice_nullifier', 'path', 'path leaf is not the invoice');
  return {
    root: path.root,
    issuer: invoice.issuer,
    invoiceNumber: invoice.invoiceNumber,
    buyer: invoice.buyer,
    amount: invoice.amount,
    issueDate: invoice.issueDate,
    salt: invoice.salt,
    amountBlinding: assertField(amountBlinding, 'amountBlinding'),
    siblings: [...path.siblings],
    pathIndices: [...path.pathIndices],
  };
}

/**
 * Builds Credential's input: the signed credential stays private, the issuer key, date and predicate are public.
 * @throws {RangeError} when a date or threshold is not 64-bit.
 */
export function credentialInput(
  hasher: PoseidonHasher,
  args: {
    credential: SignedCredential;
    issuer: IssuerPublicKey;
    currentDate: bigint;
    threshold: bigint;
    direction: Direction;
    subjectBlinding: bigint;
  },
): CredentialInput {
  const { claim, signature } = args.credential;
  return {
    issuerAx: args.issuer.x,
    issuerAy: args.issuer.y,
    attribute: claim.attribute,
    currentDate: assertUint64(args.currentDate, 'currentDate'),
    threshold: assertUint64(args.threshold, 'threshold'),
    direction: DIRECTION_SIGNAL[args.direction],
    subjectCommitment: subjectCommitment(hasher, claim.subject, args.subjectBlinding),
    subject: claim.subject,
    subjectBlinding: args.subjectBlinding,
    value: claim.value,
    expiry: claim.expiry,
    signatureR8x: signature.R8x,
    signatureR8y: signature.R8y,
    signatureS: signature.S,
  };
}
