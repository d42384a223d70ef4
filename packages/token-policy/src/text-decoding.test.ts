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
        expect(decodeBase64(text)).toEqual(Array.from(bytes));
      }),
    );
  });

  /** The specification: canonical base64, padding optional but correct where present. */
  function referenceBase64(text: string): number[] | null {
    const body = text.length % 4 === 0 ? text.replace(/={1,2}$/, '') : text;
    if (!/^[A-Za-z0-9+/]*$/.test(body) || body.length % 4 === 1) return null;
    const bytes = Buffer.from(body, 'base64');
    return bytes.toString('base64').replace(/=+$/, '') === body ? Array.from(bytes) : null;
  }

  test('refuses exactly what is not canonical base64, on any text', () => {
    const nearBase64 = fc.string({
      unit: fc.constantFrom(...'AQgw/+Zz09=-_ \u00e9\u0000'.split('')),
      maxLength: 16,
    });
    fc.assert(
      fc.property(fc.oneof(nearBase64, fc.string({ maxLength: 12 })), (text) => {
        expect(decodeBase64(text)).toEqual(referenceBase64(text));
      }),
      { numRuns: 10_000 },
    );
    expect(decodeBase64('YQ==')).toEqual([0x61]);
    expect(decodeBase64('YQ')).toEqual([0x61]);
    expect(decodeBase64('YR==')).toBeNull();
    expect(decodeBase64('YQ=')).toBeNull();
    expect(decodeBase64('Y===')).toBeNull();
    expect(decodeBase64('')).toEqual([]);
  });
});
