import type { Database } from 'better-sqlite3';
import { StoreError } from '../store-error.js';
import { toStoreError } from './sqlite-errors.js';

/** What every SQLite repository shares: the connection, its path for messages, the append signal. */
export interface SqliteContext {
  readonly db: Database;
  readonly path: string;
  /** Called after a transaction that appended audit records has committed. */
  auditAppended(): void;
}

/**
 * Run one synchronous database operation as a store operation: refused once closed, engine errors
 * translated to {@link StoreError}s naming the path, the result (or error) delivered as a promise so
 * that the interfaces fit a networked engine too.
 */
export function operate<T>(ctx: SqliteContext, operation: () => T): Promise<T> {
  try {
    if (!ctx.db.open) throw new StoreError('STORE_CLOSED', `The database "${ctx.path}" is closed`);
    return Promise.resolve(operation());
  } catch (error) {
    return Promise.reject(toStoreError(error, ctx.path));
  }
}
