/**
 * Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, so a proxy consumes them and
 * never forwards them, in either direction — together with every header the `Connection` header names.
 */

/** Lower-case names of the headers that are never forwarded. `Proxy-Connection` is the pre-standard alias of `Connection`. */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Adds the lower-case header names listed in `Connection` values to `into`.
 *
 * @example
 * ```ts
 * const names = new Set<string>();
 * addConnectionTokens('keep-alive, X-Secret', names); // names: {'keep-alive', 'x-secret'}
 * ```
 */
export function addConnectionTokens(value: string, into: Set<string>): void {
  // Nearly every Connection header is one of these two: no splitting, no case folding.
  if (value === 'keep-alive' || value === 'close') {
    into.add(value);
    return;
  }
  for (const token of value.split(',')) {
    const name = token.trim().toLowerCase();
    if (name !== '') into.add(name);
  }
}
