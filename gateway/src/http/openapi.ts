/**
 * The OpenAPI 3.1 document of the registered routes, generated from the same zod schemas that validate
 * them (`z.toJSONSchema`, JSON Schema 2020-12, which is OpenAPI 3.1's own dialect).
 *
 * Request schemas are converted as their input type (what a client may send: defaults make fields
 * optional), response schemas as their output type. A named schema whose two forms differ appears twice:
 * `Name` for requests and `NameOutput` for responses.
 */
import { z } from 'zod';
import { GATEWAY_ERROR_CODES } from '../errors.ts';
import {
  AREA_PROBLEM_CATALOGUE,
  PROBLEM_CONTENT_TYPE,
  type ProblemCode,
  ProblemDetailsSchema,
  problemEntry,
} from './problem.ts';
import type { RegisteredRoute } from './route-registry.ts';

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  servers?: { url: string; description?: string }[];
}

type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  servers?: { url: string; description?: string }[];
  tags?: { name: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema> };
}

const SCHEMA_REF = '#/components/schemas/';
const PROBLEM = 'Problem';

/** Builds the document; `components` names shared schemas. */
export function buildOpenApiDocument(
  info: OpenApiInfo,
  routes: readonly RegisteredRoute[],
  components: ReadonlyMap<string, z.ZodType>,
): OpenApiDocument {
  const inputIds = new Map<z.ZodType, string>();
  const outputIds = new Map<z.ZodType, string>();
  for (const [name, schema] of components) {
    inputIds.set(schema, name);
    outputIds.set(schema, name);
  }
  outputIds.set(ProblemDetailsSchema, PROBLEM);
  const idOf = (ids: Map<z.ZodType, string>, schema: z.ZodType, fallback: string): string => {
    const known = ids.get(schema) ?? inputIds.get(schema) ?? outputIds.get(schema);
    const id = known ?? fallback;
    ids.set(schema, id);
    return id;
  };
  const stem = (route: RegisteredRoute) =>
    route.operationId.charAt(0).toUpperCase() + route.operationId.slice(1);
  const requestIds = new Map<RegisteredRoute, string>();
  const responseIds = new Map<string, string>();
  for (const route of routes) {
    if (route.request.body !== undefined) {
      requestIds.set(route, idOf(inputIds, route.request.body, `${stem(route)}Request`));
    }
    for (const [status, response] of Object.entries(route.responses)) {
      if (response.schema !== undefined) {
        responseIds.set(
          `${route.operationId} ${status}`,
          idOf(outputIds, response.schema, `${stem(route)}Response${status}`),
        );
      }
    }
  }

  // Two passes: find the schemas used both in requests and in responses whose input and output forms
  // differ, then convert again with those output forms renamed.
  const input = convertAll(inputIds, 'input', (id) => id);
  let output = convertAll(outputIds, 'output', (id) => id);
  const inRequests = reachableIds([...requestIds.values()], input);
  const inResponses = reachableIds([...responseIds.values(), PROBLEM], output);
  const conflicts = new Set(
    [...inResponses].filter((id) => inRequests.has(id) && !sameJson(input.get(id), output.get(id))),
  );
  const outputName = (id: string) => (conflicts.has(id) ? `${id}Output` : id);
  if (conflicts.size > 0) output = convertAll(outputIds, 'output', outputName);

  const schemas: Record<string, JsonSchema> = {};
  for (const id of inRequests) schemas[id] = input.get(id)!;
  for (const id of inResponses) schemas[outputName(id)] = output.get(id)!;

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method] = operation(route, requestIds.get(route), (status) => {
      const id = responseIds.get(`${route.operationId} ${status}`);
      return id === undefined ? undefined : outputName(id);
    });
  }

  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    paths,
    components: { schemas: reachable(paths, schemas) },
  };
  if (info.description !== undefined) document.info.description = info.description;
  if (info.servers !== undefined) document.servers = info.servers;
  const tags = [...new Set(routes.flatMap((route) => route.tags ?? []))];
  if (tags.length > 0) document.tags = tags.map((name) => ({ name }));
  return document;
}

function operation(
  route: RegisteredRoute,
  requestId: string | undefined,
  responseId: (status: string) => string | undefined,
): Record<string, unknown> {
  const op: Record<string, unknown> = { operationId: route.operationId, summary: route.summary };
  if (route.description !== undefined) op.description = route.description;
  if (route.tags !== undefined) op.tags = route.tags;
  if (route.role !== undefined) op['x-privgate-role'] = route.role;

  const parameters = [
    ...parametersOf(route.request.params, 'path'),
    ...parametersOf(route.request.query, 'query'),
  ];
  if (parameters.length > 0) op.parameters = parameters;

  if (requestId !== undefined) {
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: { $ref: SCHEMA_REF + requestId } } },
    };
  } else if (route.request.streamedBody !== undefined) {
    const body = route.request.streamedBody;
    const content: Record<string, unknown> = {};
    for (const type of body.contentTypes) content[type] = { schema: { type: 'string' } };
    op.requestBody = {
      required: true,
      description: `${body.description} At most ${body.maxBytes} bytes.`,
      content,
    };
  }

  const responses: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    const response: Record<string, unknown> = { description: spec.description };
    const id = responseId(status);
    if (id !== undefined) response.content = { 'application/json': { schema: { $ref: SCHEMA_REF + id } } };
    if (spec.headers !== undefined) {
      response.headers = Object.fromEntries(
        Object.entries(spec.headers).map(([name, description]) => [
          name,
          { description, schema: { type: 'string' } },
        ]),
      );
    }
    responses[status] = response;
  }
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of errorCodes(route)) {
    const { status } = problemEntry(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: `Problem details; code ${codes.join(' or ')}.`,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: SCHEMA_REF + PROBLEM } } },
    };
  }
  op.responses = responses;
  return op;
}

/** The codes a route can answer: its own, and those its shape implies. */
function errorCodes(route: RegisteredRoute): ProblemCode[] {
  const codes = new Set<ProblemCode>(route.errors);
  const { request } = route;
  if (request.params !== undefined || request.query !== undefined || request.body !== undefined) {
    codes.add('VALIDATION_FAILED');
  }
  if (request.body !== undefined) {
    codes.add('BODY_MALFORMED');
    codes.add('BODY_TOO_LARGE');
    codes.add('MEDIA_TYPE_UNSUPPORTED');
  }
  if (request.streamedBody !== undefined) codes.add('MEDIA_TYPE_UNSUPPORTED');
  if (route.role !== undefined) {
    codes.add('UNAUTHENTICATED');
    codes.add('FORBIDDEN');
  }
  codes.add('STORE_UNAVAILABLE');
  codes.add('INTERNAL');
  const order: ProblemCode[] = [
    ...GATEWAY_ERROR_CODES,
    ...(Object.keys(AREA_PROBLEM_CATALOGUE) as ProblemCode[]),
  ];
  return order.filter((code) => codes.has(code));
}

function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): Record<string, unknown>[] {
  if (schema === undefined) return [];
  const json = clean(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    const parameter: Record<string, unknown> = {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      schema: rest,
    };
    if (typeof description === 'string') parameter.description = description;
    return parameter;
  });
}

function convertAll(
  ids: ReadonlyMap<z.ZodType, string>,
  io: 'input' | 'output',
  refName: (id: string) => string,
): Map<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of ids) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    unrepresentable: 'any',
    uri: (id) => SCHEMA_REF + refName(id),
  });
  return new Map(Object.entries(schemas).map(([id, schema]) => [id, clean(schema as JsonSchema)]));
}

/** Ids of the schemas `roots` reference, directly or transitively (refs as converted, before renaming). */
function reachableIds(roots: readonly string[], schemas: ReadonlyMap<string, JsonSchema>): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id) || !schemas.has(id)) continue;
    seen.add(id);
    for (const ref of refsIn(schemas.get(id))) queue.push(ref);
  }
  return seen;
}

function refsIn(node: unknown, out: string[] = []): string[] {
  if (node === null || typeof node !== 'object') return out;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMA_REF))
      out.push(value.slice(SCHEMA_REF.length));
    else refsIn(value, out);
  }
  return out;
}

/** Drops the per-document keywords (`$schema`, `$id`) a component must not carry. */
function clean(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The components the paths reference, directly or through other components. */
function reachable(paths: unknown, schemas: Record<string, JsonSchema>): Record<string, JsonSchema> {
  const used = new Set<string>();
  const queue: unknown[] = [paths];
  while (queue.length > 0) {
    const node = queue.pop();
    if (node === null || typeof node !== 'object') continue;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMA_REF)) {
        const id = value.slice(SCHEMA_REF.length);
        if (!used.has(id) && schemas[id] !== undefined) {
          used.add(id);
          queue.push(schemas[id]);
        }
      } else queue.push(value);
    }
  }
  return Object.fromEntries(Object.entries(schemas).filter(([id]) => used.has(id)));
}
