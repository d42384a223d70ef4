import type { ChildProcess } from 'node:child_process';
import {
  FAILED_LOGIN_RETENTION_MS,
  isForgettable,
  type FailedLoginPolicy,
} from '@api-token-auth/token-policy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { completion, forkChild } from './testing/run-child.js';
import { events, tempStores } from './testing/temp-store.js';

let stores: ReturnType<typeof tempStores>;
let store: Store;

beforeEach(() => {
  stores = tempStores();
  store = stores.open();
});
afterEach(() => stores.cleanup());

const policy: FailedLoginPolicy = { maxAttempts: 3, windowMinutes: 15, lockoutMinutes: 10 };
const t0 = new Date('2025-03-01T10:00:00.000Z');
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);

describe('SQLite failed-login repository', () => {
  it('prune deletes exactly the counters the core calls forgettable, and changes no lockout answer', async () => {
    const DAY = 24 * 60 * 60_000;
    const week = { maxAttempts: 2, windowMinutes: 1440, lockoutMinutes: 10_080 };
    // Counters of every kind: one failure, a lock that ran out, a week-long lock, a lock from 2 failures
    // just now, and a success after a failure; at times around the retention boundary.
    const now = new Date(t0.getTime() + 30 * DAY);
    const keys: string[] = [];
    for (const [index, agoMs] of [
      FAILED_LOGIN_RETENTION_MS + DAY,
      FAILED_LOGIN_RETENTION_MS,
      FAILED_LOGIN_RETENTION_MS - 1,
      DAY,
      0,
    ].entries()) {
      const at = new Date(now.getTime() - agoMs);
      const single = `ip:10.0.${index}.1`;
      await store.failedLogins.recordFailure(single, at, policy);
      const locked = `ip:10.0.${index}.2`;
      await store.failedLogins.recordFailure(locked, at, policy);
      await store.failedLogins.recordFailure(locked, at, policy);
      await store.failedLogins.recordFailure(locked, at, policy);
      const weekLock = `user:week-${index}`;
      await store.failedLogins.recordFailure(weekLock, at, week);
      await store.failedLogins.recordFailure(weekLock, at, week);
      const succeeded = `user:ok-${index}`;
      await store.failedLogins.recordFailure(succeeded, at, week);
      await store.failedLogins.recordSuccess(succeeded);
      keys.push(single, locked, weekLock, succeeded);
    }
    const before = new Map((await store.failedLogins.list()).map((entry) => [entry.key, entry]));
    const statusBefore = await Promise.all(keys.map((key) => store.failedLogins.status([key], now, week)));
    const expectedGone = [...before.values()].filter((entry) => isForgettable(entry, now)).map((e) => e.key);
    // Both sides of the boundary are present.
    expect(expectedGone.length).toBeGreaterThan(0);
    expect(expectedGone.length).toBeLessThan(before.size);

    expect(await store.failedLogins.prune(now)).toBe(expectedGone.length);
    const after = new Set((await store.failedLogins.list()).map((entry) => entry.key));
    expect([...before.keys()].filter((key) => !after.has(key)).sort()).toEqual(expectedGone.sort());
    expect(await Promise.all(keys.map((key) => store.failedLogins.status([key], now, week)))).toEqual(
      statusBefore,
    );
    expect(await store.failedLogins.prune(now)).toBe(0);
  });

  it('counts failures and locks at exactly the Nth', async () => {
    expect(await store.failedLogins.recordFailure('user:alice', minutes(0), policy)).toMatchObject({
      failures: 1,
      lockedUntil: null,
    });
    expect((await store.failedLogins.recordFailure('user:alice', minutes(1), policy)).lockedUntil).toBeNull();
    expect(await store.failedLogins.status(['user:alice'], minutes(1), policy)).toEqual({ locked: false });
    const third = await store.failedLogins.recordFailure('user:alice', minutes(2), policy);
    expect(third).toEqual({
      failures: 3,
      windowStartedAt: minutes(0),
      lastFailureAt: minutes(2),
      lockedUntil: minutes(12),
    });
    expect(await store.failedLogins.status(['user:alice'], minutes(5), policy)).toEqual({
      locked: true,
      until: minutes(12),
    });
    expect(await store.failedLogins.status(['user:alice'], minutes(12), policy)).toEqual({ locked: false });
  });

  it('combines several keys: locked if any is, the latest end wins', async () => {
    for (const at of [0, 1, 2]) await store.failedLogins.recordFailure('ip:10.0.0.1', minutes(at), policy);
    for (const at of [3, 4, 5]) await store.failedLogins.recordFailure('user:bob', minutes(at), policy);
    expect(
      await store.failedLogins.status(['ip:10.0.0.1', 'user:bob', 'user:nobody'], minutes(6), policy),
    ).toEqual({
      locked: true,
      until: minutes(15),
    });
    expect(await store.failedLogins.status(['ip:10.0.0.1'], minutes(6), policy)).toEqual({
      locked: true,
      until: minutes(12),
    });
    expect(await store.failedLogins.status(['user:nobody'], minutes(6), policy)).toEqual({ locked: false });
    expect(await store.failedLogins.status([], minutes(6), policy)).toEqual({ locked: false });
  });

  it('a success resets the count (a lock in force stays, as the core decides)', async () => {
    await store.failedLogins.recordFailure('user:alice', minutes(0), policy);
    await store.failedLogins.recordFailure('user:alice', minutes(1), policy);
    await store.failedLogins.recordSuccess('user:alice');
    expect(await store.failedLogins.list()).toEqual([]);
    expect((await store.failedLogins.recordFailure('user:alice', minutes(2), policy)).failures).toBe(1);

    for (const at of [3, 4]) await store.failedLogins.recordFailure('user:alice', minutes(at), policy);
    await store.failedLogins.recordSuccess('user:alice');
    expect(await store.failedLogins.status(['user:alice'], minutes(5), policy)).toEqual({
      locked: true,
      until: minutes(14),
    });
    await store.failedLogins.recordSuccess('user:never-failed');
    expect((await store.failedLogins.list()).map((entry) => entry.key)).toEqual(['user:alice']);
  });

  it('lists counted and locked keys, most recent failure first', async () => {
    await store.failedLogins.recordFailure('user:alice', minutes(0), policy);
    await store.failedLogins.recordFailure('ip:::1', minutes(2), policy);
    expect(await store.failedLogins.list()).toEqual([
      {
        key: 'ip:::1',
        failures: 1,
        windowStartedAt: minutes(2),
        lastFailureAt: minutes(2),
        lockedUntil: null,
      },
      {
        key: 'user:alice',
        failures: 1,
        windowStartedAt: minutes(0),
        lastFailureAt: minutes(0),
        lockedUntil: null,
      },
    ]);
  });

  it('resets one key with its audit event; an unknown key is false and not audited', async () => {
    await store.failedLogins.recordFailure('user:alice', minutes(0), policy);
    await store.failedLogins.recordFailure('user:bob', minutes(0), policy);
    expect(await store.failedLogins.reset('user:alice', events.reset('user:alice'))).toBe(true);
    expect((await store.failedLogins.list()).map((entry) => entry.key)).toEqual(['user:bob']);
    expect(await store.failedLogins.reset('user:carol', events.reset('user:carol'))).toBe(false);
    const audit = await store.audit.list({ limit: 10, offset: 0 });
    expect(audit.records.map((record) => record.event)).toEqual([
      expect.objectContaining({ type: 'failed_logins.reset', key: 'user:alice', subject: 'alice' }),
    ]);
  });

  it('a failed audit write leaves the counter in place', async () => {
    await store.failedLogins.recordFailure('user:alice', minutes(0), policy);
    await store.failedLogins.recordFailure('user:bob', minutes(0), policy);
    const event = events.reset('user:alice');
    await store.failedLogins.reset('user:alice', event);
    await expect(store.failedLogins.reset('user:bob', { ...event, key: 'user:bob' })).rejects.toMatchObject({
      code: 'STORE_CONFLICT',
    });
    expect((await store.failedLogins.list()).map((entry) => entry.key)).toEqual(['user:bob']);
  });
});

describe('failed-login counting across processes', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill();
  });

  it(
    '4 processes × 25 failures on one file count exactly 100, and the lock starts at exactly the Nth',
    { timeout: 60_000 },
    async () => {
      const counting: FailedLoginPolicy = { maxAttempts: 1000, windowMinutes: 60, lockoutMinutes: 15 };
      const locking: FailedLoginPolicy = { maxAttempts: 37, windowMinutes: 60, lockoutMinutes: 15 };
      const job = {
        file: stores.file,
        now: t0.toISOString(),
        count: 25,
        keys: [
          { key: 'ip:10.0.0.1', policy: counting },
          { key: 'user:alice', policy: locking },
        ],
      };
      for (let i = 0; i < 4; i++)
        children.push(forkChild('./record-failures-child.ts', [JSON.stringify(job)]));
      type Report = { results: Record<string, Array<{ failures: number; lockedUntil: string | null }>> };
      const reports = children.map(
        (child) =>
          new Promise<Report>((resolve) =>
            child.on('message', (message) => typeof message === 'object' && resolve(message as Report)),
          ),
      );
      await Promise.all(children.map((child) => new Promise((resolve) => child.once('message', resolve))));
      for (const child of children) child.send('go');
      await Promise.all(children.map(completion));
      const all = await Promise.all(reports);

      const counted = all.flatMap((report) => report.results['ip:10.0.0.1'] ?? []);
      expect(counted.map((state) => state.failures).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 100 }, (_, i) => i + 1),
      );
      expect(await store.failedLogins.list()).toContainEqual(
        expect.objectContaining({ key: 'ip:10.0.0.1', failures: 100, lockedUntil: null }),
      );

      const locked = all.flatMap((report) => report.results['user:alice'] ?? []);
      expect(locked).toHaveLength(100);
      const until = new Date(t0.getTime() + 15 * 60_000).toISOString();
      // Failures 1..36 unlocked, each seen once; the 37th locks; the 63 later ones change nothing.
      expect(
        locked
          .filter((state) => state.lockedUntil === null)
          .map((state) => state.failures)
          .sort((a, b) => a - b),
      ).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
      expect(locked.filter((state) => state.lockedUntil !== null)).toEqual(
        Array.from({ length: 64 }, () => ({ failures: 37, lockedUntil: until })),
      );
      expect(await store.failedLogins.status(['user:alice'], t0, locking)).toEqual({
        locked: true,
        until: new Date(until),
      });
    },
  );
});
