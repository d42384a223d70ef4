/**
 * Audit events (DESIGN §3): typed, JSON-serialisable records with stable `type` codes. The caller
 * supplies the event id and time (the core has no clock or randomness). Constructors copy only the
 * fields listed here, so a token row passed in by mistake cannot leak its hash into the log.
 */
import { assertValidDate, TokenPolicyError } from './errors.js';
import type { SettingsChange } from './settings.js';
import { sameUsername } from './usernames.js';

/** Stable event type codes. */
export type AuditEventType =
  'token.created' | 'token.deleted' | 'token.deleted_all' | 'settings.changed' | 'failed_logins.reset';

/** Who acted: the username, and the product's user key where known. */
export interface AuditActor {
  username: string;
  key?: string;
}

/** Fields every event has. */
export interface AuditEventBase<T extends AuditEventType> {
  /** Unique event id supplied by the caller; delivering the event twice keeps the id. */
  id: string;
  type: T;
  /** ISO 8601 UTC. */
  at: string;
  actor: AuditActor;
  /** The user the action concerned; `null` for system-wide actions (settings, an IP's counter). */
  subject: string | null;
  /** True when the actor acted for another user (usernames compared case-insensitively). */
  onBehalf: boolean;
  /** The actor's client address (canonical form), `null` when unknown. */
  clientAddress: string | null;
}

/** The token an event is about: never its secret or hash. */
export interface AuditToken {
  id: string;
  name: string;
  /** ISO 8601 UTC; `null` = never expires. */
  expiresAt: string | null;
}

export interface TokenCreatedEvent extends AuditEventBase<'token.created'> {
  token: AuditToken;
}
export interface TokenDeletedEvent extends AuditEventBase<'token.deleted'> {
  token: AuditToken;
}
export interface AllTokensDeletedEvent extends AuditEventBase<'token.deleted_all'> {
  count: number;
  tokenIds: string[];
}
export interface SettingsChangedEvent extends AuditEventBase<'settings.changed'> {
  change: SettingsChange;
}
export interface FailedLoginsResetEvent extends AuditEventBase<'failed_logins.reset'> {
  /** The counter key that was reset (`user:alice`, `ip:10.0.0.7`). */
  key: string;
}

/** Any audit event. Switch on `type`. */
export type AuditEvent =
  | TokenCreatedEvent
  | TokenDeletedEvent
  | AllTokensDeletedEvent
  | SettingsChangedEvent
  | FailedLoginsResetEvent;

/** What every constructor takes. */
export interface AuditEventInput {
  id: string;
  at: Date;
  actor: AuditActor;
  subject: string | null;
  clientAddress: string | null;
}

/** The token fields an event records. Extra fields of a passed row are ignored. */
export interface AuditTokenInput {
  id: string;
  name: string;
  expiresAt: Date | null;
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new TokenPolicyError('INVALID_ARGUMENT', `${name} must be a string`);
  return value;
}

function base<T extends AuditEventType>(type: T, input: AuditEventInput): AuditEventBase<T> {
  assertValidDate(input.at, 'at');
  const username = requireString(input.actor?.username, 'actor.username');
  const actor: AuditActor =
    input.actor.key === undefined
      ? { username }
      : { username, key: requireString(input.actor.key, 'actor.key') };
  const subject = input.subject === null ? null : requireString(input.subject, 'subject');
  const clientAddress =
    input.clientAddress === null ? null : requireString(input.clientAddress, 'clientAddress');
  return {
    id: requireString(input.id, 'id'),
    type,
    at: input.at.toISOString(),
    actor,
    subject,
    onBehalf: subject !== null && !sameUsername(username, subject),
    clientAddress,
  };
}

function auditToken(token: AuditTokenInput): AuditToken {
  if (token.expiresAt !== null) assertValidDate(token.expiresAt, 'token.expiresAt');
  return {
    id: requireString(token.id, 'token.id'),
    name: requireString(token.name, 'token.name'),
    expiresAt: token.expiresAt === null ? null : token.expiresAt.toISOString(),
  };
}

/**
 * `token.created`: a token was created for `subject` (by `actor`, on their behalf if they differ).
 *
 * @example
 * ```ts
 * tokenCreated({
 *   id: randomUUID(), at: now, actor: { username: 'admin' }, subject: 'alice', clientAddress: '10.0.0.7',
 *   token: { id: row.id, name: row.name, expiresAt: row.expiresAt },
 * }); // { type: 'token.created', onBehalf: true, token: { id, name, expiresAt: '2025-…Z' }, … }
 * ```
 */
export function tokenCreated(input: AuditEventInput & { token: AuditTokenInput }): TokenCreatedEvent {
  return { ...base('token.created', input), token: auditToken(input.token) };
}

/**
 * `token.deleted`: one token was deleted.
 *
 * @example
 * ```ts
 * tokenDeleted({ id, at: now, actor: { username: 'alice' }, subject: 'alice', clientAddress: null, token: row });
 * ```
 */
export function tokenDeleted(input: AuditEventInput & { token: AuditTokenInput }): TokenDeletedEvent {
  return { ...base('token.deleted', input), token: auditToken(input.token) };
}

/**
 * `token.deleted_all`: an admin deleted every token of `subject`.
 *
 * @example
 * ```ts
 * allTokensDeleted({ id, at: now, actor: { username: 'admin' }, subject: 'alice', clientAddress: null,
 *   tokenIds: rows.map((row) => row.id) }); // { count: rows.length, tokenIds: […], … }
 * ```
 */
export function allTokensDeleted(
  input: AuditEventInput & { tokenIds: readonly string[] },
): AllTokensDeletedEvent {
  if (!Array.isArray(input.tokenIds))
    throw new TokenPolicyError('INVALID_ARGUMENT', 'tokenIds must be an array');
  const tokenIds = input.tokenIds.map((id, i) => requireString(id, `tokenIds[${i}]`));
  return { ...base('token.deleted_all', input), count: tokenIds.length, tokenIds };
}

/**
 * `settings.changed`: one event per changed field, as {@link diffSettings} lists them. `subject`
 * defaults to `null` (settings are system-wide).
 *
 * @example
 * ```ts
 * const events = diffSettings(before, after).map((change) =>
 *   settingsChanged({ id: randomUUID(), at: now, actor, clientAddress, change }),
 * );
 * ```
 */
export function settingsChanged(
  input: Omit<AuditEventInput, 'subject'> & { subject?: string | null; change: SettingsChange },
): SettingsChangedEvent {
  const { field, before, after } = input.change;
  const copy = (value: SettingsChange['before']) => (Array.isArray(value) ? [...value] : value);
  return {
    ...base('settings.changed', { ...input, subject: input.subject ?? null }),
    change: { field, before: copy(before), after: copy(after) },
  };
}

/**
 * `failed_logins.reset`: an admin reset one failed-login counter. `subject` defaults to the username
 * of a `user:` key and to `null` for an `ip:` key.
 *
 * @example
 * ```ts
 * failedLoginsReset({ id, at: now, actor: { username: 'admin' }, clientAddress: null, key: 'user:alice' });
 * // { type: 'failed_logins.reset', subject: 'alice', onBehalf: true, key: 'user:alice', … }
 * ```
 */
export function failedLoginsReset(
  input: Omit<AuditEventInput, 'subject'> & { subject?: string | null; key: string },
): FailedLoginsResetEvent {
  const key = requireString(input.key, 'key');
  const subject = input.subject !== undefined ? input.subject : key.startsWith('user:') ? key.slice(5) : null;
  return { ...base('failed_logins.reset', { ...input, subject }), key };
}
