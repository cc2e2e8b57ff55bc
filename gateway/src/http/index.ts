/** Building blocks of the gateway's Express app: problem+json errors, validation, routes with OpenAPI. */
export { admitEveryCaller, type CallerRole, type RequireCaller } from './caller.ts';
export {
  CommitmentVersionSchema,
  DatasetDetailsSchema,
  DatasetListSchema,
  type DatasetRoutesDeps,
  DatasetSummarySchema,
  RECORD_UPLOAD_TYPES,
  RecordImportReportSchema,
  registerDatasetRoutes,
} from './dataset-routes.ts';
export { type ProblemHandlerOptions, problemErrorHandler, routeNotFound } from './error-handler.ts';
export { buildOpenApiDocument, type OpenApiDocument, type OpenApiInfo } from './openapi.ts';
export {
  AREA_PROBLEM_CATALOGUE,
  type AreaProblemCode,
  isProblemCode,
  PROBLEM_CATALOGUE,
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_BASE,
  type ProblemAnswer,
  type ProblemCode,
  type ProblemDetails,
  ProblemDetailsSchema,
  problemEntry,
  problemFor,
} from './problem.ts';
export {
  type HttpMethod,
  type RegisteredRoute,
  type ResponseSpec,
  type RouteContext,
  type RouteDefinition,
  RouteRegistry,
  type RouteRegistryInit,
  type RouteRequest,
  requireMediaType,
  type StreamedBodySpec,
} from './route-registry.ts';
export {
  parseRequest,
  type RequestSchemas,
  type ValidatedInput,
  validatedInput,
  validateRequest,
} from './validate.ts';
