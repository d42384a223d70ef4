import Database from 'better-sqlite3';
import { StoreError, type StoreErrorCode } from '../store-error.js';

/** SQLite result codes (primary part) and file-system errno codes, mapped to store codes. */
const sqliteCodes: ReadonlyArray<[prefix: string, code: StoreErrorCode]> = [
  ['SQLITE_CONSTRAINT', 'STORE_CONFLICT'],
  ['SQLITE_CORRUPT', 'STORE_CORRUPT'],
  ['SQLITE_NOTADB', 'STORE_CORRUPT'],
  ['SQLITE_READONLY', 'STORE_UNWRITABLE'],
  ['SQLITE_CANTOPEN', 'STORE_UNWRITABLE'],
  ['SQLITE_PERM', 'STORE_UNWRITABLE'],
  ['SQLITE_FULL', 'STORE_UNWRITABLE'],
  ['SQLITE_IOERR', 'STORE_UNWRITABLE'],
  ['SQLITE_AUTH', 'STORE_UNWRITABLE'],
];

const unwritableErrnos = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOTDIR',
  'EEXIST',
  'ENOSPC',
  'EISDIR',
  'ELOOP',
]);

/** Store code for an engine or file-system error; `undefined` when it is none of the known kinds. */
export function storeCodeOf(error: unknown): StoreErrorCode | undefined {
  if (error instanceof StoreError) return error.code;
  if (error instanceof Database.SqliteError) {
    const hit = sqliteCodes.find(([prefix]) => error.code === prefix || error.code.startsWith(`${prefix}_`));
    return hit?.[1];
  }
  const errno = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof errno === 'string' && unwritableErrnos.has(errno)) return 'STORE_UNWRITABLE';
  return undefined;
}

/** The short engine code of an error (`SQLITE_NOTADB`, `EACCES`), for messages. */
export function engineCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

/** Human explanation of each code, completed with the database path. */
function explain(code: StoreErrorCode, dbPath: string, engineCode: string): string {
  switch (code) {
    case 'STORE_CONFLICT':
      return `A record with the same key already exists in the database "${dbPath}" (${engineCode}); nothing was written`;
    case 'STORE_CORRUPT':
      return `The database file "${dbPath}" is corrupt or not an SQLite database (${engineCode}). Restore it from a backup or move it away; the gateway will not serve with a broken store`;
    case 'STORE_UNWRITABLE':
      return `The database "${dbPath}" cannot be written (${engineCode}). Check that the file and its directory exist, are writable by this process and the disk is not full`;
    case 'STORE_CLOSED':
      return `The database "${dbPath}" is closed`;
    default:
      return `The database "${dbPath}" failed (${engineCode})`;
  }
}

/**
 * Translate any error thrown by better-sqlite3 or the file system into a {@link StoreError} naming
 * `dbPath`. Errors that already are `StoreError`s pass through unchanged. `fallback` is used when the
 * error is of no known kind.
 */
export function toStoreError(
  error: unknown,
  dbPath: string,
  fallback: StoreErrorCode = 'STORE_FAILED',
): StoreError {
  if (error instanceof StoreError) return error;
  const code = storeCodeOf(error) ?? fallback;
  return new StoreError(code, explain(code, dbPath, engineCodeOf(error)), { cause: error });
}
