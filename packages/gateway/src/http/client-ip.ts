/**
 * Who the client is (DESIGN §2 `ATA_TRUSTED_PROXIES`): the socket peer, or — when that peer is a
 * trusted proxy — the first untrusted address walking `X-Forwarded-For` from the right. Addresses are
 * returned in the core's canonical form (IPv4-mapped → IPv4, IPv6 compressed lower case), the form the
 * allow-list, failed-login keys and "last used from" all use.
 */
import { canonicalIp, parseIpAllowList, type IpRuleError } from '@api-token-auth/token-policy';

/**
 * A compiled set of trusted proxy addresses and networks. Deliberately not the core's `IpAllowList`:
 * an empty allow-list allows everyone, an empty trusted-proxy set trusts nobody.
 */
export interface TrustedProxies {
  /** The entries, normalised (canonical addresses, networks and ranges). Empty = nobody is trusted. */
  readonly entries: readonly string[];
  /** Whether `ip` (canonical or not) belongs to a trusted proxy. Always `false` when none is configured. */
  trusts(ip: string): boolean;
}

/** Result of {@link compileTrustedProxies}: invalid entries are reported with index and reason. */
export type CompileTrustedProxiesResult =
  { ok: true; trusted: TrustedProxies } | { ok: false; errors: IpRuleError[] };

const NOBODY: TrustedProxies = { entries: [], trusts: () => false };

/**
 * Compiles `ATA_TRUSTED_PROXIES` entries once, with the allow-list's strict rule syntax (address,
 * CIDR block or `a-b` range). Unlike an allow-list, an empty list trusts nobody.
 *
 * @example
 * ```ts
 * const compiled = compileTrustedProxies(['10.0.0.0/8', '::1']);
 * if (!compiled.ok) exitWith(compiled.errors.map((e) => `ATA_TRUSTED_PROXIES[${e.index}]: ${e.message}`));
 * ```
 */
export function compileTrustedProxies(entries: readonly string[]): CompileTrustedProxiesResult {
  if (entries.length === 0) return { ok: true, trusted: NOBODY };
  const parsed = parseIpAllowList(entries);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const { list } = parsed;
  return { ok: true, trusted: { entries: list.entries, trusts: (ip) => list.allows(ip) } };
}

/** Space and horizontal tab: the optional whitespace around list elements (RFC 9110 §5.6.1). */
function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === 0x20 || text.charCodeAt(start) === 0x09)) start++;
  while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  return text.slice(start, end);
}

/**
 * The client address of a request, or `null` when it cannot be known — the caller treats `null` as
 * "not allowed" wherever an allow-list applies, and as "unknown" in logs.
 *
 * - No trusted proxies (`null` or no entries), or the socket peer is not one: the socket address; `X-Forwarded-For` is ignored
 *   (anyone can send it).
 * - Otherwise walk `X-Forwarded-For` (repeated headers are one list, in order) from the right past
 *   trusted hops; the first untrusted hop is the client. If every hop is trusted, the leftmost is.
 *   An absent or blank header means the trusted peer spoke for itself: its own address.
 * - A malformed hop (empty element, port, brackets, zone id, `unknown`, obfuscated id) breaks the
 *   chain: fail closed with `null` rather than guess which neighbour to believe.
 *
 * @example
 * ```ts
 * resolveClientIp('10.0.0.2', '203.0.113.9, 10.0.0.3', trusted); // '203.0.113.9' (10/8 trusted)
 * resolveClientIp('198.51.100.4', '203.0.113.9', trusted); // '198.51.100.4' (peer not trusted)
 * resolveClientIp('10.0.0.2', '203.0.113.9:443', trusted); // null
 * ```
 */
export function resolveClientIp(
  socketAddress: string | undefined,
  xForwardedFor: string | string[] | undefined,
  trusted: TrustedProxies | null,
): string | null {
  if (typeof socketAddress !== 'string') return null;
  const peer = canonicalIp(socketAddress);
  if (peer === null) return null;
  if (
    trusted === null ||
    trusted.entries.length === 0 ||
    !trusted.trusts(peer) ||
    xForwardedFor === undefined
  )
    return peer;
  const chain = Array.isArray(xForwardedFor) ? xForwardedFor.join(',') : xForwardedFor;
  if (trimOws(chain) === '') return peer;

  let client = peer;
  let end = chain.length;
  while (end >= 0) {
    const comma = chain.lastIndexOf(',', end - 1);
    const hop = canonicalIp(trimOws(chain.slice(comma + 1, end)));
    if (hop === null) return null;
    if (!trusted.trusts(hop)) return hop;
    client = hop;
    if (comma < 0) break;
    end = comma;
  }
  return client;
}
