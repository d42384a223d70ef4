/**
 * Failed-login counting (DESIGN §3): pure transitions of one counter. The stores apply them inside
 * one atomic write per key, so concurrent requests cannot lose a count.
 *
 * Counting uses a fixed window that opens with the first failure: the Nth failure (N =
 * `maxAttempts`) before `windowStartedAt + windowMinutes` locks the key for `lockoutMinutes`; a
 * failure at or after the window's end starts a new window. A key is locked while `now < until`.
 */
import { TokenPolicyError, assertValidDate } from './errors.js';
import { canonicalIp } from './ip-address.js';
import type { Credential } from './credentials.js';
import type { PasswordRoute } from './password-routes.js';
import type { FailedLoginPolicy, FailedLoginSettings, FailedLoginState, LockoutStatus } from './types.js';
import { normaliseUsername } from './usernames.js';
import { MAX_FAILED_LOGIN_WINDOW_MINUTES, MAX_LOCKOUT_MINUTES, addressMaxAttempts } from './settings.js';

const MINUTE = 60_000;

/**
 * How long a counter is kept after its last failure: a week. That is longer than any window the
 * settings accept (a day), so past it, once any stored lock has ended, a counter acts as if it had
 * never existed under every policy the settings accept, and a store may delete it
 * ({@link isForgettable}). A week (not a day) so that the admin page still shows last week's
 * failures; it equals the longest lockout the settings accept.
 */
export const FAILED_LOGIN_RETENTION_MS =
  Math.max(MAX_LOCKOUT_MINUTES, MAX_FAILED_LOGIN_WINDOW_MINUTES) * MINUTE;

function assertPolicy(policy: FailedLoginPolicy): void {
  for (const field of ['maxAttempts', 'windowMinutes', 'lockoutMinutes'] as const) {
    const value = policy?.[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new TokenPolicyError('INVALID_ARGUMENT', `policy.${field} must be a positive number`);
    }
  }
}

/**
 * The counter of a key that has never failed.
 *
 * @example
 * ```ts
 * const state = recordFailure(emptyFailedLoginState(), now, policy);
 * ```
 */
export function emptyFailedLoginState(): FailedLoginState {
  return { failures: 0, windowStartedAt: null, lastFailureAt: null, lockedUntil: null };
}

/**
 * The lock's end as the policy sees it now: the stored end, but never later than the lock's start
 * (the failure that set it) plus the *current* lockout duration, so lowering the duration in the
 * settings shortens running locks too — as lowering the validity ceiling caps existing tokens.
 */
function lockEnd(state: FailedLoginState, policy: FailedLoginPolicy): Date | null {
  if (state.lockedUntil === null) return null;
  if (state.lastFailureAt === null) return state.lockedUntil;
  const capped = state.lastFailureAt.getTime() + policy.lockoutMinutes * MINUTE;
  return new Date(Math.min(state.lockedUntil.getTime(), capped));
}

/**
 * Whether the key is locked at `now`, and until when.
 *
 * @example
 * ```ts
 * const status = lockoutStatus(state, now, settings.failedLogins);
 * if (status.locked) reply.header('Retry-After', Math.ceil((status.until.getTime() - now.getTime()) / 1000));
 * ```
 */
export function lockoutStatus(
  state: FailedLoginState | null | undefined,
  now: Date,
  policy: FailedLoginPolicy,
): LockoutStatus {
  assertValidDate(now, 'now');
  assertPolicy(policy);
  if (state === null || state === undefined) return { locked: false };
  const until = lockEnd(state, policy);
  if (until === null || now.getTime() >= until.getTime()) return { locked: false };
  return { locked: true, until };
}

/**
 * Counts one failure at `now`. The `maxAttempts`-th failure inside the window locks the key until
 * `now + lockoutMinutes`. A failure while locked (a request that passed the lock check just before the
 * lock was set) changes nothing, so the lock is not extended by a race.
 *
 * @example
 * ```ts
 * const policy = { maxAttempts: 3, windowMinutes: 15, lockoutMinutes: 15 };
 * let state = emptyFailedLoginState();
 * for (let i = 0; i < 3; i++) state = recordFailure(state, now, policy);
 * lockoutStatus(state, now, policy); // { locked: true, until: now + 15 min }
 * ```
 */
export function recordFailure(
  state: FailedLoginState | null | undefined,
  now: Date,
  policy: FailedLoginPolicy,
): FailedLoginState {
  assertValidDate(now, 'now');
  assertPolicy(policy);
  const current = state ?? emptyFailedLoginState();
  if (lockoutStatus(current, now, policy).locked) return { ...current };

  const windowStart = current.windowStartedAt;
  const windowOpen =
    windowStart !== null &&
    current.lockedUntil === null &&
    now.getTime() < windowStart.getTime() + policy.windowMinutes * MINUTE;
  const failures = windowOpen ? current.failures + 1 : 1;
  const windowStartedAt = windowOpen ? windowStart : now;
  const locks = failures >= policy.maxAttempts;
  return {
    failures,
    windowStartedAt: new Date(windowStartedAt.getTime()),
    lastFailureAt: new Date(now.getTime()),
    lockedUntil: locks ? new Date(now.getTime() + policy.lockoutMinutes * MINUTE) : null,
  };
}

/**
 * Whether a stored counter may be deleted at `now`: its last failure is at least
 * {@link FAILED_LOGIN_RETENTION_MS} ago and no stored lock runs past `now`. Such a counter is never
 * locked again and its next failure starts a fresh window, whatever the policy is now or becomes —
 * exactly like a key that never failed — so deleting it changes no decision; it only keeps the table
 * and the admin page from growing with every address that ever failed once. A counter without a
 * recorded failure is kept (no transition writes one).
 *
 * @example
 * ```ts
 * isForgettable(state, now); // true a week after the last failure, once the lock (if any) is over
 * ```
 */
export function isForgettable(state: FailedLoginState, now: Date): boolean {
  assertValidDate(now, 'now');
  if (state.lastFailureAt === null) return false;
  if (state.lockedUntil !== null && state.lockedUntil.getTime() > now.getTime()) return false;
  return now.getTime() - state.lastFailureAt.getTime() >= FAILED_LOGIN_RETENTION_MS;
}

/**
 * A successful login resets the count. A lock in force stays: a success cannot lift it.
 *
 * @example
 * ```ts
 * recordSuccess(state); // { failures: 0, windowStartedAt: null, … }
 * ```
 */
export function recordSuccess(state: FailedLoginState | null | undefined): FailedLoginState {
  const current = state ?? emptyFailedLoginState();
  return {
    failures: 0,
    windowStartedAt: null,
    lastFailureAt: current.lastFailureAt,
    lockedUntil: current.lockedUntil,
  };
}

/**
 * The failed-login counter keys of a request: `ip:<canonical address>` always (first), then one
 * `user:<normalised username>` per user the request names: the Basic username (password or token) or,
 * for a Bearer token, the owner once known; and the usernames a password route names (issue 20 item
 * 1: a session login, `os_username`, …). Usernames are NFC lower case (see {@link normaliseUsername});
 * no key appears twice.
 *
 * @example
 * ```ts
 * failureKeys(classifyAuthorization(header), '::ffff:10.0.0.7'); // ['ip:10.0.0.7', 'user:alice']
 * failureKeys({ kind: 'token', token }, '10.0.0.7', 'Bob'); // ['ip:10.0.0.7', 'user:bob']
 * failureKeys({ kind: 'none' }, '10.0.0.7', undefined, classifyPasswordRoute(request)); // ['ip:10.0.0.7', 'user:carol']
 * ```
 */
export function failureKeys(
  credential: Credential,
  clientIp: string,
  tokenOwner?: string,
  passwordRoute?: PasswordRoute,
): string[] {
  // An address that does not parse still gets a key of its own rather than none at all.
  const keys = [`ip:${canonicalIp(clientIp) ?? String(clientIp).trim().toLowerCase()}`];
  const addUser = (username: string | undefined): void => {
    if (username === undefined || username === '') return;
    const key = `user:${normaliseUsername(username)}`;
    if (!keys.includes(key)) keys.push(key);
  };
  if (credential.kind === 'password') addUser(credential.username);
  else if (credential.kind === 'token' || credential.kind === 'invalid-token') {
    addUser(credential.username ?? tokenOwner);
  }
  if (passwordRoute?.carriesPassword === true) for (const name of passwordRoute.usernames) addUser(name);
  return keys;
}

/** Whether a counter key is an address key (`ip:…`) rather than a user key. */
function isAddressKey(key: string): boolean {
  return key.startsWith('ip:');
}

/**
 * The policy a counter key is counted and checked under (issue 20 item 3): a user key locks at
 * `maxAttempts`; an address key — meant for spraying across many users — at its own, higher
 * threshold ({@link addressMaxAttempts}: `maxAttemptsPerAddress`, automatically 10 × `maxAttempts`).
 * Window and lockout duration are the same for both.
 *
 * @example
 * ```ts
 * const settings = { maxAttempts: 10, windowMinutes: 15, lockoutMinutes: 15 };
 * failedLoginPolicyFor('user:alice', settings).maxAttempts; // 10
 * failedLoginPolicyFor('ip:10.0.0.7', settings).maxAttempts; // 100
 * ```
 */
export function failedLoginPolicyFor(key: string, failedLogins: FailedLoginSettings): FailedLoginPolicy {
  const { maxAttempts, windowMinutes, lockoutMinutes } = failedLogins;
  return isAddressKey(key)
    ? { maxAttempts: addressMaxAttempts(failedLogins), windowMinutes, lockoutMinutes }
    : { maxAttempts, windowMinutes, lockoutMinutes };
}

/**
 * One status for a request from the statuses of its keys: unlocked when none is locked, else the lock
 * that ends last (the earliest time the request can succeed), naming its key; at the same end, a user
 * key before an address key (the more specific reason).
 *
 * @example
 * ```ts
 * combineLockouts([
 *   ['ip:10.0.0.7', { locked: false }],
 *   ['user:alice', lockoutStatus(state, now, failedLoginPolicyFor('user:alice', settings))],
 * ]); // { locked: true, until, key: 'user:alice' }
 * ```
 */
export function combineLockouts(
  statuses: Iterable<readonly [key: string, status: LockoutStatus]>,
): LockoutStatus {
  let combined: LockoutStatus = { locked: false };
  for (const [key, status] of statuses) {
    if (!status.locked) continue;
    assertValidDate(status.until, 'status.until');
    const end = status.until.getTime();
    if (
      !combined.locked ||
      end > combined.until.getTime() ||
      (end === combined.until.getTime() && isAddressKey(combined.key ?? '') && !isAddressKey(key))
    ) {
      combined = { locked: true, until: new Date(end), key };
    }
  }
  return combined;
}
