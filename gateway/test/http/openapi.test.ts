import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_INFO, startTestApp, type TestApp } from './harness.ts';

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every `$ref` string anywhere under `node`. */
function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refs(item, out);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else refs(value, out);
    }
  }
  return out;
}

let app: TestApp;
let doc: Json;
beforeAll(async () => {
  app = await startTestApp();
  const response = await fetch(`${app.base}/openapi.json`);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  doc = (await response.json()) as Json;
});
afterAll(async () => {
  await app.close();
});

describe('/openapi.json (OpenAPI 3.1)', () => {
  it('has the required top-level members', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toEqual(OPENAPI_INFO);
    expect(typeof doc.paths).toBe('object');
    expect(
      Object.keys(doc).every((k) =>
        ['openapi', 'info', 'servers', 'tags', 'paths', 'components'].includes(k),
      ),
    ).toBe(true);
  });

  it('has well-formed paths and operations: templated parameters declared, unique operationIds, responses', () => {
    const paths = doc.paths as Record<string, Record<string, Json>>;
    expect(Object.keys(paths).sort()).toEqual([
      '/v1/datasets',
      '/v1/datasets/{name}',
      '/v1/datasets/{name}/records',
    ]);
    const operationIds: string[] = [];
    for (const [path, item] of Object.entries(paths)) {
      expect(path.startsWith('/')).toBe(true);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        expect(METHODS).toContain(method);
        operationIds.push(op.operationId as string);
        expect(typeof op.summary).toBe('string');
        const parameters = (op.parameters ?? []) as Json[];
        for (const p of parameters) {
          expect(['path', 'query', 'header', 'cookie']).toContain(p.in);
          expect(typeof p.name).toBe('string');
          expect(typeof p.schema).toBe('object');
          if (p.in === 'path') expect(p.required).toBe(true);
        }
        const declared = parameters.filter((p) => p.in === 'path').map((p) => p.name);
        expect(declared.sort()).toEqual([...templated].sort());
        const responses = op.responses as Record<string, Json>;
        expect(Object.keys(responses).length).toBeGreaterThan(0);
        for (const [status, response] of Object.entries(responses)) {
          expect(status).toMatch(/^([1-5]\d\d|default)$/);
          expect(typeof response.description).toBe('string');
        }
        expect(responses['500']).toBeDefined();
      }
    }
    expect(new Set(operationIds).size).toBe(operationIds.length);
  });

  it('resolves every $ref to a component schema, and keeps only referenced ones', () => {
    const schemas = (doc.components as Json).schemas as Record<string, Json>;
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(0);
    for (const ref of all) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(schemas[ref.slice('#/components/schemas/'.length)]).toBeDefined();
    }
    const used = new Set(all.map((r) => r.slice('#/components/schemas/'.length)));
    expect(Object.keys(schemas).every((name) => used.has(name))).toBe(true);
    for (const schema of Object.values(schemas)) {
      expect(schema).not.toHaveProperty('$schema');
      expect(schema).not.toHaveProperty('$id');
    }
  });

  it('documents the request schema of POST /v1/datasets from the zod declaration schema', () => {
    const paths = doc.paths as Record<string, Record<string, Json>>;
    const post = paths['/v1/datasets']?.post as Json;
    expect(post.operationId).toBe('declareDataset');
    const body = post.requestBody as Json;
    expect(body.required).toBe(true);
    const schemaRef = ((body.content as Json)['application/json'] as Json).schema as Json;
    expect(schemaRef).toEqual({ $ref: '#/components/schemas/DatasetDeclaration' });

    const declaration = ((doc.components as Json).schemas as Record<string, Json>).DatasetDeclaration as Json;
    expect(declaration.type).toBe('object');
    expect(declaration.required).toEqual(expect.arrayContaining(['name', 'subject', 'fields']));
    const properties = declaration.properties as Record<string, Json>;
    expect(properties.name?.pattern).toBeDefined();
    const fields = properties.fields as Json;
    expect(fields.type).toBe('array');
    expect(fields.minItems).toBe(2);
    const variants = ((fields.items as Json).oneOf ?? (fields.items as Json).anyOf) as Json[];
    const types = variants.map((v) => ((v.properties as Record<string, Json>).type as Json).const);
    expect(types.sort()).toEqual(['date', 'decimal', 'int64', 'string', 'uscc']);
    // Input form: a defaulted property is optional for the client.
    const stringField = variants.find(
      (v) => ((v.properties as Record<string, Json>).type as Json).const === 'string',
    )!;
    expect(stringField.required).not.toContain('maxLength');
    expect(((stringField.properties as Record<string, Json>).maxLength as Json).default).toBe(256);
  });

  it('documents errors as problem+json with their codes, and the streamed upload body', () => {
    const paths = doc.paths as Record<string, Record<string, Json>>;
    const upload = paths['/v1/datasets/{name}/records']?.post as Json;
    const responses = upload.responses as Record<string, Json>;
    expect(Object.keys(responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '413',
      '415',
      '422',
      '500',
      '503',
    ]);
    const problem = ((responses['422']!.content as Json)['application/problem+json'] as Json).schema;
    expect(problem).toEqual({ $ref: '#/components/schemas/Problem' });
    expect(responses['422']?.description).toMatch(/IMPORT_BAD_ROW/);
    expect(Object.keys((upload.requestBody as Json).content as Json).sort()).toEqual([
      'application/jsonl',
      'application/x-ndjson',
      'text/csv',
    ]);
    const mode = (upload.parameters as Json[]).find((p) => p.name === 'mode')!;
    expect(mode).toMatchObject({
      in: 'query',
      required: false,
      schema: { enum: ['append', 'replace'], default: 'append' },
    });
    expect(upload['x-privgate-role']).toBe('dataset-admin');
  });
});
