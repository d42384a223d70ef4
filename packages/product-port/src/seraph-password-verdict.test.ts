import { describe, expect, it } from 'vitest';
import { judgeSeraphPasswordResponse, type ResponseHeaders } from './seraph-password-verdict.js';

describe('judgeSeraphPasswordResponse', () => {
  it.each<[string, number, ResponseHeaders, 'failed' | 'succeeded' | 'unknown']>([
    ['401 without headers', 401, {}, 'failed'],
    ['401 with AUTHENTICATED_FAILED', 401, { 'x-seraph-loginreason': 'AUTHENTICATED_FAILED' }, 'failed'],
    [
      'anonymous 200 with AUTHENTICATED_FAILED',
      200,
      { 'x-seraph-loginreason': 'AUTHENTICATED_FAILED' },
      'failed',
    ],
    ['header name in any case', 200, { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED' }, 'failed'],
    ['reason in a list', 200, { 'x-seraph-loginreason': 'OUT, AUTHENTICATED_FAILED' }, 'failed'],
    [
      'reason in a repeated header',
      200,
      { 'x-seraph-loginreason': ['OK', 'AUTHENTICATED_FAILED'] },
      'failed',
    ],
    ['lower-case reason', 403, { 'x-seraph-loginreason': 'authenticated_failed' }, 'failed'],
    [
      'CAPTCHA on 403',
      403,
      {
        'x-seraph-loginreason': 'AUTHENTICATION_DENIED',
        'x-authentication-denied-reason': 'CAPTCHA_CHALLENGE; login-url=/login.jsp',
      },
      'unknown',
    ],
    ['CAPTCHA on 401', 401, { 'x-seraph-loginreason': 'AUTHENTICATION_DENIED' }, 'unknown'],
    ['200 with OK', 200, { 'x-seraph-loginreason': 'OK' }, 'succeeded'],
    ['204 without a reason', 204, {}, 'succeeded'],
    ['404 with OK (authenticated, resource missing)', 404, { 'x-seraph-loginreason': 'OK' }, 'succeeded'],
    ['403 without a reason', 403, {}, 'unknown'],
    ['404 without a reason', 404, {}, 'unknown'],
    ['302 to the login page', 302, { location: '/login.jsp' }, 'unknown'],
    ['503', 503, {}, 'unknown'],
    ['undefined header value', 200, { 'x-seraph-loginreason': undefined }, 'succeeded'],
    ['a look-alike header', 200, { 'x-seraph-loginreason-x': 'AUTHENTICATED_FAILED' }, 'succeeded'],
  ])('%s', (_label, status, headers, verdict) => {
    expect(judgeSeraphPasswordResponse(status, headers)).toBe(verdict);
  });
});
