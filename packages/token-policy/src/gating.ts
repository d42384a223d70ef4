/**
 * Who may do what (DESIGN §3 "Admin-only gating"). Refusals are values with stable codes.
 */
import type { Actor, OwnerFacts, Settings } from './types.js';
import { sameUsername } from './usernames.js';

/** Stable codes of a refused gate. */
export type GateCode =
  /** "Only admins may create and use tokens" is on and the user is not a system administrator. */
  | 'ADMIN_ONLY'
  /** The action needs a system administrator. */
  | 'NOT_ADMIN'
  /** The token's owner is deactivated or no longer exists. */
  | 'OWNER_INACTIVE';

/** A gate's answer. */
export type GateResult<C extends GateCode = GateCode> = { allowed: true } | { allowed: false; code: C };

const ALLOWED = Object.freeze({ allowed: true }) as { allowed: true };

/**
 * May `actor` create a token for `subjectUsername`? For oneself: yes, unless "only admins" is on and
 * the actor is no admin. For another user (on their behalf): admins only.
 *
 * @example
 * ```ts
 * mayCreateToken({ actor: { username: 'alice', isAdmin: false }, subjectUsername: 'alice', settings });
 * // { allowed: true } — or { allowed: false, code: 'ADMIN_ONLY' } while settings.adminOnly is on
 * mayCreateToken({ actor: { username: 'alice', isAdmin: false }, subjectUsername: 'bob', settings });
 * // { allowed: false, code: 'NOT_ADMIN' }
 * ```
 */
export function mayCreateToken(input: {
  actor: Actor;
  subjectUsername: string;
  settings: Pick<Settings, 'adminOnly'>;
}): GateResult<'ADMIN_ONLY' | 'NOT_ADMIN'> {
  const { actor, subjectUsername, settings } = input;
  if (actor.isAdmin) return ALLOWED;
  if (!sameUsername(actor.username, subjectUsername)) return { allowed: false, code: 'NOT_ADMIN' };
  if (settings.adminOnly) return { allowed: false, code: 'ADMIN_ONLY' };
  return ALLOWED;
}

/**
 * May `actor` delete a token owned by `tokenOwner`? The owner or an admin. Deleting stays possible
 * while "only admins" is on: a user can always get rid of their own credentials.
 *
 * @example
 * ```ts
 * mayDeleteToken({ actor: { username: 'alice', isAdmin: false }, tokenOwner: 'Alice' }); // { allowed: true }
 * ```
 */
export function mayDeleteToken(input: { actor: Actor; tokenOwner: string }): GateResult<'NOT_ADMIN'> {
  const { actor, tokenOwner } = input;
  if (actor.isAdmin || sameUsername(actor.username, tokenOwner)) return ALLOWED;
  return { allowed: false, code: 'NOT_ADMIN' };
}

/**
 * May a token of this owner be used now? The owner must exist and be active; while "only admins" is
 * on, the owner must be a system administrator (tokens created earlier stop working).
 *
 * @example
 * ```ts
 * mayUseToken({ owner: { active: true, isAdmin: false }, settings: { adminOnly: true } });
 * // { allowed: false, code: 'ADMIN_ONLY' }
 * ```
 */
export function mayUseToken(input: {
  owner: OwnerFacts | null;
  settings: Pick<Settings, 'adminOnly'>;
}): GateResult<'OWNER_INACTIVE' | 'ADMIN_ONLY'> {
  const { owner, settings } = input;
  if (owner === null || !owner.active) return { allowed: false, code: 'OWNER_INACTIVE' };
  if (settings.adminOnly && !owner.isAdmin) return { allowed: false, code: 'ADMIN_ONLY' };
  return ALLOWED;
}

/**
 * May `actor` use the admin API and page (settings, all tokens, failed logins, audit log)?
 *
 * @example
 * ```ts
 * mayAdminister({ username: 'admin', isAdmin: true }); // { allowed: true }
 * ```
 */
export function mayAdminister(actor: Actor): GateResult<'NOT_ADMIN'> {
  return actor.isAdmin ? ALLOWED : { allowed: false, code: 'NOT_ADMIN' };
}
