/**
 * The last two handlers of the app: 404 for unmatched routes, and the error handler that answers every
 * error as problem+json and logs 5xx in full under the reference the client receives.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { GatewayError } from '../errors.ts';
import type { Logger } from '../logging.ts';
import { PROBLEM_CONTENT_TYPE, problemFor } from './problem.ts';

/** Answers `ROUTE_NOT_FOUND` for a request no route took. Mount after every router. */
export function routeNotFound(): RequestHandler {
  return (req, _res, next) => {
    next(
      new GatewayError('ROUTE_NOT_FOUND', `no route for ${req.method} ${req.path}`, {
        method: req.method,
        path: req.path,
      }),
    );
  };
}

export interface ProblemHandlerOptions {
  logger?: Logger;
}

/**
 * The error handler: RFC 9457 problem+json with the error's stable code. A 5xx hides the error from the
 * client and logs it (stack included) with the `instance` reference the client got.
 * Mount last: `app.use(problemErrorHandler({ logger }))`.
 */
export function problemErrorHandler(options: ProblemHandlerOptions = {}): ErrorRequestHandler {
  const { logger } = options;
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      // Too late for a problem document: let Express close the connection.
      logger?.error({ err, method: req.method, path: req.path }, 'request failed after the response started');
      next(err);
      return;
    }
    const { problem, hidden } = problemFor(err, req.path);
    if (hidden) {
      logger?.error(
        { err, code: problem.code, instance: problem.instance, method: req.method, path: req.path },
        'request failed',
      );
    } else {
      logger?.debug(
        { code: problem.code, status: problem.status, method: req.method, path: req.path },
        'request refused',
      );
    }
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).json(problem);
  };
}
