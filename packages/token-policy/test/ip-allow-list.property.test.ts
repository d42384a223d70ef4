/**
 * Property: the compiled allow-list answers exactly as a naive reference matcher built on ipaddr.js
 * (an independent parser), which checks every rule one by one.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import type * as IpAddr from 'ipaddr.js';
import { describe, expect, test } from 'vitest';
import { canonicalIp, parseIpAllowList } from '../src/index.js';

// ipaddr.js is CommonJS with `export =` types; require it as such.
const ipaddr = createRequire(import.meta.url)('ipaddr.js') as typeof IpAddr;
type IPv4 = IpAddr.IPv4;
type IPv6 = IpAddr.IPv6;

const V6_MAX = (1n << 128n) - 1n;
const isMapped = (value: bigint) => value >> 32n === 0xffffn;

const v4Text = (value: number) =>
  [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
/** Full, uncompressed form: a different spelling from the canonical one the list shows. */
const v6Text = (value: bigint) =>
  Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');

// Values cluster in small blocks so that rules and clients meet often enough to matter, and rules
// lie one address apart often enough to catch off-by-one merging.
const v4Value = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 0xffffffff }), weight: 1 },
  { arbitrary: fc.integer({ min: 0x0a000000, max: 0x0a0001ff }), weight: 2 },
  { arbitrary: fc.integer({ min: 0x0a000000, max: 0x0a00003f }), weight: 3 },
  { arbitrary: fc.constantFrom(0, 0xffffffff), weight: 1 },
);
const v6Value = fc.oneof(
  { arbitrary: fc.bigInt({ min: 0n, max: V6_MAX }), weight: 1 },
  { arbitrary: fc.bigInt({ min: 0n, max: 0x1ffn }).map((low) => (0x20010db8n << 96n) | low), weight: 2 },
  { arbitrary: fc.bigInt({ min: 0n, max: 0x3fn }).map((low) => (0x20010db8n << 96n) | low), weight: 3 },
  { arbitrary: fc.constantFrom(0n, 1n, V6_MAX), weight: 1 },
);
/** Prefix lengths: any, but long ones (small blocks) more often. */
const prefix = (bits: number) =>
  fc.oneof(fc.integer({ min: 0, max: bits }), fc.integer({ min: bits - 6, max: bits }));

const v4Rule = fc.oneof(
  v4Value.map(v4Text),
  fc.tuple(v4Value, prefix(32)).map(([value, prefix]) => {
    const size = 2 ** (32 - prefix);
    return `${v4Text(Math.floor(value / size) * size)}/${prefix}`;
  }),
  fc.tuple(v4Value, v4Value).map(([a, b]) => `${v4Text(Math.min(a, b))}-${v4Text(Math.max(a, b))}`),
);
const v6Rule = fc.oneof(
  v6Value.filter((value) => !isMapped(value)).map(v6Text),
  fc
    .tuple(v6Value, prefix(128))
    .map(([value, prefix]) => {
      const host = (1n << BigInt(128 - prefix)) - 1n;
      return [value & ~host, prefix] as const;
    })
    .filter(([network]) => !isMapped(network))
    .map(([network, prefix]) => `${v6Text(network)}/${prefix}`),
  fc
    .tuple(v6Value, v6Value)
    .filter(([a, b]) => !isMapped(a) && !isMapped(b))
    .map(([a, b]) => (a <= b ? `${v6Text(a)}-${v6Text(b)}` : `${v6Text(b)}-${v6Text(a)}`)),
);
const client = fc.oneof(
  v4Value.map(v4Text),
  v4Value.map((value) => `::ffff:${v4Text(value)}`),
  v6Value.map(v6Text),
);

function toBigInt(address: IPv4 | IPv6): bigint {
  return address.toByteArray().reduce((sum, byte) => (sum << 8n) | BigInt(byte), 0n);
}

/** The first and last address of a rule, by the reference parser. */
function referenceBounds(rule: string): { kind: string; first: bigint; last: bigint } {
  if (rule.includes('/')) {
    const [network, bits] = ipaddr.parseCIDR(rule);
    const width = network.kind() === 'ipv4' ? 32 : 128;
    const first = toBigInt(network);
    return { kind: network.kind(), first, last: first + (1n << BigInt(width - bits)) - 1n };
  }
  const [a, b = a] = rule.split('-').map((part) => ipaddr.parse(part));
  return { kind: (a as IPv4).kind(), first: toBigInt(a as IPv4), last: toBigInt(b as IPv4) };
}

/** Clients just inside and just outside every rule: where merging and searching go wrong. */
function boundaryClients(rules: readonly string[]): string[] {
  const clients: string[] = [];
  for (const rule of rules) {
    const { kind, first, last } = referenceBounds(rule);
    const max = kind === 'ipv4' ? 0xffffffffn : V6_MAX;
    for (const value of [first - 1n, first, last, last + 1n]) {
      if (value < 0n || value > max) continue;
      if (kind === 'ipv4') clients.push(v4Text(Number(value)));
      else if (!isMapped(value)) clients.push(v6Text(value));
    }
  }
  return clients;
}

/** Checks every rule, one by one. */
function referenceAllows(rules: readonly string[], clientText: string): boolean {
  let address = ipaddr.parse(clientText);
  if (address.kind() === 'ipv6' && (address as IPv6).isIPv4MappedAddress()) {
    address = (address as IPv6).toIPv4Address();
  }
  if (rules.length === 0) return true;
  const value = toBigInt(address);
  return rules.some((rule) => {
    if (rule.includes('/')) {
      const [network, bits] = ipaddr.parseCIDR(rule);
      return network.kind() === address.kind() && address.match(network, bits);
    }
    if (rule.includes('-')) {
      const [first, last] = rule.split('-').map((part) => ipaddr.parse(part)) as [IPv4, IPv4];
      return first.kind() === address.kind() && toBigInt(first) <= value && value <= toBigInt(last);
    }
    const single = ipaddr.parse(rule);
    return single.kind() === address.kind() && toBigInt(single) === value;
  });
}

describe('allow-list against a naive reference matcher', () => {
  test.each([
    ['IPv4', v4Rule],
    ['IPv6', v6Rule],
    ['mixed', fc.oneof(v4Rule, v6Rule)],
  ])('%s rules', (_family, rule) => {
    const answers = { allowed: 0, refused: 0 };
    fc.assert(
      fc.property(
        fc.array(rule, { maxLength: 20 }),
        fc.array(client, { minLength: 1, maxLength: 20 }),
        (rules, clients) => {
          const parsed = parseIpAllowList(rules);
          expect(parsed.ok).toBe(true);
          if (!parsed.ok) return;
          for (const text of [...clients, ...boundaryClients(rules)]) {
            const expected = referenceAllows(rules, text);
            expect(parsed.list.allows(text), `${text} in ${JSON.stringify(rules)}`).toBe(expected);
            answers[expected ? 'allowed' : 'refused']++;
          }
        },
      ),
      { numRuns: 200 },
    );
    // The generators must exercise both answers, or the comparison proves little.
    const total = answers.allowed + answers.refused;
    expect(answers.allowed / total).toBeGreaterThan(0.1);
    expect(answers.refused / total).toBeGreaterThan(0.1);
  });

  test('canonical IPv6 text agrees with ipaddr.js (RFC 5952)', () => {
    fc.assert(
      fc.property(
        v6Value.filter((value) => !isMapped(value)),
        (value) => {
          expect(canonicalIp(v6Text(value))).toBe((ipaddr.parse(v6Text(value)) as IPv6).toRFC5952String());
        },
      ),
      { numRuns: 1000 },
    );
  });
});
