/**
 * The IP allow-list (DESIGN §3): parsed strictly once per settings change, compiled into sorted,
 * merged ranges per family, looked up by binary search — a request never scans every rule.
 */
import { TokenPolicyError } from './errors.js';
import {
  formatIpAddress,
  isIpv4Mapped,
  parseClientAddress,
  parseIpAddress,
  type IpAddress,
} from './ip-address.js';

/** One rule as an inclusive range of one family, with its normalised text. */
export type IpRule =
  | { family: 4; start: number; end: number; entry: string }
  | { family: 6; start: bigint; end: bigint; entry: string };

/** Why one allow-list entry was refused. */
export interface IpRuleError {
  /** Position of the entry in the input array. */
  index: number;
  /** The entry as given (non-strings are shown via `String`). */
  entry: string;
  code: 'INVALID_IP_RULE';
  /** A reason the administrator can act on. */
  message: string;
}

/** A compiled allow-list. */
export interface IpAllowList {
  /** The entries, normalised for display (canonical addresses, networks and ranges), in input order. */
  readonly entries: readonly string[];
  /**
   * Whether a request from `ip` is allowed. An empty list allows every valid address. An address that
   * is not strictly valid (zone id, brackets, port, leading zeros, …) is refused: fail closed. An
   * IPv4-mapped IPv6 client (`::ffff:10.0.0.1`) is matched against the IPv4 rules only.
   */
  allows(ip: string): boolean;
}

/** Result of {@link parseIpAllowList}. */
export type ParseIpAllowListResult = { ok: true; list: IpAllowList } | { ok: false; errors: IpRuleError[] };

/** Result of {@link parseIpRule}. */
export type ParseIpRuleResult = { ok: true; rule: IpRule } | { ok: false; message: string };

const MAX_RULE_LENGTH = 100;
/** Client addresses whose answer a compiled list remembers. */
const MAX_REMEMBERED_ANSWERS = 4096;
const USAGE = 'enter an address (10.0.0.1), a CIDR block (10.0.0.0/8) or a range (10.0.0.1-10.0.0.9)';

function quote(text: string): string {
  return JSON.stringify(text);
}

/** A specific reason why `text` is not a strict IP address. */
function describeInvalidAddress(text: string): string {
  const subject = `${quote(text)} is not a valid IP address`;
  if (text.includes('%')) return `${subject}: zone ids (such as %eth0) are not allowed`;
  if (text.startsWith('[') || text.endsWith(']')) return `${subject}: remove the brackets`;
  if (/\s/.test(text)) return `${subject}: it contains spaces`;
  if (!text.includes(':')) {
    if (/0x/i.test(text)) return `${subject}: hexadecimal notation is not allowed; use four decimal numbers`;
    const parts = text.split('.');
    if (parts.length !== 4) return `${subject}: IPv4 needs exactly four decimal numbers (a.b.c.d)`;
    if (parts.some((part) => /^0\d/.test(part))) {
      return `${subject}: leading zeros are not allowed (some software reads them as octal)`;
    }
    if (parts.some((part) => /^\d+$/.test(part) && Number(part) > 255)) {
      return `${subject}: each IPv4 number must be between 0 and 255`;
    }
    return `${subject}: IPv4 needs four decimal numbers between 0 and 255`;
  }
  return `${subject}: use standard IPv6 notation (e.g. 2001:db8::1)`;
}

function parseRuleAddress(text: string): { ok: true; address: IpAddress } | { ok: false; message: string } {
  const address = parseIpAddress(text);
  if (address === null) return { ok: false, message: describeInvalidAddress(text) };
  if (address.family === 6 && isIpv4Mapped(address.value)) {
    const v4 = formatIpAddress({ family: 4, value: Number(address.value & 0xffffffffn) });
    return {
      ok: false,
      message: `${quote(text)} is an IPv4-mapped IPv6 address: write it as IPv4 (${v4}); IPv4 clients are matched against IPv4 rules`,
    };
  }
  return { ok: true, address };
}

function parseCidr(text: string, slash: number): ParseIpRuleResult {
  const addressText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const parsed = parseRuleAddress(addressText);
  if (!parsed.ok) return parsed;
  const { address } = parsed;
  const bits = address.family === 4 ? 32 : 128;
  if (!/^(0|[1-9]\d{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
    return {
      ok: false,
      message: `${quote(text)} has an invalid prefix length /${prefixText}: IPv${address.family} allows /0 to /${bits}`,
    };
  }
  const prefix = Number(prefixText);
  if (address.family === 4) {
    const hostBits = 32 - prefix;
    const size = 2 ** hostBits;
    const start = Math.floor(address.value / size) * size;
    if (start !== address.value) return hostBitsError(text, { family: 4, value: start }, prefix);
    return {
      ok: true,
      rule: { family: 4, start, end: start + size - 1, entry: `${formatIpAddress(address)}/${prefix}` },
    };
  }
  const hostMask = (1n << BigInt(128 - prefix)) - 1n;
  const start = address.value & ~hostMask;
  if (start !== address.value) return hostBitsError(text, { family: 6, value: start }, prefix);
  return {
    ok: true,
    rule: { family: 6, start, end: start | hostMask, entry: `${formatIpAddress(address)}/${prefix}` },
  };
}

/**
 * Host bits set (`1.2.3.4/24`) are refused, not silently normalised: the administrator may have
 * meant the single address or a different block, and a security setting should say what it does.
 */
function hostBitsError(text: string, network: IpAddress, prefix: number): ParseIpRuleResult {
  const written = text.slice(0, text.indexOf('/'));
  return {
    ok: false,
    message: `${quote(text)} has host bits set: the network of that block is ${formatIpAddress(network)}/${prefix}; write that, or ${written} alone for the single address`,
  };
}

function parseRange(text: string, dash: number): ParseIpRuleResult {
  const firstText = text.slice(0, dash).trim();
  const lastText = text.slice(dash + 1).trim();
  const first = parseRuleAddress(firstText);
  if (!first.ok) return first;
  const last = parseRuleAddress(lastText);
  if (!last.ok) return last;
  const a = first.address;
  const b = last.address;
  if (a.family !== b.family) {
    return {
      ok: false,
      message: `${quote(text)} mixes IPv4 and IPv6: both ends of a range must be of the same family`,
    };
  }
  if (a.value > b.value) {
    return {
      ok: false,
      message: `${quote(text)} starts after it ends: write the lower address first (${formatIpAddress(b)}-${formatIpAddress(a)})`,
    };
  }
  const entry = `${formatIpAddress(a)}-${formatIpAddress(b)}`;
  return a.family === 4 && b.family === 4
    ? { ok: true, rule: { family: 4, start: a.value, end: b.value, entry } }
    : { ok: true, rule: { family: 6, start: a.value as bigint, end: b.value as bigint, entry } };
}

/**
 * Parses one allow-list entry strictly: an address, a CIDR block (no host bits) or a range `a-b`
 * (same family, `a <= b`, spaces around the dash allowed). Surrounding whitespace is ignored.
 *
 * @example
 * ```ts
 * parseIpRule('10.0.0.0/8'); // { ok: true, rule: { family: 4, start: 167772160, end: 184549375, entry: '10.0.0.0/8' } }
 * parseIpRule('1.2.3.4/24'); // { ok: false, message: '"1.2.3.4/24" has host bits set: the network of that block is 1.2.3.0/24; …' }
 * ```
 */
export function parseIpRule(text: string): ParseIpRuleResult {
  if (typeof text !== 'string') return { ok: false, message: `an entry must be a string: ${USAGE}` };
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: `the entry is empty: ${USAGE}` };
  if (trimmed.length > MAX_RULE_LENGTH) {
    return { ok: false, message: `the entry is longer than ${MAX_RULE_LENGTH} characters: ${USAGE}` };
  }
  const slash = trimmed.indexOf('/');
  const dash = trimmed.indexOf('-');
  if (slash !== -1 && dash !== -1) {
    return { ok: false, message: `${quote(trimmed)} mixes a CIDR block and a range: ${USAGE}` };
  }
  if (slash !== -1) {
    if (trimmed.indexOf('/', slash + 1) !== -1) return { ok: false, message: `${quote(trimmed)}: ${USAGE}` };
    return parseCidr(trimmed, slash);
  }
  if (dash !== -1) {
    if (trimmed.indexOf('-', dash + 1) !== -1) return { ok: false, message: `${quote(trimmed)}: ${USAGE}` };
    return parseRange(trimmed, dash);
  }
  const parsed = parseRuleAddress(trimmed);
  if (!parsed.ok) return parsed;
  const { address } = parsed;
  const entry = formatIpAddress(address);
  return address.family === 4
    ? { ok: true, rule: { family: 4, start: address.value, end: address.value, entry } }
    : { ok: true, rule: { family: 6, start: address.value, end: address.value, entry } };
}

/** Sorted, merged, disjoint inclusive ranges of one family. */
interface RangeTable<T extends number | bigint> {
  starts: T[];
  ends: T[];
}

function compile<T extends number | bigint>(
  ranges: Array<{ start: T; end: T }>,
  successor: (value: T) => T,
): RangeTable<T> {
  ranges.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
  const starts: T[] = [];
  const ends: T[] = [];
  for (const { start, end } of ranges) {
    const last = ends.length - 1;
    // Overlapping and adjacent ranges merge, so the table stays disjoint and the search simple.
    if (last >= 0 && start <= successor(ends[last] as T)) {
      if (end > (ends[last] as T)) ends[last] = end;
    } else {
      starts.push(start);
      ends.push(end);
    }
  }
  return { starts, ends };
}

/** Binary search for the last range starting at or before `value`. */
function contains<T extends number | bigint>(table: RangeTable<T>, value: T): boolean {
  const { starts, ends } = table;
  let low = 0;
  let high = starts.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if ((starts[middle] as T) <= value) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found !== -1 && value <= (ends[found] as T);
}

/**
 * Parses and compiles the allow-list. Every invalid entry is reported with its index and a reason;
 * the list is only returned when all entries are valid.
 *
 * @example
 * ```ts
 * const parsed = parseIpAllowList(['10.0.0.0/8', '192.168.1.10-192.168.1.20', '2001:db8::/32']);
 * if (parsed.ok) {
 *   parsed.list.allows('10.1.2.3'); // true
 *   parsed.list.allows('::ffff:192.168.1.15'); // true (IPv4-mapped client)
 *   parsed.list.allows('172.16.0.1'); // false
 * }
 * parseIpAllowList(['010.0.0.1']); // { ok: false, errors: [{ index: 0, entry: '010.0.0.1', code: 'INVALID_IP_RULE', message: '…leading zeros…' }] }
 * ```
 */
export function parseIpAllowList(entries: readonly string[]): ParseIpAllowListResult {
  if (!Array.isArray(entries)) {
    throw new TokenPolicyError('INVALID_ARGUMENT', 'parseIpAllowList expects an array of strings');
  }
  const errors: IpRuleError[] = [];
  const normalised: string[] = [];
  const v4: Array<{ start: number; end: number }> = [];
  const v6: Array<{ start: bigint; end: bigint }> = [];
  entries.forEach((entry: unknown, index) => {
    const parsed = parseIpRule(entry as string);
    if (!parsed.ok) {
      errors.push({ index, entry: String(entry), code: 'INVALID_IP_RULE', message: parsed.message });
      return;
    }
    const { rule } = parsed;
    normalised.push(rule.entry);
    if (rule.family === 4) v4.push({ start: rule.start, end: rule.end });
    else v6.push({ start: rule.start, end: rule.end });
  });
  if (errors.length > 0) return { ok: false, errors };

  const table4 = compile(v4, (value) => value + 1);
  const table6 = compile(v6, (value) => value + 1n);
  const empty = normalised.length === 0;
  function decide(ip: string): boolean {
    const client = parseClientAddress(ip);
    if (client === null) return false;
    if (empty) return true;
    return client.family === 4 ? contains(table4, client.value) : contains(table6, client.value);
  }
  // The same few client addresses ask again and again (the gateway asks on every request): answers
  // are remembered per address text. The list never changes, so neither does an answer; the memo is
  // emptied when full, so odd addresses cannot make it grow.
  const answers = new Map<string, boolean>();
  const list: IpAllowList = Object.freeze({
    entries: Object.freeze(normalised),
    allows(ip: string): boolean {
      let answer = answers.get(ip);
      if (answer === undefined) {
        answer = decide(ip);
        if (typeof ip === 'string') {
          if (answers.size >= MAX_REMEMBERED_ANSWERS) answers.clear();
          answers.set(ip, answer);
        }
      }
      return answer;
    },
  });
  return { ok: true, list };
}
