import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { classifyPasswordRoute, type PasswordRoute, type PasswordRouteRequest } from './password-routes.js';

const none: PasswordRoute = { carriesPassword: false };
const route = (kind: string, usernames: string[] = []) => ({ carriesPassword: true, kind, usernames });

describe('classifyPasswordRoute', () => {
  test.each<[string, PasswordRouteRequest, unknown]>([
    // REST session login (Jira `com.atlassian.jira.rest.auth.Login`): every spelling Tomcat routes there.
    [
      'session login',
      { method: 'POST', path: '/rest/auth/1/session', json: { username: 'alice', password: 'x' } },
      route('rest-session-login', ['alice']),
    ],
    [
      'session login, latest',
      { method: 'POST', path: '/rest/auth/latest/session' },
      route('rest-session-login'),
    ],
    ['session login, 1.0', { method: 'POST', path: '/rest/auth/1.0/session' }, route('rest-session-login')],
    [
      'session login, version 2',
      { method: 'POST', path: '/rest/auth/2/session' },
      route('rest-session-login'),
    ],
    [
      'session login, any case',
      { method: 'post', path: '/REST/Auth/LATEST/Session' },
      route('rest-session-login'),
    ],
    [
      'session login, trailing slash',
      { method: 'POST', path: '/rest/auth/1/session/' },
      route('rest-session-login'),
    ],
    [
      'session login, ;parameters in every segment',
      { method: 'POST', path: '/rest;a=b/auth;x/1;y/session;jsessionid=1' },
      route('rest-session-login'),
    ],
    [
      'session login, // and ./',
      { method: 'POST', path: '//rest/./auth//1/session' },
      route('rest-session-login'),
    ],
    [
      'session login, ..',
      { method: 'POST', path: '/rest/api/../auth/1/session' },
      route('rest-session-login'),
    ],
    [
      'session login, JSON without a username',
      { method: 'POST', path: '/rest/auth/1/session', json: { user: 'alice' } },
      route('rest-session-login'),
    ],
    [
      'session login, JSON array',
      { method: 'POST', path: '/rest/auth/1/session', json: ['alice'] },
      route('rest-session-login'),
    ],
    [
      'session login, username not a string',
      { method: 'POST', path: '/rest/auth/1/session', json: { username: 42 } },
      route('rest-session-login'),
    ],
    ['GET of the session (who am I) is no login', { method: 'GET', path: '/rest/auth/1/session' }, none],
    ['DELETE of the session (logout) is no login', { method: 'DELETE', path: '/rest/auth/1/session' }, none],
    ['another auth resource', { method: 'POST', path: '/rest/auth/1/websudo' }, none],
    ['not a version', { method: 'POST', path: '/rest/auth/one/session' }, none],
    ['a deeper path', { method: 'POST', path: '/rest/auth/1/session/extra' }, none],
    ['outside /rest', { method: 'POST', path: '/auth/1/session' }, none],

    // The dashboard login gadget (Jira `LoginGadgetResource`; Seraph's login filter reads the form).
    [
      'gadget login with a form',
      {
        method: 'POST',
        path: '/rest/gadget/1.0/login',
        form: 'os_username=bob&os_password=x&os_cookie=true',
      },
      route('gadget-login', ['bob']),
    ],
    [
      'gadget login with Basic only',
      { method: 'POST', path: '/rest/gadget/1.0/login' },
      route('gadget-login'),
    ],
    ['gadget login, latest', { method: 'POST', path: '/rest/gadget/latest/login/' }, route('gadget-login')],
    ['gadget login, GET', { method: 'GET', path: '/rest/gadget/1.0/login' }, none],

    // Seraph's os_username / os_password on any URL.
    [
      'os_password in the query of a REST path',
      { method: 'GET', path: '/rest/api/2/myself', query: 'os_username=alice&os_password=secret' },
      route('seraph-parameters', ['alice']),
    ],
    [
      'os_password in the query of a page',
      {
        method: 'GET',
        path: '/secure/Dashboard.jspa',
        query: 'os_username=alice&os_password=x&os_authType=basic',
      },
      route('seraph-parameters', ['alice']),
    ],
    [
      'os_password in the query of the login form itself',
      { method: 'GET', path: '/login.jsp', query: 'os_username=alice&os_password=x' },
      route('seraph-parameters', ['alice']),
    ],
    [
      'os_password without os_username',
      { method: 'GET', path: '/rest/api/2/myself', query: 'os_password=x' },
      route('seraph-parameters'),
    ],
    [
      'an empty os_password still counts',
      { method: 'GET', path: '/', query: 'os_username=alice&os_password' },
      route('seraph-parameters', ['alice']),
    ],
    [
      'parameter names in any case',
      { method: 'GET', path: '/', query: 'OS_USERNAME=alice&Os_Password=x' },
      route('seraph-parameters', ['alice']),
    ],
    [
      'percent-encoded names and values',
      { method: 'GET', path: '/', query: 'os%5Fusername=jos%C3%A9&os%5fpassword=x' },
      route('seraph-parameters', ['josé']),
    ],
    [
      '+ is a space',
      { method: 'GET', path: '/', query: 'os_username=mary+ann&os_password=x' },
      route('seraph-parameters', ['mary ann']),
    ],
    [
      'the first os_username wins, as getParameter does',
      { method: 'GET', path: '/', query: 'os_username=a&os_username=b&os_password=x' },
      route('seraph-parameters', ['a']),
    ],
    [
      'invalid percent-encoding is read leniently',
      { method: 'GET', path: '/', query: 'os_username=%FF%zz&os_password=%' },
      route('seraph-parameters', ['\uFFFD%zz']),
    ],
    [
      'decoded pairs',
      {
        method: 'GET',
        path: '/',
        query: [
          ['os_username', 'alice'],
          ['os_password', 'x'],
        ],
      },
      route('seraph-parameters', ['alice']),
    ],
    [
      'os_password in the form body of a REST path',
      { method: 'POST', path: '/rest/api/2/issue', form: 'os_username=alice&os_password=x' },
      route('seraph-parameters', ['alice']),
    ],
    [
      'os_password in the form body of a REST path, any method',
      { method: 'PUT', path: '/REST/api/2/issue/X-1', form: [['os_password', 'x']] },
      route('seraph-parameters'),
    ],
    [
      'os_username alone (the login form prefill) is no password',
      { method: 'GET', path: '/login.jsp', query: 'os_username=alice' },
      none,
    ],
    [
      'os_authType alone carries no password',
      { method: 'GET', path: '/rest/api/2/myself', query: 'os_authType=basic' },
      none,
    ],
    ['os_cookie alone carries no password', { method: 'GET', path: '/', query: 'os_cookie=true' }, none],
    [
      'a similar name',
      { method: 'GET', path: '/', query: 'os_passwords=x&xos_password=y&os_password2=z' },
      none,
    ],
    ['; is no separator for Tomcat', { method: 'GET', path: '/', query: 'a=1;os_password=x' }, none],

    // The HTML login forms stay open: their form bodies are no password route.
    [
      'Jira login form',
      { method: 'POST', path: '/login.jsp', form: 'os_username=alice&os_password=x' },
      none,
    ],
    [
      'Confluence login form',
      { method: 'POST', path: '/dologin.action', form: 'os_username=alice&os_password=x' },
      none,
    ],
    [
      'Confluence login page',
      { method: 'POST', path: '/login.action', form: 'os_username=alice&os_password=x' },
      none,
    ],
    ['a page with a form', { method: 'POST', path: '/secure/Dashboard.jspa', form: 'os_password=x' }, none],

    // Embedded Crowd (Jira as a user server).
    [
      'Crowd authentication',
      {
        method: 'POST',
        path: '/rest/usermanagement/1/authentication',
        query: 'username=carol',
        json: { value: 'x' },
      },
      route('crowd-authentication', ['carol']),
    ],
    [
      'Crowd SSO session',
      {
        method: 'POST',
        path: '/rest/usermanagement/latest/session',
        json: { username: 'carol', password: 'x' },
      },
      route('crowd-session', ['carol']),
    ],
    [
      'Crowd user look-up',
      { method: 'GET', path: '/rest/usermanagement/1/user', query: 'username=carol' },
      none,
    ],

    // Legacy remote APIs.
    ['XML-RPC', { method: 'POST', path: '/rpc/xmlrpc' }, route('remote-api')],
    [
      'SOAP (Confluence)',
      { method: 'POST', path: '/rpc/soap-axis/confluenceservice-v2' },
      route('remote-api'),
    ],
    ['SOAP (Jira)', { method: 'POST', path: '/rpc/soap/jirasoapservice-v2' }, route('remote-api')],
    ['JSON-RPC', { method: 'POST', path: '/rpc/json-rpc/confluenceservice-v2/login' }, route('remote-api')],
    ['the WSDL', { method: 'GET', path: '/rpc/soap-axis/confluenceservice-v2' }, none],

    // Ordinary requests.
    ['a REST call', { method: 'GET', path: '/rest/api/2/issue/X-1', query: 'expand=names' }, none],
    [
      'a JSON body on a REST call',
      { method: 'POST', path: '/rest/api/2/issue', json: { username: 'x', password: 'y' } },
      none,
    ],
    ['the root', { method: 'GET', path: '/' }, none],
    ['an empty path', { method: 'GET', path: '' }, none],
  ])('%s', (_name, request, expected) => {
    expect(classifyPasswordRoute(request)).toEqual(expected);
  });

  test('a route naming several users names each once, in order', () => {
    expect(
      classifyPasswordRoute({
        method: 'POST',
        path: '/rest/auth/1/session',
        query: 'os_username=bob&os_password=x',
        json: { username: 'alice' },
      }),
    ).toEqual(route('rest-session-login', ['bob', 'alice']));
    expect(
      classifyPasswordRoute({
        method: 'POST',
        path: '/rest/gadget/1.0/login',
        query: 'os_username=bob',
        form: 'os_username=bob&os_password=x',
      }),
    ).toEqual(route('gadget-login', ['bob']));
  });

  const spellings = fc.record({
    upper: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    params: fc.array(fc.constantFrom('', ';a', ';jsessionid=1', ';x=y;z'), { minLength: 4, maxLength: 4 }),
    version: fc.constantFrom('1', 'latest', '1.0', '2', '10.3.1'),
    slash: fc.boolean(),
  });

  test('property: every spelling of the session login is one', () => {
    fc.assert(
      fc.property(spellings, ({ upper, params, version, slash }) => {
        const segments = ['rest', 'auth', version, 'session'].map(
          (segment, i) => `${upper[i] ? segment.toUpperCase() : segment}${params[i]}`,
        );
        const path = `/${segments.join('/')}${slash ? '/' : ''}`;
        expect(classifyPasswordRoute({ method: 'POST', path })).toMatchObject({ kind: 'rest-session-login' });
      }),
    );
  });

  const parameter = fc
    .tuple(fc.string({ unit: 'grapheme-ascii' }), fc.string({ unit: 'grapheme-ascii' }))
    .filter(([name]) => !/os_password|os%5fpassword/i.test(name))
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);

  test('property: os_password anywhere in a query makes any path a password route', () => {
    fc.assert(
      fc.property(
        fc.array(parameter),
        fc.array(parameter),
        fc.string({ unit: 'grapheme-ascii' }),
        fc.constantFrom('/', '/rest/api/2/myself', '/login.jsp', '/secure/Dashboard.jspa', '/x/y'),
        (before, after, password, path) => {
          const query = [...before, `os_password=${encodeURIComponent(password)}`, ...after].join('&');
          expect(classifyPasswordRoute({ method: 'GET', path, query })).toMatchObject({
            carriesPassword: true,
            kind: 'seraph-parameters',
          });
        },
      ),
    );
  });

  test('property: without os_password, an ordinary GET is never a password route', () => {
    fc.assert(
      fc.property(fc.array(parameter), fc.string({ unit: 'grapheme-ascii' }), (parameters, path) => {
        expect(
          classifyPasswordRoute({ method: 'GET', path: `/${path}`, query: parameters.join('&') }),
        ).toEqual(none);
      }),
    );
  });
});
