import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  analyseRequestTarget,
  analyseRequestTargetInFull,
  type RequestTargetRejection,
} from './request-target.js';

const SESSION = '/rest/auth/1/session';

describe('analyseRequestTarget: Tomcat reads these as the REST session login path', () => {
  test.each([
    ['/rest/auth/1/session'],
    ['/rest;x=y/auth/1/session'],
    ['/rest;jsessionid=ABC/auth;a=b;c=d/1/session;x'],
    ['/%72est/auth/1/session'],
    ['/%72%65%73%74/auth/1/%73ession'],
    ['//rest/auth/1/session'],
    ['/rest//auth///1/session'],
    ['/rest/../rest/auth/1/session'],
    ['/rest/./auth/./1/session'],
    ['/x/../rest/auth/1/session'],
    ['/rest/auth/1/session/'],
    ['/rest/auth/1/session/.'],
    ['/rest/auth/1/session/x/..'],
    ['/rest/auth/1/session?os_authType=basic'],
    ['/rest/%2e%2e/rest/auth/1/session'],
    ['/rest/%2E/auth/1/session'],
    ['/rest/..;x=y/rest/auth/1/session'],
    ['/;x/rest/auth/1/session'],
  ])('%s', (raw) => {
    const target = analyseRequestTarget(raw, '');
    expect(target.ok).toBe(true);
    if (target.ok) {
      expect(target.matchPath).toBe(SESSION);
      expect(target.insideContext).toBe(true);
      expect(target.contextRelative.replace(/\/$/, '')).toBe(SESSION);
    }
  });
});

describe('analyseRequestTarget: not the session path', () => {
  test.each([
    // `%3B` is a literal ';' inside the segment for Tomcat: "rest;x" is not "rest".
    ['/rest%3Bx=y/auth/1/session', '/rest;x=y/auth/1/session'],
    // Decoded once only.
    ['/%2572est/auth/1/session', '/%72est/auth/1/session'],
    ['/rest/auth/1/sessions', '/rest/auth/1/sessions'],
    ['/rest/auth/1/session%20', '/rest/auth/1/session '],
  ])('%s → %s', (raw, path) => {
    const target = analyseRequestTarget(raw, '');
    expect(target).toMatchObject({ ok: true, path });
    if (target.ok) expect(target.matchPath).not.toBe(SESSION);
  });

  test('case is kept in path and folded in matchPath (over-matching sensitive paths is the safe side)', () => {
    expect(analyseRequestTarget('/REST/Auth/1/Session/', '')).toMatchObject({
      ok: true,
      path: '/REST/Auth/1/Session/',
      matchPath: SESSION,
      contextRelative: '/REST/Auth/1/Session/',
    });
  });
});

describe('analyseRequestTarget: context path', () => {
  test.each<[string, string, boolean, string]>([
    ['/jira/rest/api/2/myself', '/jira', true, '/rest/api/2/myself'],
    ['/jira', '/jira', true, '/'],
    ['/jira/', '/jira', true, '/'],
    ['/jira;x=1/rest', '/jira', true, '/rest'],
    ['/%6Aira/rest', '/jira', true, '/rest'],
    ['//jira//rest', '/jira', true, '/rest'],
    ['/jira/../jira/rest', '/jira', true, '/rest'],
    ['/jira2/rest', '/jira', false, ''],
    ['/jir', '/jira', false, ''],
    ['/', '/jira', false, ''],
    ['/jira/../rest/auth/1/session', '/jira', false, ''],
    ['/JIRA/rest', '/jira', false, ''],
    ['/confluence/rest', '/confluence/', true, '/rest'],
    ['/anything', '', true, '/anything'],
    ['/', '', true, '/'],
    ['/', '/', true, '/'],
  ])('%s in %j → inside %s, relative %j', (raw, ctx, inside, relative) => {
    expect(analyseRequestTarget(raw, ctx)).toMatchObject({
      ok: true,
      insideContext: inside,
      contextRelative: relative,
    });
  });

  test('management and UI routes are found after normalisation', () => {
    expect(analyseRequestTarget('/wiki/rest/api-token-auth/1.0/tokens?x=1', '/wiki')).toEqual({
      ok: true,
      path: '/wiki/rest/api-token-auth/1.0/tokens',
      matchPath: '/wiki/rest/api-token-auth/1.0/tokens',
      insideContext: true,
      contextRelative: '/rest/api-token-auth/1.0/tokens',
      query: 'x=1',
    });
    expect(analyseRequestTarget('/wiki/plugins/servlet/api-token-auth/admin', '/wiki')).toMatchObject({
      contextRelative: '/plugins/servlet/api-token-auth/admin',
    });
  });

  test('the query is kept raw and never normalised', () => {
    expect(analyseRequestTarget('/a/../b?x=/../%2F&y=;z', '')).toMatchObject({
      ok: true,
      path: '/b',
      query: 'x=/../%2F&y=;z',
    });
    expect(analyseRequestTarget('/a?', '')).toMatchObject({ ok: true, path: '/a', query: '' });
  });

  test('UTF-8 is decoded', () => {
    expect(analyseRequestTarget('/wiki/display/%C3%A9t%C3%A9', '/wiki')).toMatchObject({
      ok: true,
      path: '/wiki/display/été',
    });
  });

  test.each(['jira', 'rest/'])('a context path not starting with / is a programming error (%j)', (ctx) => {
    expect(() => analyseRequestTarget('/x', ctx)).toThrow(TypeError);
  });
});

describe('analyseRequestTarget: absolute-form', () => {
  test('accepted only for the request’s own host', () => {
    expect(
      analyseRequestTarget('http://GW.example:8080/jira/rest?x', '/jira', { host: 'gw.example:8080' }),
    ).toMatchObject({
      ok: true,
      path: '/jira/rest',
      query: 'x',
    });
    expect(analyseRequestTarget('https://gw.example?x', '', { host: 'gw.example' })).toMatchObject({
      ok: true,
      path: '/',
      query: 'x',
    });
  });

  test.each<[string, string | undefined]>([
    ['http://evil.example/jira/rest', 'gw.example'],
    ['http://gw.example@evil.example/jira/rest', 'gw.example'],
    ['http://gw.example/jira/rest', undefined],
  ])('%s with Host %j → FOREIGN_HOST', (raw, host) => {
    expect(analyseRequestTarget(raw, '/jira', host === undefined ? undefined : { host })).toEqual({
      ok: false,
      reason: 'FOREIGN_HOST',
    });
  });
});

describe('analyseRequestTarget: refused', () => {
  test.each<[string, RequestTargetRejection]>([
    ['', 'EMPTY'],
    ['*', 'NOT_ORIGIN_FORM'],
    ['rest/auth/1/session', 'NOT_ORIGIN_FORM'],
    ['jira.example:443', 'NOT_ORIGIN_FORM'],
    ['ftp://gw.example/x', 'NOT_ORIGIN_FORM'],
    ['/rest/auth/1/session#frag', 'FRAGMENT'],
    ['/rest%2Fauth/1/session', 'ENCODED_SLASH'],
    ['/rest%2fauth/1/session', 'ENCODED_SLASH'],
    ['/rest/..%2F../secret', 'ENCODED_SLASH'],
    ['/rest\\auth/1/session', 'BACKSLASH'],
    ['/rest%5Cauth/1/session', 'BACKSLASH'],
    ['/rest%5cauth', 'BACKSLASH'],
    ['/rest%00/auth', 'NUL'],
    ['/rest\u0000/auth', 'INVALID_CHARACTER'],
    ['/rest%01/auth', 'INVALID_CHARACTER'],
    ['/rest%0d%0aX-Injected:%201', 'INVALID_CHARACTER'],
    ['/rest%7F', 'INVALID_CHARACTER'],
    ['/rest /auth', 'INVALID_CHARACTER'],
    ['/rest\t/auth', 'INVALID_CHARACTER'],
    ['/r\u00e9st', 'INVALID_CHARACTER'],
    ['/rest\u007f', 'INVALID_CHARACTER'],
    ['/rest%', 'INVALID_PERCENT_ENCODING'],
    ['/rest%2', 'INVALID_PERCENT_ENCODING'],
    ['/rest%zz', 'INVALID_PERCENT_ENCODING'],
    ['/rest%%32%66', 'INVALID_PERCENT_ENCODING'],
    ['/rest%C3', 'INVALID_UTF8'],
    ['/rest%C0%AF', 'INVALID_UTF8'],
    ['/rest%ED%A0%80', 'INVALID_UTF8'],
    ['/%FF', 'INVALID_UTF8'],
    ['/..', 'ABOVE_ROOT'],
    ['/../rest/auth/1/session', 'ABOVE_ROOT'],
    ['/rest/../../x', 'ABOVE_ROOT'],
    ['/%2e%2e/x', 'ABOVE_ROOT'],
    ['/..;x/rest', 'ABOVE_ROOT'],
  ])('%j → %s', (raw, reason) => {
    expect(analyseRequestTarget(raw, '')).toEqual({ ok: false, reason });
  });

  test('params are removed before decoding, so an encoded slash inside params is ignored like Tomcat does', () => {
    expect(analyseRequestTarget('/rest;x=%2F/auth', '')).toMatchObject({ ok: true, path: '/rest/auth' });
  });
});

describe('the one-pass shortcut agrees with the full analysis', () => {
  const piece = fc.constantFrom(
    '/',
    '//',
    'rest',
    'api',
    '2',
    'REST',
    '.',
    '..',
    '.x',
    'a.b',
    '%72',
    '%2F',
    '%5c',
    '%',
    ';',
    ';x=y',
    '\\',
    '#',
    '?',
    '?a=1',
    '&',
    '=',
    'jira',
    '~',
    '-',
    '_',
    '!',
    '@',
    ':',
    '+',
    ',',
  );
  test.each(['', '/jira', '/jira/'])('context path %j', (contextPath) => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), fc.boolean(), (pieces, leadingSlash) => {
        const url = `${leadingSlash ? '/' : ''}${pieces.join('')}`;
        expect(analyseRequestTarget(url, contextPath)).toEqual(analyseRequestTargetInFull(url, contextPath));
      }),
      { numRuns: 3_000 },
    );
  });
});
