import { sm3 } from '@privgate/accel';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  type DatasetDeclarationInput,
  parseDeclaration,
  schemaHash,
} from '../../src/datasets/index.ts';
import { GatewayError } from '../../src/errors.ts';

const ARREARS: DatasetDeclarationInput = {
  name: 'tax.arrears',
  title: 'Tax arrears by taxpayer',
  subject: 'uscc',
  fields: [
    { name: 'uscc', type: 'uscc' },
    { name: 'amount', type: 'decimal', scale: 2, unit: 'CNY fen' },
    { name: 'due_date', type: 'date' },
    { name: 'office', type: 'string', maxLength: 64 },
    { name: 'periods', type: 'int64' },
  ],
};

function validationErrors(input: unknown): { path: string; message: string }[] {
  try {
    parseDeclaration(input);
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).code).toBe('VALIDATION_FAILED');
    return (err as GatewayError<'VALIDATION_FAILED'>).context.errors;
  }
  throw new Error('expected VALIDATION_FAILED');
}

describe('dataset declarations', () => {
  it('accepts a declaration and applies defaults', () => {
    const parsed = parseDeclaration({
      ...ARREARS,
      fields: [...ARREARS.fields, { name: 'memo', type: 'string' }],
    });
    expect(parsed.fields.at(-1)).toEqual({ name: 'memo', type: 'string', maxLength: 256 });
  });

  it('names every invalid field', () => {
    const errors = validationErrors({
      name: 'Tax Arrears',
      subject: 'amount',
      fields: [
        { name: 'amount', type: 'decimal', scale: 30 },
        { name: 'amount', type: 'float' },
      ],
    });
    const paths = errors.map((e) => e.path);
    expect(paths).toContain('name');
    expect(paths).toContain('fields.0.scale');
    expect(paths).toContain('fields.1.type');
  });

  it('requires the subject to be a declared uscc field, and field names to be unique', () => {
    expect(validationErrors({ ...ARREARS, subject: 'nobody' })).toEqual([
      { in: 'declaration', path: 'subject', message: 'no field named nobody' },
    ]);
    expect(validationErrors({ ...ARREARS, subject: 'amount' })[0]?.message).toMatch(/must be of type uscc/);
    const dup = validationErrors({
      ...ARREARS,
      fields: [...ARREARS.fields, { name: 'amount', type: 'int64' }],
    });
    expect(dup).toEqual([{ in: 'declaration', path: 'fields.5.name', message: 'duplicate field amount' }]);
  });

  it('refuses unknown properties rather than dropping them from the hash', () => {
    const errors = validationErrors({ ...ARREARS, owner: 'someone' });
    expect(errors[0]?.path).toBe('owner');
  });

  it('hashes the canonical JSON with SM3: key order and explicit defaults do not change the hash', () => {
    const a = parseDeclaration(ARREARS);
    const reordered = parseDeclaration(JSON.parse(canonicalJson(ARREARS)));
    expect(schemaHash(reordered)).toBe(schemaHash(a));

    const withDefault = parseDeclaration({
      ...ARREARS,
      fields: [...ARREARS.fields, { name: 'memo', type: 'string' }],
    });
    const explicit = parseDeclaration({
      ...ARREARS,
      fields: [...ARREARS.fields, { maxLength: 256, type: 'string', name: 'memo' }],
    });
    expect(schemaHash(explicit)).toBe(schemaHash(withDefault));
    expect(schemaHash(withDefault)).not.toBe(schemaHash(a));

    const expected = Buffer.from(sm3(new TextEncoder().encode(canonicalJson(a)))).toString('hex');
    expect(schemaHash(a)).toBe(expected);
    expect(schemaHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serialises canonical JSON with sorted keys and no whitespace (RFC 8785)', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: 'é"' }], a: null, c: true, u: undefined })).toBe(
      '{"a":null,"b":[3,{"a":"é\\"","z":1}],"c":true}',
    );
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ x: 1n })).toThrow(TypeError);
  });
});
