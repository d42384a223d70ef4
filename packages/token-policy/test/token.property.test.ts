/**
 * Properties of the token format: every generated token parses back to its parts, and any single
 * character change is rejected (CRC-32 detects every single-byte error).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { classifyAuthorization, generateToken, parseToken } from '../src/index.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Randomness from a fast-check seed: cycles through `bytes` (at least one usable byte). */
const seed = fc
  .uint8Array({ minLength: 16, maxLength: 128 })
  .filter((bytes) => bytes.some((byte) => byte < 248));
function cycling(bytes: Uint8Array) {
  let i = 0;
  return (n: number) => Uint8Array.from({ length: n }, () => bytes[i++ % bytes.length] as number);
}

describe('token format', () => {
  test('generated tokens always parse to their id and secret', () => {
    fc.assert(
      fc.property(seed, (bytes) => {
        const { token, id, secret } = generateToken(cycling(bytes));
        expect(token).toMatch(/^ata_[0-9A-Za-z]{48}$/);
        expect(parseToken(token)).toEqual({ id, secret });
      }),
      { numRuns: 500 },
    );
  });

  test('any single-character change is rejected', () => {
    const replacement = fc.constantFrom(...ALPHABET, '_', '-', '.', ' ', '=', 'é', '\u0000');
    fc.assert(
      fc.property(seed, fc.nat({ max: 51 }), replacement, (bytes, position, char) => {
        const { token } = generateToken(cycling(bytes));
        fc.pre(token[position] !== char);
        const changed = token.slice(0, position) + char + token.slice(position + 1);
        expect(parseToken(changed)).toBeNull();
      }),
      { numRuns: 1500 },
    );
  });

  test('Basic credentials round-trip through classification', () => {
    const username = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
      .filter((name) => !name.includes(':'));
    const password = fc
      .string({ unit: 'grapheme', maxLength: 40 })
      .filter((pw) => !pw.toLowerCase().startsWith('ata_'));
    fc.assert(
      fc.property(username, password, (user, pw) => {
        const header = `Basic ${Buffer.from(`${user}:${pw}`, 'utf8').toString('base64')}`;
        expect(classifyAuthorization(header)).toEqual({ kind: 'password', username: user, password: pw });
      }),
      { numRuns: 500 },
    );
  });
});
