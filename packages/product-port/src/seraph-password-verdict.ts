/**
 * How Atlassian's Seraph login chain (Jira and Confluence Data Center alike) reports the outcome of a
 * password it checked. DESIGN §4: "401, `X-Seraph-LoginReason: AUTHENTICATED_FAILED` (may also arrive
 * on a 200 served as anonymous); CAPTCHA: `AUTHENTICATION_DENIED` + `X-Authentication-Denied-Reason`".
 */
import type { PasswordVerdict } from './product.js';

/** Response headers as Node's `http` module or a plain object gives them; names in any case. */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

function headerValues(headers: ResponseHeaders, wanted: string): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.toLowerCase() !== wanted) continue;
    values.push(...(Array.isArray(value) ? value : [value]));
  }
  return values;
}

/**
 * Classifies the product's answer to a forwarded `Basic user:password` request.
 *
 * - `X-Seraph-LoginReason` containing `AUTHENTICATED_FAILED` → `failed`, whatever the status: Seraph
 *   serves an anonymous 200 for a wrong password on resources that allow anonymous access.
 * - `AUTHENTICATION_DENIED` (CAPTCHA or another refusal before the password was checked) → `unknown`:
 *   the password was not judged, so it is neither a failure to count nor a success that resets the
 *   count; the product is already refusing that user by itself.
 * - HTTP 401 → `failed`.
 * - `OK`, or any 2xx without a failure marker → `succeeded`.
 * - Anything else (403 without a reason, 404, 5xx, a redirect) → `unknown`.
 *
 * @example
 * ```ts
 * judgeSeraphPasswordResponse(200, { 'x-seraph-loginreason': 'AUTHENTICATED_FAILED' }); // 'failed'
 * judgeSeraphPasswordResponse(200, { 'x-seraph-loginreason': 'OK' }); // 'succeeded'
 * judgeSeraphPasswordResponse(403, { 'x-seraph-loginreason': 'AUTHENTICATION_DENIED' }); // 'unknown'
 * ```
 */
export function judgeSeraphPasswordResponse(status: number, headers: ResponseHeaders): PasswordVerdict {
  // A reason header may list several reasons (comma-separated, or repeated headers).
  const reasons = headerValues(headers, 'x-seraph-loginreason')
    .flatMap((value) => value.split(','))
    .map((reason) => reason.trim().toUpperCase());
  if (reasons.some((reason) => reason.includes('AUTHENTICATED_FAILED'))) return 'failed';
  if (reasons.some((reason) => reason.includes('AUTHENTICATION_DENIED'))) return 'unknown';
  if (status === 401) return 'failed';
  if (reasons.includes('OK')) return 'succeeded';
  if (status >= 200 && status < 300) return 'succeeded';
  return 'unknown';
}
