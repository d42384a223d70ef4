import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildUiClient } from './client-build.js';
import { createWebUiHandler } from './web-ui-handler.js';

const PREFIX = '/confluence/plugins/servlet/api-token-auth/';

// A real server on port 0; the cookie value plays the product's session: `user:alice`, `admin:admin`.
let server: Server;
let base: string;
let productDown = false;
let adminOnly = false;

beforeAll(async () => {
  await buildUiClient();
  const ui = createWebUiHandler({
    contextPath: '/confluence',
    productDisplayName: 'Confluence',
    loginPagePath: '/login.action',
    identify: async (req) => {
      if (productDown) throw new Error('product unreachable');
      const match = /session=(user|admin):([^;]+)/.exec(req.headers.cookie ?? '');
      if (!match) return null;
      return { username: decodeURIComponent(match[2] ?? ''), isAdmin: match[1] === 'admin' };
    },
    settings: () => ({ adminOnly }),
  });
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    void ui.handle(req, res, path.slice(PREFIX.length));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PREFIX}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function get(page: string, init: RequestInit = {}): Promise<Response> {
  return fetch(base + page, init);
}

describe('createWebUiHandler', () => {
  test('anonymous: 401 page whose login link returns to the page', async () => {
    const res = await get('tokens');
    expect(res.status).toBe(401);
    expect(await res.text()).toContain(
      'href="/confluence/login.action?os_destination=%2Fplugins%2Fservlet%2Fapi-token-auth%2Ftokens"',
    );
  });

  test('pages carry a fresh nonce that matches the CSP header', async () => {
    const first = await get('tokens', { headers: { cookie: 'session=user:alice' } });
    const second = await get('tokens', { headers: { cookie: 'session=user:alice' } });
    const nonceOf = (res: Response) =>
      /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
    const nonce = nonceOf(first);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await first.text()).toContain(
      `<script nonce="${nonce}" src="/confluence/plugins/servlet/api-token-auth/assets/app.js"`,
    );
    expect(nonceOf(second)).not.toBe(nonce);
  });

  test('admin page: 403 for a user, 200 for an admin', async () => {
    expect((await get('admin', { headers: { cookie: 'session=user:alice' } })).status).toBe(403);
    expect((await get('admin', { headers: { cookie: 'session=admin:admin' } })).status).toBe(200);
  });

  test('only-admins setting reaches the page', async () => {
    adminOnly = true;
    try {
      const html = await (await get('tokens', { headers: { cookie: 'session=user:alice' } })).text();
      expect(html).toContain('id="admin-only-info"');
    } finally {
      adminOnly = false;
    }
  });

  test('hostile usernames are escaped', async () => {
    const html = await (
      await get('tokens', {
        headers: { cookie: `session=user:${encodeURIComponent('<script>alert(1)</script>')}` },
      })
    ).text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('assets with content type, ETag and 304', async () => {
    const res = await get('assets/app.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const etag = res.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await res.text()).length).toBeGreaterThan(1000);
    const again = await get('assets/app.js', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect((await get('assets/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  test.each([
    'assets/../../package.json',
    'assets/%2e%2e%2fpackage.json',
    'assets/',
    'assets/app.ts',
    'nothing',
    '',
    'tokens/extra',
  ])('unknown path %j → 404', async (page) => {
    expect((await get(page, { headers: { cookie: 'session=admin:admin' } })).status).toBe(404);
  });

  test('HEAD has headers but no body; other methods → 405', async () => {
    const head = await get('tokens', { method: 'HEAD', headers: { cookie: 'session=user:alice' } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await get('tokens', { method: 'POST', headers: { cookie: 'session=user:alice' } });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  test('product unreachable: 503, not a 500', async () => {
    productDown = true;
    try {
      const res = await get('tokens', { headers: { cookie: 'session=user:alice' } });
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('could not be asked who you are');
    } finally {
      productDown = false;
    }
  });
});
