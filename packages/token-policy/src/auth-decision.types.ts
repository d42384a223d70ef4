/**
 * Types of the authentication decision (DESIGN §2 "Authentication policy"). The decision is a pure,
 * *staged* function: `decideAuthentication(input)` returns either a final outcome or `{ outcome: 'need',
 * need }` naming the next fact it requires. The gateway fetches that fact (a store read, a bcrypt
 * compare, a product look-up), adds it to the input and calls again. Staging keeps expensive work
 * (bcrypt, product calls) from ever running for a request that an earlier, cheaper rule already refuses
 * — e.g. a locked-out client gets its 429 without a single bcrypt compare.
 */
import type { Credential } from './credentials.js';
import type { IpAllowList } from './ip-allow-list.js';
import type { PasswordRoute, PasswordRouteKind } from './password-routes.js';
import type { LockoutStatus, OwnerFacts, Settings, TokenFacts } from './types.js';

export interface AuthDecisionInput {
  /** `classifyAuthorization(req.headers.authorization)`. */
  credential: Credential;
  /** Client address as the gateway determined it (trusted-proxy walk already done). */
  clientIp: string;
  /** `parseIpAllowList(settings.ipAllowList)` compiled once per settings change. */
  allowList: IpAllowList;
  settings: Settings;
  now: Date;
  /**
   * `classifyPasswordRoute(request)` (DESIGN §2 rule 0, issue 20 item 1): a request that hands a
   * password to the product by another way than `Authorization` is password REST authentication,
   * whatever `Authorization` carries.
   */
  passwordRoute?: PasswordRoute;
  /**
   * Earlier form of {@link passwordRoute}, kept for callers that set it: true for a password login
   * posted to the REST session endpoint. Taken as a `rest-session-login` route naming nobody when the
   * request carries no `Authorization` (what it always meant).
   */
  isRestSessionLogin?: boolean;
  /**
   * Stage `lockout`: the combined status of every failure key of this request
   * (`failureKeys(credential, clientIp, undefined, passwordRoute)`), each checked under
   * `failedLoginPolicyFor(key, settings.failedLogins)` — `combineLockouts` names the key that applies.
   */
  lockout?: LockoutStatus;
  /**
   * With stage `token`, for a token whose request named no user (Bearer): the lockout status of the
   * owner's user key, which is known only once the record is (issue 20 item 5). A locked owner's token
   * gets 429 like a Basic request naming that user. Callers that can look the record up should always
   * set it.
   */
  ownerLockout?: LockoutStatus;
  /**
   * Stage `token`: the stored token with the parsed id (`null` = no such id) and whether the presented
   * secret matched its hash (the gateway skips the compare, passing `false`, when the record is null).
   */
  token?: { record: TokenFacts | null; secretMatches: boolean };
  /** Stage `owner`: the token owner as the product reports it; `null` = the user no longer exists. */
  owner?: OwnerFacts | null;
}

/** Stable codes of every refusal. Tests assert these, not messages. */
export type AuthRejectCode =
  | 'MALFORMED_AUTHORIZATION'
  | 'IP_NOT_ALLOWED'
  | 'LOCKED_OUT'
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_USER_MISMATCH'
  | 'OWNER_INACTIVE'
  | 'ADMIN_ONLY'
  | 'PASSWORD_AUTH_DISABLED';

export type AuthDecision =
  /** The decision needs one more fact; fetch it, set the matching input field, decide again. */
  | { outcome: 'need'; need: 'lockout' | 'token' | 'owner' }
  /**
   * Forward untouched. `watchPassword` set = a password was forwarded: count the product's verdict.
   * `passwordRoute` set = the password went by that route (not `Authorization`): count the verdict for
   * `failureKeys(credential, clientIp, undefined, passwordRoute)` even when no username is known.
   */
  | { outcome: 'forward-unchanged'; watchPassword?: { username: string }; passwordRoute?: PasswordRouteKind }
  /** Token verified: strip `Authorization`, set the identity header to `username`, record last use. */
  | { outcome: 'forward-as-user'; username: string; tokenId: string }
  /**
   * Refuse with `status`. `countFailure` = count one failed login for the request's failure keys.
   * `retryAfter` is set for 429 (the lock's end), with `lockedKey` when the lockout status named the
   * key that applies (`user:…` or `ip:…`). `message` is safe to show the caller (no secrets).
   */
  | {
      outcome: 'reject';
      status: 400 | 401 | 403 | 429;
      code: AuthRejectCode;
      message: string;
      countFailure: boolean;
      retryAfter?: Date;
      lockedKey?: string;
    };
