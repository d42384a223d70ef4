/**
 * DESIGN §2 "Management REST API": every endpoint over real HTTP, with its refusals (400 field
 * errors, 401, 403, 404, 405, 413, 415) in Atlassian's error shape.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  API,
  asUser,
  createToken,
  expectAtlassianError,
  putSettings,
  resetState,
} from './support/api-helpers.js';
import { basic, cookieChange, startHarness, type Harness } from './support/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await resetState(h);
});

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- audit events are asserted structurally
async function auditTypes(limit = 50): Promise<Array<Record<string, any>>> {
  const response = await asUser(h, 'admin', `/admin/audit?limit=${limit}`);
  expect(response.status).toBe(200);
  return response.json().records;
}

describe('caller identity', () => {
  test('no identity → 401; an unknown session → 401', async () => {
    expectAtlassianError(await h.call(`${API}/tokens`), 401);
    expectAtlassianError(await h.call(`${API}/tokens`, { headers: { cookie: 'JSESSIONID=forged' } }), 401);
  });

  test('a token caller acts as the token owner', async () => {
    const created = await createToken(h, 'alice');
    const response = await h.call(`${API}/tokens`, { headers: { authorization: `Bearer ${created.token}` } });
    expect(response.status).toBe(200);
    expect(response.json<Array<{ id: string }>>().map((token) => token.id)).toContain(created.id);
  });

  test('a password caller is checked by the product; a wrong password → 401 and is counted', async () => {
    expect(
      (await h.call(`${API}/tokens`, { headers: { authorization: basic('alice', 'alice') } })).status,
    ).toBe(200);
    expectAtlassianError(
      await h.call(`${API}/tokens`, { headers: { authorization: basic('alice', 'nope') } }),
      401,
    );
    const counters = (await asUser(h, 'admin', '/admin/failed-logins')).json<
      Array<{ key: string; failures: number }>
    >();
    expect(counters.find((entry) => entry.key === 'user:alice')?.failures).toBe(1);
  });

  test('a locked-out caller gets 429 with Retry-After from the API too', async () => {
    await putSettings(h, { failedLogins: { maxAttempts: 2, windowMinutes: 15, lockoutMinutes: 5 } });
    for (let attempt = 0; attempt < 2; attempt++) {
      expectAtlassianError(
        await h.call(`${API}/tokens`, {
          headers: { authorization: basic('carol', 'nope') },
          from: '127.0.0.9',
        }),
        401,
      );
    }
    const locked = await h.call(`${API}/tokens`, {
      headers: { authorization: basic('carol', 'carol') },
      from: '127.0.0.9',
    });
    expectAtlassianError(locked, 429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  test('passwords are refused with 403 while password Basic auth is disabled', async () => {
    await putSettings(h, { passwordBasicAuth: false });
    expectAtlassianError(
      await h.call(`${API}/tokens`, { headers: { authorization: basic('alice', 'alice') } }),
      403,
    );
  });
});

describe('XSRF and Origin', () => {
  test('a cookie-authenticated change needs X-Atlassian-Token: no-check', async () => {
    const cookie = h.product.logIn('alice');
    const body = expectAtlassianError(
      await h.call(`${API}/tokens`, { method: 'POST', headers: { cookie }, body: { name: 'no xsrf' } }),
      403,
    );
    expect(body.errorMessages[0]).toMatch(/X-Atlassian-Token: no-check/);
    const ok = await h.call(`${API}/tokens`, {
      method: 'POST',
      headers: { cookie, 'X-Atlassian-Token': 'No-Check' },
      body: { name: 'xsrf' },
    });
    expect(ok.status).toBe(201);
  });

  test('each cookie-authenticated change endpoint refuses a missing XSRF header', async () => {
    const created = await createToken(h, 'alice');
    const cookie = h.product.logIn('admin');
    const cases: Array<[string, string, unknown]> = [
      ['DELETE', `/tokens/${created.id}`, undefined],
      ['PUT', '/admin/settings', { adminOnly: true }],
      ['POST', '/admin/users/alice/tokens', { name: 'x' }],
      ['DELETE', '/admin/users/alice/tokens', undefined],
      ['DELETE', `/admin/tokens/${created.id}`, undefined],
      ['DELETE', '/admin/failed-logins/user%3Aalice', undefined],
    ];
    for (const [method, path, body] of cases) {
      const response = await h.call(`${API}${path}`, {
        method,
        headers: { cookie },
        ...(body === undefined ? {} : { body }),
      });
      expectAtlassianError(response, 403);
    }
    expect((await asUser(h, 'alice', '/tokens')).json<unknown[]>().length).toBeGreaterThan(0);
    expect((await asUser(h, 'admin', '/admin/settings')).json().adminOnly).toBe(false);
  });

  test('a foreign Origin on a change is refused, whatever the credentials; the own origin is fine', async () => {
    const cookie = h.product.logIn('alice');
    const foreign = { cookie, ...cookieChange, origin: 'https://evil.example' };
    expectAtlassianError(
      await h.call(`${API}/tokens`, { method: 'POST', headers: foreign, body: { name: 'x' } }),
      403,
    );
    expectAtlassianError(
      await h.call(`${API}/tokens`, {
        method: 'POST',
        headers: { authorization: basic('alice', 'alice'), origin: 'null' },
        body: { name: 'x' },
      }),
      403,
    );
    const own = { cookie, ...cookieChange, origin: `http://127.0.0.1:${h.gateway.port}` };
    expect(
      (await h.call(`${API}/tokens`, { method: 'POST', headers: own, body: { name: 'own origin' } })).status,
    ).toBe(201);
  });

  test('token-authenticated changes need no XSRF header', async () => {
    const created = await createToken(h, 'alice');
    const response = await h.call(`${API}/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${created.token}` },
      body: { name: 'via token' },
    });
    expect(response.status).toBe(201);
  });
});

describe('user endpoints', () => {
  test('POST /tokens → 201 with the plaintext once; GET lists it without secrets', async () => {
    const cookie = h.product.logIn('carol');
    const response = await h.call(`${API}/tokens`, {
      method: 'POST',
      headers: { cookie, ...cookieChange },
      body: { name: '  build server  ' },
    });
    expect(response.status).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const created = response.json();
    expect(Object.keys(created).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'name', 'token']);
    expect(created.name).toBe('build server');
    expect(created.token).toMatch(/^ata_[0-9A-Za-z]{48}$/);
    expect(created.createdAt).toMatch(ISO);
    expect(created.expiresAt).toBeNull(); // omitted validity = the longest allowed (never)

    const listed = await asUser(h, 'carol', '/tokens');
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(created.token.slice(16, 46));
    expect(listed.text).not.toContain('$2');
    const row = listed.json<Array<Record<string, unknown>>>().find((token) => token.id === created.id);
    expect(row).toEqual({
      id: created.id,
      name: 'build server',
      createdAt: created.createdAt,
      expiresAt: null,
      lastUsedAt: null,
      lastUsedFrom: null,
      createdBy: 'carol',
    });
    // Other users do not see it.
    expect(
      (await asUser(h, 'alice', '/tokens')).json<Array<{ id: string }>>().map((token) => token.id),
    ).not.toContain(created.id);
  });

  test.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: '   ' }, 'name'],
    [{ name: 'x'.repeat(256) }, 'name'],
    [{ name: 42 }, 'name'],
    [{ name: 'ok', validity: 5 }, 'validity'],
    [{ name: 'ok', validity: '3y' }, 'validity'],
  ])('POST /tokens %j → 400 with errors.%s', async (body, field) => {
    const response = await asUser(h, 'alice', '/tokens', { method: 'POST', body });
    expect(Object.keys(expectAtlassianError(response, 400).errors)).toEqual([field]);
  });

  test('a body that is not a JSON object → 400', async () => {
    expectAtlassianError(await asUser(h, 'alice', '/tokens', { method: 'POST', body: [1, 2] }), 400);
    expectAtlassianError(
      await asUser(h, 'alice', '/tokens', {
        method: 'POST',
        body: 'null',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
  });

  test('a duplicate name (case-insensitive) for the same owner → 400; another owner may use it', async () => {
    await createToken(h, 'alice', { name: 'Deploy' });
    const body = expectAtlassianError(
      await asUser(h, 'alice', '/tokens', { method: 'POST', body: { name: 'deploy' } }),
      400,
    );
    expect(body.errors.name).toMatch(/already/);
    await createToken(h, 'carol', { name: 'deploy' });
  });

  test.each([
    ['6m', ['6m']],
    ['1y', ['6m', '1y']],
    ['2y', ['6m', '1y', '2y']],
    ['never', ['6m', '1y', '2y', 'never']],
  ])(
    'ceiling %s: validity-options, the longest by default, 400 above it naming the choices',
    async (ceiling, choices) => {
      await putSettings(h, { maxValidity: ceiling });
      expect((await asUser(h, 'alice', '/validity-options')).json()).toEqual({ ceiling, choices });
      const created = await createToken(h, 'alice');
      if (ceiling === 'never') expect(created.expiresAt).toBeNull();
      else expect(created.expiresAt).toMatch(ISO);
      for (const validity of ['6m', '1y', '2y', 'never']) {
        const response = await asUser(h, 'alice', '/tokens', {
          method: 'POST',
          body: { name: `v ${validity} ${ceiling}`, validity },
        });
        if (choices.includes(validity)) {
          expect(response.status).toBe(201);
        } else {
          const body = expectAtlassianError(response, 400);
          expect(body.errors.validity).toContain('VALIDITY_ABOVE_CEILING');
          expect(body.errors.validity).toContain(choices.join(', '));
        }
      }
    },
  );

  test('expiry is creation + calendar months in UTC', async () => {
    const created = await createToken(h, 'alice', { validity: '1y' });
    const createdAt = new Date(created.createdAt);
    const expected = new Date(createdAt);
    expected.setUTCFullYear(createdAt.getUTCFullYear() + 1);
    if (expected.getUTCDate() !== createdAt.getUTCDate()) expected.setUTCDate(0);
    expect(created.expiresAt).toBe(expected.toISOString());
  });

  test('"only admins": POST /tokens by a non-admin → 403; by an admin → 201', async () => {
    await putSettings(h, { adminOnly: true });
    const body = expectAtlassianError(
      await asUser(h, 'alice', '/tokens', { method: 'POST', body: { name: 'x' } }),
      403,
    );
    expect(body.errorMessages[0]).toMatch(/administrators/);
    await createToken(h, 'admin');
  });

  test('DELETE /tokens/{id}: owner → 204 and audited; unknown or another user’s → 404; admin → 204', async () => {
    const created = await createToken(h, 'alice');
    expectAtlassianError(await asUser(h, 'carol', `/tokens/${created.id}`, { method: 'DELETE' }), 404);
    expect((await asUser(h, 'alice', `/tokens/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expectAtlassianError(await asUser(h, 'alice', `/tokens/${created.id}`, { method: 'DELETE' }), 404);
    const [latest] = await auditTypes(1);
    expect(latest).toMatchObject({
      type: 'token.deleted',
      actor: { username: 'alice' },
      subject: 'alice',
      onBehalf: false,
      token: { id: created.id },
    });
    const other = await createToken(h, 'alice');
    expect((await asUser(h, 'admin', `/tokens/${other.id}`, { method: 'DELETE' })).status).toBe(204);
  });
});

describe('admin endpoints', () => {
  test.each([
    ['GET', '/admin/settings'],
    ['PUT', '/admin/settings'],
    ['GET', '/admin/tokens'],
    ['POST', '/admin/users/carol/tokens'],
    ['DELETE', '/admin/users/carol/tokens'],
    ['DELETE', '/admin/tokens/abc'],
    ['GET', '/admin/failed-logins'],
    ['DELETE', '/admin/failed-logins/user%3Acarol'],
    ['GET', '/admin/audit'],
  ])('%s %s by a non-admin → 403', async (method, path) => {
    const response = await asUser(h, 'alice', path, {
      method,
      ...(method === 'PUT' || method === 'POST' ? { body: { name: 'x' } } : {}),
    });
    expectAtlassianError(response, 403);
  });

  test('settings: GET, PUT (partial keeps the rest), one audit event per changed field', async () => {
    const before = (await asUser(h, 'admin', '/admin/settings')).json();
    expect(before).toEqual({
      maxValidity: 'never',
      ipAllowList: [],
      passwordBasicAuth: true,
      adminOnly: false,
      failedLogins: { maxAttempts: 1000, windowMinutes: 15, lockoutMinutes: 15 },
    });
    const put = await asUser(h, 'admin', '/admin/settings', {
      method: 'PUT',
      body: {
        maxValidity: '1y',
        ipAllowList: ['10.0.0.0/8', '127.0.0.1'],
        failedLogins: { lockoutMinutes: 30 },
      },
    });
    expect(put.status).toBe(200);
    expect(put.json()).toEqual({
      ...before,
      maxValidity: '1y',
      ipAllowList: ['10.0.0.0/8', '127.0.0.1'],
      failedLogins: { ...before.failedLogins, lockoutMinutes: 30 },
    });
    const events = (await auditTypes(3)).reverse();
    expect(events.map((event) => [event.type, event.change.field])).toEqual([
      ['settings.changed', 'maxValidity'],
      ['settings.changed', 'ipAllowList'],
      ['settings.changed', 'failedLogins.lockoutMinutes'],
    ]);
    expect(events[0]).toMatchObject({
      actor: { username: 'admin', key: 'key-admin' },
      change: { before: 'never', after: '1y' },
      clientAddress: '127.0.0.1',
    });
  });

  test('settings: invalid entries → 400 with per-field errors, nothing changed', async () => {
    const response = await asUser(h, 'admin', '/admin/settings', {
      method: 'PUT',
      body: {
        maxValidity: '5y',
        ipAllowList: ['10.0.0.1', '010.0.0.1', '10.0.0.0/33'],
        failedLogins: { maxAttempts: 0 },
        colour: 'red',
      },
    });
    const body = expectAtlassianError(response, 400);
    expect(Object.keys(body.errors).sort()).toEqual([
      'colour',
      'failedLogins.maxAttempts',
      'ipAllowList.1',
      'ipAllowList.2',
      'maxValidity',
    ]);
    expect(body.errors['ipAllowList.1']).toMatch(/leading zeros/);
    expect((await asUser(h, 'admin', '/admin/settings')).json().maxValidity).toBe('never');
    expectAtlassianError(await asUser(h, 'admin', '/admin/settings', { method: 'PUT', body: [] }), 400);
  });

  test('tokens of all users with owner, and filtered by user', async () => {
    const alice = await createToken(h, 'alice');
    const carol = await createToken(h, 'carol');
    const all = (await asUser(h, 'admin', '/admin/tokens')).json<Array<{ id: string; owner: string }>>();
    expect(all.find((token) => token.id === alice.id)?.owner).toBe('alice');
    expect(all.find((token) => token.id === carol.id)?.owner).toBe('carol');
    const filtered = (await asUser(h, 'admin', '/admin/tokens?user=CAROL')).json<Array<{ owner: string }>>();
    expect(filtered.length).toBeGreaterThan(0);
    expect(new Set(filtered.map((token) => token.owner))).toEqual(new Set(['carol']));
    expect(JSON.stringify(all)).not.toContain('$2');
  });

  test('create on behalf: 201, createdBy admin, audit onBehalf; unknown user → 404; bad body → 400', async () => {
    const response = await asUser(h, 'admin', '/admin/users/alice/tokens', {
      method: 'POST',
      body: { name: 'for alice', validity: '6m' },
    });
    expect(response.status).toBe(201);
    const created = response.json();
    const listed = (await asUser(h, 'alice', '/tokens')).json<Array<{ id: string; createdBy: string }>>();
    expect(listed.find((token) => token.id === created.id)?.createdBy).toBe('admin');
    const [event] = await auditTypes(1);
    expect(event).toMatchObject({
      type: 'token.created',
      actor: { username: 'admin' },
      subject: 'alice',
      onBehalf: true,
      token: { id: created.id, name: 'for alice' },
    });
    expect(JSON.stringify(event)).not.toContain(created.token);
    expectAtlassianError(
      await asUser(h, 'admin', '/admin/users/nobody/tokens', { method: 'POST', body: { name: 'x' } }),
      404,
    );
    expectAtlassianError(
      await asUser(h, 'admin', '/admin/users/alice/tokens', { method: 'POST', body: { name: '' } }),
      400,
    );
  });

  test('delete all of a user’s tokens → 200 {deleted: N}, audited', async () => {
    h.product.setUser({ username: 'erin', password: 'erin', active: true, groups: [] });
    await createToken(h, 'erin');
    await createToken(h, 'erin');
    await createToken(h, 'erin');
    const response = await asUser(h, 'admin', '/admin/users/erin/tokens', { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ deleted: 3 });
    const [event] = await auditTypes(1);
    expect(event).toMatchObject({ type: 'token.deleted_all', subject: 'erin', onBehalf: true, count: 3 });
    expect((await asUser(h, 'erin', '/tokens')).json()).toEqual([]);
  });

  test('DELETE /admin/tokens/{id} → 204, then 404', async () => {
    const created = await createToken(h, 'alice');
    expect((await asUser(h, 'admin', `/admin/tokens/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expectAtlassianError(await asUser(h, 'admin', `/admin/tokens/${created.id}`, { method: 'DELETE' }), 404);
  });

  test('failed logins: listed with kind and lock state; reset audited; unknown key → 404; bad key → 400', async () => {
    await h.call('/x', { headers: { authorization: basic('carol', 'wrong') }, from: '127.0.0.8' });
    await expect
      .poll(async () =>
        (await asUser(h, 'admin', '/admin/failed-logins'))
          .json<Array<{ key: string }>>()
          .map((entry) => entry.key)
          .sort(),
      )
      .toEqual(['ip:127.0.0.8', 'user:carol']);
    const listed = (await asUser(h, 'admin', '/admin/failed-logins')).json<Array<Record<string, unknown>>>();
    expect(listed.find((entry) => entry.key === 'ip:127.0.0.8')).toMatchObject({
      kind: 'ip',
      name: '127.0.0.8',
      failures: 1,
      locked: false,
      lockedUntil: null,
    });
    expect(
      (
        await asUser(h, 'admin', `/admin/failed-logins/${encodeURIComponent('ip:127.0.0.8')}`, {
          method: 'DELETE',
        })
      ).status,
    ).toBe(204);
    const [event] = await auditTypes(1);
    expect(event).toMatchObject({ type: 'failed_logins.reset', key: 'ip:127.0.0.8', subject: null });
    expectAtlassianError(
      await asUser(h, 'admin', `/admin/failed-logins/${encodeURIComponent('ip:127.0.0.8')}`, {
        method: 'DELETE',
      }),
      404,
    );
    expect(
      Object.keys(
        expectAtlassianError(
          await asUser(h, 'admin', '/admin/failed-logins/alice', { method: 'DELETE' }),
          400,
        ).errors,
      ),
    ).toEqual(['key']);
  });

  test('audit log: newest first, paged; limit and offset validated', async () => {
    const first = await asUser(h, 'admin', '/admin/audit?limit=2&offset=0');
    expect(first.status).toBe(200);
    const page = first.json();
    expect(page.limit).toBe(2);
    expect(page.offset).toBe(0);
    expect(page.records).toHaveLength(2);
    expect(page.total).toBeGreaterThanOrEqual(2);
    expect(page.records[0].seq).toBeGreaterThan(page.records[1].seq);
    const second = (await asUser(h, 'admin', '/admin/audit?limit=2&offset=1')).json();
    expect(second.records[0].seq).toBe(page.records[1].seq);
    expect((await asUser(h, 'admin', '/admin/audit')).json().limit).toBe(50);
    for (const query of [
      'limit=0',
      'limit=1001',
      'limit=abc',
      'offset=-1',
      'offset=1.5',
      'limit=1&limit=2',
    ]) {
      expectAtlassianError(await asUser(h, 'admin', `/admin/audit?${query}`), 400);
    }
  });

  test('audited changes reach the product’s audit log through the outbox', async () => {
    const created = await createToken(h, 'alice', { name: 'outbox check' });
    await h.gateway.flush();
    await expect
      .poll(() =>
        h.product.audit.some((record) => record.object?.id === created.id && record.type === 'token.created'),
      )
      .toBe(true);
  });
});

describe('health and HTTP-level errors', () => {
  test('GET /health needs no identity', async () => {
    const response = await h.call(`${API}/health`);
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', database: 'ok', upstream: 'ok' });
  });

  test('unknown route → 404, wrong method → 405 with Allow, both in the error shape', async () => {
    expectAtlassianError(await asUser(h, 'alice', '/nothing-here'), 404);
    const response = await asUser(h, 'alice', '/tokens', { method: 'PUT', body: {} });
    expectAtlassianError(response, 405);
    expect(response.headers.allow).toBe('GET, HEAD, POST');
    expectAtlassianError(await h.call(`${API}/health`, { method: 'POST' }), 405);
  });

  test('bad JSON → 400, wrong content type → 415, too large → 413; never a 500', async () => {
    const cookie = h.product.logIn('alice');
    const headers = { cookie, ...cookieChange };
    expectAtlassianError(
      await h.call(`${API}/tokens`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: '{"name":',
      }),
      400,
    );
    expectAtlassianError(
      await h.call(`${API}/tokens`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: '{"__proto__":{"x":1},"name":"p"}',
      }),
      400,
    );
    expectAtlassianError(
      await h.call(`${API}/tokens`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/plain' },
        body: 'name=x',
      }),
      415,
    );
    expectAtlassianError(
      await h.call(`${API}/tokens`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x'.repeat(2_000_000) }),
      }),
      413,
    );
    expectAtlassianError(await h.call(`${API}/tokens/%E0%A4%A`, { method: 'DELETE', headers }), 400);
  });
});
