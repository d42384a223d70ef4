/**
 * The core's one error class. Expected "no" answers (an invalid IP rule, a validity above the
 * ceiling, a malformed header) are returned as values; this is thrown only when a caller misuses the
 * API — a wrong argument type, an invalid `Date`, a broken randomness source — which is a bug in the
 * caller, not a condition to handle per request.
 */

/** Stable codes of {@link TokenPolicyError}. Tests and callers match on these, never on messages. */
export type TokenPolicyErrorCode =
  /** An argument has the wrong type or shape (e.g. a string where a `Date` is expected). */
  | 'INVALID_ARGUMENT'
  /** A `Date` argument is invalid (`NaN`), or date arithmetic left JavaScript's date range. */
  | 'INVALID_DATE'
  /** The injected `randomBytes` returned something other than the requested number of bytes. */
  | 'INVALID_RANDOM_SOURCE';

/**
 * Thrown on misuse of the core. It is a `TypeError` because every misuse is a wrong argument.
 *
 * @example
 * ```ts
 * try {
 *   expiresAt(new Date('not a date'), '1y');
 * } catch (error) {
 *   if (error instanceof TokenPolicyError && error.code === 'INVALID_DATE') {
 *     // a bug in the caller: log it, answer 500
 *   }
 * }
 * ```
 */
export class TokenPolicyError extends TypeError {
  override readonly name = 'TokenPolicyError';
  readonly code: TokenPolicyErrorCode;

  constructor(code: TokenPolicyErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Throws `INVALID_DATE` unless `value` is a valid `Date`. */
export function assertValidDate(value: unknown, name: string): asserts value is Date {
  if (!(value instanceof Date)) {
    throw new TokenPolicyError('INVALID_ARGUMENT', `${name} must be a Date`);
  }
  if (Number.isNaN(value.getTime())) {
    throw new TokenPolicyError('INVALID_DATE', `${name} is an invalid Date`);
  }
}
