import { describe, expect, test } from 'vitest';
import { uiSecurityHeaders } from './security-headers.js';

const NONCE = 'q1w2e3r4t5y6u7i8o9p0AA==';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe('uiSecurityHeaders', () => {
  const headers = uiSecurityHeaders(NONCE);
  const csp = directives(headers['Content-Security-Policy'] ?? '');

  test('CSP allows only the nonce for scripts and same-origin for styles and fetches', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual([`'nonce-${NONCE}'`]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'self'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
  });

  test('CSP names no external origin and nothing unsafe', () => {
    const value = headers['Content-Security-Policy'] ?? '';
    expect(value).not.toMatch(/https?:|\*|unsafe-|strict-dynamic|wasm/);
  });

  test('other headers', () => {
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Referrer-Policy']).toBe('same-origin');
    expect(headers['X-Frame-Options']).toBe('SAMEORIGIN');
    expect(headers['Cache-Control']).toBe('no-store');
  });

  test('a fresh nonce gives a different policy', () => {
    expect(uiSecurityHeaders('ZZZZZZZZZZZZZZZZZZZZZZ==')['Content-Security-Policy']).not.toBe(
      headers['Content-Security-Policy'],
    );
  });

  test.each(["abc'; script-src *", 'short', '', 'a b c d e f g h i j k l m n', 'x'.repeat(21)])(
    'rejects the malformed nonce %j',
    (nonce) => {
      expect(() => uiSecurityHeaders(nonce)).toThrow(TypeError);
    },
  );
});
