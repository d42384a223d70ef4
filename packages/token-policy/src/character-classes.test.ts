import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isBase62, isSchemeToken, isToken68 } from './character-classes.js';

/** The specifications the tables replace. */
const SCHEME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const TOKEN68_PATTERN = /^[A-Za-z0-9\-._~+/]+=*$/;
const BASE62_PATTERN = /^[0-9A-Za-z]*$/;

/** Text near the classes' edges: their members, `=`, space, controls, non-ASCII and lone surrogates. */
const edgy = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...'!#$%&\'*+.^_`|~-=/ \t:;"(),@[]\\{}?aZ09\u007f\u0080é\u2028😀'.split('')),
    fc.constantFrom('\ud800', '\udfff', '\u0000'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 24,
});

describe.each([
  ['isSchemeToken', isSchemeToken, SCHEME_PATTERN],
  ['isToken68', isToken68, TOKEN68_PATTERN],
  ['isBase62', isBase62, BASE62_PATTERN],
] as const)('%s', (_name, classify, pattern) => {
  test('agrees with its regular expression on any text', () => {
    fc.assert(
      fc.property(fc.oneof(edgy, fc.string({ unit: 'binary', maxLength: 40 })), (text) => {
        expect(classify(text)).toBe(pattern.test(text));
      }),
      { numRuns: 5_000 },
    );
  });

  test('agrees on every single character and on the empty text', () => {
    for (let code = 0; code < 0x10000; code++) {
      const text = String.fromCharCode(code);
      expect(classify(text)).toBe(pattern.test(text));
    }
    expect(classify('')).toBe(pattern.test(''));
  });
});

test('token68 padding comes only at the end', () => {
  expect(isToken68('YWJj==')).toBe(true);
  expect(isToken68('YW=Jj')).toBe(false);
  expect(isToken68('==')).toBe(false);
});
