/**
 * The storage layer's one error class. Engine errors (SQLite codes, file-system errors) are translated
 * into these codes at the engine's edge so that callers never depend on a particular engine.
 */

/** Stable codes of {@link StoreError}. Callers and tests match on these, never on messages. */
export type StoreErrorCode =
  /** `ATA_DATABASE` is not a URL this build understands (unknown engine, empty path). */
  | 'STORE_URL_INVALID'
  /** The database file or its directory cannot be created or written (permissions, read-only disk, full disk). */
  | 'STORE_UNWRITABLE'
  /** The database file is not a database, or fails its integrity check, or holds data that fails validation. */
  | 'STORE_CORRUPT'
  /** A schema migration failed (it was rolled back), or the database was written by a newer version. */
  | 'STORE_MIGRATION_FAILED'
  /** A unique key already exists (a duplicate token id or audit event id); nothing was written. */
  | 'STORE_CONFLICT'
  /** An argument cannot be stored (an invalid `Date`, a negative page size): a bug in the caller. */
  | 'STORE_INVALID_INPUT'
  /** The store was used after `close()`. */
  | 'STORE_CLOSED'
  /** Any other engine failure (e.g. the database stayed locked past the busy timeout). */
  | 'STORE_FAILED';

/**
 * Thrown by every store operation that cannot complete. Messages name the database path where one is
 * involved and never contain token secrets, hashes or passwords; the engine's own error is in `cause`.
 *
 * @example
 * ```ts
 * try {
 *   store = openStore(config.database);
 * } catch (error) {
 *   if (error instanceof StoreError) {
 *     console.error(error.message); // e.g. The database directory "/srv/ata" is not writable (EACCES) …
 *     process.exit(1);
 *   }
 *   throw error;
 * }
 * ```
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
