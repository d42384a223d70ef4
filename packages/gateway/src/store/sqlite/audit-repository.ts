import type { AuditRecord, AuditRepository } from '../store.js';
import { StoreError } from '../store-error.js';
import { parseStoredEvent } from './audit-event-json.js';
import type { AuditWriter } from './audit-writer.js';
import type { SqliteContext } from './sqlite-context.js';
import { operate } from './sqlite-context.js';

function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StoreError('STORE_INVALID_INPUT', `${what} must be a non-negative integer`);
  }
}

/** The SQLite {@link AuditRepository}: the gateway's own audit log, the record of truth. */
export function createAuditRepository(ctx: SqliteContext, writer: AuditWriter): AuditRepository {
  const { db } = ctx;
  const selectPage = db.prepare<[number, number], { seq: number; json: string }>(
    'SELECT seq, json FROM audit ORDER BY seq DESC LIMIT ? OFFSET ?',
  );
  const countAll = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM audit');
  const appendTx = db.transaction(writer.append);
  const pageTx = db.transaction((limit: number, offset: number) => ({
    total: countAll.get()?.n ?? 0,
    records: selectPage
      .all(limit, offset)
      .map((row): AuditRecord => ({ seq: row.seq, event: parseStoredEvent(row.json, row.seq, ctx.path) })),
  }));

  return {
    append: (event) =>
      operate(ctx, () => {
        appendTx.immediate(event);
        ctx.auditAppended();
      }),
    list: ({ limit, offset }) =>
      operate(ctx, () => {
        assertCount(limit, 'limit');
        assertCount(offset, 'offset');
        return pageTx.deferred(limit, offset);
      }),
  };
}
