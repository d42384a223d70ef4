/**
 * Token validity and the system-wide validity ceiling (DESIGN §3 "Validity ceiling").
 */
import { TokenPolicyError, assertValidDate } from './errors.js';
import type { Validity } from './types.js';

/**
 * Every validity option, shortest first.
 *
 * @example
 * ```ts
 * VALIDITIES.includes('1y'); // true
 * ```
 */
export const VALIDITIES: readonly Validity[] = Object.freeze(['6m', '1y', '2y', 'never']);

/** Calendar months per finite option. */
const MONTHS: Readonly<Record<Exclude<Validity, 'never'>, number>> = { '6m': 6, '1y': 12, '2y': 24 };

/** True when `value` is one of {@link VALIDITIES}. */
export function isValidity(value: unknown): value is Validity {
  return typeof value === 'string' && (VALIDITIES as readonly string[]).includes(value);
}

function assertValidity(value: unknown, name: string): asserts value is Validity {
  if (!isValidity(value)) {
    throw new TokenPolicyError('INVALID_ARGUMENT', `${name} must be one of ${VALIDITIES.join(', ')}`);
  }
}

/**
 * The validities a user may choose under `ceiling`, shortest first (the seed admin guide: "System Wide
 * Setting is 1 year - users can select 1 year or 6 month, nothing else").
 *
 * @example
 * ```ts
 * validityChoices('1y'); // ['6m', '1y']
 * validityChoices('never'); // ['6m', '1y', '2y', 'never']
 * ```
 */
export function validityChoices(ceiling: Validity): Validity[] {
  assertValidity(ceiling, 'ceiling');
  return VALIDITIES.slice(0, VALIDITIES.indexOf(ceiling) + 1);
}

/**
 * Adds whole calendar months in UTC; a day that does not exist in the target month clamps to its last
 * day (31 Aug + 6 months = 28/29 Feb). The time of day is kept.
 */
function addUtcMonths(date: Date, months: number): Date {
  const year = date.getUTCFullYear();
  const monthIndex = date.getUTCMonth() + months;
  const targetYear = year + Math.floor(monthIndex / 12);
  const targetMonth = ((monthIndex % 12) + 12) % 12;
  const result = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  result.setUTCFullYear(targetYear, targetMonth + 1, 0);
  const lastDay = result.getUTCDate();
  result.setUTCFullYear(targetYear, targetMonth, Math.min(date.getUTCDate(), lastDay));
  result.setUTCHours(
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
  if (Number.isNaN(result.getTime())) {
    throw new TokenPolicyError('INVALID_DATE', 'the expiry is beyond the range of Date');
  }
  return result;
}

/**
 * The stored expiry of a token created at `createdAt` with `validity`: 6, 12 or 24 calendar months
 * later in UTC, month ends clamped; `null` for `never`. The server's time zone plays no part.
 *
 * @example
 * ```ts
 * expiresAt(new Date('2023-08-31T10:00:00Z'), '6m'); // 2024-02-29T10:00:00.000Z
 * expiresAt(new Date('2023-08-31T10:00:00Z'), 'never'); // null
 * ```
 */
export function expiresAt(createdAt: Date, validity: Validity): Date | null {
  assertValidDate(createdAt, 'createdAt');
  assertValidity(validity, 'validity');
  if (validity === 'never') return null;
  return addUtcMonths(createdAt, MONTHS[validity]);
}

/** Result of {@link resolveValidity}. */
export type ResolveValidityResult =
  | { ok: true; validity: Validity }
  | {
      ok: false;
      /** `VALIDITY_ABOVE_CEILING`: a known option the ceiling forbids; `UNKNOWN_VALIDITY`: not an option. */
      code: 'VALIDITY_ABOVE_CEILING' | 'UNKNOWN_VALIDITY';
      /** The choices the caller may use instead, shortest first. */
      allowed: Validity[];
    };

/**
 * Resolves the validity requested for a new token against the ceiling. Omitted = the longest allowed.
 *
 * @example
 * ```ts
 * resolveValidity(undefined, '1y'); // { ok: true, validity: '1y' }
 * resolveValidity('2y', '1y'); // { ok: false, code: 'VALIDITY_ABOVE_CEILING', allowed: ['6m', '1y'] }
 * ```
 */
export function resolveValidity(requested: string | undefined, ceiling: Validity): ResolveValidityResult {
  const allowed = validityChoices(ceiling);
  if (requested === undefined) return { ok: true, validity: ceiling };
  if (!isValidity(requested)) return { ok: false, code: 'UNKNOWN_VALIDITY', allowed };
  if (!allowed.includes(requested)) return { ok: false, code: 'VALIDITY_ABOVE_CEILING', allowed };
  return { ok: true, validity: requested };
}

/**
 * The expiry that applies at use time: the earlier of the stored expiry and creation + the *current*
 * ceiling, so lowering the ceiling also caps existing tokens. `null` = never expires.
 *
 * @example
 * ```ts
 * const token = { createdAt: new Date('2024-01-15T00:00:00Z'), expiresAt: null };
 * effectiveExpiry(token, 'never'); // null
 * effectiveExpiry(token, '6m'); // 2024-07-15T00:00:00.000Z
 * ```
 */
export function effectiveExpiry(
  token: { createdAt: Date; expiresAt: Date | null },
  ceiling: Validity,
): Date | null {
  const capped = expiresAt(token.createdAt, ceiling);
  const stored = token.expiresAt;
  if (stored !== null) assertValidDate(stored, 'expiresAt');
  if (stored === null) return capped;
  if (capped === null) return stored;
  return stored.getTime() <= capped.getTime() ? stored : capped;
}

/**
 * True when the token's effective expiry has been reached: `now >= expiry` is expired.
 *
 * @example
 * ```ts
 * const token = { createdAt: new Date('2024-01-15T00:00:00Z'), expiresAt: new Date('2024-07-15T00:00:00Z') };
 * isExpired(token, 'never', new Date('2024-07-14T23:59:59.999Z')); // false
 * isExpired(token, 'never', new Date('2024-07-15T00:00:00Z')); // true
 * ```
 */
export function isExpired(
  token: { createdAt: Date; expiresAt: Date | null },
  ceiling: Validity,
  now: Date,
): boolean {
  assertValidDate(now, 'now');
  const expiry = effectiveExpiry(token, ceiling);
  return expiry !== null && now.getTime() >= expiry.getTime();
}
