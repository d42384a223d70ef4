/**
 * JSON views of stored data for the management API. Hashes never leave storage: views list their
 * fields explicitly instead of spreading rows.
 */
import { effectiveExpiry, type AuditEvent, type Validity } from '@api-token-auth/token-policy';
import type { LastUse } from '../auth/last-use-recorder.js';
import type { FailedLoginEntry, TokenRow } from '../store/store.js';

/** A token as its owner sees it (`GET /tokens`). */
export interface TokenView {
  id: string;
  name: string;
  createdAt: string;
  /** The expiry that applies now: the earlier of the stored one and creation + the current ceiling. */
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedFrom: string | null;
  createdBy: string;
}

/** A token as an admin sees it (`GET /admin/tokens`). */
export interface AdminTokenView extends TokenView {
  owner: string;
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

/**
 * @example
 * ```ts
 * tokenView(row, '1y', lastUse.pending(row.id)); // { id, name, createdAt, expiresAt, lastUsedAt, lastUsedFrom, createdBy }
 * ```
 */
export function tokenView(row: TokenRow, ceiling: Validity, pending?: LastUse): TokenView {
  const newer = pending !== undefined && (row.lastUsedAt === null || pending.at > row.lastUsedAt);
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    expiresAt: iso(effectiveExpiry(row, ceiling)),
    lastUsedAt: newer ? pending.at.toISOString() : iso(row.lastUsedAt),
    lastUsedFrom: newer ? pending.from : row.lastUsedFrom,
    createdBy: row.createdBy,
  };
}

/** {@link tokenView} plus the owner. */
export function adminTokenView(row: TokenRow, ceiling: Validity, pending?: LastUse): AdminTokenView {
  return { ...tokenView(row, ceiling, pending), owner: row.owner };
}

/** A failed-login counter as listed to admins. */
export interface FailedLoginView {
  key: string;
  kind: 'user' | 'ip';
  /** The username or address part of the key. */
  name: string;
  failures: number;
  windowStartedAt: string | null;
  lastFailureAt: string | null;
  lockedUntil: string | null;
  /** Locked right now. */
  locked: boolean;
}

/** @example `failedLoginView(entry, new Date())` */
export function failedLoginView(entry: FailedLoginEntry, now: Date): FailedLoginView {
  const separator = entry.key.indexOf(':');
  return {
    key: entry.key,
    kind: entry.key.startsWith('user:') ? 'user' : 'ip',
    name: entry.key.slice(separator + 1),
    failures: entry.failures,
    windowStartedAt: iso(entry.windowStartedAt),
    lastFailureAt: iso(entry.lastFailureAt),
    lockedUntil: iso(entry.lockedUntil),
    locked: entry.lockedUntil !== null && entry.lockedUntil > now,
  };
}

/** One audit record as listed (`GET /admin/audit`): the event plus its sequence number. */
export type AuditRecordView = AuditEvent & { seq: number };
