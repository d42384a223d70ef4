/**
 * Storage ports. SQLite (better-sqlite3, WAL) implements them in `sqlite/`; another engine (e.g.
 * PostgreSQL) can implement the same interfaces. Methods are async so that a networked engine fits.
 *
 * Every state change that DESIGN §3 audits takes its audit event as an argument and writes the change,
 * the audit record and the outbox entry in ONE transaction: either all three exist or none does.
 */
import type {
  AuditEvent,
  FailedLoginPolicy,
  FailedLoginState,
  LockoutStatus,
  Settings,
} from '@api-token-auth/token-policy';

/** A stored token. `secretHash` is a bcrypt hash; the plaintext never reaches storage. */
export interface TokenRow {
  id: string;
  /** Owner's username as given at creation. Look-ups by owner are case-insensitive. */
  owner: string;
  name: string;
  secretHash: string;
  createdAt: Date;
  expiresAt: Date | null;
  /** Username of whoever created it (the owner, or an admin on the owner's behalf). */
  createdBy: string;
  lastUsedAt: Date | null;
  lastUsedFrom: string | null;
}

export type NewTokenRow = Omit<TokenRow, 'lastUsedAt' | 'lastUsedFrom'>;

export interface TokenRepository {
  /** Insert the token and its `token.created` audit event atomically. */
  create(row: NewTokenRow, event: AuditEvent): Promise<void>;
  findById(id: string): Promise<TokenRow | null>;
  /** Tokens of one owner (case-insensitive), newest first. */
  listByOwner(owner: string): Promise<TokenRow[]>;
  /** All tokens, newest first. */
  listAll(): Promise<TokenRow[]>;
  /**
   * Delete one token and write its audit event atomically; returns the deleted row, `null` (and no
   * audit) if unknown.
   */
  delete(id: string, event: (row: TokenRow) => AuditEvent): Promise<TokenRow | null>;
  /** Delete every token of `owner` and write one `token.deleted_all` event (built from the rows). */
  deleteAllForOwner(owner: string, event: (rows: TokenRow[]) => AuditEvent): Promise<TokenRow[]>;
  /** Batched, throttled last-use writes (called by the gateway every few seconds). */
  recordLastUse(uses: ReadonlyArray<{ id: string; at: Date; from: string }>): Promise<void>;
  count(): Promise<number>;
}

export interface SettingsRepository {
  /** Current settings (defaults when never saved). */
  get(): Promise<Settings>;
  /** Replace the settings and write one `settings.changed` event per changed field, atomically. */
  update(next: Settings, events: AuditEvent[]): Promise<void>;
}

/** A failed-login counter as listed to admins. */
export interface FailedLoginEntry extends FailedLoginState {
  /** `user:<lowercased name>` or `ip:<address>`. */
  key: string;
}

export interface FailedLoginRepository {
  /**
   * Count one failure for `key` atomically (the core's `recordFailure` applied inside one write
   * transaction: no read-then-write race between concurrent requests or processes).
   */
  recordFailure(key: string, now: Date, policy: FailedLoginPolicy): Promise<FailedLoginState>;
  /** A success resets the key's counter. */
  recordSuccess(key: string): Promise<void>;
  /** Combined lockout status of several keys (the latest `until` wins). */
  status(keys: readonly string[], now: Date, policy: FailedLoginPolicy): Promise<LockoutStatus>;
  /** Keys with counted failures or a lock, for the admin page. */
  list(): Promise<FailedLoginEntry[]>;
  /** Reset one key and write its `failed_logins.reset` audit event atomically; `false` if unknown. */
  reset(key: string, event: AuditEvent): Promise<boolean>;
  /**
   * Delete the counters the core's `isForgettable` allows at `now` (last failure at least
   * `FAILED_LOGIN_RETENTION_MS` ago, no stored lock past `now`); returns how many went.
   */
  prune(now: Date): Promise<number>;
}

/** An audit record as stored: the event plus its sequence number. */
export interface AuditRecord {
  seq: number;
  event: AuditEvent;
}

export interface AuditRepository {
  /** Append a stand-alone event (with its outbox entry). State changes use their repository's method. */
  append(event: AuditEvent): Promise<void>;
  /** Newest first. */
  list(page: { limit: number; offset: number }): Promise<{ total: number; records: AuditRecord[] }>;
}

/** An audit event waiting to be forwarded to the product's audit log. */
export interface OutboxItem {
  seq: number;
  event: AuditEvent;
  attempts: number;
  nextAttemptAt: Date;
}

export interface OutboxRepository {
  /**
   * Due items in sequence order (oldest first). Only the due *prefix* of the outbox: items behind the
   * oldest not-yet-due item are held back, so a record waiting for its retry is never overtaken by a
   * later one (per-subject order).
   */
  due(now: Date, limit: number): Promise<OutboxItem[]>;
  /** Delivered or permanently unsupported: remove from the outbox. */
  complete(seq: number): Promise<void>;
  /** Failed transiently: schedule the next attempt. */
  retryLater(seq: number, nextAttemptAt: Date, error: string): Promise<void>;
  /** Items still waiting. */
  backlog(): Promise<number>;
}

/** One storage engine instance. */
export interface Store {
  readonly tokens: TokenRepository;
  readonly settings: SettingsRepository;
  readonly failedLogins: FailedLoginRepository;
  readonly audit: AuditRepository;
  readonly outbox: OutboxRepository;
  /**
   * Subscribe to "audit records were appended" (called after the transaction commits), so that an
   * outbox worker wakes up at once instead of at its next poll. Returns the unsubscribe function.
   * Optional: an engine without it is simply polled.
   */
  onAuditAppended?(listener: () => void): () => void;
  /** Cheap liveness check for `/health`. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
