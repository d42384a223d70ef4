import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { BASE62_ALPHABET, randomBase62 } from './base62.js';
import { crc32 } from './crc32.js';
import { TokenPolicyError } from './errors.js';
import { TOKEN_LENGTH, generateToken, parseToken } from './token-format.js';

const nodeRandom = (n: number) => new Uint8Array(randomBytes(n));

/** A deterministic source that cycles through `bytes`. */
function cycling(bytes: readonly number[]) {
  let i = 0;
  return (n: number) => Uint8Array.from({ length: n }, () => bytes[i++ % bytes.length] as number);
}

describe('crc32', () => {
  test.each<[string, number]>([
    ['', 0],
    ['123456789', 0xcbf43926],
    ['The quick brown fox jumps over the lazy dog', 0x414fa339],
  ])('crc32(%j) = %i', (text, expected) => {
    expect(crc32(text)).toBe(expected);
  });
});

describe('generateToken', () => {
  test('ata_ + 12 id + 30 secret + 6 checksum, base62, under 72 bytes', () => {
    const { token, id, secret } = generateToken(nodeRandom);
    expect(token).toMatch(/^ata_[0-9A-Za-z]{48}$/);
    expect(TOKEN_LENGTH).toBe(52);
    expect(new TextEncoder().encode(token).length).toBeLessThan(72);
    expect(id).toHaveLength(12);
    expect(secret).toHaveLength(30);
    expect(token.startsWith(`ata_${id}${secret}`)).toBe(true);
    expect(parseToken(token)).toEqual({ id, secret });
  });

  test('the secret carries at least 160 bits and the id at least 64', () => {
    expect(30 * Math.log2(62)).toBeGreaterThanOrEqual(160);
    expect(12 * Math.log2(62)).toBeGreaterThanOrEqual(64);
  });

  test('every byte value below 248 maps to each character equally often: no modulo bias', () => {
    // 30 cycles through all 256 byte values: 248 accepted per cycle, each character 4 × 30 times.
    const text = randomBase62(248 * 30, cycling(Array.from({ length: 256 }, (_, i) => i)));
    const counts = new Map<string, number>();
    for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    expect(new Set(counts.values())).toEqual(new Set([120]));
  });

  test('bytes 248–255 are rejected, not folded onto the first characters', () => {
    const source = cycling([248, 255, 250, 0, 61, 62, 247]);
    const { id } = generateToken(source);
    // Accepted bytes 0, 61, 62, 247 → '0', 'z', '0' (62 % 62), 'z' (247 % 62 = 61).
    expect(id).toBe('0z0z0z0z0z0z');
  });

  test.each<[string, (n: number) => Uint8Array]>([
    ['too few bytes', (n) => new Uint8Array(n - 1)],
    ['too many bytes', (n) => new Uint8Array(n + 1)],
    ['not a Uint8Array', (n) => Array.from({ length: n }, () => 1) as unknown as Uint8Array],
    ['only unusable bytes', (n) => new Uint8Array(n).fill(255)],
  ])('a source returning %s is refused', (_name, source) => {
    expect(() => generateToken(source)).toThrow(expect.objectContaining({ code: 'INVALID_RANDOM_SOURCE' }));
  });

  test('a missing source is misuse', () => {
    expect(() => generateToken(undefined as unknown as (n: number) => Uint8Array)).toThrow(TokenPolicyError);
  });
});

describe('parseToken', () => {
  const { token } = generateToken(nodeRandom);

  test.each<[string, unknown]>([
    ['empty', ''],
    ['prefix only', 'ata_'],
    ['a password', 'hunter2'],
    ['upper-case prefix', `ATA_${token.slice(4)}`],
    ['another prefix', `atb_${token.slice(4)}`],
    ['one character short', token.slice(0, -1)],
    ['one character long', `${token}0`],
    ['leading space', ` ${token}`],
    ['trailing newline', `${token}\n`],
    ['a non-base62 character', `${token.slice(0, 20)}-${token.slice(21)}`],
    ['a non-ASCII character', `${token.slice(0, 20)}é${token.slice(21)}`],
    ['the checksum of another token', `${token.slice(0, 46)}${generateToken(nodeRandom).token.slice(46)}`],
    ['a number', 42],
    ['undefined', undefined],
  ])('refuses %s', (_name, text) => {
    expect(parseToken(text as string)).toBeNull();
  });

  test('every single-character substitution of a token is refused', () => {
    let checked = 0;
    for (let i = 0; i < token.length; i++) {
      for (const char of `${BASE62_ALPHABET}_-`) {
        if (char === token[i]) continue;
        const changed = token.slice(0, i) + char + token.slice(i + 1);
        expect(parseToken(changed), changed).toBeNull();
        checked++;
      }
    }
    expect(checked).toBe(52 * 63);
  });
});
