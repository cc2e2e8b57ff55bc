/**
 * The route registry: one definition per route registers its Express handler (authentication hook,
 * media-type check, body size limit, zod validation) and contributes the same schemas to the OpenAPI 3.1
 * document, so the document cannot drift from what the routes accept.
 */
import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import type { z } from 'zod';
import { GatewayError } from '../errors.ts';
import type { CallerRole, RequireCaller } from './caller.ts';
import { buildOpenApiDocument, type OpenApiDocument, type OpenApiInfo } from './openapi.ts';
import type { ProblemCode } from './problem.ts';
import { parseRequest, type RequestSchemas, type ValidatedInput } from './validate.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A documented response. */
export interface ResponseSpec {
  description: string;
  /** JSON body schema (`application/json`); omit for an empty body. */
  schema?: z.ZodType;
  /** Response headers, documented only: name → description. */
  headers?: Record<string, string>;
}

/** A request body the handler streams itself (not JSON-parsed): only its media types are checked. */
export interface StreamedBodySpec {
  contentTypes: readonly string[];
  description: string;
  /** Documented limit, in bytes; the handler enforces it. */
  maxBytes: number;
}

export interface RouteRequest extends RequestSchemas {
  /** Largest JSON body, in bytes; default: the registry's `jsonBodyBytes`. */
  bodyLimitBytes?: number;
  /** A body the handler reads from `req` as a stream. Exclusive with `body`. */
  streamedBody?: StreamedBodySpec;
}

/** What a handler gets: the validated input, and the raw request and response. */
export type RouteContext<S extends RequestSchemas> = ValidatedInput<S> & { req: Request; res: Response };

export interface RouteDefinition<S extends RouteRequest> {
  method: HttpMethod;
  /** Express syntax, e.g. `/v1/datasets/:name`. */
  path: string;
  /** Unique, camelCase: the OpenAPI operationId and the stem of component names; default from method and path. */
  operationId?: string;
  summary: string;
  description?: string;
  tags?: string[];
  /** The caller role the route requires; the app's `requireCaller` enforces it. Omit for public routes. */
  role?: CallerRole;
  request?: S;
  /** Success responses by status. */
  responses: Record<number, ResponseSpec>;
  /** Error codes the route can answer besides the generic ones (validation, size, media type, 5xx). */
  errors?: ProblemCode[];
  /** Sends the response; a throw or rejection reaches the problem+json error handler. */
  handler: (context: RouteContext<S>) => Promise<void> | void;
}

/** A registered route, as the OpenAPI builder reads it. */
export interface RegisteredRoute {
  method: HttpMethod;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  role?: CallerRole;
  request: RouteRequest;
  responses: Record<number, ResponseSpec>;
  errors: ProblemCode[];
}

export interface RouteRegistryInit {
  /** The app's authentication hook. */
  requireCaller: RequireCaller;
  /** Default JSON body limit, in bytes. */
  jsonBodyBytes: number;
}

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Routes and their OpenAPI document.
 * @example
 * const registry = new RouteRegistry({ requireCaller, jsonBodyBytes: config.limits.jsonBodyBytes });
 * registerDatasetRoutes(registry, { store, recordsBodyBytes });
 * app.use(registry.router);
 * app.get('/openapi.json', registry.openApiHandler({ title: 'PrivGate gateway', version }));
 */
export class RouteRegistry {
  readonly router: Router = Router();
  readonly #routes: RegisteredRoute[] = [];
  readonly #components = new Map<string, z.ZodType>();
  readonly #init: RouteRegistryInit;
  readonly #documents = new Map<string, OpenApiDocument>();

  constructor(init: RouteRegistryInit) {
    this.#init = init;
  }

  /** The registered routes, in registration order. */
  get routes(): readonly RegisteredRoute[] {
    return this.#routes;
  }

  /** Names a schema: wherever it appears in a route it becomes `#/components/schemas/<name>`. */
  component<T extends z.ZodType>(name: string, schema: T): T {
    if (!/^[A-Za-z0-9._-]+$/.test(name))
      throw new RangeError(`component name ${name} is not a valid OpenAPI key`);
    const existing = this.#components.get(name);
    if (existing !== undefined && existing !== schema)
      throw new RangeError(`component ${name} is already defined`);
    this.#components.set(name, schema);
    this.#documents.clear();
    return schema;
  }

  /**
   * Registers a route: `requireCaller(role)` → media type → body limit → validation → handler.
   * @throws {RangeError} for a duplicate operationId or method and path.
   */
  defineRoute<S extends RouteRequest>(definition: RouteDefinition<S>): void {
    const request: RouteRequest = definition.request ?? {};
    const operationId = definition.operationId ?? defaultOperationId(definition.method, definition.path);
    if (request.body !== undefined && request.streamedBody !== undefined) {
      throw new RangeError(`${operationId}: body and streamedBody are exclusive`);
    }
    for (const route of this.#routes) {
      if (route.operationId === operationId) {
        throw new RangeError(`operationId ${operationId} is already registered`);
      }
      if (route.method === definition.method && route.path === definition.path) {
        throw new RangeError(`${definition.method.toUpperCase()} ${definition.path} is already registered`);
      }
    }

    const chain: RequestHandler[] = [];
    if (definition.role !== undefined) chain.push(this.#init.requireCaller(definition.role));
    if (request.body !== undefined) {
      chain.push(requireMediaType(JSON_TYPES));
      chain.push(
        express.json({
          limit: request.bodyLimitBytes ?? this.#init.jsonBodyBytes,
          strict: true,
          type: JSON_TYPES,
        }),
      );
    } else if (request.streamedBody !== undefined) {
      chain.push(requireMediaType(request.streamedBody.contentTypes));
    }
    const schemas = request as S;
    chain.push(async (req, res) => {
      const input = parseRequest(schemas, req);
      await definition.handler({ ...input, req, res });
    });
    this.router[definition.method](definition.path, ...chain);

    const registered: RegisteredRoute = {
      method: definition.method,
      path: definition.path,
      operationId,
      summary: definition.summary,
      request,
      responses: definition.responses,
      errors: definition.errors ?? [],
    };
    if (definition.description !== undefined) registered.description = definition.description;
    if (definition.tags !== undefined) registered.tags = definition.tags;
    if (definition.role !== undefined) registered.role = definition.role;
    this.#routes.push(registered);
    this.#documents.clear();
  }

  /** The OpenAPI 3.1 document of every registered route (built once per `info`, then cached). */
  openApiDocument(info: OpenApiInfo): OpenApiDocument {
    const key = JSON.stringify(info);
    let document = this.#documents.get(key);
    if (document === undefined) {
      document = buildOpenApiDocument(info, this.#routes, this.#components);
      this.#documents.set(key, document);
    }
    return document;
  }

  /** A handler serving {@link openApiDocument} as JSON. */
  openApiHandler(info: OpenApiInfo): RequestHandler {
    return (_req, res) => {
      res.json(this.openApiDocument(info));
    };
  }
}

/** `post /v1/datasets/:name/records` → `postV1DatasetsNameRecords`. */
function defaultOperationId(method: HttpMethod, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  return method + words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}

/**
 * Answers `MEDIA_TYPE_UNSUPPORTED` when a request with a body has another media type. A request without
 * a body passes (validation then reports the missing body).
 */
export function requireMediaType(accepted: readonly string[]): RequestHandler {
  const types = [...accepted];
  return (req, _res, next) => {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is(types)) {
      next(
        new GatewayError('MEDIA_TYPE_UNSUPPORTED', `the request body must be ${types.join(' or ')}`, {
          contentType: req.headers['content-type'] ?? '',
          accepted: types,
        }),
      );
      return;
    }
    next();
  };
}
