import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MAX_TOKEN_NAME_LENGTH, validateTokenName, type TokenNameErrorCode } from './token-names.js';

describe('validateTokenName', () => {
  test.each<[string, unknown, string]>([
    ['plain', 'ci deploy', 'ci deploy'],
    ['trimmed', '  ci  ', 'ci'],
    ['trimmed tabs and newlines around', '\tci\n', 'ci'],
    ['accents', 'josé’s token', 'josé’s token'],
    ['CJK', '山田太郎のトークン', '山田太郎のトークン'],
    ['an emoji with a joiner', 'deploy 👩‍💻', 'deploy 👩‍💻'],
    ['a flag (two astral characters)', 'release 🇩🇪', 'release 🇩🇪'],
    ['exactly the longest', 'x'.repeat(MAX_TOKEN_NAME_LENGTH), 'x'.repeat(MAX_TOKEN_NAME_LENGTH)],
    ['punctuation and HTML', '<b>"ci" & co</b>', '<b>"ci" & co</b>'],
  ])('accepts %s', (_name, input, expected) => {
    expect(validateTokenName(input)).toEqual({ ok: true, name: expected });
  });

  test.each<[string, unknown, TokenNameErrorCode, string?]>([
    ['undefined', undefined, 'TOKEN_NAME_REQUIRED'],
    ['a number', 42, 'TOKEN_NAME_REQUIRED'],
    ['empty', '', 'TOKEN_NAME_REQUIRED'],
    ['only spaces', '   ', 'TOKEN_NAME_REQUIRED'],
    ['one too long', 'x'.repeat(MAX_TOKEN_NAME_LENGTH + 1), 'TOKEN_NAME_TOO_LONG'],
    ['NUL', 'ci\u0000x', 'TOKEN_NAME_CONTROL_CHARACTER', 'U+0000'],
    ['ESC (a terminal escape)', 'ci\u001b[31mred', 'TOKEN_NAME_CONTROL_CHARACTER', 'U+001B'],
    ['a tab inside', 'c\ti', 'TOKEN_NAME_CONTROL_CHARACTER', 'U+0009'],
    ['a newline inside (log injection)', 'ci\nforged line', 'TOKEN_NAME_CONTROL_CHARACTER', 'U+000A'],
    ['DEL', 'ci\u007f', 'TOKEN_NAME_CONTROL_CHARACTER', 'U+007F'],
    ['a C1 control', 'ci\u0085', 'TOKEN_NAME_CONTROL_CHARACTER', 'U+0085'],
    ['a line separator inside', 'a\u2028b', 'TOKEN_NAME_CONTROL_CHARACTER', 'U+2028'],
    ['a right-to-left override', 'ci\u202egnp.exe', 'TOKEN_NAME_CONTROL_CHARACTER', 'U+202E'],
    ['a bidi isolate', 'ci\u2066x', 'TOKEN_NAME_CONTROL_CHARACTER', 'U+2066'],
    ['a lone high surrogate', 'ci\ud800', 'TOKEN_NAME_INVALID_UNICODE', 'U+D800'],
    ['a lone low surrogate', '\udc00ci', 'TOKEN_NAME_INVALID_UNICODE', 'U+DC00'],
    ['surrogates in the wrong order', 'ci\udc00\ud800', 'TOKEN_NAME_INVALID_UNICODE'],
  ])('refuses %s', (_name, input, code, names) => {
    const result = validateTokenName(input);
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok && names !== undefined) expect(result.message).toContain(names);
    // The message never echoes the refused text itself.
    if (!result.ok && typeof input === 'string' && input.length > 3)
      expect(result.message).not.toContain(input);
  });

  test('property: accepted names carry no control character and are their own trim', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (input) => {
        const result = validateTokenName(input);
        if (!result.ok) return;
        expect(result.name).toBe(result.name.trim());
        expect(result.name.length).toBeGreaterThan(0);
        expect(result.name.length).toBeLessThanOrEqual(MAX_TOKEN_NAME_LENGTH);
        for (const char of result.name) {
          const code = char.codePointAt(0) as number;
          const forbidden =
            code <= 0x1f ||
            (code >= 0x7f && code <= 0x9f) ||
            code === 0x2028 ||
            code === 0x2029 ||
            (code >= 0x202a && code <= 0x202e) ||
            (code >= 0x2066 && code <= 0x2069);
          expect(forbidden).toBe(false);
        }
        expect(() => encodeURIComponent(result.name)).not.toThrow(); // throws on a lone surrogate
      }),
    );
  });
});
