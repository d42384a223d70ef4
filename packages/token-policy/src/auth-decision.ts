/**
 * The authentication decision (DESIGN §2 "Authentication policy") as a pure, staged function. See
 * `auth-decision.types.ts` for the staging protocol.
 */
import type { AuthDecision, AuthDecisionInput, AuthRejectCode } from './auth-decision.types.js';
import { assertValidDate, TokenPolicyError } from './errors.js';
import { mayUseToken } from './gating.js';
import { canonicalIp } from './ip-address.js';
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
 * Order: malformed → 400; no header → forward (403 for a REST password login while passwords are
 * disabled); password while disabled → 403; IP not allowed → 403; other schemes → forward; locked out →
 * 429; password → forward and watch the verdict; token: invalid, wrong user, expired, owner inactive →
 * 401 (403 while passwords are disabled), counted; admin-only → 403; else forward as the owner.
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
  if (credential.kind === 'none') {
    if (input.isRestSessionLogin === true && !settings.passwordBasicAuth) {
      return reject(403, 'PASSWORD_AUTH_DISABLED', PASSWORD_DISABLED, false);
    }
    return { outcome: 'forward-unchanged' };
  }
  if (credential.kind === 'password' && !settings.passwordBasicAuth) {
    return reject(403, 'PASSWORD_AUTH_DISABLED', PASSWORD_DISABLED, false);
  }

  // Rule 4: IP restrictions apply to every credential from here on.
  if (!input.allowList.allows(input.clientIp)) {
    const shown = canonicalIp(input.clientIp) ?? JSON.stringify(String(input.clientIp).slice(0, 64));
    return reject(
      403,
      'IP_NOT_ALLOWED',
      `Requests from IP address ${shown} are not allowed to use the REST API with credentials. Ask an administrator to add it to the IP address restrictions.`,
      false,
    );
  }
  if (credential.kind === 'other') return { outcome: 'forward-unchanged' };

  // Rule 5: lockout, before any bcrypt compare or product call.
  if (input.lockout === undefined) return NEED_LOCKOUT;
  if (input.lockout.locked) {
    const until = input.lockout.until;
    assertValidDate(until, 'lockout.until');
    return reject(
      429,
      'LOCKED_OUT',
      `Too many failed logins. Try again after ${until.toISOString()}.`,
      false,
      until,
    );
  }

  // Rule 6: the product checks passwords; the gateway counts its verdict.
  if (credential.kind === 'password') {
    return { outcome: 'forward-unchanged', watchPassword: { username: credential.username } };
  }

  // Rule 7: tokens.
  if (credential.kind === 'invalid-token') return tokenFailure(input, 'TOKEN_INVALID');
  if (input.token === undefined) return NEED_TOKEN;
  const { record, secretMatches } = input.token;
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
