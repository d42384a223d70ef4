import { describe, expect, test } from 'vitest';
import type { Credential } from './credentials.js';
import { TokenPolicyError } from './errors.js';
import fc from 'fast-check';
import {
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
import { MAX_FAILED_LOGIN_WINDOW_MINUTES, MAX_LOCKOUT_MINUTES } from './settings.js';
import type { PasswordRoute } from './password-routes.js';
import type { FailedLoginPolicy, FailedLoginState, LockoutStatus } from './types.js';

const MINUTE = 60_000;
const start = new Date('2024-03-10T06:30:00.000Z');
const at = (ms: number) => new Date(start.getTime() + ms);
const policy: FailedLoginPolicy = { maxAttempts: 10, windowMinutes: 15, lockoutMinutes: 15 };

function fail(
  times: number,
  p: FailedLoginPolicy = policy,
  step = 1000,
  from: FailedLoginState | null = null,
) {
  let state = from;
  for (let i = 0; i < times; i++) state = recordFailure(state, at(i * step), p);
  return state as FailedLoginState;
}

describe('the Nth failure locks, the (N-1)th does not', () => {
  test.each([1, 3, 10, 1000])('maxAttempts = %i', (maxAttempts) => {
    const p = { ...policy, maxAttempts };
    const before = fail(maxAttempts - 1, p, 0);
    expect(lockoutStatus(before, start, p)).toEqual({ locked: false });
    const after = recordFailure(before, start, p);
    expect(after.failures).toBe(maxAttempts);
    expect(lockoutStatus(after, start, p)).toEqual({ locked: true, until: at(15 * MINUTE) });
  });
});

describe('the window', () => {
  test('failures spread over exactly the window length start a new window', () => {
    const nine = fail(9, policy, 0);
    const atWindowEnd = recordFailure(nine, at(15 * MINUTE), policy);
    expect(atWindowEnd).toEqual({
      failures: 1,
      windowStartedAt: at(15 * MINUTE),
      lastFailureAt: at(15 * MINUTE),
      lockedUntil: null,
    });
    const justInside = recordFailure(nine, at(15 * MINUTE - 1), policy);
    expect(justInside.failures).toBe(10);
    expect(lockoutStatus(justInside, at(15 * MINUTE - 1), policy)).toEqual({
      locked: true,
      until: at(30 * MINUTE - 1),
    });
  });

  test('a failure keeps the window start and moves the last failure', () => {
    const state = fail(3, policy, MINUTE);
    expect(state).toEqual({
      failures: 3,
      windowStartedAt: start,
      lastFailureAt: at(2 * MINUTE),
      lockedUntil: null,
    });
  });
});

describe('the lock', () => {
  const locked = fail(10, policy, 0);
  const until = at(15 * MINUTE);

  test.each<[string, number, boolean]>([
    ['at the locking failure', 0, true],
    ['one millisecond before the end', 15 * MINUTE - 1, true],
    ['exactly at the end', 15 * MINUTE, false],
    ['after the end', 20 * MINUTE, false],
  ])('%s', (_name, offset, expected) => {
    expect(lockoutStatus(locked, at(offset), policy)).toEqual(
      expected ? { locked: true, until } : { locked: false },
    );
  });

  test('a failure while locked changes nothing (the lock is not extended by a race)', () => {
    expect(recordFailure(locked, at(MINUTE), policy)).toEqual(locked);
  });

  test('after the lock a failure starts a fresh count', () => {
    const next = recordFailure(locked, until, policy);
    expect(next).toEqual({ failures: 1, windowStartedAt: until, lastFailureAt: until, lockedUntil: null });
    expect(lockoutStatus(next, until, policy)).toEqual({ locked: false });
  });

  test('lowering the lockout duration shortens a running lock; raising it does not extend one', () => {
    expect(lockoutStatus(locked, at(MINUTE), { ...policy, lockoutMinutes: 5 })).toEqual({
      locked: true,
      until: at(5 * MINUTE),
    });
    expect(lockoutStatus(locked, at(5 * MINUTE), { ...policy, lockoutMinutes: 5 })).toEqual({
      locked: false,
    });
    expect(lockoutStatus(locked, at(MINUTE), { ...policy, lockoutMinutes: 60 })).toEqual({
      locked: true,
      until,
    });
  });

  test('a success resets the count but cannot lift a lock', () => {
    const nine = fail(9, policy, 0);
    const reset = recordSuccess(nine);
    expect(reset).toEqual({
      failures: 0,
      windowStartedAt: null,
      lastFailureAt: nine.lastFailureAt,
      lockedUntil: null,
    });
    expect(recordFailure(reset, at(1000), policy).failures).toBe(1);
    expect(lockoutStatus(recordSuccess(locked), at(MINUTE), policy)).toEqual({ locked: true, until });
  });
});

describe('inputs', () => {
  test('no state is an empty state', () => {
    expect(recordFailure(null, start, policy)).toEqual({
      failures: 1,
      windowStartedAt: start,
      lastFailureAt: start,
      lockedUntil: null,
    });
    expect(lockoutStatus(undefined, start, policy)).toEqual({ locked: false });
    expect(recordSuccess(null)).toEqual(emptyFailedLoginState());
  });

  test('transitions do not mutate their input', () => {
    const state = Object.freeze(fail(5, policy, 0));
    const copy = structuredClone(state);
    recordFailure(state, at(1000), policy);
    recordSuccess(state);
    expect(state).toEqual(copy);
  });

  test.each<[string, () => unknown]>([
    ['an invalid now', () => recordFailure(null, new Date(Number.NaN), policy)],
    ['a zero threshold', () => recordFailure(null, start, { ...policy, maxAttempts: 0 })],
    ['a missing policy', () => lockoutStatus(null, start, undefined as unknown as FailedLoginPolicy)],
  ])('%s is misuse', (_name, call) => {
    expect(call).toThrow(TokenPolicyError);
  });
});

describe('failureKeys', () => {
  const token = { id: 'abcdefghijkl', secret: 'x'.repeat(30) };
  test.each<[string, Credential, string, string | undefined, string[]]>([
    [
      'a password',
      { kind: 'password', username: 'Alice', password: 'pw' },
      '10.0.0.7',
      undefined,
      ['ip:10.0.0.7', 'user:alice'],
    ],
    [
      'a Basic token',
      { kind: 'token', username: 'ALICE', token },
      '10.0.0.7',
      'bob',
      ['ip:10.0.0.7', 'user:alice'],
    ],
    [
      'a Bearer token before the owner is known',
      { kind: 'token', token },
      '10.0.0.7',
      undefined,
      ['ip:10.0.0.7'],
    ],
    [
      'a Bearer token with its owner',
      { kind: 'token', token },
      '10.0.0.7',
      'Bob',
      ['ip:10.0.0.7', 'user:bob'],
    ],
    [
      'a token-shaped typo with a username',
      { kind: 'invalid-token', username: 'alice' },
      '10.0.0.7',
      undefined,
      ['ip:10.0.0.7', 'user:alice'],
    ],
    ['a token-shaped Bearer typo', { kind: 'invalid-token' }, '10.0.0.7', undefined, ['ip:10.0.0.7']],
    [
      'an IPv4-mapped client',
      { kind: 'password', username: 'alice', password: 'pw' },
      '::ffff:10.0.0.7',
      undefined,
      ['ip:10.0.0.7', 'user:alice'],
    ],
    [
      'an IPv6 client',
      { kind: 'other', scheme: 'Negotiate' },
      '2001:DB8:0::1',
      undefined,
      ['ip:2001:db8::1'],
    ],
    [
      'a decomposed Unicode username',
      { kind: 'password', username: 'Jose\u0301', password: 'pw' },
      '10.0.0.7',
      undefined,
      ['ip:10.0.0.7', 'user:jos\u00e9'],
    ],
    ['an unparseable client', { kind: 'none' }, 'Fe80::1%eth0', undefined, ['ip:fe80::1%eth0']],
  ])('%s', (_name, credential, ip, owner, expected) => {
    expect(failureKeys(credential, ip, owner)).toEqual(expected);
  });
});

describe('isForgettable: a counter that may be deleted acts as if it never existed', () => {
  const DAY = 24 * 60 * MINUTE;
  const policyArb = fc.record({
    maxAttempts: fc.integer({ min: 1, max: 1000 }),
    windowMinutes: fc.integer({ min: 1, max: MAX_FAILED_LOGIN_WINDOW_MINUTES }),
    lockoutMinutes: fc.integer({ min: 1, max: MAX_LOCKOUT_MINUTES }),
  });
  /** Failures and successes at increasing times under one policy (the settings may change later). */
  const historyArb = fc.record({
    policy: policyArb,
    events: fc.array(fc.record({ success: fc.boolean(), gapMs: fc.integer({ min: 0, max: 3 * DAY }) }), {
      minLength: 1,
      maxLength: 40,
    }),
  });

  function replay(history: {
    policy: FailedLoginPolicy;
    events: Array<{ success: boolean; gapMs: number }>;
  }) {
    let state: FailedLoginState = emptyFailedLoginState();
    let time = start.getTime();
    for (const event of history.events) {
      time += event.gapMs;
      state = event.success ? recordSuccess(state) : recordFailure(state, new Date(time), history.policy);
    }
    return { state, time };
  }

  test('under every later policy: never locked again, and the next failure starts afresh', () => {
    let forgettable = 0;
    fc.assert(
      fc.property(
        historyArb,
        fc.integer({ min: 0, max: 10 * DAY }),
        policyArb,
        fc.integer({ min: 0, max: 30 * DAY }),
        (history, waitMs, later, afterMs) => {
          const { state, time } = replay(history);
          const now = new Date(time + waitMs);
          if (!isForgettable(state, now)) return;
          forgettable += 1;
          const t = new Date(now.getTime() + afterMs);
          expect(lockoutStatus(state, t, later)).toEqual({ locked: false });
          expect(recordFailure(state, t, later)).toEqual(recordFailure(emptyFailedLoginState(), t, later));
        },
      ),
      { numRuns: 2000 },
    );
    // The property was exercised, not skipped by the filter.
    expect(forgettable).toBeGreaterThan(200);
  });

  test('kept while the last failure is younger than the retention, or a stored lock still runs', () => {
    const p = { maxAttempts: 2, windowMinutes: 15, lockoutMinutes: MAX_LOCKOUT_MINUTES };
    const locked = fail(2, p, 0);
    expect(locked.lockedUntil).toEqual(at(FAILED_LOGIN_RETENTION_MS));
    expect(isForgettable(locked, at(FAILED_LOGIN_RETENTION_MS - 1))).toBe(false);
    expect(isForgettable(locked, at(FAILED_LOGIN_RETENTION_MS))).toBe(true);
    const once = fail(1);
    expect(isForgettable(once, at(FAILED_LOGIN_RETENTION_MS - 1))).toBe(false);
    expect(isForgettable(once, at(FAILED_LOGIN_RETENTION_MS))).toBe(true);
    // A lock stored to run longer than the retention (written under other rules) is kept until it ends.
    const longLock = { ...once, lockedUntil: at(FAILED_LOGIN_RETENTION_MS + DAY) };
    expect(isForgettable(longLock, at(FAILED_LOGIN_RETENTION_MS + 1))).toBe(false);
    expect(isForgettable(emptyFailedLoginState(), at(FAILED_LOGIN_RETENTION_MS * 2))).toBe(false);
    expect(FAILED_LOGIN_RETENTION_MS).toBe(7 * DAY);
  });
});

describe('address and user keys (issue 20 item 3)', () => {
  const settings = { maxAttempts: 10, windowMinutes: 15, lockoutMinutes: 15 };

  test('a user key locks at maxAttempts, an address key at its own, higher threshold', () => {
    expect(failedLoginPolicyFor('user:alice', settings)).toEqual(settings);
    expect(failedLoginPolicyFor('ip:10.0.0.7', settings)).toEqual({ ...settings, maxAttempts: 100 });
    expect(failedLoginPolicyFor('ip:::1', { ...settings, maxAttemptsPerAddress: 40 }).maxAttempts).toBe(40);
    expect(failedLoginPolicyFor('user:alice', { ...settings, maxAttemptsPerAddress: 40 })).toEqual(settings);
  });

  test("alice's typos lock alice, not admin behind the same address", () => {
    let user: FailedLoginState | null = null;
    let address: FailedLoginState | null = null;
    const userPolicy = failedLoginPolicyFor('user:alice', settings);
    const addressPolicy = failedLoginPolicyFor('ip:10.0.0.7', settings);
    for (let i = 0; i < 30; i++) {
      const now = at(i * 1000);
      // The gateway refuses (429, not counted) while a key of the request is locked.
      if (lockoutStatus(user, now, userPolicy).locked) continue;
      user = recordFailure(user, now, userPolicy);
      address = recordFailure(address, now, addressPolicy);
    }
    const now = at(30_000);
    expect(lockoutStatus(user, now, userPolicy).locked).toBe(true);
    expect(address?.failures).toBe(10);
    // admin from the same address: only the address key and admin's own key are asked.
    expect(
      combineLockouts([
        ['ip:10.0.0.7', lockoutStatus(address, now, addressPolicy)],
        ['user:admin', lockoutStatus(null, now, userPolicy)],
      ]),
    ).toEqual({ locked: false });
  });

  test('spraying across many users locks the address', () => {
    const addressPolicy = failedLoginPolicyFor('ip:10.0.0.7', settings);
    let address: FailedLoginState | null = null;
    for (let i = 0; i < 100; i++) address = recordFailure(address, at(i * 1000), addressPolicy);
    expect(lockoutStatus(address, at(100_000), addressPolicy)).toEqual({
      locked: true,
      until: at(99_000 + 15 * MINUTE),
    });
  });

  test('property: one user alone never locks its address (window ≤ 8 × lockout, automatic threshold)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 40 * MINUTE }), { maxLength: 400 }),
        (maxAttempts, lockoutMinutes, ratio, gaps) => {
          const failedLogins = {
            maxAttempts,
            windowMinutes: Math.min(1440, lockoutMinutes * ratio),
            lockoutMinutes,
          };
          const userPolicy = failedLoginPolicyFor('user:alice', failedLogins);
          const addressPolicy = failedLoginPolicyFor('ip:10.0.0.7', failedLogins);
          let user: FailedLoginState | null = null;
          let address: FailedLoginState | null = null;
          let time = 0;
          for (const gap of gaps) {
            time += gap;
            const now = at(time);
            expect(lockoutStatus(address, now, addressPolicy).locked).toBe(false);
            if (lockoutStatus(user, now, userPolicy).locked) continue;
            user = recordFailure(user, now, userPolicy);
            address = recordFailure(address, now, addressPolicy);
          }
        },
      ),
    );
  });

  test.each<[string, Array<[string, LockoutStatus]>, LockoutStatus]>([
    [
      'nothing locked',
      [
        ['ip:a', { locked: false }],
        ['user:b', { locked: false }],
      ],
      { locked: false },
    ],
    ['no keys', [], { locked: false }],
    [
      'the user is locked',
      [
        ['ip:a', { locked: false }],
        ['user:b', { locked: true, until: at(5) }],
      ],
      { locked: true, until: at(5), key: 'user:b' },
    ],
    [
      'the lock that ends last applies',
      [
        ['ip:a', { locked: true, until: at(9) }],
        ['user:b', { locked: true, until: at(5) }],
      ],
      { locked: true, until: at(9), key: 'ip:a' },
    ],
    [
      'at the same end, the user key is named',
      [
        ['ip:a', { locked: true, until: at(5) }],
        ['user:b', { locked: true, until: at(5) }],
      ],
      { locked: true, until: at(5), key: 'user:b' },
    ],
  ])('combineLockouts: %s', (_name, statuses, expected) => {
    expect(combineLockouts(statuses)).toEqual(expected);
  });

  test('combineLockouts refuses an invalid lock end', () => {
    expect(() => combineLockouts([['ip:a', { locked: true, until: new Date(Number.NaN) }]])).toThrow(
      TokenPolicyError,
    );
  });
});

describe('failureKeys of password routes (issue 20 item 1)', () => {
  test.each<[string, Credential, PasswordRoute, string[]]>([
    [
      'a session login without Authorization',
      { kind: 'none' },
      { carriesPassword: true, kind: 'rest-session-login', usernames: ['Alice'] },
      ['ip:10.0.0.7', 'user:alice'],
    ],
    [
      'the route names a user, Authorization another',
      { kind: 'password', username: 'bob', password: 'x' },
      { carriesPassword: true, kind: 'seraph-parameters', usernames: ['carol', 'BOB'] },
      ['ip:10.0.0.7', 'user:bob', 'user:carol'],
    ],
    [
      'a route naming nobody',
      { kind: 'other', scheme: 'Negotiate' },
      { carriesPassword: true, kind: 'remote-api', usernames: [] },
      ['ip:10.0.0.7'],
    ],
    ['no password route', { kind: 'none' }, { carriesPassword: false }, ['ip:10.0.0.7']],
  ])('%s', (_name, credential, route, expected) => {
    expect(failureKeys(credential, '10.0.0.7', undefined, route)).toEqual(expected);
  });
});
