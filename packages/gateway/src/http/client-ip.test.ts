import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compileTrustedProxies, resolveClientIp, type TrustedProxies } from './client-ip.js';

function trusted(entries: string[]): TrustedProxies {
  const compiled = compileTrustedProxies(entries);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  return compiled.trusted;
}

const NONE = trusted([]);
const PROXIES = trusted(['10.0.0.0/8', '2001:db8:ffff::/48', '192.0.2.1']);

describe('compileTrustedProxies', () => {
  test('an empty list trusts nobody (unlike an empty allow-list)', () => {
    expect(NONE.entries).toEqual([]);
    expect(NONE.trusts('10.0.0.1')).toBe(false);
    expect(NONE.trusts('::1')).toBe(false);
  });

  test('entries are normalised and matched, IPv4-mapped peers included', () => {
    expect(PROXIES.trusts('10.1.2.3')).toBe(true);
    expect(PROXIES.trusts('::ffff:10.1.2.3')).toBe(true);
    expect(PROXIES.trusts('2001:db8:ffff:1::9')).toBe(true);
    expect(PROXIES.trusts('192.0.2.2')).toBe(false);
    expect(PROXIES.trusts('not an ip')).toBe(false);
  });

  test.each([
    [['10.0.0.1', '10.0.0.0/33'], 1],
    [['010.0.0.1'], 0],
    [['fe80::1%eth0'], 0],
    [['1.2.3.4', '', '5.6.7.8'], 1],
  ])('invalid entries %j are reported with their index', (entries, index) => {
    const compiled = compileTrustedProxies(entries);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.errors.map((error) => error.index)).toEqual([index]);
  });
});

describe('resolveClientIp', () => {
  test.each<
    [string, string | undefined, string | string[] | undefined, TrustedProxies | null, string | null]
  >([
    // No trusted proxies: the socket address, whatever X-Forwarded-For says.
    ['no proxies, no XFF', '203.0.113.9', undefined, NONE, '203.0.113.9'],
    ['no proxies, spoofed XFF ignored', '203.0.113.9', '1.2.3.4', NONE, '203.0.113.9'],
    ['null = no proxies', '203.0.113.9', '1.2.3.4', null, '203.0.113.9'],
    ['no proxies, garbage XFF ignored', '203.0.113.9', 'garbage, ,', NONE, '203.0.113.9'],
    // Untrusted peer: XFF ignored.
    ['untrusted peer spoofing', '198.51.100.4', '10.0.0.5', PROXIES, '198.51.100.4'],
    // Canonical forms.
    ['IPv4-mapped socket', '::ffff:203.0.113.9', undefined, NONE, '203.0.113.9'],
    ['IPv6 socket compressed', '2001:DB8:0:0:0:0:0:1', undefined, NONE, '2001:db8::1'],
    ['IPv4-mapped hop', '10.0.0.2', '::FFFF:203.0.113.9', PROXIES, '203.0.113.9'],
    ['IPv6 hop lower-cased', '10.0.0.2', '2001:DB8::0001', PROXIES, '2001:db8::1'],
    // Trusted peer: walk right to left.
    ['one hop', '10.0.0.2', '203.0.113.9', PROXIES, '203.0.113.9'],
    ['chain of trusted hops', '10.0.0.2', '203.0.113.9, 10.9.9.9, 192.0.2.1', PROXIES, '203.0.113.9'],
    [
      'spoofed left part is not believed',
      '10.0.0.2',
      '6.6.6.6, 203.0.113.9, 10.0.0.3',
      PROXIES,
      '203.0.113.9',
    ],
    [
      'repeated headers are one list',
      '10.0.0.2',
      ['6.6.6.6, 203.0.113.9', '10.0.0.3'],
      PROXIES,
      '203.0.113.9',
    ],
    ['tabs and spaces around hops', '10.0.0.2', ' \t203.0.113.9\t,  10.0.0.3 ', PROXIES, '203.0.113.9'],
    ['all trusted: leftmost', '10.0.0.2', '10.0.0.7, 10.0.0.3', PROXIES, '10.0.0.7'],
    ['trusted peer without XFF speaks for itself', '10.0.0.2', undefined, PROXIES, '10.0.0.2'],
    ['blank XFF from a trusted peer', '10.0.0.2', '  ', PROXIES, '10.0.0.2'],
    ['empty array', '10.0.0.2', [], PROXIES, '10.0.0.2'],
    ['IPv6 trusted proxy', '2001:db8:ffff::5', '203.0.113.9', PROXIES, '203.0.113.9'],
    ['IPv4-mapped trusted peer', '::ffff:10.0.0.2', '203.0.113.9', PROXIES, '203.0.113.9'],
    // A malformed hop breaks the chain: fail closed.
    ['malformed nearest hop', '10.0.0.2', '203.0.113.9, junk', PROXIES, null],
    ['port on a hop', '10.0.0.2', '203.0.113.9:443', PROXIES, null],
    ['bracketed IPv6', '10.0.0.2', '[2001:db8::1]', PROXIES, null],
    ['zone id', '10.0.0.2', 'fe80::1%eth0', PROXIES, null],
    ['obfuscated / unknown', '10.0.0.2', 'unknown', PROXIES, null],
    ['out of range', '10.0.0.2', '999.999.999.999', PROXIES, null],
    ['leading zeros', '10.0.0.2', '010.0.0.1', PROXIES, null],
    ['hex', '10.0.0.2', '0x7f.0.0.1', PROXIES, null],
    ['empty element', '10.0.0.2', '203.0.113.9,,10.0.0.3', PROXIES, null],
    ['trailing comma', '10.0.0.2', '203.0.113.9,', PROXIES, null],
    ['leading comma reached through trusted hops', '10.0.0.2', ',10.0.0.3', PROXIES, null],
    ['RFC 7239 syntax', '10.0.0.2', 'for=203.0.113.9', PROXIES, null],
    ['NUL byte', '10.0.0.2', '203.0.113.9\u0000', PROXIES, null],
    // A malformed hop left of the client is never reached.
    ['garbage beyond the client is irrelevant', '10.0.0.2', 'junk, 203.0.113.9', PROXIES, '203.0.113.9'],
    // The socket address itself.
    ['no socket address', undefined, '203.0.113.9', PROXIES, null],
    ['garbage socket address', 'nonsense', undefined, NONE, null],
  ])('%s', (_name, socket, xff, proxies, expected) => {
    expect(resolveClientIp(socket, xff, proxies)).toBe(expected);
  });

  test('matches a split-and-walk reference implementation', () => {
    const hop = fc.oneof(
      fc.constantFrom(
        '10.0.0.1',
        '10.255.0.9',
        '192.0.2.1',
        '203.0.113.9',
        '2001:db8:ffff::1',
        '::ffff:10.0.0.4',
        '198.51.100.1',
      ),
      fc.constantFrom('junk', '', ' ', '1.2.3.4:80', '[::1]'),
      fc.ipV4(),
      fc.ipV6(),
    );
    const reference = (socket: string, chain: string[]): string | null => {
      const canonical = (text: string): string | null => resolveClientIp(text, undefined, NONE);
      const peer = canonical(socket);
      if (peer === null) return null;
      const joined = chain.join(',');
      if (!PROXIES.trusts(peer) || joined.trim() === '') return peer;
      let client: string = peer;
      for (const part of joined.split(',').reverse()) {
        const address = canonical(part.trim());
        if (address === null) return null;
        if (!PROXIES.trusts(address)) return address;
        client = address;
      }
      return client;
    };
    fc.assert(
      fc.property(
        fc.constantFrom('10.0.0.2', '198.51.100.4', '::ffff:10.0.0.2'),
        fc.array(hop, { maxLength: 6 }),
        (socket, chain) => {
          const header = chain.length === 0 ? undefined : chain.join(', ');
          const expected =
            header === undefined
              ? resolveClientIp(socket, undefined, NONE)
              : reference(
                  socket,
                  chain.map((h) => ` ${h}`),
                );
          expect(resolveClientIp(socket, header, PROXIES)).toBe(expected);
        },
      ),
    );
  });
});
