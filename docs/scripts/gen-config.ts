/**
 * The gateway configuration reference, generated from `GatewayConfigSchema` (types and defaults, through
 * zod's JSON Schema) and `CONFIG_ENV` (the environment overrides), with each field's description taken
 * from the comment above it in `gateway/src/config.ts`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONFIG_ENV, GatewayConfigSchema, GatewayTimeoutsSchema } from '@privgate/gateway';
import { z } from 'zod';
import { describeType } from './gen-openapi.ts';
import { block, code, generatedPage, heading, table, text } from './reference/markdown.ts';

const CONFIG_SOURCE = fileURLToPath(new URL('../../gateway/src/config.ts', import.meta.url));

type Json = Record<string, unknown>;

/**
 * Comments of the fields of the zod object literal `export const <name> = z…`, by dotted path, found by
 * indentation (each `name:` line, with the `/** … *\/` comment right above it).
 */
export function fieldComments(source: string, name: string): Map<string, string> {
  const comments = new Map<string, string>();
  const start = source.indexOf(`export const ${name} = `);
  if (start < 0) return comments;
  const lines = source.slice(start).split('\n');
  const stack: { indent: number; name: string }[] = [];
  let comment: string[] = [];
  let inComment = false;
  for (const line of lines.slice(1)) {
    if (/^\S/.test(line)) break; // the end of the declaration
    const trimmed = line.trim();
    if (trimmed.startsWith('/**')) {
      comment = [];
      inComment = !trimmed.endsWith('*/');
      comment.push(trimmed.replace(/^\/\*\*\s?/, '').replace(/\s*\*\/$/, ''));
      continue;
    }
    if (inComment) {
      inComment = !trimmed.endsWith('*/');
      comment.push(trimmed.replace(/\s*\*\/$/, '').replace(/^\*\s?/, ''));
      continue;
    }
    const property = /^(\s*)([A-Za-z][A-Za-z0-9]*): /.exec(line);
    if (property !== null) {
      const indent = property[1]!.length;
      while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
      stack.push({ indent, name: property[2]! });
      const text = comment.join(' ').trim();
      if (text !== '') comments.set(stack.map((s) => s.name).join('.'), text);
    }
    if (!trimmed.startsWith('//')) comment = [];
  }
  return comments;
}

interface ConfigField {
  path: string;
  schema: Json;
  required: boolean;
}

function fields(schema: Json, prefix: string, out: ConfigField[] = []): ConfigField[] {
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  for (const [name, property] of Object.entries(properties)) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    out.push({ path, schema: property, required: required.has(name) });
    if (property.type === 'object' && property.properties !== undefined) fields(property, path, out);
  }
  return out;
}

/** The gateway configuration page. */
export function configMarkdown(): string {
  const source = readFileSync(CONFIG_SOURCE, 'utf8');
  const comments = fieldComments(source, 'GatewayConfigSchema');
  for (const [path, comment] of fieldComments(source, 'GatewayTimeoutsSchema')) {
    comments.set(`timeouts.${path}`, comment);
  }
  const json = z.toJSONSchema(GatewayConfigSchema, { io: 'input', unrepresentable: 'any' }) as Json;
  const envByPath = new Map(
    Object.entries(CONFIG_ENV).map(([name, target]) => [target.path.join('.'), name]),
  );
  const timeouts = z.toJSONSchema(GatewayTimeoutsSchema, { io: 'input', unrepresentable: 'any' }) as Json;
  const all = fields(json, '');
  // `timeouts` is one schema used optionally: list its fields too.
  if (!all.some((f) => f.path.startsWith('timeouts.'))) all.push(...fields(timeouts, 'timeouts'));
  const minimal = GatewayConfigSchema.parse({ ministryId: 'taxation' });
  const out = [
    generatedPage(
      {
        title: 'Gateway configuration',
        description:
          'Every field of the gateway’s JSON configuration, its default and its environment variable.',
      },
      '`GatewayConfigSchema` and `CONFIG_ENV` in `gateway/src/config.ts` (`docs/scripts/gen-config.ts`)',
    ),
    `The gateway reads a JSON file (${code('$PRIVGATE_CONFIG')} or the path it is given), then applies the environment variables below, then validates the result with one schema. A bad configuration stops the gateway at startup with one error (${code('CONFIG_INVALID')}) listing every invalid field and where its value came from. Only ${code('ministryId')} is required; with nothing else set the configuration is:`,
    block(JSON.stringify(minimal, null, 2), 'json'),
    heading(2, 'Fields', 'fields'),
    table(
      ['field', 'type', 'environment', 'description'],
      all.map((f) => [
        `${code(f.path)}${f.required ? ' (required)' : ''}`,
        f.schema.type === 'object' ? 'object' : describeType(f.schema),
        envByPath.has(f.path) ? code(envByPath.get(f.path)!) : '',
        text(comments.get(f.path) ?? ''),
      ]),
    ),
    heading(2, 'Environment variables', 'environment'),
    table(
      ['variable', 'sets', 'format'],
      Object.entries(CONFIG_ENV).map(([name, target]) => [
        code(name),
        `[${code(target.path.join('.'))}](#fields)`,
        {
          string: 'as is',
          integer: 'decimal integer',
          list: 'comma-separated',
          peers: 'comma-separated `orgId=url` pairs',
        }[target.kind],
      ]),
    ),
  ];
  return `${out.join('\n\n')}\n`;
}
