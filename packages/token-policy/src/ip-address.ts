/**
 * Strict IP address parsing and formatting (DESIGN §3 "IP allow-list"). IPv4 is four-part decimal
 * only: no leading zeros, hex, octal or short forms (`0xc0.168.1.1`, `010.0.0.1` and `10.1` are
 * refused, because other software reads them as different addresses). IPv6 is RFC 4291 text without
 * zone ids or brackets.
 */

/** A parsed address: IPv4 as an unsigned 32-bit number, IPv6 as a 128-bit bigint. */
export type IpAddress = { family: 4; value: number } | { family: 6; value: bigint };

/** Longer than any valid address text (45 chars for the longest IPv6 with an IPv4 tail). */
const MAX_ADDRESS_LENGTH = 64;
const IPV6_GROUP_PATTERN = /^[0-9a-fA-F]{1,4}$/;
const MAPPED_PREFIX = 0xffffn;

/**
 * Parses strict dotted-quad IPv4 to an unsigned 32-bit number, or `null`: exactly four decimal parts
 * of one to three ASCII digits, each at most 255, without leading zeros. A character loop rather than
 * a regular expression, because every request's client address goes through here (issue 6).
 */
export function parseIpv4(text: string): number | null {
  let value = 0;
  let parts = 0;
  let i = 0;
  const length = text.length;
  while (parts < 4) {
    const start = i;
    let octet = 0;
    while (i < length && i - start < 4) {
      const code = text.charCodeAt(i);
      if (code < 0x30 || code > 0x39) break;
      octet = octet * 10 + (code - 0x30);
      i++;
    }
    const digits = i - start;
    if (digits === 0 || digits > 3 || octet > 255) return null;
    if (digits > 1 && text.charCodeAt(start) === 0x30) return null;
    value = value * 256 + octet;
    parts++;
    if (parts < 4) {
      if (text.charCodeAt(i) !== 0x2e /* . */) return null;
      i++;
    }
  }
  return i === length ? value : null;
}

function parseGroups(text: string, allowIpv4Tail: boolean): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (allowIpv4Tail && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === null) return null;
      groups.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
    } else {
      if (!IPV6_GROUP_PATTERN.test(part)) return null;
      groups.push(Number.parseInt(part, 16));
    }
  }
  return groups;
}

/** Parses RFC 4291 IPv6 text (no zone id, no brackets) to a 128-bit bigint, or `null`. */
export function parseIpv6(text: string): bigint | null {
  if (!text.includes(':')) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  let groups: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0] as string, false);
    const tail = parseGroups(halves[1] as string, true);
    if (head === null || tail === null) return null;
    // "::" stands for at least one group of zeros.
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    const all = parseGroups(text, true);
    if (all === null || all.length !== 8) return null;
    groups = all;
  }
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return value;
}

/**
 * Parses an address exactly as written: IPv4 stays IPv4, every IPv6 text (IPv4-mapped included)
 * stays IPv6. `null` for anything else, including zone ids, brackets, ports and surrounding spaces.
 */
export function parseIpAddress(text: string): IpAddress | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_ADDRESS_LENGTH) return null;
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === null ? null : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === null ? null : { family: 4, value };
}

/** True for an IPv6 value inside `::ffff:0:0/96`. */
export function isIpv4Mapped(value: bigint): boolean {
  return value >> 32n === MAPPED_PREFIX;
}

/**
 * Parses a client address the way the allow-list sees it: an IPv4-mapped IPv6 address
 * (`::ffff:10.0.0.1`, how dual-stack sockets report IPv4 peers) becomes the IPv4 address.
 */
export function parseClientAddress(text: string): IpAddress | null {
  const address = parseIpAddress(text);
  if (address !== null && address.family === 6 && isIpv4Mapped(address.value)) {
    return { family: 4, value: Number(address.value & 0xffffffffn) };
  }
  return address;
}

/** Dotted-quad text of an unsigned 32-bit number. */
export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** RFC 5952 text of a 128-bit value: lower case, the longest run (≥ 2) of zero groups as `::`. */
export function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestLength < 2) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}

/** Text of a parsed address. */
export function formatIpAddress(address: IpAddress): string {
  return address.family === 4 ? formatIpv4(address.value) : formatIpv6(address.value);
}

/**
 * The plain, canonical form of a client address, for display and for failed-login keys: an
 * IPv4-mapped IPv6 address is shown as IPv4, IPv6 is compressed lower case (RFC 5952). `null` when
 * the text is not a strictly valid address (zone ids included).
 *
 * @example
 * ```ts
 * canonicalIp('::ffff:10.0.0.1'); // '10.0.0.1'
 * canonicalIp('2001:DB8:0:0:0:0:0:1'); // '2001:db8::1'
 * canonicalIp('fe80::1%eth0'); // null
 * ```
 */
export function canonicalIp(text: string): string | null {
  const address = parseClientAddress(text);
  return address === null ? null : formatIpAddress(address);
}
