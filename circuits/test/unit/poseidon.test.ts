// Poseidon (Grassi et al. 2021) as circomlib instantiates it on BN254: vectors from circomlib's own
// tests, then a cross-implementation check against circomlibjs's reference (pure JS) implementation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createCircomlibPoseidon,
  FIELD_MODULUS,
  INVOICE_NULLIFIER_TAG,
  invoiceNullifier,
  recordLeaf,
  tagToField,
  valueCommitment,
} from '../../src/index.ts';

const hasher = await createCircomlibPoseidon();
const circomlibjs = (await import('circomlibjs' as string)) as {
  buildPoseidonReference(): Promise<
    ((inputs: bigint[]) => Uint8Array) & { F: { toObject(x: Uint8Array): bigint } }
  >;
};
const reference = await circomlibjs.buildPoseidonReference();

const field = fc.bigInt({ min: 0n, max: FIELD_MODULUS - 1n });

describe('Poseidon', () => {
  it('matches the circomlib vectors', () => {
    expect(hasher.hash([1n, 2n])).toBe(0x115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189an);
    expect(hasher.hash([1n, 2n, 3n, 4n])).toBe(
      0x299c867db6c1fdd79dcefa40e4510b9837e60ebb1ce0663dbaa525df65250465n,
    );
  });

  it('agrees with the circomlibjs reference implementation on random inputs', () => {
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 6 }), (inputs) => {
        expect(hasher.hash(inputs)).toBe(reference.F.toObject(reference(inputs)));
      }),
      { numRuns: 40 },
    );
  });

  it('rejects 0 or more than 16 inputs', () => {
    expect(() => hasher.hash([])).toThrow(RangeError);
    expect(() => hasher.hash(new Array<bigint>(17).fill(1n))).toThrow(RangeError);
  });
});

describe('commitments', () => {
  it('derive from the documented Poseidon arities', () => {
    const record = { subjectId: 11n, fieldId: 22n, value: 33n, salt: 44n };
    expect(recordLeaf(hasher, record)).toBe(hasher.hash([11n, 22n, 33n, 44n]));
    expect(valueCommitment(hasher, 33n, 5n)).toBe(hasher.hash([33n, 5n]));
    expect(invoiceNullifier(hasher, 7n, 8n)).toBe(hasher.hash([INVOICE_NULLIFIER_TAG, 7n, 8n]));
  });

  it('encode the nullifier domain tag as in invoice-nullifier.circom', () => {
    expect(INVOICE_NULLIFIER_TAG).toBe(
      3031563012733337140780529501884635454085771649425812952835680480753201n,
    );
    expect(tagToField('privgate/invoice-nullifier/v1')).toBe(INVOICE_NULLIFIER_TAG);
  });

  it('reject values outside their ranges', () => {
    expect(() => recordLeaf(hasher, { subjectId: 1n, fieldId: 1n, value: 1n << 64n, salt: 1n })).toThrow(
      RangeError,
    );
    expect(() => valueCommitment(hasher, FIELD_MODULUS, 1n)).toThrow(RangeError);
  });
});
