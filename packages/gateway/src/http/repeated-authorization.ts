/**
 * `Authorization` is a singleton field (RFC 9110 §11.6.2): a request with two copies is ambiguous.
 * Node keeps the first in `req.headers` — the copy the policy judges — while the raw header list,
 * which the proxy forwards, keeps both; a product or proxy behind the gateway that read the other copy
 * would let a password through while password auth is disabled (issue 7 "Header tricks").
 */

/**
 * Whether `rawHeaders` (name, value, name, value, …) holds more than one `Authorization` field, in any
 * case.
 *
 * @example
 * ```ts
 * hasRepeatedAuthorization(['Authorization', 'Negotiate x', 'authorization', 'Basic YTpi']); // true
 * hasRepeatedAuthorization(req.rawHeaders); // false for a normal request
 * ```
 */
export function hasRepeatedAuthorization(rawHeaders: readonly string[]): boolean {
  let seen = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    // The length test first: almost every header is ruled out without a case-folding compare.
    if (name?.length === 13 && name.toLowerCase() === 'authorization') {
      if (seen) return true;
      seen = true;
    }
  }
  return false;
}
