import { describe, expect, it } from 'vitest';
import {
  compileRecordValidator,
  type FieldDeclaration,
  fieldValueSchema,
  fieldValueToBigInt,
  jsonValueToText,
  MAX_FIELD_INTEGER,
  parseDeclaration,
} from '../../src/datasets/index.ts';

const int64: FieldDeclaration = { name: 'n', type: 'int64' };
const money: FieldDeclaration = { name: 'amount', type: 'decimal', scale: 2, unit: 'CNY fen' };
const date: FieldDeclaration = { name: 'due', type: 'date' };
const text: FieldDeclaration = { name: 'memo', type: 'string', maxLength: 5 };
const uscc: FieldDeclaration = { name: 'uscc', type: 'uscc' };

function accepts(field: FieldDeclaration, input: string): string {
  const result = fieldValueSchema(field).safeParse(input);
  if (!result.success)
    throw new Error(`rejected ${JSON.stringify(input)}: ${result.error.issues[0]?.message}`);
  return result.data;
}
function rejects(field: FieldDeclaration, input: unknown): string {
  const result = fieldValueSchema(field).safeParse(input);
  if (result.success) throw new Error(`accepted ${JSON.stringify(input)}`);
  return result.error.issues[0]!.message;
}

describe('field values', () => {
  it('keeps numbers inside the circuits’ 64-bit range: int64 is exactly [0, 2^63 − 1]', () => {
    expect(MAX_FIELD_INTEGER).toBe(2n ** 63n - 1n);
    expect(MAX_FIELD_INTEGER < 2n ** 64n).toBe(true);
    expect(accepts(int64, '9223372036854775807')).toBe('9223372036854775807');
    expect(rejects(int64, '9223372036854775808')).toMatch(/64-bit range/);
    expect(rejects(int64, '99999999999999999999999')).toMatch(/64-bit range/);
    expect(accepts(int64, '0')).toBe('0');
    expect(accepts(int64, '007')).toBe('7');
    expect(rejects(int64, '-1')).toBe('must not be negative');
    expect(rejects(int64, '1.5')).toMatch(/digits only/);
    expect(rejects(int64, '')).toMatch(/digits only/);
    expect(rejects(int64, undefined)).toBe('is required');
  });

  it('stores decimals as integer units of the declared scale, refusing extra places', () => {
    expect(accepts(money, '1234.56')).toBe('123456');
    expect(accepts(money, '12.3')).toBe('1230');
    expect(accepts(money, '7')).toBe('700');
    expect(accepts(money, '0.01')).toBe('1');
    expect(rejects(money, '0.001')).toBe('has more than 2 decimal places');
    expect(rejects(money, '-3.00')).toBe('must not be negative');
    expect(rejects(money, '1,000.00')).toMatch(/non-negative decimal/);
    expect(accepts(money, '92233720368547758.07')).toBe('9223372036854775807');
    expect(rejects(money, '92233720368547758.08')).toMatch(/64-bit range/);
  });

  it('stores calendar dates as YYYYMMDD and refuses impossible ones', () => {
    expect(accepts(date, '2024-02-29')).toBe('20240229');
    expect(accepts(date, '2000-02-29')).toBe('20000229');
    expect(rejects(date, '1900-02-29')).toMatch(/calendar date/);
    expect(rejects(date, '2023-02-29')).toMatch(/calendar date/);
    expect(rejects(date, '2024-04-31')).toMatch(/calendar date/);
    expect(rejects(date, '2024-13-01')).toMatch(/calendar date/);
    expect(rejects(date, '24-01-01')).toMatch(/calendar date/);
    expect(rejects(date, '2024/01/01')).toMatch(/calendar date/);
  });

  it('checks text length and refuses NUL and unpaired surrogates', () => {
    expect(accepts(text, '税务局')).toBe('税务局');
    expect(rejects(text, 'abcdef')).toMatch(/at most 5/);
    expect(rejects(text, 'a\u0000b')).toMatch(/without NUL/);
    expect(rejects(text, 'a\uD800b')).toMatch(/valid Unicode/);
  });

  it('validates and upper-cases unified social credit codes', () => {
    expect(accepts(uscc, '91330100716105852f')).toBe('91330100716105852F');
    expect(rejects(uscc, '91330100716105852E')).toMatch(/check character/);
  });

  it('turns encoded values into the integers the circuits take', () => {
    expect(fieldValueToBigInt(money, '123456')).toBe(123456n);
    expect(fieldValueToBigInt(date, '20240229')).toBe(20240229n);
    expect(fieldValueToBigInt(text, 'x')).toBeUndefined();
    expect(typeof fieldValueToBigInt(uscc, '91330100716105852F')).toBe('bigint');
  });

  it('takes JSON numbers only where JavaScript read them exactly', () => {
    expect(jsonValueToText('12.50')).toEqual({ text: '12.50' });
    expect(jsonValueToText(42)).toEqual({ text: '42' });
    expect(jsonValueToText(12.5)).toEqual({ text: '12.5' });
    expect(jsonValueToText(2 ** 60)).toHaveProperty('reason');
    expect(jsonValueToText(1e21)).toHaveProperty('reason');
    expect(jsonValueToText(Number('1234567890123.4567'))).toHaveProperty('reason');
    expect(jsonValueToText(null)).toEqual({ reason: 'must be a string or a number, got null' });
    expect(jsonValueToText(true)).toHaveProperty('reason');
  });

  it('validates a row: subject split out, first problem named with its field', () => {
    const validator = compileRecordValidator(
      parseDeclaration({ name: 'tax.arrears', subject: 'uscc', fields: [uscc, money, date] }),
    );
    expect(validator.validate({ uscc: '91330100716105852F', amount: '1.00', due: '2024-01-31' })).toEqual({
      ok: true,
      record: { subjectId: '91330100716105852F', values: { amount: '100', due: '20240131' } },
    });
    expect(validator.validate({ uscc: '91330100716105852F', amount: '1.001', due: '2024-01-31' })).toEqual({
      ok: false,
      field: 'amount',
      reason: 'has more than 2 decimal places',
    });
    expect(
      validator.validate({ uscc: '91330100716105852F', amount: '1', due: '2024-01-31', extra: 'x' }),
    ).toEqual({
      ok: false,
      field: 'extra',
      reason: 'is not a field of the dataset',
    });
    expect(validator.validate({ uscc: '91330100716105852F', amount: '1' })).toMatchObject({
      ok: false,
      field: 'due',
      reason: 'is required',
    });
  });
});
