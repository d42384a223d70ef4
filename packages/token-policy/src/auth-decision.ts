/**
 * The authentication decision (DESIGN §2 "Authentication policy") as a pure, staged function. See
 * `auth-decision.types.ts` for the staging protocol.
 */
import type { AuthDecision, AuthDecisionInput, AuthRejectCode } from './auth-decision.types.js';
import type { Credential } from './credentials.js';
import { assertValidDate, TokenPolicyError } from './errors.js';
import { mayUseToken } from './gating.js';
import { canonicalIp } from './ip-address.js';
import type { PasswordRouteKind } from './password-routes.js';
import type { LockoutStatus } from './types.js';
import { sameUsername } from './usernames.js';
import { isExpired } from './validity.js';

type Reject = Extract<AuthDecision, { outcome: 'reject' }>;

const NEED_LOCKOUT: AuthDecision = Object.freeze({ outcome: 'need', need: 'lockout' });
const NEED_TOKEN: AuthDecision = Object.freeze({ outcome: 'need', need: 'token' });
const NEED_OWNER: AuthDecision = Object.freeze({ outcome: 'need', need: 'owner' });

const MALFORMED_MESSAGES: Record<string, string> = {
  EMPTY: 'The Authorization header is empty.',
  TOO_LARGE: 'The Authorization header is too large.',
  INVALID_SCHEME: 'The Authorization header is not of the form "<scheme> <credentials>".',
  MISSING_CREDENTIALS: 'The Authorization header names a scheme but carries no credentials.',
  INVALID_BASE64: 'The Basic credentials are not valid base64.',
  INVALID_UTF8: 'The Basic credentials are not valid UTF-8.',
  MISSING_COLON: 'The Basic credentials need the form "username:password".',
  EMPTY_USERNAME: 'The Basic credentials have an empty username.',
  INVALID_BEARER: 'The Bearer credentials are not a valid token.',
};

const TOKEN_MESSAGES: Record<
  'TOKEN_INVALID' | 'TOKEN_USER_MISMATCH' | 'TOKEN_EXPIRED' | 'OWNER_INACTIVE',
  string
> = {
  TOKEN_INVALID: 'The API token is not valid. Check that it was copied completely, or create a new one.',
  TOKEN_USER_MISMATCH: 'The API token does not belong to the given username.',
  TOKEN_EXPIRED: 'The API token has expired. Create a new one.',
  OWNER_INACTIVE: 'The owner of the API token is deactivated or no longer exists.',
};

const PASSWORD_DISABLED =
  'Basic authentication with passwords is disabled for the REST API. Use an API token instead of a password.';

const ROUTE_NAMES: Record<PasswordRouteKind, string> = {
  'rest-session-login': 'a REST session login',
  'gadget-login': 'the login gadget',
  'seraph-parameters': 'the os_username/os_password parameters',
  'crowd-authentication': 'the Crowd authentication resource',
  'crowd-session': 'the Crowd session resource',
  'remote-api': 'the XML-RPC/SOAP remote API',
};

function passwordRouteDisabled(kind: PasswordRouteKind): string {
  return `Logging in with a password is disabled for the REST API, also through ${ROUTE_NAMES[kind]}. Use an API token instead of a password (the product's login page still works in a browser).`;
}

function reject(
  status: Reject['status'],
  code: AuthRejectCode,
  message: string,
  countFailure: boolean,
  retryAfter?: Date,
): AuthDecision {
  const decision: Reject = { outcome: 'reject', status, code, message, countFailure };
  if (retryAfter !== undefined) decision.retryAfter = retryAfter;
  return decision;
}

/** What a counter key names, for the caller: the user or the address (quoted, capped, escaped). */
function lockedWhat(key: string | undefined): string {
  if (key === undefined) return '';
  const shown = (text: string): string => JSON.stringify(text.slice(0, 100));
  if (key.startsWith('user:')) return ` for the user ${shown(key.slice(5))}`;
  if (key.startsWith('ip:')) return ` from the address ${shown(key.slice(3))} (failures of several users)`;
  return '';
}

/** 429 for a running lock; the message says which counter and until when (issue 20 item 3). */
function lockedOut(lockout: Extract<LockoutStatus, { locked: true }>): AuthDecision {
  const until = lockout.until;
  assertValidDate(until, 'lockout.until');
  const decision = reject(
    429,
    'LOCKED_OUT',
    `Too many failed logins${lockedWhat(lockout.key)}. Try again after ${until.toISOString()}.`,
    false,
    until,
  ) as Reject;
  if (lockout.key !== undefined) decision.lockedKey = lockout.key;
  return decision;
}

function ipNotAllowed(input: AuthDecisionInput): AuthDecision | undefined {
  if (input.allowList.allows(input.clientIp)) return undefined;
  const shown = canonicalIp(input.clientIp) ?? JSON.stringify(String(input.clientIp).slice(0, 64));
  return reject(
    403,
    'IP_NOT_ALLOWED',
    `Requests from IP address ${shown} are not allowed to use the REST API with credentials. Ask an administrator to add it to the IP address restrictions.`,
    false,
  );
}

/** The password route of the request, including the earlier `isRestSessionLogin` flag. */
function passwordRouteOf(
  input: AuthDecisionInput,
): { kind: PasswordRouteKind; usernames: string[] } | undefined {
  const route = input.passwordRoute;
  if (route?.carriesPassword === true) return route;
  if (input.isRestSessionLogin === true && input.credential.kind === 'none') {
    return { kind: 'rest-session-login', usernames: [] };
  }
  return undefined;
}

/**
 * Rule 0 (issue 20 item 1): a password handed over by another way than `Authorization` is password
 * REST authentication, whatever `Authorization` carries — 403 while passwords are disabled, the IP
 * allow-list, lockout, and the product's verdict counted.
 */
function decidePasswordRoute(
  input: AuthDecisionInput,
  route: { kind: PasswordRouteKind; usernames: string[] },
  credential: Credential,
): AuthDecision {
  if (!input.settings.passwordBasicAuth) {
    return reject(403, 'PASSWORD_AUTH_DISABLED', passwordRouteDisabled(route.kind), false);
  }
  const refused = ipNotAllowed(input);
  if (refused !== undefined) return refused;
  if (input.lockout === undefined) return NEED_LOCKOUT;
  if (input.lockout.locked) return lockedOut(input.lockout);
  const named = route.usernames[0] ?? ('username' in credential ? credential.username : undefined);
  return named === undefined || named === ''
    ? { outcome: 'forward-unchanged', passwordRoute: route.kind }
    : { outcome: 'forward-unchanged', watchPassword: { username: named }, passwordRoute: route.kind };
}

/**
 * A refused token attempt: 401 and counted. While password Basic auth is disabled the status is 403,
 * as the seed admin guide says ("Should the token provided not match any user's tokens, a 403 status
 * code will be returned").
 */
function tokenFailure(
  input: AuthDecisionInput,
  code: 'TOKEN_INVALID' | 'TOKEN_USER_MISMATCH' | 'TOKEN_EXPIRED' | 'OWNER_INACTIVE',
): AuthDecision {
  return reject(input.settings.passwordBasicAuth ? 401 : 403, code, TOKEN_MESSAGES[code], true);
}

/**
 * Decides what to do with a request, one stage at a time: call it, and while it answers
 * `{ outcome: 'need', need }`, fetch that fact (`lockout` → the combined lockout status of
 * {@link failureKeys}; `token` → the record by id and the bcrypt compare; `owner` → the product's user
 * look-up), add it to the input and call again. Earlier, cheaper rules refuse first, so a locked-out
 * or disallowed client costs no bcrypt compare and no product call.
 *
 * Order: malformed → 400; a password route (`passwordRoute`, whatever `Authorization` carries) →
 * 403 while passwords are disabled, IP check, lockout, forward and watch the verdict; no header →
 * forward; password while disabled → 403; IP not allowed → 403; other schemes → forward; locked out →
 * 429; password → forward and watch the verdict; token: invalid, then (with the record) a locked-out
 * owner → 429, wrong secret or user, expired, owner inactive → 401 (403 while passwords are disabled),
 * counted; admin-only → 403; else forward as the owner.
 *
 * @example
 * ```ts
 * const input: AuthDecisionInput = { credential, clientIp, allowList, settings, now };
 * let decision = decideAuthentication(input);
 * while (decision.outcome === 'need') {
 *   if (decision.need === 'lockout') input.lockout = await store.failedLogins.status(keys, now, policy);
 *   if (decision.need === 'token') input.token = await verifyToken(credential);
 *   if (decision.need === 'owner') input.owner = await lookUpOwner(input.token!.record!.owner);
 *   decision = decideAuthentication(input);
 * }
 * ```
 */
export function decideAuthentication(input: AuthDecisionInput): AuthDecision {
  const { credential, settings, now } = input;
  assertValidDate(now, 'now');
  if (credential === null || typeof credential !== 'object') {
    throw new TokenPolicyError('INVALID_ARGUMENT', 'credential must be a classified credential');
  }

  // Rules 1–3: what needs no facts at all.
  if (credential.kind === 'malformed') {
    return reject(
      400,
      'MALFORMED_AUTHORIZATION',
      MALFORMED_MESSAGES[credential.reason] ?? 'The Authorization header is malformed.',
      false,
    );
  }
  // Rule 0: passwords by any other way than Authorization.
  const route = passwordRouteOf(input);
  if (route !== undefined) return decidePasswordRoute(input, route, credential);
  if (credential.kind === 'none') return { outcome: 'forward-unchanged' };
  if (credential.kind === 'password' && !settings.passwordBasicAuth) {
    return reject(403, 'PASSWORD_AUTH_DISABLED', PASSWORD_DISABLED, false);
  }

  // Rule 4: IP restrictions apply to every credential from here on.
  const refused = ipNotAllowed(input);
  if (refused !== undefined) return refused;
  if (credential.kind === 'other') return { outcome: 'forward-unchanged' };

  // Rule 5: lockout, before any bcrypt compare or product call.
  if (input.lockout === undefined) return NEED_LOCKOUT;
  if (input.lockout.locked) return lockedOut(input.lockout);

  // Rule 6: the product checks passwords; the gateway counts its verdict.
  if (credential.kind === 'password') {
    return { outcome: 'forward-unchanged', watchPassword: { username: credential.username } };
  }

  // Rule 7: tokens.
  if (credential.kind === 'invalid-token') return tokenFailure(input, 'TOKEN_INVALID');
  if (input.token === undefined) return NEED_TOKEN;
  const { record, secretMatches } = input.token;
  // A Bearer token names its user only through the record: the owner's lock applies once it is known.
  if (record !== null && input.ownerLockout?.locked === true) return lockedOut(input.ownerLockout);
  if (record === null || secretMatches !== true || record.id !== credential.token.id) {
    return tokenFailure(input, 'TOKEN_INVALID');
  }
  if (credential.username !== undefined && !sameUsername(credential.username, record.owner)) {
    return tokenFailure(input, 'TOKEN_USER_MISMATCH');
  }
  if (isExpired(record, settings.maxValidity, now)) return tokenFailure(input, 'TOKEN_EXPIRED');

  // Rule 8: the owner, as the product reports it.
  if (input.owner === undefined) return NEED_OWNER;
  const gate = mayUseToken({ owner: input.owner, settings });
  if (!gate.allowed) {
    if (gate.code === 'OWNER_INACTIVE') return tokenFailure(input, 'OWNER_INACTIVE');
    return reject(
      403,
      'ADMIN_ONLY',
      'Only system administrators may use API tokens. Ask an administrator for access.',
      false,
    );
  }
  return { outcome: 'forward-as-user', username: record.owner, tokenId: record.id };
}
