/**
 * The compiled circuit instances: which template, with which parameters, and the layout of their inputs
 * and public signals. The build script generates each `main` component from this table, and the prover
 * validates inputs and decodes public signals with it, so the parameters live in one place.
 */
import { CircuitError } from './errors.ts';

/** Depth of every compiled dataset and invoice tree: 2^20 ≈ 1M leaves. */
export const TREE_DEPTH = 20;
/**
 * Records per batch proof. Each depth-20 inclusion costs ≈ 5.4k constraints and Groth16 proving is linear in
 * size, so k = 2 (≈ 10.9k constraints, a 2^14 domain) keeps a batch proof at ≈ 1.5–2 s on 2 cores, while
 * k = 4 (2^15) takes ≈ 3.5 s and k = 8 (2^16) ≈ 7 s. Raising it needs a rebuild and, past k = 2, a 2^15 ptau.
 */
export const BATCH_SIZE = 2;
/** MPC parties of the compiled ShareBinding circuits (one share per ministry gateway). */
export const SHARE_PARTIES = 3;
/** Degree of the compiled Shamir sharings: any 2 of 3 shares reconstruct, one share reveals nothing. */
export const SHARE_DEGREE = 1;

/** Names of the compiled circuits. */
export const CIRCUIT_NAMES = [
  'record_inclusion',
  'record_inclusion_batch',
  'threshold',
  'share_binding',
  'share_binding_additive',
  'share_binding_batch',
  'invoice_nullifier',
  'credential',
] as const;
export type CircuitName = (typeof CIRCUIT_NAMES)[number];

/** One signal of the main component: its name and array shape ([] for a scalar). */
export interface SignalLayout {
  name: string;
  shape: number[];
}

export interface CircuitDefinition {
  name: CircuitName;
  /** File under `src/circom/`. */
  source: string;
  template: string;
  params: number[];
  /** Every input signal of the main component, public ones first, in declaration order. */
  inputs: SignalLayout[];
  /** Names listed in `component main {public [...]}`. */
  publicInputs: string[];
  /** Public signals in snarkjs order: outputs first, then public inputs, each flattened row-major. */
  publicSignals: SignalLayout[];
  summary: string;
}

const s = (name: string, ...shape: number[]): SignalLayout => ({ name, shape });
const D = TREE_DEPTH;
const K = BATCH_SIZE;
const N = SHARE_PARTIES;

function define(
  def: Omit<CircuitDefinition, 'publicSignals'> & { outputs?: SignalLayout[] },
): CircuitDefinition {
  const { outputs = [], ...rest } = def;
  const publics = def.inputs.filter((i) => def.publicInputs.includes(i.name));
  return { ...rest, publicSignals: [...outputs, ...publics] };
}

const recordInputs = [s('value'), s('salt'), s('blinding'), s('siblings', D), s('pathIndices', D)];
const shareInputs = (t: number) => [
  s('value'),
  s('blinding'),
  s('shares', N),
  s('shareBlindings', N),
  s('coefficients', t === 0 ? 1 : t),
];

/** All compiled circuits, by name. */
export const CIRCUITS: Readonly<Record<CircuitName, CircuitDefinition>> = {
  record_inclusion: define({
    name: 'record_inclusion',
    source: 'record-inclusion.circom',
    template: 'RecordInclusion',
    params: [D],
    inputs: [s('root'), s('subjectId'), s('fieldId'), s('valueCommitment'), ...recordInputs],
    publicInputs: ['root', 'subjectId', 'fieldId', 'valueCommitment'],
    summary: `dataset record under a depth-${D} root, value < 2^64, value commitment`,
  }),
  record_inclusion_batch: define({
    name: 'record_inclusion_batch',
    source: 'record-inclusion.circom',
    template: 'RecordInclusionBatch',
    params: [D, K],
    inputs: [
      s('root'),
      s('count'),
      s('subjectIds', K),
      s('fieldIds', K),
      s('valueCommitments', K),
      s('values', K),
      s('salts', K),
      s('blindings', K),
      s('siblings', K, D),
      s('pathIndices', K, D),
    ],
    publicInputs: ['root', 'count', 'subjectIds', 'fieldIds', 'valueCommitments'],
    summary: `${K} dataset records under one depth-${D} root (first \`count\` slots checked)`,
  }),
  threshold: define({
    name: 'threshold',
    source: 'threshold.circom',
    template: 'Threshold',
    params: [],
    inputs: [s('valueCommitment'), s('threshold'), s('direction'), s('value'), s('blinding')],
    publicInputs: ['valueCommitment', 'threshold', 'direction'],
    summary: 'committed 64-bit value ≤ or ≥ a public threshold',
  }),
  share_binding: define({
    name: 'share_binding',
    source: 'share-binding.circom',
    template: 'ShareBinding',
    params: [N, SHARE_DEGREE],
    inputs: [s('valueCommitment'), s('shareCommitments', N), ...shareInputs(SHARE_DEGREE)],
    publicInputs: ['valueCommitment', 'shareCommitments'],
    summary: `committed value is the secret of a degree-${SHARE_DEGREE} Shamir sharing among ${N} parties`,
  }),
  share_binding_additive: define({
    name: 'share_binding_additive',
    source: 'share-binding.circom',
    template: 'ShareBinding',
    params: [N, 0],
    inputs: [s('valueCommitment'), s('shareCommitments', N), ...shareInputs(0)],
    publicInputs: ['valueCommitment', 'shareCommitments'],
    summary: `committed value is the sum of ${N} additive shares`,
  }),
  share_binding_batch: define({
    name: 'share_binding_batch',
    source: 'share-binding.circom',
    template: 'ShareBindingBatch',
    params: [N, SHARE_DEGREE, K],
    inputs: [
      s('valueCommitments', K),
      s('shareCommitments', K, N),
      s('values', K),
      s('blindings', K),
      s('shares', K, N),
      s('shareBlindings', K, N),
      s('coefficients', K, SHARE_DEGREE),
    ],
    publicInputs: ['valueCommitments', 'shareCommitments'],
    summary: `${K} committed values, each Shamir-shared (degree ${SHARE_DEGREE}) among ${N} parties`,
  }),
  invoice_nullifier: define({
    name: 'invoice_nullifier',
    source: 'invoice-nullifier.circom',
    template: 'InvoiceNullifier',
    params: [D],
    inputs: [
      s('root'),
      s('issuer'),
      s('invoiceNumber'),
      s('buyer'),
      s('amount'),
      s('issueDate'),
      s('salt'),
      s('amountBlinding'),
      s('siblings', D),
      s('pathIndices', D),
    ],
    publicInputs: ['root', 'issuer'],
    outputs: [s('nullifier'), s('amountCommitment')],
    summary: `invoice under the issuer's depth-${D} tree; public nullifier and amount commitment`,
  }),
  credential: define({
    name: 'credential',
    source: 'credential.circom',
    template: 'Credential',
    params: [],
    inputs: [
      s('issuerAx'),
      s('issuerAy'),
      s('attribute'),
      s('currentDate'),
      s('threshold'),
      s('direction'),
      s('subjectCommitment'),
      s('subject'),
      s('subjectBlinding'),
      s('value'),
      s('expiry'),
      s('signatureR8x'),
      s('signatureR8y'),
      s('signatureS'),
    ],
    publicInputs: [
      'issuerAx',
      'issuerAy',
      'attribute',
      'currentDate',
      'threshold',
      'direction',
      'subjectCommitment',
    ],
    summary: 'EdDSA-Poseidon credential, unexpired, value satisfies a public predicate',
  }),
};

/**
 * Looks a circuit up by name.
 * @throws {CircuitError} `CIRCUIT_UNKNOWN` for a name that is not compiled.
 */
export function circuitDefinition(name: string): CircuitDefinition {
  if (!(CIRCUIT_NAMES as readonly string[]).includes(name)) {
    throw new CircuitError('CIRCUIT_UNKNOWN', `unknown circuit: ${name}`, { circuit: name });
  }
  return CIRCUITS[name as CircuitName];
}

/** The `main` component file circom compiles for a circuit. */
export function mainSource(def: CircuitDefinition): string {
  const params = def.params.join(', ');
  return [
    'pragma circom 2.1.0;',
    `// Generated from circuits/src/registry.ts: ${def.summary}.`,
    `include "${def.source}";`,
    `component main {public [${def.publicInputs.join(', ')}]} = ${def.template}(${params});`,
    '',
  ].join('\n');
}

/** Number of field elements a signal holds. */
export function signalSize(layout: SignalLayout): number {
  return layout.shape.reduce((a, b) => a * b, 1);
}
