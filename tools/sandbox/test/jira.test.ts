import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { bigBodyByte, startJiraSandbox } from '../src/index.js';
import type { JiraSandboxOptions, Sandbox } from '../src/index.js';
import { basic } from './products.js';

let sandbox: Sandbox | undefined;
async function start(options?: JiraSandboxOptions): Promise<Sandbox> {
  sandbox = await startJiraSandbox(options);
  return sandbox;
}
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const auditRecord = {
  summary: 'API token created',
  category: 'API tokens',
  objectItem: { id: 'JIRAUSER10100', name: 'alice', typeName: 'USER' },
  changedValues: [{ fieldName: 'Token', changedFrom: '', changedTo: 'ci (expires 2026-01-01)' }],
  associatedItems: [{ id: 'JIRAUSER10000', name: 'admin', typeName: 'USER' }],
};

function postAudit(s: Sandbox, user: string, body: unknown = auditRecord): Promise<Response> {
  return fetch(`${s.url}/rest/api/2/auditing/record`, {
    method: 'POST',
    headers: { authorization: basic(user), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('serverInfo', () => {
  it.each([
    ['10.3.0', [10, 3, 0], 10030000],
    ['9.12.0', [9, 12, 0], 9120000],
    ['8.20', [8, 20, 0], 8200000],
  ])('reports version %s', async (version, versionNumbers, buildNumber) => {
    const s = await start({ version });
    const body = (await (await fetch(`${s.url}/rest/api/2/serverInfo`)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ version, versionNumbers, buildNumber, baseUrl: s.url });
  });

  it.each(['10', 'ten', '10.3.0-SNAPSHOT', ''])('refuses the version option %j', async (version) => {
    await expect(startJiraSandbox({ version })).rejects.toThrow(/version/);
  });
});

describe('users', () => {
  it('lists groups only when expanded', async () => {
    const s = await start();
    const plain = (await (
      await fetch(`${s.url}/rest/api/2/user?username=admin`, { headers: { authorization: basic('alice') } })
    ).json()) as { groups: { size: number; items: unknown[] } };
    expect(plain.groups).toEqual({ size: 2, items: [] });
  });

  it('sees group changes at once', async () => {
    const s = await start();
    s.users.get('alice')?.groups.push('jira-administrators');
    const res = await fetch(`${s.url}/rest/api/2/myself?expand=groups`, {
      headers: { authorization: basic('alice') },
    });
    const body = (await res.json()) as { groups: { items: { name: string }[] } };
    expect(body.groups.items.map((group) => group.name)).toEqual([
      'jira-administrators',
      'jira-software-users',
    ]);
  });

  it('finds users by key', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/rest/api/2/user?key=JIRAUSER10101`, {
      headers: { authorization: basic('admin') },
    });
    expect(await res.json()).toMatchObject({ name: 'bob', active: false });
  });

  it('answers 404 in the Atlassian error shape for an unknown user', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/rest/api/2/user?username=nobody`, {
      headers: { authorization: basic('admin') },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      errorMessages: ["The user named 'nobody' does not exist"],
      errors: {},
    });
  });

  it('answers 400 with a field error when no user is named', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/rest/api/2/user`, { headers: { authorization: basic('admin') } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: { username: 'required' } });
  });

  it('answers /myself with 401 for anonymous callers', async () => {
    const s = await start();
    expect((await fetch(`${s.url}/rest/api/2/myself`)).status).toBe(401);
  });
});

describe('legacy audit endpoint', () => {
  it('stores records from an administrator on 9.x', async () => {
    const s = await start({ version: '9.12.0' });
    const res = await postAudit(s, 'admin');
    expect(res.status).toBe(201);
    expect(s.auditRecords).toEqual([auditRecord]);

    const readBack = await fetch(`${s.url}/rest/api/2/auditing/record`, {
      headers: { authorization: basic('admin') },
    });
    expect(await readBack.json()).toMatchObject({
      total: 1,
      records: [{ summary: 'API token created', authorKey: 'JIRAUSER10000', objectItem: { name: 'alice' } }],
    });

    const page = await fetch(`${s.url}/auditing/view`, { headers: { authorization: basic('admin') } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('API token created');
  });

  it('refuses non-administrators and anonymous callers', async () => {
    const s = await start({ version: '9.12.0' });
    expect((await postAudit(s, 'alice')).status).toBe(403);
    const anonymous = await fetch(`${s.url}/rest/api/2/auditing/record`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(auditRecord),
    });
    expect(anonymous.status).toBe(401);
    expect(s.auditRecords).toEqual([]);
  });

  it.each([
    ['without a summary', { category: 'x' }, 'summary'],
    ['with changedValues that are not a list', { summary: 's', changedValues: 'x' }, 'changedValues'],
    [
      'with an objectItem lacking its type',
      { summary: 's', objectItem: { name: 'a' } },
      'objectItem.typeName',
    ],
  ])('answers a record %s with 400 naming the field', async (_label, body, field) => {
    const s = await start({ version: '9.12.0' });
    const res = await postAudit(s, 'admin', body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Record<string, string> }).errors).toHaveProperty([field]);
    expect(s.auditRecords).toEqual([]);
  });

  it('does not exist on Jira 10', async () => {
    const s = await start();
    expect((await postAudit(s, 'admin')).status).toBe(404);
    const readBack = await fetch(`${s.url}/rest/api/2/auditing/record`, {
      headers: { authorization: basic('admin') },
    });
    expect(readBack.status).toBe(404);
    expect(s.auditRecords).toEqual([]);
  });

  it('fails on demand with a status, then recovers', async () => {
    const s = await start({ version: '9.12.0' });
    s.setAuditFailure({ status: 503 });
    const failed = await postAudit(s, 'admin');
    expect(failed.status).toBe(503);
    expect(s.auditRecords).toEqual([]);
    s.setAuditFailure(null);
    expect((await postAudit(s, 'admin')).status).toBe(201);
    expect(s.auditRecords).toHaveLength(1);
  });

  it('fails on demand by resetting the connection', async () => {
    const s = await start({ version: '9.12.0' });
    s.setAuditFailure('reset');
    await expect(postAudit(s, 'admin')).rejects.toThrow();
    expect(s.auditRecords).toEqual([]);
    s.setAuditFailure(null);
    expect((await postAudit(s, 'admin')).status).toBe(201);
  });

  it('sends anonymous browsers of the audit page to the login form', async () => {
    const s = await start({ version: '9.12.0' });
    const res = await fetch(`${s.url}/auditing/view`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login.jsp?os_destination=%2Fauditing%2Fview');
    expect(
      (await fetch(`${s.url}/auditing/view`, { headers: { authorization: basic('alice') } })).status,
    ).toBe(403);
  });
});

describe('issues', () => {
  it('serves seeded issues and 404 for others', async () => {
    const s = await start();
    const auth = { authorization: basic('alice') };
    expect(await (await fetch(`${s.url}/rest/api/2/issue/DEMO-2`, { headers: auth })).json()).toMatchObject({
      key: 'DEMO-2',
    });
    const missing = await fetch(`${s.url}/rest/api/2/issue/OTHER-1`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ errorMessages: ['Issue Does Not Exist'], errors: {} });
  });

  it('creates an issue reported by the effective user, echoing the body it received', async () => {
    const s = await start({ identitySecret: 'shared' });
    const res = await fetch(`${s.url}/rest/api/2/issue`, {
      method: 'POST',
      headers: {
        'x-forwarded-user': 'alice',
        'x-api-token-auth-secret': 'shared',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        fields: { project: { key: 'DEMO' }, summary: 'Proxied', customfield_10010: 'kept' },
      }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { key: string; fields: Record<string, unknown> };
    expect(created.fields).toMatchObject({
      summary: 'Proxied',
      customfield_10010: 'kept',
      reporter: { name: 'alice' },
    });
    const again = await fetch(`${s.url}/rest/api/2/issue/${created.key}`, {
      headers: { authorization: basic('admin') },
    });
    expect(await again.json()).toMatchObject({ key: created.key, fields: { reporter: { name: 'alice' } } });
  });

  it.each([
    ['without a summary', { fields: { project: { key: 'DEMO' } } }, 'fields.summary'],
    ['in an unknown project', { fields: { project: { key: 'NOPE' }, summary: 's' } }, 'project'],
    [
      'with an unknown issue type',
      { fields: { project: { key: 'DEMO' }, summary: 's', issuetype: { name: 'Epic' } } },
      'issuetype',
    ],
  ])('answers an issue %s with 400', async (_label, body, field) => {
    const s = await start();
    const res = await fetch(`${s.url}/rest/api/2/issue`, {
      method: 'POST',
      headers: { authorization: basic('alice'), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Record<string, string> }).errors).toHaveProperty([field]);
  });

  it('refuses a body that is not JSON', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/rest/api/2/issue`, {
      method: 'POST',
      headers: { authorization: basic('alice'), 'content-type': 'application/json' },
      body: '{"fields": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errorMessages: ['The request body is not valid JSON.'], errors: {} });
  });

  it('refuses a body over the size limit with 413', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/rest/api/2/issue`, {
      method: 'POST',
      headers: { authorization: basic('alice'), 'content-type': 'application/json' },
      body: JSON.stringify({ fields: { summary: 'x'.repeat(2 * 1024 * 1024) } }),
    });
    expect(res.status).toBe(413);
  });

  it('answers an unsupported method with 405 and Allow', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/rest/api/2/issue/DEMO-1`, {
      method: 'DELETE',
      headers: { authorization: basic('admin') },
    });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });
});

describe('big bodies', () => {
  it('streams the requested number of KiB in the documented pattern', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/rest/api/2/big?kb=256`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(256 * 1024));
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(256 * 1024);
    const expected = Buffer.alloc(bytes.length);
    for (let i = 0; i < expected.length; i += 1) expected[i] = bigBodyByte(i);
    expect(bytes.equals(expected)).toBe(true);
  });

  it.each(['-1', 'abc', '1.5', '99999999'])('refuses kb=%s', async (kb) => {
    const s = await start();
    expect((await fetch(`${s.url}/rest/api/2/big?kb=${kb}`)).status).toBe(400);
  });

  it('counts and hashes an uploaded body as it streams', async () => {
    const s = await start();
    const payload = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    const result = await new Promise<{ bytes: number; sha256: string }>((resolve, reject) => {
      const req = request(
        `${s.url}/rest/api/2/big`,
        { method: 'POST', headers: { 'transfer-encoding': 'chunked' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { bytes: number; sha256: string }),
          );
        },
      );
      req.on('error', reject);
      for (let offset = 0; offset < payload.length; offset += 64 * 1024)
        req.write(payload.subarray(offset, offset + 64 * 1024));
      req.end();
    });
    expect(result).toEqual({
      bytes: payload.length,
      sha256: createHash('sha256').update(payload).digest('hex'),
    });
  });
});

describe('pages', () => {
  it('says who is logged in on the dashboard', async () => {
    const s = await start();
    const login = await fetch(`${s.url}/login.jsp`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'os_username=admin&os_password=admin',
      redirect: 'manual',
    });
    expect(login.headers.get('location')).toBe('/');
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(await (await fetch(`${s.url}/`, { headers: { cookie } })).text()).toContain('(admin)');
    expect(await (await fetch(`${s.url}/`)).text()).toContain('You are not logged in.');
    const logout = await fetch(`${s.url}/logout`, { headers: { cookie }, redirect: 'manual' });
    expect(logout.status).toBe(303);
    expect(await (await fetch(`${s.url}/`, { headers: { cookie } })).text()).toContain(
      'You are not logged in.',
    );
  });
});
