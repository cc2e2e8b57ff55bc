/**
 * The gateway's OpenAPI 3.1 document and its reference page, generated from the gateway's own app
 * (`buildGatewayApp` in `gateway/src/server/app.ts`) and its route registry: the same zod schemas that
 * validate requests make the document, so the page cannot drift from what the routes accept, and every
 * route group the app registers appears without a change here.
 */
import {
  AREA_PROBLEM_CATALOGUE,
  admitEveryCaller,
  buildGatewayApp,
  type GatewayAppServices,
  GatewayConfigSchema,
  GatewayTimeoutsSchema,
  type OpenApiDocument,
  openSqliteStore,
  PROBLEM_CATALOGUE,
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_BASE,
  type RouteRegistry,
} from '@privgate/gateway';
import { anchor, code, generatedPage, heading, table, text } from './reference/markdown.ts';

type Json = Record<string, unknown>;

export const OPENAPI_INFO = {
  title: 'PrivGate gateway',
  version: '0.1.0',
  description:
    'The HTTP API of one ministry’s PrivGate gateway: dataset administration, commitments anchored on the consortium ledger, and credit-penetration queries answered by MPC with zero-knowledge proofs. Errors are RFC 9457 problem details (application/problem+json) with a stable `code`.',
};

/**
 * A collaborator that must not be used: registering routes only keeps references to the services, so
 * any use while the document is built is a bug worth failing the docs build for.
 */
function unused<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      if (property === 'then') return undefined;
      throw new Error(`gen-openapi: ${name}.${String(property)} was used while registering routes`);
    },
  });
}

/**
 * The gateway's app, built as `startGateway` builds it (with the configuration's default limits) but over
 * inert services: an empty in-memory store and collaborators that refuse to be used. Its registry holds
 * every route the gateway serves.
 */
export function gatewayRouteRegistry(): { registry: RouteRegistry; close: () => void } {
  const defaults = GatewayConfigSchema.parse({ ministryId: 'docs' });
  const timeouts = GatewayTimeoutsSchema.parse({});
  const store = openSqliteStore({ path: ':memory:' });
  const refuse = (name: string) => () => {
    throw new Error(`gen-openapi: ${name} was called while registering routes`);
  };
  const services: GatewayAppServices = {
    store,
    ledger: unused('ledger'),
    commitments: unused('commitments'),
    runQuery: refuse('runQuery'),
    progress: unused('progress'),
    peerId: refuse('peerId'),
    p2pAddrs: refuse('p2pAddrs'),
    binding: refuse('binding'),
    peers: refuse('peers'),
  };
  const { registry } = buildGatewayApp(
    {
      orgId: 'docs',
      ministryId: defaults.ministryId,
      requireCaller: admitEveryCaller,
      limits: defaults.limits,
      window: { maxAgeMs: timeouts.authorisationMaxAgeMs, maxSkewMs: timeouts.clockSkewMs },
      ledgerProbeMs: timeouts.ledgerProbeMs,
    },
    services,
  );
  return { registry, close: () => void store.close() };
}

/** The gateway's OpenAPI document. */
export function gatewayOpenApiDocument(): OpenApiDocument {
  const { registry, close } = gatewayRouteRegistry();
  try {
    return registry.openApiDocument(OPENAPI_INFO);
  } finally {
    close();
  }
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;
const REF = '#/components/schemas/';

const schemaAnchor = (name: string) => anchor('schema', name);

/** A short, readable type of a JSON Schema, with component references as links. */
export function describeType(schema: unknown): string {
  if (schema === null || typeof schema !== 'object') return 'any';
  const s = schema as Json;
  if (typeof s.$ref === 'string' && s.$ref.startsWith(REF)) {
    const name = s.$ref.slice(REF.length);
    return `[${text(name)}](#${schemaAnchor(name)})`;
  }
  if (s.const !== undefined) return code(JSON.stringify(s.const));
  if (Array.isArray(s.enum)) return s.enum.map((v) => code(JSON.stringify(v))).join(' or ');
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = s[key];
    if (Array.isArray(list)) return list.map(describeType).join(key === 'allOf' ? ' and ' : ' or ');
  }
  const type = Array.isArray(s.type) ? s.type.join(' or ') : typeof s.type === 'string' ? s.type : 'any';
  if (type === 'array') {
    const bounds = rangeOf(s.minItems, s.maxItems);
    return `array${bounds ? ` [${bounds}]` : ''} of ${describeType(s.items)}`;
  }
  if (type === 'object' && s.properties === undefined && s.additionalProperties !== undefined) {
    return `map of ${describeType(s.additionalProperties)}`;
  }
  const details: string[] = [];
  if (typeof s.format === 'string') details.push(s.format);
  if (typeof s.pattern === 'string') details.push(code(s.pattern));
  const length = rangeOf(s.minLength, s.maxLength);
  if (length) details.push(`length ${length}`);
  const range = rangeOf(s.minimum ?? s.exclusiveMinimum, s.maximum ?? s.exclusiveMaximum);
  if (range) details.push(range);
  if (s.default !== undefined) details.push(`default ${code(JSON.stringify(s.default))}`);
  return details.length > 0 ? `${type} (${details.join(', ')})` : type;
}

function rangeOf(min: unknown, max: unknown): string {
  const lo = typeof min === 'number' ? String(min) : '';
  const hi = typeof max === 'number' ? String(max) : '';
  return lo === '' && hi === '' ? '' : `${lo}..${hi}`;
}

function description(schema: unknown): string {
  const d = (schema as Json | undefined)?.description;
  return typeof d === 'string' ? text(d) : '';
}

function propertiesTable(schema: Json): string {
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  return table(
    ['field', 'type', 'required', 'description'],
    Object.entries(properties).map(([name, property]) => [
      code(name),
      describeType(property),
      required.has(name) ? 'yes' : 'no',
      description(property),
    ]),
  );
}

function operationSection(method: string, path: string, op: Json): string {
  const id = String(op.operationId);
  const out: string[] = [heading(3, `${method.toUpperCase()} ${text(path)}`, anchor('op', id))];
  out.push(`**${text(String(op.summary ?? ''))}** — operation ${code(id)}.`);
  if (typeof op.description === 'string') out.push(text(op.description));
  const role = op['x-privgate-role'];
  out.push(
    typeof role === 'string' ? `Requires the caller role ${code(role)}.` : 'Public: no caller role required.',
  );
  const parameters = (op.parameters ?? []) as Json[];
  if (parameters.length > 0) {
    out.push(
      table(
        ['parameter', 'in', 'type', 'required', 'description'],
        parameters.map((p) => [
          code(String(p.name)),
          String(p.in),
          describeType(p.schema),
          p.required ? 'yes' : 'no',
          typeof p.description === 'string' ? text(p.description) : '',
        ]),
      ),
    );
  }
  const body = op.requestBody as Json | undefined;
  if (body !== undefined) {
    const content = (body.content ?? {}) as Record<string, Json>;
    const parts = Object.entries(content).map(([type, media]) =>
      type === 'application/json' ? `${code(type)}: ${describeType(media.schema)}` : code(type),
    );
    out.push(
      `Request body: ${parts.join(', ')}.${typeof body.description === 'string' ? ` ${text(body.description)}` : ''}`,
    );
  }
  const responses = (op.responses ?? {}) as Record<string, Json>;
  out.push(
    table(
      ['status', 'body', 'description'],
      Object.entries(responses).map(([status, response]) => {
        const content = (response.content ?? {}) as Record<string, Json>;
        const bodies = Object.entries(content).map(
          ([type, media]) => `${describeType(media.schema)} (${code(type)})`,
        );
        return [status, bodies.join(', ') || '—', text(String(response.description ?? ''))];
      }),
    ),
  );
  return out.join('\n\n');
}

/** The reference page of an OpenAPI document. */
export function openApiMarkdown(doc: OpenApiDocument): string {
  const out: string[] = [
    generatedPage(
      {
        title: 'HTTP API',
        description:
          'Every route of the PrivGate gateway, its parameters, bodies, responses and error codes.',
      },
      'the gateway’s app and route registry (`gateway/src/server/app.ts`, `gateway/src/http/`; `docs/scripts/gen-openapi.ts`)',
    ),
  ];
  const operations: { method: string; path: string; op: Json }[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = (item as Json)[method] as Json | undefined;
      if (op !== undefined) operations.push({ method, path, op });
    }
  }
  const schemas = doc.components.schemas;
  out.push(
    `${text(doc.info.description ?? '')}`,
    `OpenAPI ${doc.openapi} document: [openapi.json](pathname:///openapi.json) (${operations.length} operations, ${Object.keys(schemas).length} schemas; the running gateway serves the same document at ${code('/openapi.json')}).`,
    heading(2, 'Operations', 'operations'),
    table(
      ['method', 'path', 'operation', 'role'],
      operations.map(({ method, path, op }) => [
        method.toUpperCase(),
        `[${text(path)}](#${anchor('op', String(op.operationId))})`,
        text(String(op.summary ?? '')),
        typeof op['x-privgate-role'] === 'string' ? code(op['x-privgate-role']) : 'public',
      ]),
    ),
  );
  const tags = [...new Set(operations.flatMap(({ op }) => (op.tags as string[] | undefined) ?? ['other']))];
  for (const tag of tags) {
    out.push(heading(2, text(tag.charAt(0).toUpperCase() + tag.slice(1)), anchor('tag', tag)));
    for (const { method, path, op } of operations) {
      const opTags = (op.tags as string[] | undefined) ?? ['other'];
      if (opTags[0] === tag) out.push(operationSection(method, path, op));
    }
  }
  out.push(heading(2, 'Schemas', 'schemas'));
  for (const [name, schema] of Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))) {
    out.push(heading(3, text(name), schemaAnchor(name)));
    const d = description(schema);
    if (d) out.push(d);
    if (schema.properties !== undefined) out.push(propertiesTable(schema));
    else out.push(`Type: ${describeType(schema)}.`);
  }
  out.push(
    heading(2, 'Problem codes', 'problem-codes'),
    `Every error is an ${code(PROBLEM_CONTENT_TYPE)} document whose ${code('type')} is ${code(`${PROBLEM_TYPE_BASE}<code>`)} and whose ${code('code')} member is one of these. A 4xx carries the error's context as extension members; a 5xx carries only its code and an ${code('instance')} reference that the gateway's log also records.`,
    table(
      ['code', 'status', 'title'],
      [...Object.entries(PROBLEM_CATALOGUE), ...Object.entries(AREA_PROBLEM_CATALOGUE)].map(([c, entry]) => [
        code(c),
        String(entry.status),
        text(entry.title),
      ]),
    ),
  );
  return `${out.join('\n\n')}\n`;
}

/** Paths of a document, for tests and the docs' route badges. */
export function operationList(doc: OpenApiDocument): { method: string; path: string; operationId: string }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => (item as Json)[m] !== undefined).map((method) => ({
      method,
      path,
      operationId: String(((item as Json)[method] as Json).operationId),
    })),
  );
}
