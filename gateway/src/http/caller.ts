/**
 * The authentication hook. Routes name the role they need; the app injects `requireCaller`, which
 * authenticates the request and checks the role (answering `UNAUTHENTICATED` or `FORBIDDEN`). Nothing in
 * `http/` authenticates by itself.
 */
import type { RequestHandler } from 'express';

/** Roles a route can require. */
export type CallerRole =
  /** Declares datasets and imports records: the ministry's own operators. */
  | 'dataset-admin'
  /** Reads dataset declarations, counts and commitment versions: operators and auditors. */
  | 'dataset-reader'
  /** Reads the gateway's status and the progress of queries it takes part in: the ministry's operators. */
  | 'operator';

/** Builds the middleware that admits only callers with `role`; provided by the app. */
export type RequireCaller = (role: CallerRole) => RequestHandler;

/**
 * Admits every request. For tests and local demos only: an app that serves real data must inject its
 * own {@link RequireCaller}.
 */
export const admitEveryCaller: RequireCaller = () => (_req, _res, next) => next();
