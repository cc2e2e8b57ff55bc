/**
 * Dataset declarations: what a ministry shares, field by field. The zod schema here validates
 * declarations at the API and is the source of the OpenAPI schema; the schema hash (SM3 over the canonical
 * JSON of the validated declaration, defaults applied) pins a commitment to the declaration it was made
 * under.
 */
import { sm3 } from '@privgate/accel';
import { z } from 'zod';
import { GatewayError, zodIssuesToFields } from '../errors.ts';
import { canonicalJson } from './canonical-json.ts';

/** Field types. Numbers are non-negative integers below 2^63, so they fit the circuits' 64-bit range. */
export const FIELD_TYPES = ['int64', 'decimal', 'string', 'date', 'uscc'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** `tax.arrears`, `customs.declarations.monthly`: dotted lower-case segments. */
export const DatasetNameSchema = z
  .string()
  .max(64)
  .regex(
    /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/,
    'must be dotted lower-case segments of a-z, 0-9 and _, like tax.arrears',
  )
  .describe('Dataset name: dotted lower-case segments, e.g. `tax.arrears`.');

export const FieldNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be 1-63 characters of a-z, 0-9 and _, starting with a letter')
  .describe('Field name, snake_case.');

const UnitSchema = z
  .string()
  .min(1)
  .max(32)
  .describe('Unit of the stored integer, e.g. `CNY fen` for an amount in yuan with scale 2.');

const fieldBase = {
  name: FieldNameSchema,
  description: z.string().max(500).optional(),
};

const Int64FieldSchema = z
  .strictObject({ ...fieldBase, type: z.literal('int64'), unit: UnitSchema.optional() })
  .describe('Non-negative integer below 2^63.');

const DecimalFieldSchema = z
  .strictObject({
    ...fieldBase,
    type: z.literal('decimal'),
    scale: z.number().int().min(0).max(18).describe('Decimal places; values are stored as integer units.'),
    unit: UnitSchema.optional(),
  })
  .describe('Non-negative decimal with a fixed number of places, stored as an integer of 10^-scale units.');

const StringFieldSchema = z
  .strictObject({
    ...fieldBase,
    type: z.literal('string'),
    maxLength: z.number().int().min(1).max(4096).default(256),
  })
  .describe('Unicode text without NUL, at most maxLength UTF-16 code units.');

const DateFieldSchema = z
  .strictObject({ ...fieldBase, type: z.literal('date') })
  .describe('Calendar date YYYY-MM-DD (years 1000-9999), stored as the integer YYYYMMDD.');

const UsccFieldSchema = z
  .strictObject({ ...fieldBase, type: z.literal('uscc') })
  .describe('Unified social credit code (GB 32100-2015), 18 characters with a valid check character.');

export const FieldDeclarationSchema = z.discriminatedUnion('type', [
  Int64FieldSchema,
  DecimalFieldSchema,
  StringFieldSchema,
  DateFieldSchema,
  UsccFieldSchema,
]);

/** The declaration of a dataset, as `POST /v1/datasets` takes it. */
export const DatasetDeclarationSchema = z
  .strictObject({
    name: DatasetNameSchema,
    title: z.string().min(1).max(200).optional(),
    description: z.string().max(2000).optional(),
    subject: FieldNameSchema.describe('The field holding each record’s subject; must be of type `uscc`.'),
    fields: z.array(FieldDeclarationSchema).min(2).max(64),
  })
  .superRefine((declaration, ctx) => {
    const seen = new Set<string>();
    declaration.fields.forEach((field, index) => {
      if (seen.has(field.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', index, 'name'],
          message: `duplicate field ${field.name}`,
        });
      }
      seen.add(field.name);
    });
    const subject = declaration.fields.find((field) => field.name === declaration.subject);
    if (subject === undefined) {
      ctx.addIssue({ code: 'custom', path: ['subject'], message: `no field named ${declaration.subject}` });
    } else if (subject.type !== 'uscc') {
      ctx.addIssue({
        code: 'custom',
        path: ['subject'],
        message: `the subject field must be of type uscc, ${subject.name} is ${subject.type}`,
      });
    }
  });

export type DatasetDeclaration = z.output<typeof DatasetDeclarationSchema>;
export type DatasetDeclarationInput = z.input<typeof DatasetDeclarationSchema>;
export type FieldDeclaration = z.output<typeof FieldDeclarationSchema>;

/**
 * Validates a declaration and applies defaults.
 * @throws {GatewayError} `VALIDATION_FAILED` listing every invalid field (`in: 'declaration'`).
 */
export function parseDeclaration(input: unknown): DatasetDeclaration {
  const result = DatasetDeclarationSchema.safeParse(input);
  if (result.success) return result.data;
  const errors = zodIssuesToFields(result.error.issues, 'declaration');
  throw new GatewayError(
    'VALIDATION_FAILED',
    `invalid dataset declaration: ${errors.map((e) => `${e.path || '(root)'}: ${e.message}`).join('; ')}`,
    { errors },
  );
}

/** SM3 (GB/T 32905) of the declaration's canonical JSON, lower-case hex. */
export function schemaHash(declaration: DatasetDeclaration): string {
  return Buffer.from(sm3(new TextEncoder().encode(canonicalJson(declaration)))).toString('hex');
}

/** The subject field and the value fields of a declaration, in declaration order. */
export function splitFields(declaration: DatasetDeclaration): {
  subject: FieldDeclaration;
  values: FieldDeclaration[];
} {
  const subject = declaration.fields.find((field) => field.name === declaration.subject);
  if (subject === undefined) throw new TypeError(`declaration ${declaration.name} has no subject field`);
  return { subject, values: declaration.fields.filter((field) => field !== subject) };
}
