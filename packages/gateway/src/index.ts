/**
 * `@api-token-auth/gateway`: the host-neutral authenticating gateway. Adapters implement the
 * `Product` port (from `@api-token-auth/product-port`) and call `startGateway` (or
 * `runGatewayFromEnv` for a whole process).
 */

// Starting a gateway
export {
  startGateway,
  type GatewayTuning,
  type RunningGateway,
  type StartGatewayOptions,
} from './gateway.js';
export { GATEWAY_NODE_FLAGS, runGatewayFromEnv, type RunGatewayFromEnvOptions } from './run.js';
export {
  ACCESS_LOG_MODES,
  LOG_LEVELS,
  parseGatewayConfig,
  type AccessLogMode,
  type GatewayConfig,
  type LogLevel,
  type ParseGatewayConfigOptions,
  type ParseGatewayConfigResult,
} from './config/gateway-config.js';

// The Product port lives in @api-token-auth/product-port. Re-exported here: the type the options of
// `startGateway` and `runGatewayFromEnv` name, and the Seraph verdict the bench's product uses.
export { judgeSeraphPasswordResponse, type Product } from '@api-token-auth/product-port';

// Authentication pipeline
export {
  createAuthenticationPipeline,
  userKey,
  type Authentication,
  type AuthenticationPipeline,
  type AuthenticationPipelineOptions,
  type AuthenticationRequest,
  type CredentialMemo,
  type FinalDecision,
} from './auth/authentication-pipeline.js';
export {
  createVerifiedTokenCache,
  type VerifiedToken,
  type VerifiedTokenCache,
  type VerifiedTokenCacheOptions,
} from './auth/verified-token-cache.js';
export {
  createTokenVerifier,
  type SecretComparer,
  type TokenCheck,
  type TokenVerifier,
  type TokenVerifierOptions,
} from './auth/token-verifier.js';
export {
  createUserDirectory,
  isMemberOfAny,
  type DirectoryUser,
  type UserDirectory,
  type UserDirectoryOptions,
} from './auth/user-directory.js';
export {
  compileSettings,
  loadSettingsCache,
  type CompiledSettings,
  type SettingsCache,
  type SettingsCacheOptions,
} from './auth/settings-cache.js';
export {
  createLastUseRecorder,
  type LastUse,
  type LastUseRecorder,
  type LastUseRecorderOptions,
} from './auth/last-use-recorder.js';
export { createSingleFlight, type SingleFlight } from './auth/single-flight.js';

// Management REST API
export {
  MANAGEMENT_API_BODY_LIMIT,
  MANAGEMENT_API_PATH,
  createManagementApi,
  type ManagementApi,
  type ManagementApiOptions,
} from './api/management-api.js';
export { ApiError } from './api/api-error.js';
export type { Caller } from './api/caller-identity.js';
export {
  createHealthChecker,
  probeUpstream,
  type HealthChecker,
  type HealthCheckerOptions,
  type HealthReport,
} from './api/health.js';
export type { AdminTokenView, AuditRecordView, FailedLoginView, TokenView } from './api/views.js';

// Server, UI seam, metrics
export {
  IDENTITY_SECRET_HEADER,
  UI_PATH,
  createRequestHandler,
  type RequestHandlerOptions,
  type UiHandler,
} from './server/request-handler.js';
export type { UiMountContext } from './server/ui-mount.js';
export { mountWebUi } from './ui/mount-web-ui.js';
export { requestContext, type RequestContext } from './server/request-context.js';
export {
  createGatewayMetrics,
  startMetricsServer,
  type GatewayMetrics,
  type GatewayMetricsOptions,
  type MetricsServer,
} from './server/metrics.js';

// Logging
export {
  REDACTED_PATHS,
  createLogger,
  logAccess,
  createAccessLog,
  flushAccessLines,
  pathForLog,
  type AccessLogEntry,
  type CreateLoggerOptions,
  type Logger,
} from './log/logger.js';
export { createFdDestination } from './log/fd-destination.js';

// Building blocks of the other folders
export * from './store/index.js';
export * from './audit/index.js';
export * from './proxy/index.js';
export * from './crypto/index.js';
export * from './http/index.js';
