/**
 * The ways a password reaches the products (issue 20 item 1), as the sandbox implements them after the
 * real products: Jira's REST session login and login gadget, Seraph's os_username/os_password on any URL
 * (Jira) or only in the login form (Confluence), and os_authType=basic. Real HTTP, real ports.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.js';
import { basic, confluenceProduct, jiraProduct, products, sessionCookie } from './products.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields),
  redirect: 'manual' as const,
});
const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('Jira: REST session login (com.atlassian.jira.rest.auth.Login)', () => {
  it.each(['1', 'latest'])('logs in at /rest/auth/%s/session', async (version) => {
    sandbox = await jiraProduct.start();
    const res = await fetch(
      `${sandbox.url}/rest/auth/${version}/session`,
      json({ username: 'alice', password: 'alice' }),
    );
    expect(res.status).toBe(200);
    const cookie = sessionCookie(res);
    const me = await fetch(`${sandbox.url}/rest/api/2/myself`, { headers: { cookie } });
    expect(await jiraProduct.whoAmI(me)).toBe('alice');
  });

  it('serves no other version', async () => {
    sandbox = await jiraProduct.start();
    const res = await fetch(
      `${sandbox.url}/rest/auth/2/session`,
      json({ username: 'alice', password: 'alice' }),
    );
    expect(res.status).toBe(404);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('answers a wrong password as Jira does: 401 "Login failed", WWW-Authenticate: JIRA REST POST, counted', async () => {
    sandbox = await jiraProduct.start();
    const res = await fetch(
      `${sandbox.url}/rest/auth/latest/session`,
      json({ username: 'alice', password: 'nope' }),
    );
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('JIRA REST POST');
    expect(res.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED');
    expect(await res.json()).toEqual({ errorMessages: ['Login failed'], errors: {} });
    expect(sandbox.failedLoginCount('alice')).toBe(1);
  });

  it('denies at the CAPTCHA threshold with 403 "Login denied"', async () => {
    sandbox = await jiraProduct.start({ captchaThreshold: 1 });
    await fetch(`${sandbox.url}/rest/auth/1/session`, json({ username: 'alice', password: 'nope' }));
    const res = await fetch(
      `${sandbox.url}/rest/auth/1/session`,
      json({ username: 'alice', password: 'alice' }),
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ errorMessages: ['Login denied'], errors: {} });
    expect(res.headers.get('x-authentication-denied-reason')).toMatch(/^CAPTCHA_CHALLENGE; login-url=/);
  });
});

describe('Jira: the login gadget (LoginGadgetResource)', () => {
  it.each(['1.0', 'latest'])('logs in with the form fields at /rest/gadget/%s/login', async (version) => {
    sandbox = await jiraProduct.start();
    const res = await fetch(
      `${sandbox.url}/rest/gadget/${version}/login`,
      form({ os_username: 'alice', os_password: 'alice', os_cookie: 'true' }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-seraph-loginreason')).toBe('OK');
    expect(await res.json()).toMatchObject({
      loginSucceeded: true,
      loginError: false,
      captchaFailure: false,
    });
    const me = await fetch(`${sandbox.url}/rest/api/2/myself`, { headers: { cookie: sessionCookie(res) } });
    expect(await jiraProduct.whoAmI(me)).toBe('alice');
  });

  it('answers a wrong password with 200, loginSucceeded false, and counts it', async () => {
    sandbox = await jiraProduct.start();
    const res = await fetch(
      `${sandbox.url}/rest/gadget/1.0/login`,
      form({ os_username: 'alice', os_password: 'x' }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.json()).toMatchObject({ loginSucceeded: false, loginError: true });
    expect(sandbox.failedLoginCount('alice')).toBe(1);
  });

  it('takes Basic credentials too, and reports the CAPTCHA', async () => {
    sandbox = await jiraProduct.start({ captchaThreshold: 1 });
    const ok = await fetch(`${sandbox.url}/rest/gadget/1.0/login`, {
      method: 'POST',
      headers: { authorization: basic('admin') },
    });
    expect(await ok.json()).toMatchObject({ loginSucceeded: true });
    await fetch(`${sandbox.url}/rest/gadget/1.0/login`, form({ os_username: 'alice', os_password: 'x' }));
    const denied = await fetch(
      `${sandbox.url}/rest/gadget/1.0/login`,
      form({ os_username: 'alice', os_password: 'alice' }),
    );
    expect(denied.status).toBe(200);
    expect(denied.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATION_DENIED');
    expect(denied.headers.get('x-authentication-denied-reason')).toMatch(/^CAPTCHA_CHALLENGE/);
    expect(await denied.json()).toMatchObject({ loginSucceeded: false, captchaFailure: true });
  });

  it('serves no other version', async () => {
    sandbox = await jiraProduct.start();
    const res = await fetch(
      `${sandbox.url}/rest/gadget/2.0/login`,
      form({ os_username: 'alice', os_password: 'alice' }),
    );
    expect(res.status).toBe(404);
  });
});

describe('Jira: os_username/os_password on any URL (JiraLoginFilter → Seraph LoginFilter)', () => {
  it('logs in from the query string of a REST resource and keeps a session', async () => {
    sandbox = await jiraProduct.start();
    const res = await fetch(`${sandbox.url}/rest/api/2/myself?os_username=alice&os_password=alice`);
    expect(res.status).toBe(200);
    expect(await jiraProduct.whoAmI(res)).toBe('alice');
    expect(res.headers.get('x-seraph-loginreason')).toBe('OK');
    const again = await fetch(`${sandbox.url}/rest/api/2/myself`, {
      headers: { cookie: sessionCookie(res) },
    });
    expect(await jiraProduct.whoAmI(again)).toBe('alice');
  });

  it('logs in from the query string of a page', async () => {
    sandbox = await jiraProduct.start();
    const res = await fetch(`${sandbox.url}/secure/Dashboard.jspa?os_username=admin&os_password=admin`);
    expect(await res.text()).toContain('Logged in as <strong>Administrator</strong>');
  });

  it('a wrong password continues anonymously with AUTHENTICATED_FAILED, counted', async () => {
    sandbox = await jiraProduct.start();
    const res = await fetch(`${sandbox.url}/rest/api/2/myself?os_username=alice&os_password=wrong`);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED');
    expect(res.headers.get('x-ausername')).toBe('anonymous');
    expect(sandbox.failedLoginCount('alice')).toBe(1);
  });

  it('with os_username, Basic credentials are not read; names are case-sensitive', async () => {
    sandbox = await jiraProduct.start();
    const noPassword = await fetch(`${sandbox.url}/rest/api/2/myself?os_username=alice`, {
      headers: { authorization: basic('admin') },
    });
    expect(noPassword.status).toBe(401);
    const otherCase = await fetch(`${sandbox.url}/rest/api/2/myself?OS_USERNAME=alice&OS_PASSWORD=alice`);
    expect(otherCase.status).toBe(401);
    expect(sandbox.failedLoginCount('alice')).toBe(0);
  });

  it('the login form handles its own fields (and the CAPTCHA a person solves)', async () => {
    sandbox = await jiraProduct.start({ captchaThreshold: 1 });
    await fetch(`${sandbox.url}/rest/api/2/myself?os_username=alice&os_password=wrong`);
    const login = await fetch(
      `${sandbox.url}/login.jsp`,
      form({ os_username: 'alice', os_password: 'alice' }),
    );
    expect(login.status).toBe(303);
    expect(sandbox.failedLoginCount('alice')).toBe(0);
  });
});

describe('Confluence: the password only through the login form', () => {
  it('ignores os_username/os_password in the query string (removed in Confluence 7.10)', async () => {
    sandbox = await confluenceProduct.start();
    const res = await fetch(`${sandbox.url}/rest/api/user/current?os_username=alice&os_password=alice`);
    expect(await confluenceProduct.whoAmI(res)).toBeNull();
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(sandbox.failedLoginCount('alice')).toBe(0);
  });

  it('has no login gadget resource', async () => {
    sandbox = await confluenceProduct.start();
    const res = await fetch(
      `${sandbox.url}/rest/gadget/1.0/login`,
      form({ os_username: 'alice', os_password: 'alice' }),
    );
    expect(res.status).toBe(404);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('logs in at /dologin.action (login.submit.url)', async () => {
    sandbox = await confluenceProduct.start();
    const res = await fetch(
      `${sandbox.url}/dologin.action`,
      form({ os_username: 'alice', os_password: 'alice' }),
    );
    expect(res.status).toBe(303);
    const me = await fetch(`${sandbox.url}/rest/api/user/current`, {
      headers: { cookie: sessionCookie(res) },
    });
    expect(await confluenceProduct.whoAmI(me)).toBe('alice');
  });
});

describe.each(products)('$name: os_authType=basic (Seraph AuthType.BASIC)', (product) => {
  it('challenges an anonymous request with 401 and WWW-Authenticate: Basic', async () => {
    sandbox = await product.start();
    const res = await fetch(`${sandbox.url}${product.whoAmIPath}?os_authType=basic`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });

  it('accepts Basic credentials, in any case of the value', async () => {
    sandbox = await product.start();
    const res = await fetch(`${sandbox.url}${product.whoAmIPath}?os_authType=BASIC`, {
      headers: { authorization: basic('alice') },
    });
    expect(res.status).toBe(200);
    expect(await product.whoAmI(res)).toBe('alice');
  });
});
