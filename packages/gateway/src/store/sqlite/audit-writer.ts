import type { AuditEvent } from '@api-token-auth/token-policy';
import type { Database } from 'better-sqlite3';
import { StoreError } from '../store-error.js';

/** Appends audit records; used inside the transaction of the change they record. */
export interface AuditWriter {
  /** Insert the event into `audit` and queue it in `outbox`; returns its sequence number. */
  append(event: AuditEvent): number;
}

/** Epoch milliseconds of an event's ISO time; a bad time is the caller's bug. */
function eventTimeMs(event: AuditEvent): number {
  const ms = Date.parse(event.at);
  if (Number.isNaN(ms)) {
    throw new StoreError('STORE_INVALID_INPUT', `Audit event ${event.id} has an invalid time`);
  }
  return ms;
}

/**
 * Prepare the two inserts once. The outbox entry is due at once (`next_attempt_at = 0`): the worker
 * picks it up on its next pass, oldest first.
 */
export function createAuditWriter(db: Database): AuditWriter {
  const insertAudit = db.prepare<[string, string, number, string, string | null, string]>(
    'INSERT INTO audit (event_id, type, at, actor, subject, json) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertOutbox = db.prepare<[number | bigint]>(
    'INSERT INTO outbox (seq, attempts, next_attempt_at) VALUES (?, 0, 0)',
  );
  return {
    append(event) {
      if (typeof event.id !== 'string' || event.id === '' || typeof event.actor?.username !== 'string') {
        throw new StoreError('STORE_INVALID_INPUT', 'An audit event needs an id and an actor');
      }
      const { lastInsertRowid } = insertAudit.run(
        event.id,
        event.type,
        eventTimeMs(event),
        event.actor.username,
        event.subject,
        JSON.stringify(event),
      );
      insertOutbox.run(lastInsertRowid);
      return Number(lastInsertRowid);
    },
  };
}
