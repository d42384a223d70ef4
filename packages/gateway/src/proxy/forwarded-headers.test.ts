import { describe, expect, test } from 'vitest';
import { buildClientResponseHeaders, buildUpstreamRequestHeaders } from './forwarded-headers.js';

const base = { clientIp: '203.0.113.9', proto: 'https' as const };

describe('buildUpstreamRequestHeaders', () => {
  test('keeps names, order and repeats; appends the forwarding headers', () => {
    const { headers, hasBody } = buildUpstreamRequestHeaders(
      ['Host', 'gw.example', 'Accept', 'a', 'X-Multi', '1', 'x-multi', '2'],
      base,
    );
    expect(headers).toEqual([
      'Accept',
      'a',
      'X-Multi',
      '1',
      'x-multi',
      '2',
      'x-forwarded-for',
      '203.0.113.9',
      'x-forwarded-proto',
      'https',
      'x-forwarded-host',
      'gw.example',
    ]);
    expect(hasBody).toBe(false);
  });

  test('no Host (HTTP/1.0): no X-Forwarded-Host', () => {
    expect(buildUpstreamRequestHeaders([], base).headers).toEqual([
      'x-forwarded-for',
      '203.0.113.9',
      'x-forwarded-proto',
      'https',
    ]);
  });

  test.each<[string, string[], boolean]>([
    ['no length', [], false],
    ['zero length', ['Content-Length', '0'], false],
    ['length', ['Content-Length', '12'], true],
    ['chunked', ['Transfer-Encoding', 'chunked'], true],
    [
      'length named by Connection still has a body',
      ['Connection', 'content-length', 'Content-Length', '5'],
      true,
    ],
  ])('body detection: %s', (_name, raw, hasBody) => {
    expect(buildUpstreamRequestHeaders(raw, base).hasBody).toBe(hasBody);
  });

  test('Transfer-Encoding and Expect are not forwarded; Content-Length once', () => {
    const { headers } = buildUpstreamRequestHeaders(
      [
        'Transfer-Encoding',
        'chunked',
        'Expect',
        '100-continue',
        'Content-Length',
        '3',
        'content-length',
        '3',
      ],
      base,
    );
    expect(headers.filter((_, i) => i % 2 === 0)).toEqual([
      'Content-Length',
      'x-forwarded-for',
      'x-forwarded-proto',
    ]);
  });

  test('setHeaders are not removed by Connection tokens, removeHeaders or client copies', () => {
    const { headers } = buildUpstreamRequestHeaders(
      ['Connection', 'X-Forwarded-User', 'X-Forwarded-User', 'evil', 'x-forwarded-user', 'evil2'],
      { ...base, removeHeaders: ['X-FORWARDED-USER'], setHeaders: { 'X-Forwarded-User': 'alice' } },
    );
    expect(headers).toEqual([
      'X-Forwarded-User',
      'alice',
      'x-forwarded-for',
      '203.0.113.9',
      'x-forwarded-proto',
      'https',
    ]);
  });

  test('setHeaders can replace the forwarding headers (any case)', () => {
    const { headers } = buildUpstreamRequestHeaders(['Host', 'gw'], {
      ...base,
      setHeaders: {
        'X-FORWARDED-FOR': '203.0.113.9, 10.0.0.2',
        'x-forwarded-proto': 'http',
        'X-Forwarded-Host': 'edge',
      },
    });
    expect(headers).toEqual([
      'X-FORWARDED-FOR',
      '203.0.113.9, 10.0.0.2',
      'x-forwarded-proto',
      'http',
      'X-Forwarded-Host',
      'edge',
    ]);
  });
});

describe('buildClientResponseHeaders', () => {
  test('drops hop-by-hop and Connection-named headers, keeps repeats, round-trips bytes', () => {
    const raw = [
      'Set-Cookie',
      'a=1',
      'Connection',
      'close, X-Internal',
      'X-Internal',
      'x',
      'Transfer-Encoding',
      'chunked',
      'set-cookie',
      'b=2',
      'X-Latin1',
      'caf\u00e9',
    ].map((text) => Buffer.from(text, 'latin1'));
    expect(buildClientResponseHeaders(raw)).toEqual([
      'Set-Cookie',
      'a=1',
      'set-cookie',
      'b=2',
      'X-Latin1',
      'caf\u00e9',
    ]);
  });
});
