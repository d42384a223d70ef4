import { afterEach, describe, expect, it } from 'vitest';
import { startConfluenceSandbox } from '../src/index.js';
import type { ConfluenceSandboxOptions, Sandbox } from '../src/index.js';
import { basic } from './products.js';

let sandbox: Sandbox | undefined;
async function start(options?: ConfluenceSandboxOptions): Promise<Sandbox> {
  sandbox = await startConfluenceSandbox(options);
  return sandbox;
}
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const origin = (s: Sandbox): string => new URL(s.url).origin;
const admin = { authorization: basic('admin') };

const auditRecord = {
  author: {
    type: 'user',
    username: 'admin',
    userKey: '2c9d8a4e8f1e2a3b018f1e2a3b4c0001',
    displayName: 'Administrator',
  },
  remoteAddress: '127.0.0.1',
  creationDate: 1767225600000,
  summary: 'API token created',
  description: 'admin created token "ci" for alice',
  category: 'API tokens',
  sysAdmin: false,
  affectedObject: { name: 'alice', objectType: 'User' },
  changedValues: [{ name: 'Token', oldValue: '', newValue: 'ci' }],
  associatedObjects: [{ name: 'admin', objectType: 'User' }],
};

function postAudit(s: Sandbox, user: string, body: unknown = auditRecord): Promise<Response> {
  return fetch(`${s.url}/rest/api/audit`, {
    method: 'POST',
    headers: { authorization: basic(user), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('context path', () => {
  it('lives under /confluence by default and answers 404 outside it', async () => {
    const s = await start();
    expect(s.url).toBe(`${origin(s)}/confluence`);
    for (const path of [
      '/rest/api/user/current',
      '/',
      '/confluencex/rest/api/user/current',
      '/login.action',
    ]) {
      const res = await fetch(`${origin(s)}${path}`, { headers: admin });
      expect(res.status).toBe(404);
      expect(res.headers.get('x-ausername')).toBe('anonymous');
    }
    expect(s.failedLoginCount('admin')).toBe(0);
  });

  it('redirects the bare context path to its root', async () => {
    const s = await start();
    const res = await fetch(`${origin(s)}/confluence?x=1`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/confluence/?x=1');
  });

  it.each([
    ['/wiki', '/wiki'],
    ['', ''],
    ['/', ''],
  ])('can live under %j', async (contextPath, expected) => {
    const s = await start({ contextPath });
    expect(s.url).toBe(`${origin(s)}${expected}`);
    const res = await fetch(`${s.url}/rest/api/user/current`, { headers: admin });
    expect(await res.json()).toMatchObject({ username: 'admin' });
    const login = await fetch(`${s.url}/rest/auth/1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice' }),
    });
    expect(login.headers.get('set-cookie')).toContain(`Path=${expected || '/'};`);
  });

  it.each(['confluence', '/a b', '/x/', '/..'])('refuses the context path %j', async (contextPath) => {
    await expect(startConfluenceSandbox({ contextPath })).rejects.toThrow(/contextPath/);
  });

  it('keeps os_destination inside the context path', async () => {
    const s = await start();
    const submit = (destination: string): Promise<Response> =>
      fetch(`${s.url}/dologin.action`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          os_username: 'alice',
          os_password: 'alice',
          os_destination: destination,
        }),
        redirect: 'manual',
      });
    expect((await submit('/pages/viewpage.action?pageId=1001')).headers.get('location')).toBe(
      '/confluence/pages/viewpage.action?pageId=1001',
    );
    expect((await submit('/confluence/plugins/servlet/x')).headers.get('location')).toBe(
      '/confluence/plugins/servlet/x',
    );
  });
});

describe('users', () => {
  it('reports whether a user is active through expand=status', async () => {
    const s = await start();
    const get = async (query: string): Promise<Record<string, unknown>> =>
      (await (await fetch(`${s.url}/rest/api/user?${query}`, { headers: admin })).json()) as Record<
        string,
        unknown
      >;
    expect(await get('username=bob&expand=status')).toMatchObject({ status: 'deactivated' });
    expect(await get('username=alice&expand=status')).toMatchObject({ status: 'current' });
    const plain = await get('username=alice');
    expect(plain).not.toHaveProperty('status');
    expect(plain).toMatchObject({ _expandable: { status: '' } });
    expect(await get('key=2c9d8a4e8f1e2a3b018f1e2a3b4c0003')).toMatchObject({ username: 'bob' });
  });

  it('answers 401 for anonymous user look-ups', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/rest/api/user?username=alice`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ statusCode: 401, reason: 'Unauthorized' });
  });
});

describe('memberof paging', () => {
  const page = async (s: Sandbox, query: string): Promise<Record<string, unknown>> => {
    const res = await fetch(`${s.url}/rest/api/user/memberof?${query}`, { headers: admin });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };

  it('returns every group on one page by default', async () => {
    const s = await start();
    const first = await page(s, 'username=admin');
    expect(first).toMatchObject({ start: 0, limit: 200, size: 3 });
    expect(first._links).not.toHaveProperty('next');
  });

  it('pages with limit and follows next to the end', async () => {
    const s = await start();
    const names: string[] = [];
    let query: string | undefined = 'username=admin&limit=2';
    let pages = 0;
    while (query !== undefined) {
      const body = await page(s, query);
      pages += 1;
      names.push(...(body.results as { name: string }[]).map((group) => group.name));
      const next = (body._links as { next?: string; base: string; context: string }).next;
      expect((body._links as { base: string }).base).toBe(s.url);
      query = next === undefined ? undefined : new URL(`${s.url}${next}`).search.slice(1);
    }
    expect(pages).toBe(2);
    expect(names).toEqual(['confluence-administrators', 'confluence-users', 'demo-team']);
  });

  it('sees group changes at once', async () => {
    const s = await start();
    s.users.get('alice')?.groups.push('confluence-administrators');
    const body = await page(s, 'username=alice');
    expect((body.results as { name: string }[]).map((group) => group.name)).toEqual([
      'confluence-administrators',
      'confluence-users',
    ]);
  });

  it.each(['limit=-1', 'start=x', 'limit=2.5'])('answers %s with 400', async (query) => {
    const s = await start();
    const res = await fetch(`${s.url}/rest/api/user/memberof?username=admin&${query}`, { headers: admin });
    expect(res.status).toBe(400);
  });

  it('answers 404 for an unknown user', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/rest/api/user/memberof?username=nobody`, { headers: admin });
    expect(res.status).toBe(404);
  });
});

describe('legacy audit endpoint', () => {
  it('stores records from an administrator', async () => {
    const s = await start();
    const res = await postAudit(s, 'admin');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ summary: 'API token created', creationDate: 1767225600000 });
    expect(s.auditRecords).toEqual([auditRecord]);
    const readBack = await fetch(`${s.url}/rest/api/audit`, { headers: admin });
    expect(await readBack.json()).toMatchObject({
      size: 1,
      results: [{ affectedObject: { name: 'alice' } }],
    });
    const html = await (await fetch(`${s.url}/admin/auditlogging.action`, { headers: admin })).text();
    expect(html).toContain('API token created');
  });

  it('fills in what the product knows when the record leaves it out', async () => {
    const s = await start();
    const res = await postAudit(s, 'admin', { summary: 'Minimal' });
    expect(await res.json()).toMatchObject({
      author: { username: 'admin' },
      remoteAddress: '127.0.0.1',
      summary: 'Minimal',
    });
    expect(s.auditRecords).toEqual([{ summary: 'Minimal' }]);
  });

  it('refuses non-administrators', async () => {
    const s = await start();
    expect((await postAudit(s, 'alice')).status).toBe(403);
    expect(
      (await fetch(`${s.url}/rest/api/audit`, { headers: { authorization: basic('alice') } })).status,
    ).toBe(403);
    expect(s.auditRecords).toEqual([]);
  });

  it('answers 400 naming the field for an invalid record', async () => {
    const s = await start();
    const res = await postAudit(s, 'admin', { summary: 'x', affectedObject: { name: 'a' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { data: { errors: { message: { translation: string } }[] } };
    expect(body.data.errors[0]?.message.translation).toMatch(/^affectedObject\.objectType: /);
  });

  it('answers 405 when switched off, while reading still works', async () => {
    const s = await start({ legacyAudit: false });
    const res = await postAudit(s, 'admin');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect(s.auditRecords).toEqual([]);
    expect((await fetch(`${s.url}/rest/api/audit`, { headers: admin })).status).toBe(200);
  });

  it('fails on demand, then recovers', async () => {
    const s = await start();
    s.setAuditFailure({ status: 500 });
    expect((await postAudit(s, 'admin')).status).toBe(500);
    s.setAuditFailure('reset');
    await expect(postAudit(s, 'admin')).rejects.toThrow();
    s.setAuditFailure(null);
    expect((await postAudit(s, 'admin')).status).toBe(200);
    expect(s.auditRecords).toHaveLength(1);
  });
});

describe('content', () => {
  it('reports the effective user as version.by', async () => {
    const s = await start({ identitySecret: 'shared' });
    const res = await fetch(`${s.url}/rest/api/content/1001`, {
      headers: { 'x-forwarded-user': 'alice', 'x-api-token-auth-secret': 'shared' },
    });
    expect(await res.json()).toMatchObject({
      id: '1001',
      title: 'Demo page',
      version: { by: { username: 'alice' } },
    });
    expect(res.headers.get('x-ausername')).toBe('alice');
  });

  it('creates content from the body it received', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/rest/api/content`, {
      method: 'POST',
      headers: { authorization: basic('alice'), 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'page',
        title: 'Streamed',
        space: { key: 'DEMO' },
        body: { storage: { value: '<p>ü</p>', representation: 'storage' } },
      }),
    });
    expect(res.status).toBe(200);
    const created = (await res.json()) as { id: string };
    expect(created).toMatchObject({ title: 'Streamed', body: { storage: { value: '<p>ü</p>' } } });
    const again = await fetch(`${s.url}/rest/api/content/${created.id}?expand=body.storage`, {
      headers: admin,
    });
    expect(await again.json()).toMatchObject({
      body: { storage: { value: '<p>ü</p>' } },
      version: { by: { username: 'admin' } },
    });
  });

  it.each([
    ['in an unknown space', { type: 'page', title: 't', space: { key: 'NOPE' } }],
    ['without a title', { type: 'page', space: { key: 'DEMO' } }],
    ['with a duplicate title', { type: 'page', title: 'Demo page', space: { key: 'DEMO' } }],
  ])('answers content %s with 400', async (_label, body) => {
    const s = await start();
    const res = await fetch(`${s.url}/rest/api/content`, {
      method: 'POST',
      headers: { authorization: basic('alice'), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: 400, data: { valid: false } });
  });

  it('streams big bodies under the context path', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/rest/api/big?kb=64`);
    expect((await res.arrayBuffer()).byteLength).toBe(64 * 1024);
  });
});
