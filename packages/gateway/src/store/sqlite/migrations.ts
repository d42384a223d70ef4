import type { Database } from 'better-sqlite3';
import { StoreError } from '../store-error.js';
import { storeCodeOf, toStoreError } from './sqlite-errors.js';

/**
 * One schema step. Version `n` is the `n`-th entry of {@link migrations}; `PRAGMA user_version` holds
 * the number of steps applied. Steps are append-only: never edit one that has shipped, add a new one.
 */
export interface Migration {
  /** What the step does, for logs and error messages. */
  name: string;
  /** Applied inside a transaction together with the `user_version` bump. */
  up(db: Database): void;
}

/**
 * Times are INTEGER epoch milliseconds (UTC) everywhere: compared and ordered numerically, immune to
 * string-format drift. Tables are STRICT so that a wrong type is an error, not a silent conversion.
 */
export const migrations: readonly Migration[] = [
  {
    name: 'tokens, settings, failed-login counters, audit log and outbox',
    up(db) {
      db.exec(`
        CREATE TABLE tokens (
          id             TEXT PRIMARY KEY,
          owner          TEXT NOT NULL,
          owner_lc       TEXT NOT NULL,
          name           TEXT NOT NULL,
          secret_hash    TEXT NOT NULL,
          created_at     INTEGER NOT NULL,
          expires_at     INTEGER,
          created_by     TEXT NOT NULL,
          last_used_at   INTEGER,
          last_used_from TEXT
        ) STRICT;
        CREATE INDEX tokens_owner_lc ON tokens (owner_lc);

        CREATE TABLE settings (
          id   INTEGER PRIMARY KEY CHECK (id = 1),
          json TEXT NOT NULL
        ) STRICT;

        CREATE TABLE failed_logins (
          key               TEXT PRIMARY KEY,
          failures          INTEGER NOT NULL CHECK (failures >= 0),
          window_started_at INTEGER,
          last_failure_at   INTEGER,
          locked_until      INTEGER
        ) STRICT;

        CREATE TABLE audit (
          seq      INTEGER PRIMARY KEY AUTOINCREMENT,
          event_id TEXT NOT NULL UNIQUE,
          type     TEXT NOT NULL,
          at       INTEGER NOT NULL,
          actor    TEXT NOT NULL,
          subject  TEXT,
          json     TEXT NOT NULL
        ) STRICT;

        CREATE TABLE outbox (
          seq             INTEGER PRIMARY KEY REFERENCES audit (seq),
          attempts        INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL,
          last_error      TEXT
        ) STRICT;
      `);
    },
  },
  {
    name: 'indexes for newest-first listings, per-subject audit queries and due outbox items',
    up(db) {
      db.exec(`
        CREATE INDEX tokens_owner_lc_created_at ON tokens (owner_lc, created_at);
        DROP INDEX tokens_owner_lc;
        CREATE INDEX tokens_created_at ON tokens (created_at);
        CREATE INDEX audit_subject ON audit (subject, seq);
        CREATE INDEX outbox_next_attempt_at ON outbox (next_attempt_at);
      `);
    },
  },
];

/** The schema version of `db` (`PRAGMA user_version`). */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Bring `db` to the latest version of `steps`. Each pending step runs in its own IMMEDIATE
 * transaction together with its `user_version` bump, so a failed step leaves the database at the
 * previous version and a concurrent opener waits instead of applying the same step twice.
 * Returns the names of the steps applied.
 *
 * Throws `STORE_MIGRATION_FAILED` when a step fails or the database is newer than this build.
 *
 * @example
 * ```ts
 * const applied = migrate(db); // [] when already up to date
 * ```
 */
export function migrate(db: Database, steps: readonly Migration[] = migrations): string[] {
  const applied: string[] = [];
  for (;;) {
    const step = db
      .transaction((): Migration | 'done' => {
        const version = schemaVersion(db);
        if (version > steps.length) {
          throw new StoreError(
            'STORE_MIGRATION_FAILED',
            `The database "${db.name}" has schema version ${version}, newer than this build knows (${steps.length}); run a newer gateway`,
          );
        }
        const next = steps[version];
        if (next === undefined) return 'done';
        try {
          next.up(db);
        } catch (error) {
          const code = storeCodeOf(error);
          if (code === 'STORE_UNWRITABLE' || code === 'STORE_CORRUPT') throw toStoreError(error, db.name);
          throw new StoreError(
            'STORE_MIGRATION_FAILED',
            `Migration ${version + 1} (${next.name}) of the database "${db.name}" failed and was rolled back: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        db.pragma(`user_version = ${version + 1}`);
        return next;
      })
      .immediate();
    if (step === 'done') return applied;
    applied.push(step.name);
  }
}
