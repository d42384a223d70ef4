import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../store.js';
import { StoreError } from '../store-error.js';
import type { StoreLogger } from '../store-logger.js';
import { createAuditRepository } from './audit-repository.js';
import { createAuditWriter } from './audit-writer.js';
import { createFailedLoginRepository } from './failed-login-repository.js';
import { migrate, schemaVersion } from './migrations.js';
import { createOutboxRepository } from './outbox-repository.js';
import { createSettingsRepository } from './settings-repository.js';
import type { SqliteContext } from './sqlite-context.js';
import { engineCodeOf, toStoreError } from './sqlite-errors.js';
import { createTokenRepository } from './token-repository.js';

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file; its directory is created when missing. */
  path: string;
  /** Receives one `info` line when the store is open (path, schema version, migrations applied). */
  logger?: StoreLogger;
}

/** How long a writer waits for another connection's lock before failing with `STORE_FAILED`. */
const busyTimeoutMs = 5000;

function ensureWritableDirectory(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = engineCodeOf(error);
    const reason =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'a file is in the way: it or one of its parents is not a directory'
        : code;
    throw new StoreError(
      'STORE_UNWRITABLE',
      `Cannot create the database directory "${dir}" (${reason}); create it or choose another ATA_DATABASE location`,
      { cause: error },
    );
  }
  try {
    // WAL needs to create `-wal` and `-shm` files beside the database, so the directory must be writable.
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    throw new StoreError(
      'STORE_UNWRITABLE',
      `The database directory "${dir}" is not writable by this process (${engineCodeOf(error)})`,
      { cause: error },
    );
  }
}

function ensureWritableFile(file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return; // created on open
  }
  if (!stat.isFile()) {
    throw new StoreError('STORE_UNWRITABLE', `The database path "${file}" exists but is not a regular file`);
  }
  try {
    fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
  } catch (error) {
    throw new StoreError(
      'STORE_UNWRITABLE',
      `The database file "${file}" is not readable and writable by this process (${engineCodeOf(error)})`,
      { cause: error },
    );
  }
}

function configure(db: Database.Database, file: string): void {
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') {
    throw new StoreError(
      'STORE_UNWRITABLE',
      `The database "${file}" could not be switched to WAL journal mode (it reports "${String(mode)}")`,
    );
  }
  // FULL, not NORMAL: NORMAL in WAL survives a process crash (kill -9) but may lose the last commits on
  // power loss or an OS crash — and a lost commit could be a token revocation coming back to life or
  // an audit record that was never written. Writes are rare (token changes, settings, failed logins,
  // batched last-use), so one fsync per commit costs little.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
}

function checkIntegrity(db: Database.Database, file: string): void {
  const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
  const problems = rows.map((row) => row.quick_check).filter((message) => message !== 'ok');
  if (problems.length > 0) {
    throw new StoreError(
      'STORE_CORRUPT',
      `The database file "${file}" failed its integrity check (${problems.slice(0, 3).join('; ')}). Restore it from a backup or move it away; the gateway will not serve with a broken store`,
    );
  }
}

/**
 * Open (creating when missing) the SQLite store at `path`: WAL journal, `synchronous=FULL`, foreign
 * keys on, a 5 s busy timeout; `PRAGMA quick_check` and the pending migrations run before it returns.
 * Every statement is prepared once, here.
 *
 * Synchronous by design: the gateway opens its store before it listens, and must not listen at all
 * with a broken one. Throws a {@link StoreError} naming the path: `STORE_UNWRITABLE` (directory or
 * file not writable, disk full), `STORE_CORRUPT` (not a database, integrity check failed) or
 * `STORE_MIGRATION_FAILED`.
 *
 * @example
 * ```ts
 * const store = openSqliteStore({ path: '/var/lib/ata/jira.db', logger });
 * const tokens = await store.tokens.listByOwner('alice');
 * await store.close();
 * ```
 */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  const file = path.resolve(options.path);
  ensureWritableDirectory(path.dirname(file));
  ensureWritableFile(file);

  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (error) {
    throw toStoreError(error, file, 'STORE_UNWRITABLE');
  }

  let applied: string[];
  try {
    configure(db, file);
    checkIntegrity(db, file);
    applied = migrate(db);
  } catch (error) {
    db.close();
    throw toStoreError(error, file);
  }

  const listeners = new Set<() => void>();
  const ctx: SqliteContext = {
    db,
    path: file,
    auditAppended() {
      for (const listener of listeners) {
        try {
          listener();
        } catch (error) {
          options.logger?.warn({ err: error }, 'audit append listener failed');
        }
      }
    },
  };

  let store: Store;
  try {
    const writer = createAuditWriter(db);
    const selectOne = db.prepare('SELECT 1');
    store = {
      tokens: createTokenRepository(ctx, writer),
      settings: createSettingsRepository(ctx, writer),
      failedLogins: createFailedLoginRepository(ctx, writer),
      audit: createAuditRepository(ctx, writer),
      outbox: createOutboxRepository(ctx),
      onAuditAppended(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      ping() {
        if (!db.open) return Promise.resolve(false);
        try {
          selectOne.get();
          return Promise.resolve(true);
        } catch {
          return Promise.resolve(false);
        }
      },
      close() {
        listeners.clear();
        if (db.open) {
          try {
            db.pragma('optimize');
          } finally {
            db.close();
          }
        }
        return Promise.resolve();
      },
    };
  } catch (error) {
    db.close();
    throw toStoreError(error, file);
  }

  options.logger?.info(
    { path: file, schemaVersion: schemaVersion(db), migrationsApplied: applied },
    'database opened',
  );
  return store;
}
