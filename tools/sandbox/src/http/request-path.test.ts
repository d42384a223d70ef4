import { describe, expect, it } from 'vitest';
import { resolveRequestPath } from './request-path.js';

describe('resolveRequestPath', () => {
  it.each([
    ['/rest/api/2/myself', '', '/rest/api/2/myself'],
    ['/rest;jsessionid=1/api/2/myself', '', '/rest/api/2/myself'],
    ['/%72est/api/2/myself', '', '/rest/api/2/myself'],
    ['/a/../rest/api/2/myself', '', '/rest/api/2/myself'],
    // WHATWG URL parsing resolves encoded dot segments too, as Tomcat's normalisation does.
    ['/a/%2e%2e/rest/api/2/myself', '', '/rest/api/2/myself'],
    ['/confluence/rest/api/user', '/confluence', '/rest/api/user'],
    ['/%63onfluence/rest/api/user', '/confluence', '/rest/api/user'],
    ['/confluence/', '/confluence', '/'],
  ])('reads %s under %j as %s', (target, contextPath, path) => {
    expect(resolveRequestPath(target, contextPath)).toMatchObject({ kind: 'inside', path });
  });

  it.each([
    ['/rest/api%2F2/myself', 'encoded slash'],
    ['/rest/api%5C2/myself', 'encoded backslash'],
    ['/rest/%ZZ', 'bad escape'],
    ['/rest/%00', 'NUL'],
  ])('refuses %s (%s)', (target) => {
    expect(resolveRequestPath(target, '').kind).toBe('bad');
  });

  it.each(['/rest/api/user', '/confluencex/rest', '/'])('puts %s outside /confluence', (target) => {
    expect(resolveRequestPath(target, '/confluence')).toEqual({ kind: 'outside' });
  });

  it('keeps the query string', () => {
    const resolved = resolveRequestPath('/rest/api/2/user?username=a%20b&expand=groups', '');
    expect(resolved.kind === 'inside' && resolved.query.get('username')).toBe('a b');
  });
});
