import type { OutboxItem, OutboxRepository } from '../store.js';
import { StoreError } from '../store-error.js';
import { parseStoredEvent } from './audit-event-json.js';
import type { SqliteContext } from './sqlite-context.js';
import { operate } from './sqlite-context.js';
import { fromMs, toMs } from './sqlite-time.js';

/** `last_error` is for operators; a bounded length keeps a chatty upstream from bloating the file. */
const maxErrorLength = 500;

/**
 * The SQLite {@link OutboxRepository}.
 *
 * `due` returns the due *prefix* of the outbox in sequence order: it stops before the oldest item that
 * is not yet due. Items behind a record waiting for its retry are held back, so no record ever
 * overtakes an earlier one (per-subject order, issue 7) — a product outage holds back every record
 * anyway, so holding back all subjects costs nothing in practice.
 */
export function createOutboxRepository(ctx: SqliteContext): OutboxRepository {
  const { db } = ctx;
  const selectDue = db.prepare<
    { now: number; limit: number },
    { seq: number; attempts: number; next_attempt_at: number; json: string }
  >(
    `SELECT o.seq, o.attempts, o.next_attempt_at, a.json
     FROM outbox o JOIN audit a ON a.seq = o.seq
     WHERE o.seq < COALESCE((SELECT MIN(seq) FROM outbox WHERE next_attempt_at > @now), 9223372036854775807)
     ORDER BY o.seq
     LIMIT @limit`,
  );
  const remove = db.prepare<[number]>('DELETE FROM outbox WHERE seq = ?');
  const reschedule = db.prepare<[number, string, number]>(
    'UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE seq = ?',
  );
  const countAll = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox');

  return {
    due: (now, limit) =>
      operate(ctx, () => {
        if (!Number.isSafeInteger(limit) || limit < 1) {
          throw new StoreError('STORE_INVALID_INPUT', 'limit must be a positive integer');
        }
        return selectDue.all({ now: toMs(now, 'now'), limit }).map((row): OutboxItem => ({
          seq: row.seq,
          event: parseStoredEvent(row.json, row.seq, ctx.path),
          attempts: row.attempts,
          nextAttemptAt: fromMs(row.next_attempt_at),
        }));
      }),
    complete: (seq) =>
      operate(ctx, () => {
        remove.run(seq);
      }),
    retryLater: (seq, nextAttemptAt, error) =>
      operate(ctx, () => {
        reschedule.run(toMs(nextAttemptAt, 'nextAttemptAt'), error.slice(0, maxErrorLength), seq);
      }),
    backlog: () => operate(ctx, () => countAll.get()?.n ?? 0),
  };
}
