/** The storage layer's public surface for the rest of the gateway. */
export type {
  AuditRecord,
  AuditRepository,
  FailedLoginEntry,
  FailedLoginRepository,
  NewTokenRow,
  OutboxItem,
  OutboxRepository,
  SettingsRepository,
  Store,
  TokenRepository,
  TokenRow,
} from './store.js';
export { StoreError, type StoreErrorCode } from './store-error.js';
export type { StoreLogger } from './store-logger.js';
export { parseDatabaseUrl, safeParseDatabaseUrl, type DatabaseLocation } from './database-url.js';
export { openStore } from './open-store.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite/open-sqlite-store.js';
