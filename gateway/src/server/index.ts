/** A runnable gateway: configuration → composition → Express app → HTTP server → process entry. */
export {
  buildGatewayApp,
  GATEWAY_API_VERSION,
  type GatewayApp,
  type GatewayAppInit,
  type GatewayAppServices,
} from './app.ts';
export { CommitReportSchema, registerCommitRoute } from './commit-route.ts';
export {
  type GatewayProcess,
  type GatewayProcessOptions,
  startGatewayFromArgs,
} from './main.ts';
export { operatorTokenAuth, tokensEqual } from './operator-auth.ts';
export {
  type PeerBindingJson,
  PeerBindingJsonSchema,
  PeerDiscovery,
  type PeerDiscoveryInit,
  type PeerState,
  peerBindingToJson,
} from './peer-discovery.ts';
export {
  ContributionJsonSchema,
  MAX_AUTHORISATION_BYTES,
  MpcOutputJsonSchema,
  type QueryAnswerJson,
  QueryAnswerJsonSchema,
  QueryEventSchema,
  QueryIdSchema,
  QueryProgressSchema,
  QueryRecordJsonSchema,
  type QuerySubmission,
  QuerySubmissionSchema,
  queryAnswerFromJson,
  queryAnswerToJson,
  queryEventToJson,
} from './query-json.ts';
export {
  isTerminalStage,
  QueryProgress,
  type QueryProgressOptions,
  type QueryProgressView,
} from './query-progress.ts';
export {
  type AuthorisationWindow,
  checkAuthorisationWindow,
  type QueryRoutesDeps,
  registerQueryRoutes,
} from './query-routes.ts';
export { type GatewayHttpServer, listenGateway } from './server.ts';
export {
  DEFAULT_OWNERSHIP_DATASET,
  type GatewaySettings,
  type LedgerSettings,
  type ResolveSettingsOptions,
  readSecretFile,
  resolveSettings,
  writeSecretFile,
} from './settings.ts';
export {
  type GatewayComponents,
  QUERY_PROOF_CIRCUITS,
  type RunningGateway,
  startGateway,
} from './start-gateway.ts';
export {
  GatewayStatusSchema,
  HealthSchema,
  registerSystemRoutes,
  type SystemRoutesDeps,
} from './system-routes.ts';
