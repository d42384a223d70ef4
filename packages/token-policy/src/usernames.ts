/**
 * Username comparison. Jira and Confluence treat usernames case-insensitively; the comparison here
 * is Unicode-aware (NFC, so `é` typed as one or two code points is the same) and independent of the
 * server's locale (`toLowerCase`, never `toLocaleLowerCase`: a Turkish locale must not change `I`).
 */

/**
 * The form of a username used for comparisons and failed-login keys.
 *
 * @example
 * ```ts
 * normaliseUsername('Alice'); // 'alice'
 * ```
 */
export function normaliseUsername(username: string): string {
  return username.normalize('NFC').toLowerCase();
}

/**
 * True when two usernames name the same user.
 *
 * @example
 * ```ts
 * sameUsername('ALICE', 'alice'); // true
 * ```
 */
export function sameUsername(a: string, b: string): boolean {
  return normaliseUsername(a) === normaliseUsername(b);
}
