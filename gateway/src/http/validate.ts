/**
 * Request validation from zod schemas: params, query and body are parsed together and every invalid
 * field is named in one `VALIDATION_FAILED` answer (400 problem+json).
 */
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { GatewayError, type InvalidField, zodIssuesToFields } from '../errors.ts';

/** The schemas of one route's input. */
export interface RequestSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

/** The parsed input of a route, typed from its schemas. */
export interface ValidatedInput<S extends RequestSchemas> {
  params: S['params'] extends z.ZodType ? z.output<S['params']> : Record<string, string>;
  query: S['query'] extends z.ZodType ? z.output<S['query']> : Record<string, unknown>;
  body: S['body'] extends z.ZodType ? z.output<S['body']> : undefined;
}

const LOCALS_KEY = 'privgateInput';

/**
 * Parses a request's params, query and body with `schemas`.
 * @throws {GatewayError} `VALIDATION_FAILED` naming every invalid field (`in`: params, query or body).
 */
export function parseRequest<S extends RequestSchemas>(schemas: S, req: Request): ValidatedInput<S> {
  const errors: InvalidField[] = [];
  const out: Record<string, unknown> = { params: req.params, query: req.query, body: undefined };
  for (const location of ['params', 'query', 'body'] as const) {
    const schema = schemas[location];
    if (schema === undefined) continue;
    const raw = location === 'body' ? req.body : location === 'query' ? req.query : req.params;
    const result = schema.safeParse(raw);
    if (result.success) out[location] = result.data;
    else errors.push(...zodIssuesToFields(result.error.issues, location));
  }
  if (errors.length > 0) {
    const list = errors.map((e) => `${e.in}${e.path === '' ? '' : `.${e.path}`}: ${e.message}`).join('; ');
    throw new GatewayError('VALIDATION_FAILED', `invalid request: ${list}`, { errors });
  }
  return out as unknown as ValidatedInput<S>;
}

/**
 * Middleware form of {@link parseRequest}: the parsed input is then available via {@link validatedInput}.
 * @example
 * router.get('/v1/x/:id', validateRequest({ params: z.object({ id: z.string() }) }), (req, res) => {
 *   const { params } = validatedInput<{ params: typeof Params }>(res);
 * });
 */
export function validateRequest(schemas: RequestSchemas): RequestHandler {
  return (req, res, next) => {
    res.locals[LOCALS_KEY] = parseRequest(schemas, req);
    next();
  };
}

/**
 * The input {@link validateRequest} parsed for this request.
 * @throws {TypeError} when no validation ran for the request.
 */
export function validatedInput<S extends RequestSchemas>(res: Response): ValidatedInput<S> {
  const input = res.locals[LOCALS_KEY] as ValidatedInput<S> | undefined;
  if (input === undefined) throw new TypeError('validatedInput() without validateRequest() on the route');
  return input;
}
