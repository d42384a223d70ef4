import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  canonicalIp,
  formatIpv4,
  formatIpv6,
  parseClientAddress,
  parseIpAddress,
  parseIpv4,
} from './ip-address.js';

describe('canonicalIp — the plain form shown as "last used from" and used in failed-login keys', () => {
  test.each<[string, string | null]>([
    ['10.0.0.1', '10.0.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::FFFF:127.0.0.1', '127.0.0.1'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['0:0:0:0:0:ffff:c0a8:0101', '192.168.1.1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:0:0:2:0:0:3', '1::2:0:0:3'],
    ['::1.2.3.4', '::102:304'],
    ['fe80::1%eth0', null],
    ['[::1]', null],
    ['10.0.0.1:8080', null],
    [' 10.0.0.1', null],
    ['010.0.0.1', null],
    ['0xc0.168.1.1', null],
    ['10.1', null],
    ['1.2.3.4.5', null],
    ['256.0.0.1', null],
    ['1::2::3', null],
    ['1:2:3:4:5:6:7:8:9', null],
    ['1:2:3:4:5:6:7::8', null],
    [':1:2:3:4:5:6:7', null],
    ['12345::1', null],
    ['::ffff:010.0.0.1', null],
    ['1.2.3.4::', null],
    ['', null],
    ['１.２.３.４', null],
    ['a'.repeat(1000), null],
  ])('%j → %j', (text, expected) => {
    expect(canonicalIp(text)).toBe(expected);
  });

  test('the formatter compresses the first of two equally long zero runs (RFC 5952 §4.2.3)', () => {
    expect(formatIpv6(0x0001_0000_0000_0002_0000_0000_0003_0004n)).toBe('1::2:0:0:3:4');
  });
});

describe('parsing keeps families apart until a client is mapped', () => {
  test('a rule address written as IPv4-mapped stays IPv6 for the parser', () => {
    expect(parseIpAddress('::ffff:10.0.0.1')).toEqual({ family: 6, value: 0xffff_0a00_0001n });
  });
  test('a client written as IPv4-mapped becomes IPv4', () => {
    expect(parseClientAddress('::ffff:10.0.0.1')).toEqual({ family: 4, value: 0x0a00_0001 });
  });
});

describe('parseIpv4 — strict dotted quad, by a character loop', () => {
  /** The specification, as a regular expression: four 1–3 digit parts, ≤ 255, no leading zeros. */
  function reference(text: string): number | null {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
    if (match === null) return null;
    let value = 0;
    for (const part of match.slice(1)) {
      if (part.length > 1 && part.startsWith('0')) return null;
      if (Number(part) > 255) return null;
      value = value * 256 + Number(part);
    }
    return value;
  }

  test.each([
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['10.0.0.1', 0x0a000001],
    ['192.168.100.200', 0xc0a864c8],
    ['256.0.0.1', null],
    ['01.0.0.1', null],
    ['1.2.3', null],
    ['1.2.3.4.', null],
    ['1.2.3.4.5', null],
    ['1..2.3', null],
    ['.1.2.3', null],
    ['1.2.3.4 ', null],
    ['1.2.3.0004', null],
    ['１.2.3.4', null],
    ['', null],
  ])('%j → %s', (text, expected) => {
    expect(parseIpv4(text)).toBe(expected);
  });

  test('agrees with the regular-expression specification on arbitrary texts', () => {
    const piece = fc.constantFrom(
      '0',
      '1',
      '2',
      '5',
      '9',
      '25',
      '255',
      '256',
      '00',
      '010',
      '.',
      ' ',
      'a',
      '1000',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        expect(parseIpv4(text)).toBe(reference(text));
      }),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        expect(parseIpv4(text)).toBe(reference(text));
        expect(formatIpv4(parseIpv4(text) as number)).toBe(text);
      }),
    );
  });
});
