import { describe, expect, test } from 'vitest';
import { parseIpAllowList, parseIpRule } from './ip-allow-list.js';
import { TokenPolicyError } from './errors.js';

function compiled(entries: string[]) {
  const parsed = parseIpAllowList(entries);
  if (!parsed.ok) throw new Error(`unexpected errors: ${JSON.stringify(parsed.errors)}`);
  return parsed.list;
}

describe('hostile and invalid rules are refused with a reason', () => {
  test.each<[unknown, RegExp]>([
    ['0xc0.168.1.1', /hexadecimal/],
    ['010.0.0.1', /leading zeros/],
    ['10.0.0.01', /leading zeros/],
    ['10.0.0.0/33', /prefix length \/33.*\/0 to \/32/],
    ['2001:db8::/129', /prefix length \/129.*\/0 to \/128/],
    ['10.0.0.0/08', /prefix length/],
    ['10.0.0.0/-1', /CIDR block and a range/],
    ['10.0.0.0/', /prefix length/],
    ['10.0.0.0/ 8', /prefix length/],
    ['10.0.0.9-10.0.0.1', /starts after it ends.*10\.0\.0\.1-10\.0\.0\.9/],
    ['2001:db8::9-2001:db8::1', /starts after it ends/],
    ['fe80::1%eth0', /zone ids/],
    ['fe80::1%eth0/64', /zone ids/],
    ['1.2.3.4/24', /host bits set.*1\.2\.3\.0\/24/],
    ['2001:db8::1/64', /host bits set.*2001:db8::\/64/],
    ['10.0.0.1-2001:db8::1', /mixes IPv4 and IPv6/],
    ['10.0.0.0/8-10.0.0.9', /CIDR block and a range/],
    ['10.0.0.1-10.0.0.5-10.0.0.9', /enter an address/],
    ['10.0.0.0/8/8', /enter an address/],
    ['::ffff:10.0.0.1', /IPv4-mapped.*write it as IPv4 \(10\.0\.0\.1\)/],
    ['::ffff:10.0.0.0/104', /IPv4-mapped/],
    ['[::1]', /brackets/],
    ['999.999.999.999', /between 0 and 255/],
    ['256.1.1.1', /between 0 and 255/],
    ['1.2.3', /exactly four/],
    ['1.2.3.4.5', /exactly four/],
    ['10.0.0.1:80', /IPv6 notation/],
    ['1::2::3', /IPv6 notation/],
    ['2001:db8:::1', /IPv6 notation/],
    ['12345::', /IPv6 notation/],
    ['g::1', /IPv6 notation/],
    ['1.2.3.4 5', /spaces/],
    ['localhost', /exactly four/],
    ['*', /exactly four/],
    ['10.0.0.*', /four decimal numbers/],
    ['', /empty/],
    ['   ', /empty/],
    ['1'.repeat(101), /longer than 100/],
    [42, /must be a string/],
    [null, /must be a string/],
  ])('%j', (entry, reason) => {
    const parsed = parseIpAllowList(['10.0.0.1', entry as string]);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toHaveLength(1);
    const [error] = parsed.errors;
    expect(error).toMatchObject({ index: 1, entry: String(entry), code: 'INVALID_IP_RULE' });
    expect(error?.message).toMatch(reason);
  });

  test('every invalid entry is reported with its own index', () => {
    const parsed = parseIpAllowList(['010.0.0.1', '10.0.0.0/8', '10.0.0.0/33', '::1', 'fe80::1%eth0']);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.map((error) => [error.index, error.entry])).toEqual([
      [0, '010.0.0.1'],
      [2, '10.0.0.0/33'],
      [4, 'fe80::1%eth0'],
    ]);
  });

  test('a non-array is misuse', () => {
    expect(() => parseIpAllowList('10.0.0.1' as unknown as string[])).toThrow(TokenPolicyError);
  });
});

describe('valid rules and their display form', () => {
  test.each<[string, string]>([
    ['10.0.0.1', '10.0.0.1'],
    ['  10.0.0.0/8  ', '10.0.0.0/8'],
    ['10.0.0.1/32', '10.0.0.1/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['10.0.0.1 - 10.0.0.9', '10.0.0.1-10.0.0.9'],
    ['10.0.0.5-10.0.0.5', '10.0.0.5-10.0.0.5'],
    ['2001:DB8::0:1', '2001:db8::1'],
    ['2001:0db8:0000::/32', '2001:db8::/32'],
    ['::/0', '::/0'],
    ['::1', '::1'],
    ['2001:db8::1-2001:db8::ff', '2001:db8::1-2001:db8::ff'],
    ['::1.2.3.4', '::102:304'],
  ])('%j is shown as %j', (entry, shown) => {
    expect(compiled([entry]).entries).toEqual([shown]);
  });

  test('parseIpRule gives the inclusive range', () => {
    expect(parseIpRule('10.0.0.0/8')).toEqual({
      ok: true,
      rule: { family: 4, start: 0x0a00_0000, end: 0x0aff_ffff, entry: '10.0.0.0/8' },
    });
    expect(parseIpRule('2001:db8::/126')).toEqual({
      ok: true,
      rule: {
        family: 6,
        start: 0x2001_0db8n << 96n,
        end: (0x2001_0db8n << 96n) | 3n,
        entry: '2001:db8::/126',
      },
    });
  });
});

describe('allows', () => {
  const list = compiled([
    '10.0.0.0/8',
    '192.168.1.10-192.168.1.20',
    '203.0.113.7',
    '2001:db8::/32',
    '2001:db9::5-2001:db9::9',
    '::1',
  ]);

  test.each<[string, boolean]>([
    ['10.0.0.0', true],
    ['10.255.255.255', true],
    ['9.255.255.255', false],
    ['11.0.0.0', false],
    ['192.168.1.9', false],
    ['192.168.1.10', true],
    ['192.168.1.20', true],
    ['192.168.1.21', false],
    ['203.0.113.7', true],
    ['203.0.113.8', false],
    ['::ffff:10.1.2.3', true],
    ['::ffff:192.168.1.15', true],
    ['::ffff:203.0.113.8', false],
    ['2001:db8::1', true],
    ['2001:DB8:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF', true],
    ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', false],
    ['2001:db9::4', false],
    ['2001:db9::5', true],
    ['2001:db9::9', true],
    ['2001:db9::a', false],
    ['::1', true],
    ['::2', false],
    // Fail closed: anything that is not a strictly valid address.
    ['2001:db8::1%eth0', false],
    ['[2001:db8::1]', false],
    ['010.0.0.1', false],
    ['0x0a.0.0.1', false],
    ['10.1', false],
    ['167772161', false],
    ['10.0.0.1 ', false],
    ['10.0.0.1:443', false],
    ['999.999.999.999', false],
    ['', false],
    ['unknown', false],
  ])('%j → %s', (client, expected) => {
    expect(list.allows(client)).toBe(expected);
  });

  test('an empty list allows every valid address and still refuses unparseable ones', () => {
    const empty = compiled([]);
    expect(empty.entries).toEqual([]);
    expect(empty.allows('203.0.113.1')).toBe(true);
    expect(empty.allows('2001:db8::1')).toBe(true);
    expect(empty.allows('::ffff:10.0.0.1')).toBe(true);
    expect(empty.allows('fe80::1%eth0')).toBe(false);
    expect(empty.allows('not an address')).toBe(false);
    expect(empty.allows(undefined as unknown as string)).toBe(false);
  });

  test('IPv6 rules never match IPv4(-mapped) clients, IPv4 rules never match IPv6 clients', () => {
    const v6all = compiled(['::/0']);
    expect(v6all.allows('::ffff:10.0.0.1')).toBe(false);
    expect(v6all.allows('10.0.0.1')).toBe(false);
    expect(v6all.allows('2001:db8::1')).toBe(true);
    const v4all = compiled(['0.0.0.0/0']);
    expect(v4all.allows('::ffff:10.0.0.1')).toBe(true);
    expect(v4all.allows('::1')).toBe(false);
  });

  test('overlapping, adjacent and nested rules merge without gaps or spill-over', () => {
    const merged = compiled([
      '10.0.0.11-10.0.0.20',
      '10.0.0.0-10.0.0.10',
      '10.0.0.5-10.0.0.7',
      '10.0.0.30/31',
      '10.0.0.0/28',
      '255.255.255.255',
    ]);
    const allowed = Array.from({ length: 40 }, (_, i) => `10.0.0.${i}`).filter((ip) => merged.allows(ip));
    expect(allowed).toEqual([
      ...Array.from({ length: 21 }, (_, i) => `10.0.0.${i}`),
      '10.0.0.30',
      '10.0.0.31',
    ]);
    expect(merged.allows('255.255.255.255')).toBe(true);
    expect(merged.allows('255.255.255.254')).toBe(false);
  });

  test.each<[string, string[], string, string[]]>([
    ['IPv4', ['10.0.0.0-10.0.0.10', '10.0.0.12-10.0.0.20'], '10.0.0.11', ['10.0.0.10', '10.0.0.12']],
    [
      'IPv6',
      ['2001:db8::-2001:db8::a', '2001:db8::c-2001:db8::f'],
      '2001:db8::b',
      ['2001:db8::a', '2001:db8::c'],
    ],
  ])('%s: a one-address gap between rules stays refused', (_family, rules, gap, neighbours) => {
    const gapped = compiled(rules);
    expect(gapped.allows(gap)).toBe(false);
    for (const ip of neighbours) expect(gapped.allows(ip)).toBe(true);
  });

  test('the compiled list is immutable', () => {
    const frozen = compiled(['10.0.0.1']);
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(Object.isFrozen(frozen.entries)).toBe(true);
  });
});
