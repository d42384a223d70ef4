import { normaliseUsername, type AuditEvent } from '@api-token-auth/token-policy';
import type { NewTokenRow, TokenRepository, TokenRow } from '../store.js';
import type { AuditWriter } from './audit-writer.js';
import type { SqliteContext } from './sqlite-context.js';
import { operate } from './sqlite-context.js';
import { fromMs, fromMsOrNull, toMs, toMsOrNull } from './sqlite-time.js';

interface TokenRecord {
  id: string;
  owner: string;
  name: string;
  secret_hash: string;
  created_at: number;
  expires_at: number | null;
  created_by: string;
  last_used_at: number | null;
  last_used_from: string | null;
}

const columns =
  'id, owner, name, secret_hash, created_at, expires_at, created_by, last_used_at, last_used_from';

/**
 * Owner names compare case-insensitively (DESIGN §2) with the core's normalisation (NFC, Unicode lower
 * case) — never SQLite's ASCII-only `lower()` — applied on this side so that writes and look-ups agree.
 */
function ownerKey(owner: string): string {
  return normaliseUsername(owner);
}

function toRow(record: TokenRecord): TokenRow {
  return {
    id: record.id,
    owner: record.owner,
    name: record.name,
    secretHash: record.secret_hash,
    createdAt: fromMs(record.created_at),
    expiresAt: fromMsOrNull(record.expires_at),
    createdBy: record.created_by,
    lastUsedAt: fromMsOrNull(record.last_used_at),
    lastUsedFrom: record.last_used_from,
  };
}

/** The SQLite {@link TokenRepository}. Newest first = `created_at` descending, then insertion order. */
export function createTokenRepository(ctx: SqliteContext, audit: AuditWriter): TokenRepository {
  const { db } = ctx;
  const insert = db.prepare<[string, string, string, string, string, number, number | null, string]>(
    `INSERT INTO tokens (id, owner, owner_lc, name, secret_hash, created_at, expires_at, created_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const selectById = db.prepare<[string], TokenRecord>(`SELECT ${columns} FROM tokens WHERE id = ?`);
  const selectByOwner = db.prepare<[string], TokenRecord>(
    `SELECT ${columns} FROM tokens WHERE owner_lc = ? ORDER BY created_at DESC, rowid DESC`,
  );
  const selectAll = db.prepare<[], TokenRecord>(
    `SELECT ${columns} FROM tokens ORDER BY created_at DESC, rowid DESC`,
  );
  const deleteById = db.prepare<[string]>('DELETE FROM tokens WHERE id = ?');
  const deleteByOwner = db.prepare<[string]>('DELETE FROM tokens WHERE owner_lc = ?');
  // A late batch must not move the last use back in time.
  const updateLastUse = db.prepare<[number, string, string, number]>(
    `UPDATE tokens SET last_used_at = ?, last_used_from = ?
     WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`,
  );
  const countAll = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM tokens');

  const createTx = db.transaction((row: NewTokenRow, event: AuditEvent) => {
    insert.run(
      row.id,
      row.owner,
      ownerKey(row.owner),
      row.name,
      row.secretHash,
      toMs(row.createdAt, 'createdAt'),
      toMsOrNull(row.expiresAt, 'expiresAt'),
      row.createdBy,
    );
    audit.append(event);
  });

  const deleteTx = db.transaction((id: string, event: (row: TokenRow) => AuditEvent): TokenRow | null => {
    const record = selectById.get(id);
    if (record === undefined) return null;
    const row = toRow(record);
    deleteById.run(id);
    audit.append(event(row));
    return row;
  });

  const deleteAllTx = db.transaction((owner: string, event: (rows: TokenRow[]) => AuditEvent): TokenRow[] => {
    const rows = selectByOwner.all(ownerKey(owner)).map(toRow);
    // Nothing deleted, nothing to audit — like `delete` of an unknown id.
    if (rows.length === 0) return rows;
    deleteByOwner.run(ownerKey(owner));
    audit.append(event(rows));
    return rows;
  });

  const lastUseTx = db.transaction((uses: ReadonlyArray<{ id: string; at: Date; from: string }>) => {
    for (const use of uses) {
      const at = toMs(use.at, 'at');
      updateLastUse.run(at, use.from, use.id, at);
    }
  });

  return {
    create: (row, event) =>
      operate(ctx, () => {
        createTx.immediate(row, event);
        ctx.auditAppended();
      }),
    findById: (id) =>
      operate(ctx, () => {
        const record = selectById.get(id);
        return record === undefined ? null : toRow(record);
      }),
    listByOwner: (owner) => operate(ctx, () => selectByOwner.all(ownerKey(owner)).map(toRow)),
    listAll: () => operate(ctx, () => selectAll.all().map(toRow)),
    delete: (id, event) =>
      operate(ctx, () => {
        const row = deleteTx.immediate(id, event);
        if (row !== null) ctx.auditAppended();
        return row;
      }),
    deleteAllForOwner: (owner, event) =>
      operate(ctx, () => {
        const rows = deleteAllTx.immediate(owner, event);
        if (rows.length > 0) ctx.auditAppended();
        return rows;
      }),
    recordLastUse: (uses) =>
      operate(ctx, () => {
        if (uses.length > 0) lastUseTx.immediate(uses);
      }),
    count: () => operate(ctx, () => countAll.get()?.n ?? 0),
  };
}
