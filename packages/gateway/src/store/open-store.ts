import { parseDatabaseUrl } from './database-url.js';
import type { Store } from './store.js';
import type { StoreLogger } from './store-logger.js';
import { openSqliteStore } from './sqlite/open-sqlite-store.js';

/**
 * Open the store a database URL (`ATA_DATABASE`) names, dispatching on its engine. Relative SQLite
 * paths resolve against the working directory. Throws {@link StoreError}s: `STORE_URL_INVALID` for a
 * bad URL, then whatever the engine's open throws (`STORE_UNWRITABLE`, `STORE_CORRUPT`,
 * `STORE_MIGRATION_FAILED`).
 *
 * @example
 * ```ts
 * const store = openStore(process.env.ATA_DATABASE ?? 'sqlite:./.data/jira.db', { logger });
 * ```
 */
export function openStore(url: string, options: { logger?: StoreLogger } = {}): Store {
  const location = parseDatabaseUrl(url);
  switch (location.engine) {
    case 'sqlite':
      return openSqliteStore({ path: location.path, ...options });
  }
}
