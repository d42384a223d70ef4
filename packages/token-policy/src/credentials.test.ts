import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  MAX_AUTHORIZATION_LENGTH,
  classifyAuthorization,
  splitAuthorization,
  type Credential,
} from './credentials.js';
import { TokenPolicyError } from './errors.js';
import { generateToken } from './token-format.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const b64bytes = (bytes: number[]) => Buffer.from(bytes).toString('base64');
const { token, id, secret } = generateToken((n) => new Uint8Array(randomBytes(n)));
const typo = `${token.slice(0, 30)}${token[30] === 'a' ? 'b' : 'a'}${token.slice(31)}`;

describe('classifyAuthorization', () => {
  test.each<[string, string | undefined, Credential]>([
    ['no header', undefined, { kind: 'none' }],

    // Passwords.
    [
      'Basic password',
      `Basic ${b64('alice:secret')}`,
      { kind: 'password', username: 'alice', password: 'secret' },
    ],
    [
      'a password containing colons',
      `Basic ${b64('alice:s3:cr:et')}`,
      { kind: 'password', username: 'alice', password: 's3:cr:et' },
    ],
    ['an empty password', `Basic ${b64('alice:')}`, { kind: 'password', username: 'alice', password: '' }],
    [
      'a UTF-8 username and password',
      `Basic ${b64('Jürgen:pässwörd ✓')}`,
      { kind: 'password', username: 'Jürgen', password: 'pässwörd ✓' },
    ],
    [
      'an astral-plane password',
      `Basic ${b64('zoë:🔑🔑')}`,
      { kind: 'password', username: 'zoë', password: '🔑🔑' },
    ],
    [
      'a lower-case scheme',
      `basic ${b64('alice:secret')}`,
      { kind: 'password', username: 'alice', password: 'secret' },
    ],
    [
      'an upper-case scheme',
      `BASIC ${b64('alice:secret')}`,
      { kind: 'password', username: 'alice', password: 'secret' },
    ],
    [
      'extra spaces and tabs',
      ` \tBasic \t  ${b64('alice:secret')}  \t`,
      { kind: 'password', username: 'alice', password: 'secret' },
    ],
    [
      'base64 without padding',
      `Basic ${b64('alice:x').replace(/=+$/, '')}`,
      { kind: 'password', username: 'alice', password: 'x' },
    ],

    // Tokens.
    [
      'a token as the Basic password',
      `Basic ${b64(`alice:${token}`)}`,
      { kind: 'token', username: 'alice', token: { id, secret } },
    ],
    ['a Bearer token', `Bearer ${token}`, { kind: 'token', token: { id, secret } }],
    [
      'a Bearer token, odd case and spaces',
      `  bEaReR    ${token} `,
      { kind: 'token', token: { id, secret } },
    ],
    [
      'a token-shaped typo as the Basic password',
      `Basic ${b64(`alice:${typo}`)}`,
      { kind: 'invalid-token', username: 'alice' },
    ],
    ['a token-shaped typo as Bearer', `Bearer ${typo}`, { kind: 'invalid-token' }],
    ['a truncated token', `Bearer ${token.slice(0, 40)}`, { kind: 'invalid-token' }],
    ['an upper-case token prefix', `Bearer ATA_${token.slice(4)}`, { kind: 'invalid-token' }],

    // Other schemes.
    [
      'a native Bearer PAT',
      'Bearer NjM0NzE4NzE2MTQ3OpHaqAkWDlxWJMDTL2TiDLXR+d0z',
      { kind: 'other', scheme: 'Bearer' },
    ],
    ['Negotiate', 'Negotiate YIIB', { kind: 'other', scheme: 'Negotiate' }],
    [
      'Digest with parameters',
      'Digest username="alice", realm="jira", nonce="x"',
      { kind: 'other', scheme: 'Digest' },
    ],
    ['a scheme without credentials', 'AWS4-HMAC-SHA256', { kind: 'other', scheme: 'AWS4-HMAC-SHA256' }],

    // Malformed.
    ['an empty header', '', { kind: 'malformed', reason: 'EMPTY' }],
    ['only whitespace', ' \t ', { kind: 'malformed', reason: 'EMPTY' }],
    ['Basic without credentials', 'Basic', { kind: 'malformed', reason: 'MISSING_CREDENTIALS' }],
    ['Basic with only spaces after it', 'Basic    ', { kind: 'malformed', reason: 'MISSING_CREDENTIALS' }],
    ['Bearer without a value', 'Bearer ', { kind: 'malformed', reason: 'MISSING_CREDENTIALS' }],
    [
      'Bearer with spaces inside the value',
      'Bearer abc def',
      { kind: 'malformed', reason: 'INVALID_BEARER' },
    ],
    ['Bearer with a quote', 'Bearer "abc"', { kind: 'malformed', reason: 'INVALID_BEARER' }],
    ['invalid base64 characters', 'Basic !!!!', { kind: 'malformed', reason: 'INVALID_BASE64' }],
    ['base64url characters', 'Basic YW-_', { kind: 'malformed', reason: 'INVALID_BASE64' }],
    [
      'a space inside the base64',
      `Basic ${b64('alice:secret').slice(0, 4)} ${b64('alice:secret').slice(4)}`,
      { kind: 'malformed', reason: 'INVALID_BASE64' },
    ],
    ['an impossible base64 length', 'Basic YWxpY', { kind: 'malformed', reason: 'INVALID_BASE64' }],
    ['padding in the middle', 'Basic YQ==YWxp', { kind: 'malformed', reason: 'INVALID_BASE64' }],
    ['too much padding', 'Basic YWxpY2U6eA===', { kind: 'malformed', reason: 'INVALID_BASE64' }],
    ['non-zero trailing bits', 'Basic YWxpY2U6eB==', { kind: 'malformed', reason: 'INVALID_BASE64' }],
    ['no colon', `Basic ${b64('alice')}`, { kind: 'malformed', reason: 'MISSING_COLON' }],
    ['an empty username', `Basic ${b64(':secret')}`, { kind: 'malformed', reason: 'EMPTY_USERNAME' }],
    [
      'a tab in the username',
      `Basic ${b64('al\tice:secret')}`,
      { kind: 'malformed', reason: 'INVALID_USERNAME' },
    ],
    [
      'a NUL in the username',
      `Basic ${b64('alice\u0000:secret')}`,
      { kind: 'malformed', reason: 'INVALID_USERNAME' },
    ],
    [
      'a C1 control in the username',
      `Basic ${b64('alice\u0085:secret')}`,
      { kind: 'malformed', reason: 'INVALID_USERNAME' },
    ],
    [
      'an empty username with a token',
      `Basic ${b64(`:${token}`)}`,
      { kind: 'malformed', reason: 'EMPTY_USERNAME' },
    ],
    [
      'Latin-1 bytes',
      `Basic ${b64bytes([0x4a, 0xfc, 0x72, 0x67, 0x3a, 0x70])}`,
      { kind: 'malformed', reason: 'INVALID_UTF8' },
    ],
    [
      'an overlong UTF-8 slash',
      `Basic ${b64bytes([0x61, 0xc0, 0xaf, 0x3a, 0x70])}`,
      { kind: 'malformed', reason: 'INVALID_UTF8' },
    ],
    [
      'a UTF-8 surrogate',
      `Basic ${b64bytes([0x61, 0xed, 0xa0, 0x80, 0x3a, 0x70])}`,
      { kind: 'malformed', reason: 'INVALID_UTF8' },
    ],
    [
      'truncated UTF-8',
      `Basic ${b64bytes([0x61, 0x3a, 0xe2, 0x82])}`,
      { kind: 'malformed', reason: 'INVALID_UTF8' },
    ],
    [
      'above U+10FFFF',
      `Basic ${b64bytes([0x61, 0x3a, 0xf4, 0x90, 0x80, 0x80])}`,
      { kind: 'malformed', reason: 'INVALID_UTF8' },
    ],
    ['a scheme with a separator', 'Bas(ic abc', { kind: 'malformed', reason: 'INVALID_SCHEME' }],
  ])('%s', (_name, header, expected) => {
    expect(classifyAuthorization(header)).toEqual(expected);
  });

  test('a Bearer token has no username key at all', () => {
    expect(classifyAuthorization(`Bearer ${token}`)).not.toHaveProperty('username');
  });

  test(`the size limit is ${MAX_AUTHORIZATION_LENGTH} characters, inclusive`, () => {
    const bearer = (length: number) => `Bearer ${'x'.repeat(length - 'Bearer '.length)}`;
    expect(bearer(MAX_AUTHORIZATION_LENGTH)).toHaveLength(8192);
    expect(classifyAuthorization(bearer(8192))).toEqual({ kind: 'other', scheme: 'Bearer' });
    expect(classifyAuthorization(bearer(8193))).toEqual({ kind: 'malformed', reason: 'TOO_LARGE' });
    // 'alice:' + 6131 characters = 6137 bytes → 8184 base64 characters + 'Basic ' = 8190.
    const longPassword = `Basic ${b64(`alice:${'p'.repeat(6131)}`)}`;
    expect(longPassword.length).toBeLessThanOrEqual(8192);
    expect(classifyAuthorization(longPassword)).toMatchObject({ kind: 'password', username: 'alice' });
    expect(classifyAuthorization(`Basic ${b64(`alice:${'p'.repeat(6200)}`)}`)).toEqual({
      kind: 'malformed',
      reason: 'TOO_LARGE',
    });
  });

  test('a non-string header is misuse', () => {
    expect(() => classifyAuthorization(['Basic x'] as unknown as string)).toThrow(TokenPolicyError);
  });
});

describe('splitAuthorization', () => {
  /** The reading by regular expressions it replaces (trim spaces and tabs, then scheme and the rest). */
  function byRegularExpressions(header: string): { scheme: string; value: string } | null {
    const trimmed = header.replace(/^[ \t]+|[ \t]+$/g, '');
    if (trimmed === '') return null;
    const match = /^([^ \t]+)(?:[ \t]+([^]*))?$/.exec(trimmed);
    return { scheme: match?.[1] ?? '', value: match?.[2] ?? '' };
  }

  test('reads every header value as the regular expressions do', () => {
    const character = fc.constantFrom(' ', '\t', 'a', 'B', ':', '=', '\n', '\u00a0', 'ä');
    fc.assert(
      fc.property(fc.array(character, { maxLength: 16 }), (characters) => {
        const header = characters.join('');
        expect(splitAuthorization(header)).toEqual(byRegularExpressions(header));
      }),
      { numRuns: 3000 },
    );
  });
});
