import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { constantTimeEqual, constantTimeSameText, createKeyedDigest } from './keyed-digest.js';

describe('createKeyedDigest', () => {
  test('is deterministic per key, differs between keys, and never contains the input', () => {
    const key = Buffer.alloc(32, 7);
    const a = createKeyedDigest(key);
    const b = createKeyedDigest(Buffer.alloc(32, 8));
    const token = 'ata_abc123_secretsecretsecret';
    expect(a(token)).toBe(createKeyedDigest(key)(token));
    expect(a(token)).not.toBe(b(token));
    expect(a(token)).not.toContain(token);
    expect(a(token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('the default key is random per instance', () => {
    expect(createKeyedDigest()('same')).not.toBe(createKeyedDigest()('same'));
  });

  test('is SHA-256 over the key (base64url text) followed by the text', async () => {
    const { createHash } = await import('node:crypto');
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    expect(createKeyedDigest(key)('héllo')).toBe(
      createHash('sha256')
        .update(`${key.toString('base64url')}héllo`, 'utf8')
        .digest('base64url'),
    );
  });

  test('changing the caller’s key buffer later does not change the digest', () => {
    const key = Buffer.alloc(32, 1);
    const digest = createKeyedDigest(key);
    const before = digest('x');
    key.fill(2);
    expect(digest('x')).toBe(before);
  });

  test.each([Buffer.alloc(0), Buffer.alloc(15)])('refuses a short key', (key) => {
    expect(() => createKeyedDigest(key)).toThrow(TypeError);
  });
});

describe('constantTimeEqual', () => {
  test.each([
    ['abc', 'abc', true],
    ['', '', true],
    ['abc', 'abd', false],
    ['abc', 'abcd', false],
    ['abc', '', false],
    ['é', 'e\u0301', false],
    ['a'.repeat(10_000), 'a'.repeat(10_000), true],
  ])('%j vs %j → %s', (a, b, expected) => {
    expect(constantTimeEqual(a, b)).toBe(expected);
  });
});

describe('constantTimeSameText', () => {
  test.each<[string, string, boolean]>([
    ['', '', true],
    ['Bearer ata_x', 'Bearer ata_x', true],
    ['Bearer ata_x', 'Bearer ata_y', false],
    ['Bearer ata_x', 'Bearer ata_x ', false],
    ['Zoë', 'Zoe', false],
    ['\ud83d\ude00', '\ud83d\ude01', false],
  ])('%j and %j: %s', (a, b, same) => {
    expect(constantTimeSameText(a, b)).toBe(same);
    expect(constantTimeSameText(b, a)).toBe(same);
  });

  test('agrees with === on any two texts, and on a text and a copy of it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(constantTimeSameText(a, b)).toBe(a === b);
        expect(constantTimeSameText(a, a.split('').join(''))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
