/**
 * `@api-token-auth/token-policy` — the pure policy core of API Token Authentication: validity,
 * IP allow-lists, token format, credentials, settings, gating, failed logins, audit events and the
 * authentication decision. No I/O, no clock, no randomness of its own.
 */
export type {
  Actor,
  FailedLoginPolicy,
  FailedLoginSettings,
  FailedLoginState,
  LockoutStatus,
  OwnerFacts,
  ParsedToken,
  Settings,
  TokenFacts,
  Validity,
} from './types.js';
export { TokenPolicyError, type TokenPolicyErrorCode } from './errors.js';

export {
  VALIDITIES,
  effectiveExpiry,
  expiresAt,
  isExpired,
  isValidity,
  resolveValidity,
  validityChoices,
  type ResolveValidityResult,
} from './validity.js';

export { canonicalIp, parseClientAddress, type IpAddress } from './ip-address.js';
export {
  parseIpAllowList,
  parseIpRule,
  type IpAllowList,
  type IpRule,
  type IpRuleError,
  type ParseIpAllowListResult,
  type ParseIpRuleResult,
} from './ip-allow-list.js';

export {
  TOKEN_LENGTH,
  TOKEN_PREFIX,
  generateToken,
  parseToken,
  type GeneratedToken,
} from './token-format.js';
export {
  MAX_AUTHORIZATION_LENGTH,
  classifyAuthorization,
  type Credential,
  type MalformedReason,
} from './credentials.js';
export { normaliseUsername, sameUsername } from './usernames.js';
export {
  classifyPasswordRoute,
  type PasswordRoute,
  type PasswordRouteKind,
  type PasswordRouteRequest,
  type RequestParameters,
} from './password-routes.js';
export {
  MAX_TOKEN_NAME_LENGTH,
  validateTokenName,
  type TokenNameErrorCode,
  type TokenNameResult,
} from './token-names.js';

export {
  ADDRESS_THRESHOLD_FACTOR,
  MAX_ATTEMPTS_PER_ADDRESS,
  MAX_FAILED_LOGIN_WINDOW_MINUTES,
  MAX_IP_ALLOW_LIST_ENTRIES,
  MAX_LOCKOUT_MINUTES,
  addressMaxAttempts,
  defaultSettings,
  diffSettings,
  parseSettings,
  settingsSchema,
  type ParseSettingsResult,
  type SettingsChange,
  type SettingsField,
  type SettingsValue,
} from './settings.js';

export {
  mayAdminister,
  mayCreateToken,
  mayDeleteToken,
  mayUseToken,
  type GateCode,
  type GateResult,
} from './gating.js';

export {
  FAILED_LOGIN_RETENTION_MS,
  combineLockouts,
  emptyFailedLoginState,
  failedLoginPolicyFor,
  failureKeys,
  isForgettable,
  lockoutStatus,
  recordFailure,
  recordSuccess,
} from './failed-logins.js';

export {
  allTokensDeleted,
  failedLoginsReset,
  settingsChanged,
  tokenCreated,
  tokenDeleted,
  type AllTokensDeletedEvent,
  type AuditActor,
  type AuditEvent,
  type AuditEventBase,
  type AuditEventInput,
  type AuditEventType,
  type AuditToken,
  type AuditTokenInput,
  type FailedLoginsResetEvent,
  type SettingsChangedEvent,
  type TokenCreatedEvent,
  type TokenDeletedEvent,
} from './audit-events.js';

export { decideAuthentication } from './auth-decision.js';
export type { AuthDecision, AuthDecisionInput, AuthRejectCode } from './auth-decision.types.js';
