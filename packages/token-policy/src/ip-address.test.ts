import { describe, expect, test } from 'vitest';
import { canonicalIp, formatIpv6, parseClientAddress, parseIpAddress } from './ip-address.js';

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
