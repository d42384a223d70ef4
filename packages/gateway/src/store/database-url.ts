import * as path from 'node:path';
import { StoreError } from './store-error.js';

/** Where the store lives, as parsed from `ATA_DATABASE`. One variant per supported engine. */
export type DatabaseLocation = { engine: 'sqlite'; path: string };

/** Engines this build supports, for error messages. */
const supported = 'supported: sqlite, e.g. sqlite:./.data/jira.db or sqlite:///var/lib/ata/jira.db';

/**
 * Parse a database URL (`ATA_DATABASE`). `sqlite:PATH` takes a relative or absolute path (relative to
 * `cwd`); `sqlite:///abs/path` is accepted too. The returned path is absolute.
 *
 * Throws a {@link StoreError} `STORE_URL_INVALID` for an unknown engine or an empty path. The message
 * names the scheme only, never the rest of the URL, since other engines' URLs may carry a password.
 *
 * @example
 * ```ts
 * parseDatabaseUrl('sqlite:./.data/jira.db', '/srv/ata');
 * // → { engine: 'sqlite', path: '/srv/ata/.data/jira.db' }
 * parseDatabaseUrl('postgres://u:p@db/ata'); // throws StoreError STORE_URL_INVALID
 * ```
 */
export function parseDatabaseUrl(url: string, cwd: string = process.cwd()): DatabaseLocation {
  const trimmed = url.trim();
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed)?.[1];
  if (scheme === undefined) {
    throw new StoreError(
      'STORE_URL_INVALID',
      `Database URL has no engine prefix (${supported}); got a value without "<engine>:"`,
    );
  }
  if (scheme.toLowerCase() !== 'sqlite') {
    throw new StoreError('STORE_URL_INVALID', `Unsupported database engine "${scheme}" (${supported})`);
  }
  let filePath = trimmed.slice(scheme.length + 1);
  if (filePath.startsWith('//')) {
    // URL form: sqlite:///abs/path (empty authority). A host part is not meaningful for a file.
    const rest = filePath.slice(2);
    if (rest !== '' && !rest.startsWith('/')) {
      throw new StoreError(
        'STORE_URL_INVALID',
        `SQLite database URL "sqlite://${rest}" names a host; use sqlite:./relative/path or sqlite:///absolute/path`,
      );
    }
    filePath = rest;
  }
  if (filePath === '') {
    throw new StoreError('STORE_URL_INVALID', `SQLite database URL has an empty path (${supported})`);
  }
  if (filePath.includes('\0')) {
    throw new StoreError('STORE_URL_INVALID', 'SQLite database path contains a NUL character');
  }
  return { engine: 'sqlite', path: path.resolve(cwd, filePath) };
}

/**
 * {@link parseDatabaseUrl} as a value: for configuration validation, where a bad URL is an expected
 * answer to report, not an exception.
 *
 * @example
 * ```ts
 * const parsed = safeParseDatabaseUrl(env.ATA_DATABASE ?? 'sqlite:./.data/jira.db');
 * if (!parsed.success) problems.push(`ATA_DATABASE: ${parsed.error.message}`);
 * ```
 */
export function safeParseDatabaseUrl(
  url: string,
  cwd?: string,
): { success: true; data: DatabaseLocation } | { success: false; error: StoreError } {
  try {
    return { success: true, data: parseDatabaseUrl(url, cwd) };
  } catch (error) {
    if (error instanceof StoreError) return { success: false, error };
    throw error;
  }
}
