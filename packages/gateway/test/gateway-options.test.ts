/**
 * Configuration-dependent behaviour: a context path, the shared identity secret, a custom identity
 * header, trusted proxies, and an unreachable upstream.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { API, createToken, expectAtlassianError } from './support/api-helpers.js';
import { basic, startHarness, type Harness } from './support/harness.js';

describe('context path, identity secret and custom identity header', () => {
  let h: Harness;
  const secret = 'a-shared-secret-of-some-length';

  beforeAll(async () => {
    h = await startHarness({
      contextPath: '/confluence',
      // Every request logged: the relayed ones are checked for secrets too.
      env: { ATA_IDENTITY_SECRET: secret, ATA_IDENTITY_HEADER: 'X-Remote-User', ATA_ACCESS_LOG: 'all' },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  test('the gateway URL carries the context path', () => {
    expect(h.gateway.url).toBe(`http://127.0.0.1:${h.gateway.port}/confluence`);
  });

  test('outside the context path → 404 in the error shape, nothing forwarded', async () => {
    const before = h.upstream.received.length;
    expectAtlassianError(await h.call('/rest/api/user/current'), 404);
    expectAtlassianError(await h.call('/confluencex/rest'), 404);
    expect(h.upstream.received.length).toBe(before);
  });

  test('the API and the UI live under the context path', async () => {
    expect((await h.call(`/confluence${API}/health`)).status).toBe(200);
    // No session: the page asks for a login at the product's login page, under the context path.
    const page = await h.call('/confluence/plugins/servlet/api-token-auth/admin');
    expect(page.status).toBe(401);
    expect(page.text).toContain('/confluence/');
    expect((await h.call('/plugins/servlet/api-token-auth/admin')).status).toBe(404);
  });

  test('a token request carries the configured identity header and the secret; others carry neither', async () => {
    const created = await createToken(h, 'alice', {}, '/confluence');
    const asToken = await h.call('/confluence/rest/api/content', {
      headers: [
        'Authorization',
        `Bearer ${created.token}`,
        'X-Remote-User',
        'admin',
        'X-Api-Token-Auth-Secret',
        'forged',
      ],
    });
    expect(asToken.status).toBe(200);
    const seen = asToken.json();
    expect(seen.url).toBe('/confluence/rest/api/content');
    expect(seen.headers['x-remote-user']).toBe('alice');
    expect(seen.headers['x-api-token-auth-secret']).toBe(secret);
    expect(seen.headers['x-forwarded-user']).toBeUndefined();

    for (const headers of [
      ['X-Remote-User', 'admin', 'X-Api-Token-Auth-Secret', 'forged'],
      ['Authorization', basic('alice', 'alice'), 'x-remote-user', 'admin', 'x-api-token-auth-secret', secret],
    ]) {
      const other = (await h.call('/confluence/rest/api/content', { headers })).json();
      expect(other.headers['x-remote-user']).toBeUndefined();
      expect(other.headers['x-api-token-auth-secret']).toBeUndefined();
    }
  });

  test('the secret and tokens never reach the log', async () => {
    const created = await createToken(h, 'alice', {}, '/confluence');
    await h.call(`/confluence/rest/api/content?os_password=${created.token}`, {
      headers: { authorization: `Bearer ${created.token}` },
    });
    const log = h.logLines.join('\n');
    expect(log).toContain('forward-as-user');
    expect(log).not.toContain(created.token);
    expect(log).not.toContain(secret);
    expect(log).not.toContain('service-password');
    expect(log).not.toContain('os_password');
  });
});

describe('trusted proxies', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { ATA_TRUSTED_PROXIES: '127.0.0.1' } });
  });
  afterAll(async () => {
    await h.close();
  });

  test('X-Forwarded-For is believed from a trusted peer only', async () => {
    const created = await createToken(h, 'alice');
    const viaProxy = await h.call('/x', {
      headers: { authorization: `Bearer ${created.token}`, 'x-forwarded-for': '203.0.113.9' },
    });
    expect(viaProxy.json().headers['x-forwarded-for']).toBe('203.0.113.9');
    const direct = await h.call('/x', { headers: { 'x-forwarded-for': '203.0.113.9' }, from: '127.0.0.2' });
    expect(direct.json().headers['x-forwarded-for']).toBe('127.0.0.2');
  });
});

describe('UI seam', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      contextPath: '/jira',
      createUi: (mount) => ({
        async handle(req, res, page) {
          const caller = await mount.identify(req);
          const body = JSON.stringify({
            page,
            caller,
            adminOnly: mount.settings().adminOnly,
            apiBase: mount.apiBase,
            loginPath: mount.loginPath,
          });
          res.writeHead(200, { 'content-type': 'application/json' }).end(body);
        },
      }),
    });
  });
  afterAll(async () => {
    await h.close();
  });

  test('a plugged-in UI gets the page, the cookie identity with admin flag, settings and paths', async () => {
    const anonymous = (await h.call('/jira/plugins/servlet/api-token-auth/tokens')).json();
    expect(anonymous).toEqual({
      page: 'tokens',
      caller: null,
      adminOnly: false,
      apiBase: '/jira/rest/api-token-auth/1.0',
      loginPath: '/jira/login.jsp',
    });
    const admin = (
      await h.call('/jira/plugins/servlet/api-token-auth/admin', {
        headers: { cookie: h.product.logIn('admin') },
      })
    ).json();
    expect(admin.caller).toEqual({ username: 'admin', displayName: 'admin', isAdmin: true });
    const alice = (
      await h.call('/jira/plugins/servlet/api-token-auth/assets/app.js', {
        headers: { cookie: h.product.logIn('alice') },
      })
    ).json();
    expect(alice).toMatchObject({ page: 'assets/app.js', caller: { username: 'alice', isAdmin: false } });
  });
});

describe('metrics', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { ATA_METRICS_PORT: '0' } });
  });
  afterAll(async () => {
    await h.close();
  });

  test('a separate port serves Prometheus metrics: outcomes, bcrypt comparisons, cache hits', async () => {
    const created = await createToken(h, 'alice');
    await h.call('/x', { headers: { authorization: `Bearer ${created.token}` } });
    await h.call('/x', { headers: { authorization: `Bearer ${created.token}` } });
    const url = h.gateway.metrics?.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const text = await (await fetch(url ?? '')).text();
    expect(text).toMatch(/ata_requests_total\{outcome="forward-as-user",status_class="2xx"\} 2/);
    expect(text).toMatch(/ata_bcrypt_comparisons_total 1/);
    expect(text).toMatch(/ata_token_verifications_total\{cache="hit"\} 1/);
    expect(text).toMatch(/ata_audit_outbox_backlog \d+/);
  });
});

describe('unreachable upstream', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await h.upstream.close();
  });
  afterAll(async () => {
    await h.close();
  });

  test('502 in the error shape, health degraded, the gateway keeps serving', async () => {
    expectAtlassianError(await h.call('/rest/api/2/myself'), 502);
    const health = await h.call(`${API}/health`);
    expect(health.json()).toEqual({ status: 'degraded', database: 'ok', upstream: 'unreachable' });
    expectAtlassianError(await h.call('/rest/api/2/myself'), 502);
  });
});
