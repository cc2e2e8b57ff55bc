import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GatewayError } from '../../src/errors.ts';
import { type RequireCaller, validatedInput, validateRequest } from '../../src/http/index.ts';
import { ARREARS_DECLARATION, postJson, problemOf, startTestApp, type TestApp } from './harness.ts';

const SECRET = 'password=hunter2 at /srv/privgate/db.ts:42';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('problem+json answers (RFC 9457)', () => {
  it('answers malformed JSON with 400 BODY_MALFORMED', async () => {
    app = await startTestApp();
    const response = await postJson(`${app.base}/v1/datasets`, '{"name": "tax.arrears", ');
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({
      code: 'BODY_MALFORMED',
      title: 'Malformed request body',
      instance: '/v1/datasets',
    });
  });

  it('answers wrong types with 400 VALIDATION_FAILED naming every invalid field', async () => {
    app = await startTestApp();
    const response = await postJson(`${app.base}/v1/datasets`, {
      name: 42,
      subject: 'uscc',
      fields: [
        { name: 'uscc', type: 'uscc' },
        { name: 'amount', type: 'float' },
      ],
    });
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.code).toBe('VALIDATION_FAILED');
    const errors = problem.errors as { in: string; path: string; message: string }[];
    expect(errors.map((e) => `${e.in}:${e.path}`).sort()).toEqual(['body:fields.1.type', 'body:name']);
    expect(problem.detail).toMatch(/body\.name/);
  });

  it('answers a JSON body over the limit with 413 BODY_TOO_LARGE', async () => {
    app = await startTestApp({ jsonBodyBytes: 2048 });
    const response = await postJson(`${app.base}/v1/datasets`, {
      ...ARREARS_DECLARATION,
      description: 'x'.repeat(4096),
    });
    expect(response.status).toBe(413);
    expect(await problemOf(response)).toMatchObject({ code: 'BODY_TOO_LARGE', limitBytes: 2048 });
    expect(await app.store.listDatasets()).toEqual([]);
  });

  it('answers another media type with 415 MEDIA_TYPE_UNSUPPORTED', async () => {
    app = await startTestApp();
    const response = await fetch(`${app.base}/v1/datasets`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(ARREARS_DECLARATION),
    });
    expect(response.status).toBe(415);
    expect(await problemOf(response)).toMatchObject({
      code: 'MEDIA_TYPE_UNSUPPORTED',
      contentType: 'text/plain',
    });
  });

  it('answers an unknown dataset with 404 DATASET_UNKNOWN and an unknown route with 404 ROUTE_NOT_FOUND', async () => {
    app = await startTestApp();
    const unknown = await fetch(`${app.base}/v1/datasets/customs.nothing`);
    expect(unknown.status).toBe(404);
    expect(await problemOf(unknown)).toMatchObject({
      code: 'DATASET_UNKNOWN',
      dataset: 'customs.nothing',
      instance: '/v1/datasets/customs.nothing',
    });
    const route = await fetch(`${app.base}/v2/nowhere?x=1`);
    expect(route.status).toBe(404);
    expect(await problemOf(route)).toMatchObject({ code: 'ROUTE_NOT_FOUND', instance: '/v2/nowhere' });
  });

  it('answers invalid path and query parameters with 400 naming them', async () => {
    app = await startTestApp();
    await postJson(`${app.base}/v1/datasets`, ARREARS_DECLARATION);
    const response = await fetch(`${app.base}/v1/datasets/Not%20A%20Name/records?mode=merge&x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: '',
    });
    expect(response.status).toBe(400);
    const errors = (await problemOf(response)).errors as { in: string; path: string }[];
    expect(errors.map((e) => `${e.in}:${e.path}`).sort()).toEqual(['params:name', 'query:mode', 'query:x']);
  });

  it('answers a thrown internal error with 500, hiding its message and stack, and logs it under the instance', async () => {
    app = await startTestApp({
      extend: (registry) =>
        registry.defineRoute({
          method: 'get',
          path: '/v1/boom',
          summary: 'Fails',
          responses: { 200: { description: 'Never sent.' } },
          handler: () => {
            throw new Error(`connection refused: ${SECRET}`);
          },
        }),
    });
    const response = await fetch(`${app.base}/v1/boom`);
    expect(response.status).toBe(500);
    const text = await response.clone().text();
    const problem = await problemOf(response);
    expect(problem.code).toBe('INTERNAL');
    expect(Object.keys(problem).sort()).toEqual(['code', 'detail', 'instance', 'status', 'title', 'type']);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('/srv/privgate');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
    expect(problem.instance).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);

    const logged = app.logs.find((line) => line.instance === problem.instance);
    expect(logged).toBeDefined();
    expect(logged?.level).toBe('error');
    expect(JSON.stringify(logged)).toContain('connection refused');
    expect((logged!.err as { stack?: string }).stack).toMatch(/problem-json\.test\.ts/);
  });

  it('answers a store failure with 503 STORE_UNAVAILABLE without its details', async () => {
    app = await startTestApp();
    await app.store.close();
    const response = await fetch(`${app.base}/v1/datasets`);
    expect(response.status).toBe(503);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({ code: 'STORE_UNAVAILABLE', title: 'Data store unavailable' });
    expect(problem).not.toHaveProperty('backend');
    expect(problem.detail).not.toMatch(/sqlite|closed/);
  });

  it('answers a duplicate declaration with 409 DATASET_EXISTS', async () => {
    app = await startTestApp();
    expect((await postJson(`${app.base}/v1/datasets`, ARREARS_DECLARATION)).status).toBe(201);
    const again = await postJson(`${app.base}/v1/datasets`, ARREARS_DECLARATION);
    expect(again.status).toBe(409);
    expect(await problemOf(again)).toMatchObject({ code: 'DATASET_EXISTS', dataset: 'tax.arrears' });
  });

  it('runs the injected requireCaller with each route’s role before reading the body', async () => {
    const roles: string[] = [];
    const requireCaller: RequireCaller = (role) => {
      roles.push(role);
      return (req, _res, next) => {
        const caller = req.headers['x-test-caller'];
        if (caller === undefined) next(new GatewayError('UNAUTHENTICATED', 'no credentials', {}));
        else if (caller !== role) next(new GatewayError('FORBIDDEN', `requires ${role}`, { role }));
        else next();
      };
    };
    app = await startTestApp({ requireCaller });
    expect([...new Set(roles)].sort()).toEqual(['dataset-admin', 'dataset-reader']);

    const anonymous = await postJson(`${app.base}/v1/datasets`, '{not even json');
    expect(anonymous.status).toBe(401);
    expect((await problemOf(anonymous)).code).toBe('UNAUTHENTICATED');
    const reader = await postJson(`${app.base}/v1/datasets`, ARREARS_DECLARATION, {
      'x-test-caller': 'dataset-reader',
    });
    expect(reader.status).toBe(403);
    expect(await problemOf(reader)).toMatchObject({ code: 'FORBIDDEN', role: 'dataset-admin' });
    const admin = await postJson(`${app.base}/v1/datasets`, ARREARS_DECLARATION, {
      'x-test-caller': 'dataset-admin',
    });
    expect(admin.status).toBe(201);
  });

  it('offers validateRequest as plain middleware for routes outside the registry', async () => {
    app = await startTestApp({
      extend: (registry) => {
        const Body = z.object({ amount: z.number().int().min(0) });
        registry.router.post('/v1/plain', express.json(), validateRequest({ body: Body }), (_req, res) => {
          res.json({ doubled: validatedInput<{ body: typeof Body }>(res).body.amount * 2 });
        });
      },
    });
    expect(await (await postJson(`${app.base}/v1/plain`, { amount: 21 })).json()).toEqual({ doubled: 42 });
    const bad = await postJson(`${app.base}/v1/plain`, { amount: -1 });
    expect(bad.status).toBe(400);
    expect(await problemOf(bad)).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ in: 'body', path: 'amount' }],
    });
  });

  it('validates routes defined by other modules the same way', async () => {
    app = await startTestApp({
      extend: (registry) =>
        registry.defineRoute({
          method: 'get',
          path: '/v1/echo/:id',
          summary: 'Echo',
          request: {
            params: z.object({ id: z.coerce.number().int().min(1) }),
            query: z.object({ q: z.string().min(2) }),
          },
          responses: { 200: { description: 'echo', schema: z.object({ id: z.number(), q: z.string() }) } },
          handler: ({ params, query, res }) => {
            res.json({ id: params.id, q: query.q });
          },
        }),
    });
    expect(await (await fetch(`${app.base}/v1/echo/7?q=ok`)).json()).toEqual({ id: 7, q: 'ok' });
    const bad = await fetch(`${app.base}/v1/echo/0?q=x`);
    expect(bad.status).toBe(400);
    const errors = (await problemOf(bad)).errors as { in: string; path: string }[];
    expect(errors.map((e) => `${e.in}:${e.path}`)).toEqual(['params:id', 'query:q']);
  });
});
