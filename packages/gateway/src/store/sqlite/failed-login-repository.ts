import {
  FAILED_LOGIN_RETENTION_MS,
  emptyFailedLoginState,
  lockoutStatus,
  recordFailure,
  recordSuccess,
  type AuditEvent,
  type FailedLoginPolicy,
  type FailedLoginState,
  type LockoutStatus,
} from '@api-token-auth/token-policy';
import type { FailedLoginEntry, FailedLoginRepository } from '../store.js';
import type { AuditWriter } from './audit-writer.js';
import type { SqliteContext } from './sqlite-context.js';
import { operate } from './sqlite-context.js';
import { fromMsOrNull, toMs, toMsOrNull } from './sqlite-time.js';

interface CounterRecord {
  key: string;
  failures: number;
  window_started_at: number | null;
  last_failure_at: number | null;
  locked_until: number | null;
}

function toState(record: CounterRecord | undefined): FailedLoginState {
  if (record === undefined) return emptyFailedLoginState();
  return {
    failures: record.failures,
    windowStartedAt: fromMsOrNull(record.window_started_at),
    lastFailureAt: fromMsOrNull(record.last_failure_at),
    lockedUntil: fromMsOrNull(record.locked_until),
  };
}

function isEmpty(state: FailedLoginState): boolean {
  return state.failures === 0 && state.lockedUntil === null;
}

/**
 * The SQLite {@link FailedLoginRepository}. Every update is an IMMEDIATE transaction that reads the row,
 * applies the core's pure transition and writes the result: the write lock is taken before the read, so
 * concurrent requests — in this process or in another process on the same file — serialise and no
 * failure is lost. A key whose state returns to "nothing counted, not locked" has its row deleted.
 *
 * `list()` shows every row with counted failures or a lock as stored. It has no clock, so a lock that
 * has expired, or failures outside the window, are still listed with their times until the key's next
 * failure, success or reset; the admin page can tell them apart with the core's `lockoutStatus`.
 */
export function createFailedLoginRepository(ctx: SqliteContext, audit: AuditWriter): FailedLoginRepository {
  const { db } = ctx;
  const select = db.prepare<[string], CounterRecord>(
    'SELECT key, failures, window_started_at, last_failure_at, locked_until FROM failed_logins WHERE key = ?',
  );
  const upsert = db.prepare<[string, number, number | null, number | null, number | null]>(
    `INSERT INTO failed_logins (key, failures, window_started_at, last_failure_at, locked_until)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET
       failures = excluded.failures,
       window_started_at = excluded.window_started_at,
       last_failure_at = excluded.last_failure_at,
       locked_until = excluded.locked_until`,
  );
  const remove = db.prepare<[string]>('DELETE FROM failed_logins WHERE key = ?');
  // `isForgettable` in SQL: rows without a recorded failure are kept, as the core keeps them.
  const deleteForgettable = db.prepare<[number, number]>(
    `DELETE FROM failed_logins
     WHERE last_failure_at IS NOT NULL AND last_failure_at <= ?
       AND (locked_until IS NULL OR locked_until <= ?)`,
  );
  const selectListed = db.prepare<[], CounterRecord>(
    `SELECT key, failures, window_started_at, last_failure_at, locked_until FROM failed_logins
     WHERE failures > 0 OR locked_until IS NOT NULL
     ORDER BY last_failure_at DESC, key`,
  );

  function write(key: string, state: FailedLoginState): void {
    if (isEmpty(state)) {
      remove.run(key);
      return;
    }
    upsert.run(
      key,
      state.failures,
      toMsOrNull(state.windowStartedAt, 'windowStartedAt'),
      toMsOrNull(state.lastFailureAt, 'lastFailureAt'),
      toMsOrNull(state.lockedUntil, 'lockedUntil'),
    );
  }

  const failureTx = db.transaction((key: string, now: Date, policy: FailedLoginPolicy): FailedLoginState => {
    const next = recordFailure(toState(select.get(key)), now, policy);
    write(key, next);
    return next;
  });

  const successTx = db.transaction((key: string) => {
    const record = select.get(key);
    if (record === undefined) return;
    write(key, recordSuccess(toState(record)));
  });

  // A deferred read transaction: one consistent snapshot of all the keys.
  const statusTx = db.transaction(
    (keys: readonly string[], now: Date, policy: FailedLoginPolicy): LockoutStatus => {
      let until: Date | null = null;
      for (const key of keys) {
        const status = lockoutStatus(toState(select.get(key)), now, policy);
        if (status.locked && (until === null || status.until > until)) until = status.until;
      }
      return until === null ? { locked: false } : { locked: true, until };
    },
  );

  const resetTx = db.transaction((key: string, event: AuditEvent): boolean => {
    if (remove.run(key).changes === 0) return false;
    audit.append(event);
    return true;
  });

  return {
    recordFailure: (key, now, policy) =>
      operate(ctx, () => {
        toMs(now, 'now');
        return failureTx.immediate(key, now, policy);
      }),
    recordSuccess: (key) =>
      operate(ctx, () => {
        // Most successes have nothing to reset: skip the write lock for them.
        if (select.get(key) !== undefined) successTx.immediate(key);
      }),
    status: (keys, now, policy) =>
      operate(ctx, () => {
        toMs(now, 'now');
        return statusTx.deferred(keys, now, policy);
      }),
    list: () =>
      operate(ctx, () =>
        selectListed.all().map((record): FailedLoginEntry => ({ key: record.key, ...toState(record) })),
      ),
    prune: (now) =>
      operate(ctx, () => {
        const nowMs = toMs(now, 'now');
        return deleteForgettable.run(nowMs - FAILED_LOGIN_RETENTION_MS, nowMs).changes;
      }),
    reset: (key, event) =>
      operate(ctx, () => {
        const done = resetTx.immediate(key, event);
        if (done) ctx.auditAppended();
        return done;
      }),
  };
}
