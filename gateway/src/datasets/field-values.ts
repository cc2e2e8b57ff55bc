/**
 * Field values: the zod schema of each field type, from the text of a CSV cell or a JSON-lines value to
 * the encoded form the store keeps (integers as canonical decimal strings), and back to the integers the
 * circuits take.
 *
 * Every number is a non-negative integer at most 2^63 − 1: inside the circuits' 64-bit range check
 * (value < 2^64) with room to spare, and storable as a signed 64-bit column by any consumer.
 */
import { z } from 'zod';
import type { DatasetDeclaration, FieldDeclaration } from './declaration.ts';
import { splitFields } from './declaration.ts';
import { usccProblem, usccToBigInt } from './uscc.ts';

/** The largest number a field holds: 2^63 − 1. */
export const MAX_FIELD_INTEGER = (1n << 63n) - 1n;

const DIGITS = /^[0-9]+$/;
const DECIMAL = /^([0-9]+)(?:\.([0-9]+))?$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
// NUL and unpaired surrogates: PostgreSQL's jsonb and text refuse them.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function required(type: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? 'is required' : `must be a ${type} written as a string`;
}

function integerInRange(digits: string, ctx: z.RefinementCtx<string>, what: string): string | undefined {
  // 19 digits hold every value up to 2^63 − 1; anything longer (leading zeros aside) is out of range.
  const trimmed = digits.replace(/^0+(?=[0-9])/, '');
  if (trimmed.length > 19 || BigInt(trimmed) > MAX_FIELD_INTEGER) {
    ctx.addIssue({ code: 'custom', message: `${what} exceeds the 64-bit range (at most 2^63 - 1 units)` });
    return undefined;
  }
  return trimmed;
}

/** The zod schema of one field: string in, encoded string out. */
export function fieldValueSchema(field: FieldDeclaration): z.ZodType<string, string> {
  switch (field.type) {
    case 'int64':
      return z.string({ error: required('non-negative integer') }).transform((text, ctx) => {
        if (!DIGITS.test(text)) {
          ctx.addIssue({
            code: 'custom',
            message: text.startsWith('-')
              ? 'must not be negative'
              : 'must be a non-negative integer (digits only)',
          });
          return z.NEVER;
        }
        return integerInRange(text, ctx, 'value') ?? z.NEVER;
      });
    case 'decimal': {
      const scale = field.scale;
      return z.string({ error: required('decimal') }).transform((text, ctx) => {
        const match = DECIMAL.exec(text);
        if (match === null) {
          ctx.addIssue({
            code: 'custom',
            message: text.startsWith('-')
              ? 'must not be negative'
              : `must be a non-negative decimal like 1234.56 (at most ${scale} decimal places)`,
          });
          return z.NEVER;
        }
        const fraction = match[2] ?? '';
        if (fraction.length > scale) {
          ctx.addIssue({ code: 'custom', message: `has more than ${scale} decimal places` });
          return z.NEVER;
        }
        return integerInRange(match[1]! + fraction.padEnd(scale, '0'), ctx, 'value') ?? z.NEVER;
      });
    }
    case 'date':
      return z.string({ error: required('date') }).transform((text, ctx) => {
        const match = DATE.exec(text);
        if (match === null || !isCalendarDate(+match[1]!, +match[2]!, +match[3]!)) {
          ctx.addIssue({ code: 'custom', message: 'must be a calendar date YYYY-MM-DD (years 1000-9999)' });
          return z.NEVER;
        }
        return match[1]! + match[2]! + match[3]!;
      });
    case 'uscc':
      return z.string({ error: required('unified social credit code') }).transform((text, ctx) => {
        const code = text.toUpperCase();
        const problem = usccProblem(code);
        if (problem !== undefined) {
          ctx.addIssue({ code: 'custom', message: `is not a unified social credit code: ${problem}` });
          return z.NEVER;
        }
        return code;
      });
    case 'string': {
      const maxLength = field.maxLength;
      return z
        .string({ error: required('text') })
        .max(maxLength, `must be at most ${maxLength} characters`)
        .refine(
          (text) => !text.includes('\u0000') && !UNPAIRED_SURROGATE.test(text),
          'must be valid Unicode text without NUL',
        );
    }
  }
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1000 || month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(2000, month, 0)).getUTCDate(); // leap year: February has 29
  if (day > days) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return !(month === 2 && day === 29 && !leap);
}

/** A validated, encoded record without its salt. */
export interface EncodedRecord {
  subjectId: string;
  values: Record<string, string>;
}

export type RowOutcome =
  | { ok: true; record: EncodedRecord }
  | { ok: false; field: string | undefined; reason: string };

/** A dataset's row validator: the zod object schema of its fields plus the split into subject and values. */
export interface RecordValidator {
  readonly declaration: DatasetDeclaration;
  /** Field names in declaration order (the CSV header must hold exactly these). */
  readonly fieldNames: readonly string[];
  readonly schema: z.ZodType<Record<string, string>, Record<string, string>>;
  /** Validates one row given as field name → text. */
  validate(row: Record<string, string>): RowOutcome;
}

/** Compiles the row validator of a declaration. */
export function compileRecordValidator(declaration: DatasetDeclaration): RecordValidator {
  const shape: Record<string, z.ZodType<string, string>> = {};
  for (const field of declaration.fields) shape[field.name] = fieldValueSchema(field);
  const schema = z.strictObject(shape) as unknown as z.ZodType<
    Record<string, string>,
    Record<string, string>
  >;
  const { subject, values } = splitFields(declaration);
  const valueNames = values.map((field) => field.name);
  const subjectName = subject.name;
  return {
    declaration,
    fieldNames: declaration.fields.map((field) => field.name),
    schema,
    validate(row) {
      const result = schema.safeParse(row);
      if (!result.success) {
        const issue = result.error.issues[0]!;
        const field =
          issue.code === 'unrecognized_keys'
            ? issue.keys[0]
            : issue.path.length > 0
              ? String(issue.path[0])
              : undefined;
        const reason = issue.code === 'unrecognized_keys' ? 'is not a field of the dataset' : issue.message;
        return { ok: false, field, reason };
      }
      const out: Record<string, string> = {};
      for (const name of valueNames) out[name] = result.data[name]!;
      return { ok: true, record: { subjectId: result.data[subjectName]!, values: out } };
    },
  };
}

/**
 * Normalises a JSON-lines value to the text a field schema takes: strings as they are, numbers only when
 * their JSON text is exactly what JavaScript read (integers up to 2^53, decimals of at most 15 significant
 * digits); anything larger must be sent as a string.
 * @returns the text, or a reason it is refused.
 */
export function jsonValueToText(value: unknown): { text: string } | { reason: string } {
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'number') {
    if (Number.isInteger(value)) {
      return Number.isSafeInteger(value)
        ? { text: String(value) }
        : { reason: 'integer above 2^53 loses precision as a JSON number; send it as a string' };
    }
    const text = String(value);
    if (!/^-?[0-9]+\.[0-9]+$/.test(text) || text.replace(/[-.]/g, '').replace(/^0+/, '').length > 15) {
      return { reason: 'decimal loses precision as a JSON number; send it as a string' };
    }
    return { text };
  }
  return { reason: `must be a string or a number, got ${value === null ? 'null' : typeof value}` };
}

/**
 * The integer the circuits take for an encoded value: the number for int64 and decimal (in units), YYYYMMDD
 * for dates, the base-31 code for a USCC; `undefined` for text, which the commitment layer hashes instead.
 */
export function fieldValueToBigInt(field: FieldDeclaration, encoded: string): bigint | undefined {
  switch (field.type) {
    case 'int64':
    case 'decimal':
    case 'date':
      return BigInt(encoded);
    case 'uscc':
      return usccToBigInt(encoded);
    case 'string':
      return undefined;
  }
}
