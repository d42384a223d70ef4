import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeBase64, decodeUtf8 } from './text-decoding.js';

/** The platform's strict decoder is the reference: it refuses exactly what UTF-8 does not allow. */
function reference(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

describe('decodeUtf8', () => {
  test.each([
    [[0x61, 0x3a, 0x62], 'a:b'],
    [[0xc3, 0xa9], 'é'],
    [[0xf0, 0x9f, 0x94, 0x91], '🔑'],
    [[0xc0, 0xaf], null],
    [[0xed, 0xa0, 0x80], null],
    [[0xe2, 0x82], null],
    [[], ''],
  ])('%j → %j', (bytes, expected) => {
    expect(decodeUtf8(Uint8Array.from(bytes))).toBe(expected);
  });

  test('agrees with a strict TextDecoder on arbitrary bytes, ASCII-only or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(decodeUtf8(bytes)).toBe(reference(bytes));
      }),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (text) => {
        expect(decodeUtf8(new TextEncoder().encode(text))).toBe(text);
      }),
    );
  });

  test('decodes the longest Authorization header in one piece', () => {
    const bytes = new Uint8Array(8192).fill(0x61);
    expect(decodeUtf8(bytes)).toBe('a'.repeat(8192));
  });
});

describe('decodeBase64', () => {
  test('agrees with Node for canonical base64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64');
        expect(decodeBase64(text)).toEqual(Uint8Array.from(bytes));
      }),
    );
  });
});
