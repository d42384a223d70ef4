import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox, SandboxOptions } from '../src/index.js';
import { basic, products, sessionCookie } from './products.js';

describe.each(products)('$name sandbox authentication', (product) => {
  let sandbox: Sandbox | undefined;
  const start = async (options?: SandboxOptions): Promise<Sandbox> => {
    sandbox = await product.start(options);
    return sandbox;
  };
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });
  const get = (s: Sandbox, path: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${s.url}${path}`, { headers, redirect: 'manual' });

  describe('Basic password', () => {
    it('runs as the user, case-insensitively, and says OK', async () => {
      const s = await start();
      const res = await get(s, product.whoAmIPath, { authorization: basic('ALICE', 'alice') });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-seraph-loginreason')).toBe('OK');
      expect(res.headers.get('x-ausername')).toBe('alice');
      expect(await product.whoAmI(res)).toBe('alice');
      expect(s.requestLog.at(-1)).toMatchObject({
        method: 'GET',
        path: `${new URL(s.url).pathname.replace(/\/$/, '')}${product.whoAmIPath}`,
        ranAs: 'alice',
      });
    });

    it('answers a wrong password with 401, Seraph headers, and counts it', async () => {
      const s = await start();
      const res = await get(s, product.whoAmIPath, { authorization: basic('alice', 'wrong') });
      expect(res.status).toBe(401);
      expect(res.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED');
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
      expect(res.headers.get('x-ausername')).toBe('anonymous');
      expect(product.errorMessage(await res.json())).toMatch(/incorrect/);
      expect(s.failedLoginCount('alice')).toBe(1);
      expect(s.failedLoginCount('Alice')).toBe(1);
      expect(s.failedLoginCount('admin')).toBe(0);
      expect(s.requestLog.at(-1)?.ranAs).toBeNull();
    });

    it('treats a token-shaped secret as just another wrong password', async () => {
      const s = await start();
      const res = await get(s, product.resourcePath, {
        authorization: basic('alice', 'ata_1234567890abcdefghijklmnopqrstuvwxyzABCDEF'),
      });
      expect(res.status).toBe(401);
      expect(s.failedLoginCount('alice')).toBe(1);
    });

    it('resets the count on success', async () => {
      const s = await start();
      await get(s, product.whoAmIPath, { authorization: basic('alice', 'wrong') });
      await get(s, product.whoAmIPath, { authorization: basic('alice', 'wrong') });
      expect(s.failedLoginCount('alice')).toBe(2);
      expect((await get(s, product.whoAmIPath, { authorization: basic('alice') })).status).toBe(200);
      expect(s.failedLoginCount('alice')).toBe(0);
    });

    it('refuses an inactive user with the right password without counting it', async () => {
      const s = await start();
      const res = await get(s, product.whoAmIPath, { authorization: basic('bob') });
      expect(res.status).toBe(401);
      expect(res.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED');
      expect(s.failedLoginCount('bob')).toBe(0);
    });

    it('sees a deactivation on the very next request', async () => {
      const s = await start();
      expect((await get(s, product.whoAmIPath, { authorization: basic('alice') })).status).toBe(200);
      const alice = s.users.get('alice');
      if (!alice) throw new Error('alice is seeded');
      alice.active = false;
      expect((await get(s, product.whoAmIPath, { authorization: basic('alice') })).status).toBe(401);
    });

    it('does not count failures for users it does not know', async () => {
      const s = await start();
      const res = await get(s, product.whoAmIPath, { authorization: basic('mallory', 'x') });
      expect(res.status).toBe(401);
      expect(s.failedLoginCount('mallory')).toBe(0);
    });

    it.each([
      ['no colon', `Basic ${Buffer.from('alice').toString('base64')}`],
      ['a native Bearer token it does not know', 'Bearer NjM0NjQ2NjU0MjM0OnRva2Vu'],
    ])('refuses %s with 401', async (_label, authorization) => {
      const s = await start();
      const res = await get(s, product.whoAmIPath, { authorization });
      expect(res.status).toBe(401);
      expect(res.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED');
    });
  });

  describe('CAPTCHA', () => {
    it('demands a CAPTCHA from the threshold on, even for the right password', async () => {
      const s = await start();
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        const res = await get(s, product.whoAmIPath, { authorization: basic('alice', 'wrong') });
        expect(res.status).toBe(401);
      }
      expect(s.failedLoginCount('alice')).toBe(3);
      const denied = await get(s, product.whoAmIPath, { authorization: basic('alice') });
      expect(denied.status).toBe(403);
      expect(denied.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATION_DENIED');
      expect(denied.headers.get('x-authentication-denied-reason')).toBe(
        `CAPTCHA_CHALLENGE; login-url=${s.url}${product.loginFormPath}`,
      );
      expect(s.failedLoginCount('alice')).toBe(3);
      // Other users are not affected.
      expect((await get(s, product.whoAmIPath, { authorization: basic('admin') })).status).toBe(200);
    });

    it('honours a configured threshold exactly', async () => {
      const s = await start({ captchaThreshold: 5 });
      for (let attempt = 1; attempt <= 4; attempt += 1) {
        await get(s, product.whoAmIPath, { authorization: basic('alice', 'wrong') });
      }
      expect((await get(s, product.whoAmIPath, { authorization: basic('alice') })).status).toBe(200);
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        expect((await get(s, product.whoAmIPath, { authorization: basic('alice', 'wrong') })).status).toBe(
          401,
        );
      }
      expect((await get(s, product.whoAmIPath, { authorization: basic('alice') })).status).toBe(403);
    });

    it('lets a person past it through the login form, which resets the count', async () => {
      const s = await start({ captchaThreshold: 1 });
      await get(s, product.whoAmIPath, { authorization: basic('alice', 'wrong') });
      expect((await get(s, product.whoAmIPath, { authorization: basic('alice') })).status).toBe(403);
      const login = await fetch(`${s.url}${product.loginSubmitPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ os_username: 'alice', os_password: 'alice' }),
        redirect: 'manual',
      });
      expect(login.status).toBe(303);
      expect(s.failedLoginCount('alice')).toBe(0);
      expect((await get(s, product.whoAmIPath, { authorization: basic('alice') })).status).toBe(200);
    });

    it('applies to the REST session login too', async () => {
      const s = await start({ captchaThreshold: 1 });
      await get(s, product.whoAmIPath, { authorization: basic('alice', 'wrong') });
      const res = await fetch(`${s.url}/rest/auth/1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice' }),
      });
      expect(res.status).toBe(403);
      expect(res.headers.get('x-authentication-denied-reason')).toMatch(/^CAPTCHA_CHALLENGE; login-url=/);
    });
  });

  describe('identity header', () => {
    const asAlice = { 'x-forwarded-user': 'alice' };

    it('is never trusted when no secret is configured', async () => {
      const s = await start();
      const res = await get(s, product.whoAmIPath, { ...asAlice, 'x-api-token-auth-secret': 'anything' });
      expect(await product.whoAmI(res)).toBeNull();
      expect(res.headers.get('x-ausername')).toBe('anonymous');
    });

    it.each([
      ['without the secret header', {}],
      ['with a wrong secret', { 'x-api-token-auth-secret': 'wrong' }],
      ['with a secret that only shares a prefix', { 'x-api-token-auth-secret': 'shared-secret-and-more' }],
    ])('is ignored %s', async (_label, secretHeader) => {
      const s = await start({ identitySecret: 'shared-secret' });
      const res = await get(s, product.whoAmIPath, { ...asAlice, ...secretHeader });
      expect(await product.whoAmI(res)).toBeNull();
      expect(s.requestLog.at(-1)?.ranAs).toBeNull();
    });

    it('is trusted with the matching secret', async () => {
      const s = await start({ identitySecret: 'shared-secret' });
      const res = await get(s, product.whoAmIPath, {
        'x-forwarded-user': 'Alice',
        'x-api-token-auth-secret': 'shared-secret',
      });
      expect(await product.whoAmI(res)).toBe('alice');
      expect(res.headers.get('x-ausername')).toBe('alice');
      expect(s.failedLoginCount('alice')).toBe(0);
    });

    it('answers 401 for an inactive or unknown user', async () => {
      const s = await start({ identitySecret: 'shared-secret' });
      for (const user of ['bob', 'nobody']) {
        const res = await get(s, product.whoAmIPath, {
          'x-forwarded-user': user,
          'x-api-token-auth-secret': 'shared-secret',
        });
        expect(res.status).toBe(401);
      }
    });

    it('uses the configured header name', async () => {
      const s = await start({ identitySecret: 'shared-secret', identityHeader: 'X-Remote-User' });
      const trusted = { 'x-api-token-auth-secret': 'shared-secret' };
      expect(
        await product.whoAmI(await get(s, product.whoAmIPath, { ...trusted, 'x-remote-user': 'alice' })),
      ).toBe('alice');
      expect(await product.whoAmI(await get(s, product.whoAmIPath, { ...trusted, ...asAlice }))).toBeNull();
    });

    it('refuses an empty secret option', async () => {
      await expect(product.start({ identitySecret: '' })).rejects.toThrow(/identitySecret/);
    });
  });

  describe('session cookie', () => {
    it('logs in over REST, serves the cookie, and logs out', async () => {
      const s = await start();
      const login = await fetch(`${s.url}/rest/auth/1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice' }),
      });
      expect(login.status).toBe(200);
      expect(login.headers.get('x-seraph-loginreason')).toBe('OK');
      const body = (await login.json()) as { session: { name: string; value: string } };
      const cookie = sessionCookie(login);
      expect(cookie).toBe(`JSESSIONID=${body.session.value}`);
      expect(login.headers.get('set-cookie')).toContain(
        `Path=${new URL(s.url).pathname.replace(/^\/$/, '') || '/'}`,
      );
      expect(login.headers.get('set-cookie')).toContain('HttpOnly');

      const me = await get(s, product.whoAmIPath, { cookie });
      expect(await product.whoAmI(me)).toBe('alice');
      expect(me.headers.get('x-ausername')).toBe('alice');

      expect(
        (await fetch(`${s.url}/rest/auth/1/session`, { method: 'DELETE', headers: { cookie } })).status,
      ).toBe(204);
      expect(await product.whoAmI(await get(s, product.whoAmIPath, { cookie }))).toBeNull();
    });

    it('answers a wrong REST login with 401 and counts it', async () => {
      const s = await start();
      const res = await fetch(`${s.url}/rest/auth/1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'nope' }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED');
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(s.failedLoginCount('alice')).toBe(1);
    });

    it.each([
      ['not JSON', '{"username":', 400],
      ['missing the password', '{"username":"alice"}', 400],
      ['an array', '[]', 400],
    ])('answers a login body that is %s with 400 in the error shape', async (_label, body, status) => {
      const s = await start();
      const res = await fetch(`${s.url}/rest/auth/1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
      expect(product.errorMessage(await res.json())).not.toBe('');
    });

    it('logs in through the HTML form and goes to os_destination', async () => {
      const s = await start();
      const form = await get(
        s,
        `${product.loginFormPath}?os_destination=${encodeURIComponent(product.resourcePath)}`,
      );
      expect(form.status).toBe(200);
      const html = await form.text();
      expect(html).toContain('name="os_username"');
      expect(html).toContain(`value="${product.resourcePath}"`);

      const login = await fetch(`${s.url}${product.loginSubmitPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          os_username: 'alice',
          os_password: 'alice',
          os_destination: product.resourcePath,
        }),
        redirect: 'manual',
      });
      expect(login.status).toBe(303);
      const context = new URL(s.url).pathname.replace(/\/$/, '');
      expect(login.headers.get('location')).toBe(`${context}${product.resourcePath}`);
      const cookie = sessionCookie(login);
      const resource = await get(s, product.resourcePath, { cookie });
      expect(resource.status).toBe(200);
      expect(resource.headers.get('x-ausername')).toBe('alice');

      const home = await get(s, product.homePath, { cookie });
      expect(await home.text()).toContain('Logged in as <strong>Alice Example</strong> (alice)');
    });

    it.each(['//evil.example/', 'https://evil.example/', '/\\evil.example'])(
      'does not follow os_destination %s off the server',
      async (destination) => {
        const s = await start();
        const login = await fetch(`${s.url}${product.loginSubmitPath}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            os_username: 'alice',
            os_password: 'alice',
            os_destination: destination,
          }),
          redirect: 'manual',
        });
        expect(login.status).toBe(303);
        expect(login.headers.get('location')).toBe(`${new URL(s.url).pathname.replace(/\/$/, '')}/`);
      },
    );

    it('shows the form again for a wrong password and counts it', async () => {
      const s = await start();
      const res = await fetch(`${s.url}${product.loginSubmitPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ os_username: 'alice', os_password: 'nope' }),
        redirect: 'manual',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED');
      expect(await res.text()).toContain('role="alert"');
      expect(s.failedLoginCount('alice')).toBe(1);
    });

    it('ends the session of a user who is deactivated', async () => {
      const s = await start();
      const login = await fetch(`${s.url}/rest/auth/1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice' }),
      });
      const cookie = sessionCookie(login);
      const alice = s.users.get('alice');
      if (!alice) throw new Error('alice is seeded');
      alice.active = false;
      expect(await product.whoAmI(await get(s, product.whoAmIPath, { cookie }))).toBeNull();
      alice.active = true;
      expect(await product.whoAmI(await get(s, product.whoAmIPath, { cookie }))).toBeNull();
    });
  });

  describe('every response', () => {
    it('names the user it ran as, or anonymous', async () => {
      const s = await start();
      for (const path of [product.resourcePath, '/no/such/page', product.homePath]) {
        expect((await get(s, path)).headers.get('x-ausername')).toBe('anonymous');
        expect((await get(s, path, { authorization: basic('admin') })).headers.get('x-ausername')).toBe(
          'admin',
        );
      }
    });

    it('authenticates Basic credentials outside /rest/ too', async () => {
      const s = await start();
      const res = await get(s, product.homePath, { authorization: basic('alice', 'wrong') });
      expect(res.status).toBe(401);
      expect(s.failedLoginCount('alice')).toBe(1);
    });

    it('reads paths the way Tomcat does', async () => {
      const s = await start();
      const smuggled = product.whoAmIPath.replace('/rest/', '/%72est;x=y/');
      const res = await get(s, smuggled, { authorization: basic('alice') });
      expect(await product.whoAmI(res)).toBe('alice');
      expect(s.requestLog.at(-1)?.path).toContain('%72est;x=y');
      expect((await get(s, '/rest/api%2F2/myself')).status).toBe(400);
    });

    it('answers anonymous callers of a protected resource with 401', async () => {
      const s = await start();
      const res = await get(s, product.resourcePath);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBeNull();
    });

    it('records every request with its headers', async () => {
      const s = await start();
      await get(s, product.resourcePath, { 'x-test': 'one' });
      expect(s.requestLog).toHaveLength(1);
      expect(s.requestLog[0]?.headers['x-test']).toBe('one');
    });
  });
});
