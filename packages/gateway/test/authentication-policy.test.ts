/**
 * DESIGN §2 "Authentication policy", branch by branch, over real HTTP: client → gateway → echo
 * upstream, with SQLite in a temp dir and the fake product in-process.
 */
import { generateToken } from '@api-token-auth/token-policy';
import { randomBytes } from 'node:crypto';
import { Client } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  API,
  asUser,
  createToken,
  expectAtlassianError,
  putSettings,
  resetState,
  withOtherSecret,
  withTypo,
} from './support/api-helpers.js';
import { basic, startHarness, type Harness } from './support/harness.js';

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

/** What the echo upstream answers: the request as it arrived. */
interface EchoedHeaders {
  headers: Record<string, string | undefined>;
}

function upstreamCount(): number {
  return h.upstream.received.length;
}

async function failedLoginKeys(): Promise<Record<string, number>> {
  const list = await asUser(h, 'admin', '/admin/failed-logins');
  return Object.fromEntries(
    list.json<Array<{ key: string; failures: number }>>().map((entry) => [entry.key, entry.failures]),
  );
}

describe('1. no Authorization header', () => {
  test('anonymous and cookie requests are forwarded unchanged, even from an address outside the allow-list', async () => {
    await putSettings(h, { ipAllowList: ['10.0.0.0/8'] });
    const response = await h.call('/rest/api/2/issue/X-1?expand=names', {
      headers: { cookie: 'JSESSIONID=abc' },
    });
    expect(response.status).toBe(200);
    const seen = response.json();
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe('/rest/api/2/issue/X-1?expand=names');
    expect(seen.headers.cookie).toBe('JSESSIONID=abc');
    expect(seen.headers['x-forwarded-user']).toBeUndefined();
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  test.each([
    '/rest/auth/1/session',
    '/rest;x=y/auth/1/session',
    '/%72est/auth/1/session',
    '//rest/auth/1/session',
    '/rest/../rest/auth/1/session',
    '/rest/auth/1/session/',
    '/REST/auth/1/session',
  ])(
    'a password login posted to %s is refused with 403 while password Basic auth is disabled',
    async (path) => {
      await putSettings(h, { passwordBasicAuth: false });
      const before = upstreamCount();
      const response = await h.call(path, { method: 'POST', body: { username: 'alice', password: 'alice' } });
      const body = expectAtlassianError(response, 403);
      expect(body.errorMessages[0]).toMatch(/disabled/);
      expect(upstreamCount()).toBe(before);
    },
  );

  test('the REST session login is forwarded while passwords are allowed; GET of it is never refused', async () => {
    const response = await h.call('/rest/auth/1/session', {
      method: 'POST',
      body: { username: 'alice', password: 'alice' },
    });
    expect(response.status).toBe(200);
    await putSettings(h, { passwordBasicAuth: false });
    expect((await h.call('/rest/auth/1/session')).status).toBe(200);
  });
});

describe('2. tokens', () => {
  test('Basic user:token is forwarded as the owner, without Authorization', async () => {
    const created = await createToken(h, 'alice');
    const response = await h.call('/rest/api/2/myself', {
      headers: { authorization: basic('alice', created.token) },
    });
    expect(response.status).toBe(200);
    const seen = response.json();
    expect(seen.headers['x-forwarded-user']).toBe('alice');
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-api-token-auth-secret']).toBeUndefined();
  });

  test('Bearer token is forwarded as the owner', async () => {
    const created = await createToken(h, 'alice');
    const response = await h.call('/secure/Dashboard.jspa', {
      headers: { authorization: `Bearer ${created.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.json().headers['x-forwarded-user']).toBe('alice');
  });

  test('the Basic username compares case-insensitively with the owner', async () => {
    const created = await createToken(h, 'alice');
    const response = await h.call('/rest/api/2/myself', {
      headers: { authorization: basic('ALICE', created.token) },
    });
    expect(response.status).toBe(200);
    expect(response.json().headers['x-forwarded-user']).toBe('alice');
  });

  test('a non-ASCII owner goes upstream as the UTF-8 bytes of the username', async () => {
    h.product.setUser({ username: '王五', password: 'x', active: true, groups: [] });
    const created = await asUser(h, 'admin', `/admin/users/${encodeURIComponent('王五')}/tokens`, {
      method: 'POST',
      body: { name: 'u' },
    });
    expect(created.status).toBe(201);
    const response = await h.call('/x', { headers: { authorization: `Bearer ${created.json().token}` } });
    expect(response.status).toBe(200);
    const raw = response.json().rawHeaders as string[];
    const value = raw[raw.findIndex((name) => name.toLowerCase() === 'x-forwarded-user') + 1] ?? '';
    expect(Buffer.from(value, 'latin1').toString('utf8')).toBe('王五');
  });

  test('a token-shaped typo is refused with 401, counted, and never reaches the product', async () => {
    const created = await createToken(h, 'alice');
    const before = upstreamCount();
    const productFailures = h.upstream.failedPasswordChecks;
    const response = await h.call('/rest/api/2/myself', {
      headers: { authorization: basic('alice', withTypo(created.token)) },
    });
    const body = expectAtlassianError(response, 401);
    expect(body.errorMessages[0]).toMatch(/not valid/);
    expect(upstreamCount()).toBe(before);
    expect(h.upstream.failedPasswordChecks).toBe(productFailures);
    expect(await failedLoginKeys()).toEqual({ 'ip:127.0.0.1': 1, 'user:alice': 1 });
  });

  test.each([
    ['unknown token id', () => `Bearer ${generateToken((n) => randomBytes(n)).token}`],
    ['wrong secret for a real id', (token: string) => `Bearer ${withOtherSecret(token)}`],
    ['Basic username is not the owner', (token: string) => basic('carol', token)],
  ])('%s → 401, counted, not forwarded', async (_name, header) => {
    const created = await createToken(h, 'alice');
    const before = upstreamCount();
    const response = await h.call('/rest/api/2/myself', {
      headers: { authorization: header(created.token) },
    });
    expectAtlassianError(response, 401);
    expect(upstreamCount()).toBe(before);
    expect((await failedLoginKeys())['ip:127.0.0.1']).toBe(1);
  });

  test('with password Basic auth disabled, a non-matching token is refused with 403 and tokens still work', async () => {
    const created = await createToken(h, 'alice');
    await putSettings(h, { passwordBasicAuth: false });
    expectAtlassianError(
      await h.call('/rest/api/2/myself', {
        headers: { authorization: basic('alice', withTypo(created.token)) },
      }),
      403,
    );
    expect(
      (await h.call('/rest/api/2/myself', { headers: { authorization: basic('alice', created.token) } }))
        .status,
    ).toBe(200);
  });

  test('an expired token is refused with 401 (expiry instant included)', async () => {
    const created = await createToken(h, 'alice', { validity: '6m' });
    const header = { authorization: `Bearer ${created.token}` };
    expect((await h.call('/rest/api/2/myself', { headers: header })).status).toBe(200);
    const expiresAt = Date.parse(created.expiresAt ?? '');
    try {
      h.advance(expiresAt - Date.now());
      const body = expectAtlassianError(await h.call('/rest/api/2/myself', { headers: header }), 401);
      expect(body.errorMessages[0]).toMatch(/expired/);
    } finally {
      h.advance(-(expiresAt - Date.now()));
    }
  });

  test('lowering the ceiling caps an existing token; raising it again restores it', async () => {
    const created = await createToken(h, 'alice', { validity: 'never' });
    const header = { authorization: `Bearer ${created.token}` };
    const sevenMonths = 7 * 31 * 24 * 3600 * 1000;
    h.advance(sevenMonths);
    try {
      expect((await h.call('/rest/api/2/myself', { headers: header })).status).toBe(200);
      await putSettings(h, { maxValidity: '6m' });
      expectAtlassianError(await h.call('/rest/api/2/myself', { headers: header }), 401);
      await putSettings(h, { maxValidity: 'never' });
      expect((await h.call('/rest/api/2/myself', { headers: header })).status).toBe(200);
    } finally {
      h.advance(-sevenMonths);
    }
  });

  test('an inactive or deleted owner → 401 within the user cache lifetime', async () => {
    h.product.setUser({ username: 'dave', password: 'dave', active: true, groups: [] });
    const created = await createToken(h, 'dave');
    const header = { authorization: `Bearer ${created.token}` };
    expect((await h.call('/rest/api/2/myself', { headers: header })).status).toBe(200);
    h.product.setUser({ username: 'dave', password: 'dave', active: false, groups: [] });
    h.advance(31_000);
    const body = expectAtlassianError(await h.call('/rest/api/2/myself', { headers: header }), 401);
    expect(body.errorMessages[0]).toMatch(/deactivated/);
    h.product.users.delete('dave');
    h.advance(31_000);
    expectAtlassianError(await h.call('/rest/api/2/myself', { headers: header }), 401);
  });

  test('"only admins" on: a non-admin token → 403, an admin token works', async () => {
    const alice = await createToken(h, 'alice');
    const admin = await createToken(h, 'admin');
    await putSettings(h, { adminOnly: true });
    const body = expectAtlassianError(
      await h.call('/rest/api/2/myself', { headers: { authorization: `Bearer ${alice.token}` } }),
      403,
    );
    expect(body.errorMessages[0]).toMatch(/administrators/);
    const ok = await h.call('/rest/api/2/myself', { headers: { authorization: `Bearer ${admin.token}` } });
    expect(ok.status).toBe(200);
    expect(ok.json().headers['x-forwarded-user']).toBe('admin');
  });

  test('last use (time and plain client IP) is visible within seconds', async () => {
    const created = await createToken(h, 'alice');
    const before = Date.now();
    expect(
      (
        await h.call('/rest/api/2/myself', {
          headers: { authorization: `Bearer ${created.token}` },
          from: '127.0.0.3',
        })
      ).status,
    ).toBe(200);
    const listed = (await asUser(h, 'alice', '/tokens')).json<
      Array<{ id: string; lastUsedAt: string | null; lastUsedFrom: string | null }>
    >();
    const row = listed.find((token) => token.id === created.id);
    expect(row?.lastUsedFrom).toBe('127.0.0.3');
    expect(Date.parse(row?.lastUsedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    // And it reaches storage by itself, without any further request.
    await expect
      .poll(async () => (await h.gateway.store.tokens.findById(created.id))?.lastUsedFrom, { timeout: 5000 })
      .toBe('127.0.0.3');
  });

  test('a deleted token is refused on the very next request', async () => {
    const created = await createToken(h, 'alice');
    const header = { authorization: `Bearer ${created.token}` };
    expect((await h.call('/rest/api/2/myself', { headers: header })).status).toBe(200);
    expect((await asUser(h, 'alice', `/tokens/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expectAtlassianError(await h.call('/rest/api/2/myself', { headers: header }), 401);
  });

  test("delete-all stops every one of the user's tokens at once", async () => {
    const first = await createToken(h, 'carol');
    const second = await createToken(h, 'carol');
    for (const token of [first, second]) {
      expect((await h.call('/x', { headers: { authorization: `Bearer ${token.token}` } })).status).toBe(200);
    }
    expect((await asUser(h, 'admin', '/admin/users/carol/tokens', { method: 'DELETE' })).json()).toEqual({
      deleted: 2,
    });
    for (const token of [first, second]) {
      expectAtlassianError(await h.call('/x', { headers: { authorization: `Bearer ${token.token}` } }), 401);
    }
  });

  test('N parallel requests with one cold token cost exactly one bcrypt comparison', async () => {
    const created = await createToken(h, 'alice');
    const before = h.gateway.bcryptComparisons();
    const responses = await Promise.all(
      Array.from({ length: 25 }, () =>
        h.call('/rest/api/2/myself', { headers: { authorization: `Bearer ${created.token}` } }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(25).fill(200));
    expect(h.gateway.bcryptComparisons() - before).toBe(1);
    // Warm: no further comparison.
    await h.call('/rest/api/2/myself', { headers: { authorization: basic('alice', created.token) } });
    expect(h.gateway.bcryptComparisons() - before).toBe(1);
  });

  test('brute force on one token id: at most the threshold of comparisons, then 429 without any', async () => {
    const created = await createToken(h, 'alice');
    await putSettings(h, { failedLogins: { maxAttempts: 3, windowMinutes: 15, lockoutMinutes: 15 } });
    const before = h.gateway.bcryptComparisons();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const response = await h.call('/x', {
        headers: { authorization: `Bearer ${withOtherSecret(created.token)}` },
        from: '127.0.0.4',
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
    expect(h.gateway.bcryptComparisons() - before).toBeLessThanOrEqual(3);
  });

  test('brute force in one burst: the attempts arrive together, still at most the threshold of comparisons', async () => {
    const created = await createToken(h, 'alice');
    await putSettings(h, { failedLogins: { maxAttempts: 3, windowMinutes: 15, lockoutMinutes: 15 } });
    const before = h.gateway.bcryptComparisons();
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, attempt) =>
        h.call('/x', {
          headers: {
            authorization: `Bearer ${withOtherSecret(created.token, String(attempt).padStart(30, 'y'))}`,
          },
          from: '127.0.0.8',
        }),
      ),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([
      ...Array<number>(3).fill(401),
      ...Array<number>(9).fill(429),
    ]);
    expect(h.gateway.bcryptComparisons() - before).toBe(3);
    // The lock holds for the real secret too, and costs no comparison.
    const real = await h.call('/x', {
      headers: { authorization: `Bearer ${created.token}` },
      from: '127.0.0.8',
    });
    expect(real.status).toBe(429);
    expect(h.gateway.bcryptComparisons() - before).toBe(3);
  });
});

describe('3. passwords', () => {
  test('a password is forwarded unchanged (Authorization kept) and a success resets the user count', async () => {
    const before = upstreamCount();
    expect(
      (await h.call('/rest/api/2/myself', { headers: { authorization: basic('alice', 'wrong') } })).status,
    ).toBe(401);
    await expect.poll(async () => (await failedLoginKeys())['user:alice']).toBe(1);
    const response = await h.call('/rest/api/2/myself', {
      headers: { authorization: basic('alice', 'alice') },
    });
    expect(response.status).toBe(200);
    expect(response.json().headers.authorization).toBe(basic('alice', 'alice'));
    expect(response.json().headers['x-forwarded-user']).toBeUndefined();
    expect(upstreamCount()).toBe(before + 2);
    await expect.poll(async () => (await failedLoginKeys())['user:alice']).toBeUndefined();
  });

  test('password Basic auth disabled → 403, nothing forwarded', async () => {
    await putSettings(h, { passwordBasicAuth: false });
    const before = upstreamCount();
    const body = expectAtlassianError(
      await h.call('/rest/api/2/myself', { headers: { authorization: basic('alice', 'alice') } }),
      403,
    );
    expect(body.errorMessages[0]).toMatch(/API token/);
    expect(upstreamCount()).toBe(before);
  });

  test('wrong passwords are counted and lock out with 429 and Retry-After; an admin reset unlocks', async () => {
    await putSettings(h, { failedLogins: { maxAttempts: 3, windowMinutes: 15, lockoutMinutes: 10 } });
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(
        (
          await h.call('/rest/api/2/myself', {
            headers: { authorization: basic('carol', 'wrong') },
            from: '127.0.0.6',
          })
        ).status,
      ).toBe(401);
    }
    await expect.poll(async () => (await failedLoginKeys())['user:carol']).toBe(3);
    const before = upstreamCount();
    const locked = await h.call('/rest/api/2/myself', {
      headers: { authorization: basic('carol', 'carol') },
      from: '127.0.0.6',
    });
    const body = expectAtlassianError(locked, 429);
    expect(body.errorMessages[0]).toMatch(/Try again after/);
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(590);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(upstreamCount()).toBe(before);

    const listed = (await asUser(h, 'admin', '/admin/failed-logins')).json<
      Array<{ key: string; locked: boolean }>
    >();
    expect(listed.find((entry) => entry.key === 'user:carol')?.locked).toBe(true);
    expect(
      (
        await asUser(h, 'admin', `/admin/failed-logins/${encodeURIComponent('user:carol')}`, {
          method: 'DELETE',
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await asUser(h, 'admin', `/admin/failed-logins/${encodeURIComponent('ip:127.0.0.6')}`, {
          method: 'DELETE',
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await h.call('/rest/api/2/myself', {
          headers: { authorization: basic('carol', 'carol') },
          from: '127.0.0.6',
        })
      ).status,
    ).toBe(200);
  });

  test('a lockout ends by itself when the lockout time has passed', async () => {
    await putSettings(h, { failedLogins: { maxAttempts: 2, windowMinutes: 15, lockoutMinutes: 1 } });
    for (let attempt = 0; attempt < 2; attempt++) {
      await h.call('/x', { headers: { authorization: basic('carol', 'wrong') }, from: '127.0.0.7' });
    }
    await expect
      .poll(
        async () =>
          (await h.call('/x', { headers: { authorization: basic('carol', 'carol') }, from: '127.0.0.7' }))
            .status,
      )
      .toBe(429);
    h.advance(61_000);
    try {
      expect(
        (await h.call('/x', { headers: { authorization: basic('carol', 'carol') }, from: '127.0.0.7' }))
          .status,
      ).toBe(200);
    } finally {
      h.advance(-61_000);
    }
  });
});

describe('4. IP restrictions', () => {
  test('apply to tokens, passwords and other schemes, not to cookies; the message names the address', async () => {
    const created = await createToken(h, 'alice');
    await putSettings(h, { ipAllowList: ['127.0.0.2', '10.0.0.0/8'] });
    const refused = expectAtlassianError(
      await h.call('/x', { headers: { authorization: `Bearer ${created.token}` } }),
      403,
    );
    expect(refused.errorMessages[0]).toContain('127.0.0.1');
    expectAtlassianError(await h.call('/x', { headers: { authorization: basic('alice', 'alice') } }), 403);
    expectAtlassianError(await h.call('/x', { headers: { authorization: 'Bearer native-pat-1234' } }), 403);
    expect((await h.call('/x', { headers: { cookie: 'JSESSIONID=1' } })).status).toBe(200);

    expect(
      (await h.call('/x', { headers: { authorization: `Bearer ${created.token}` }, from: '127.0.0.2' }))
        .status,
    ).toBe(200);
    expect(
      (await h.call('/x', { headers: { authorization: basic('alice', 'alice') }, from: '127.0.0.2' })).status,
    ).toBe(200);
    const other = await h.call('/x', {
      headers: { authorization: 'Bearer native-pat-1234' },
      from: '127.0.0.2',
    });
    expect(other.status).toBe(200);
    expect(other.json().headers.authorization).toBe('Bearer native-pat-1234');
  });

  test('an empty list allows everyone', async () => {
    const created = await createToken(h, 'alice');
    expect(
      (await h.call('/x', { headers: { authorization: `Bearer ${created.token}` }, from: '127.0.0.9' }))
        .status,
    ).toBe(200);
  });

  test('the management API applies it to credentialed callers, not to cookie sessions', async () => {
    const created = await createToken(h, 'alice');
    await putSettings(h, { ipAllowList: ['127.0.0.2'] });
    expectAtlassianError(
      await h.call(`${API}/tokens`, { headers: { authorization: `Bearer ${created.token}` } }),
      403,
    );
    expect((await asUser(h, 'alice', '/tokens')).status).toBe(200);
  });
});

describe('5. malformed Authorization', () => {
  test.each([
    ['bad base64', 'Basic !!!notbase64'],
    ['no colon', `Basic ${Buffer.from('no-colon').toString('base64')}`],
    ['no credentials', 'Basic'],
    ['oversized', `Bearer ${'a'.repeat(9000)}`],
  ])('%s → 400, nothing forwarded', async (_name, header) => {
    const before = upstreamCount();
    expectAtlassianError(await h.call('/x', { headers: { authorization: header } }), 400);
    expect(upstreamCount()).toBe(before);
  });
});

describe('identity header stripping', () => {
  test('client copies of the identity and secret headers are removed, in any case and repeated', async () => {
    const headers = [
      'X-Forwarded-User',
      'admin',
      'x-forwarded-user',
      'root',
      'X-FORWARDED-USER',
      'admin2',
      'X-Api-Token-Auth-Secret',
      'guess',
      'x-api-token-auth-secret',
      'guess2',
    ];
    const anonymous = (await h.call('/x', { headers })).json();
    expect(
      anonymous.rawHeaders
        .filter((_: string, i: number) => i % 2 === 0)
        .map((name: string) => name.toLowerCase()),
    ).not.toContain('x-forwarded-user');
    expect(anonymous.headers['x-api-token-auth-secret']).toBeUndefined();

    const created = await createToken(h, 'alice');
    const withToken = (
      await h.call('/x', { headers: [...headers, 'Authorization', `Bearer ${created.token}`] })
    ).json();
    const identity = withToken.rawHeaders.flatMap((value: string, i: number, all: string[]) =>
      i % 2 === 0 && value.toLowerCase() === 'x-forwarded-user' ? [all[i + 1]] : [],
    );
    expect(identity).toEqual(['alice']);
    expect(withToken.headers['x-api-token-auth-secret']).toBeUndefined();

    const password = (
      await h.call('/x', { headers: [...headers, 'Authorization', basic('alice', 'alice')] })
    ).json();
    expect(password.headers['x-forwarded-user']).toBeUndefined();
    expect(password.headers['x-api-token-auth-secret']).toBeUndefined();
  });
});

describe('one keep-alive connection, several callers (a load balancer in front reuses connections)', () => {
  test('each request is decided by its own Authorization header, and a deletion takes effect at once', async () => {
    const alice = await createToken(h, 'alice');
    const carol = await createToken(h, 'carol');
    // One connection for every request below.
    const connection = new Client(`http://127.0.0.1:${h.gateway.port}`, { pipelining: 1 });
    let connects = 0;
    connection.on('connect', () => {
      connects += 1;
    });
    const send = async (authorization?: string) => {
      const response = await connection.request({
        path: '/rest/api/2/myself',
        method: 'GET',
        headers: authorization === undefined ? {} : { authorization },
      });
      const text = await response.body.text();
      const user =
        response.statusCode === 200
          ? (JSON.parse(text) as EchoedHeaders).headers['x-forwarded-user']
          : undefined;
      return { status: response.statusCode, user };
    };
    try {
      expect(await send(`Bearer ${alice.token}`)).toEqual({ status: 200, user: 'alice' });
      expect(await send(`Bearer ${alice.token}`)).toEqual({ status: 200, user: 'alice' });
      expect(await send(basic('carol', carol.token))).toEqual({ status: 200, user: 'carol' });
      expect((await send(`Bearer ${withOtherSecret(alice.token)}`)).status).toBe(401);
      expect((await send(basic('carol', alice.token))).status).toBe(401);
      expect(await send()).toEqual({ status: 200, user: undefined });
      expect(await send(`Bearer ${alice.token}`)).toEqual({ status: 200, user: 'alice' });
      expect((await asUser(h, 'alice', `/tokens/${alice.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await send(`Bearer ${alice.token}`)).status).toBe(401);
      expect(await send(`Bearer ${carol.token}`)).toEqual({ status: 200, user: 'carol' });
      expect(connects).toBe(1);
    } finally {
      await connection.close();
    }
  });
});

describe('routing', () => {
  test('the UI paths are served by the gateway: without a session they ask the caller to log in', async () => {
    const before = upstreamCount();
    for (const page of ['tokens', 'admin']) {
      const response = await h.call(`/plugins/servlet/api-token-auth/${page}`);
      expect(response.status).toBe(401);
      expect(String(response.headers['content-type'])).toMatch(/text\/html/);
      expect(String(response.headers['content-security-policy'])).toContain("default-src 'none'");
      expect(response.text).toContain('/login.jsp?os_destination=');
    }
    expect(upstreamCount()).toBe(before);
    expect((await h.call('/plugins/servlet/api-token-auth/nope')).status).toBe(404);
  });

  test('a disguised spelling of the API path is refused, not routed or forwarded', async () => {
    const before = upstreamCount();
    expectAtlassianError(await h.call('/%72est/api-token-auth/1.0/health'), 404);
    expect(upstreamCount()).toBe(before);
  });

  test('request targets that Tomcat would refuse are refused with 400', async () => {
    const before = upstreamCount();
    expectAtlassianError(await h.call('/rest/%2e%2e%2f%2e%2e%2fsecure'), 400);
    expect(upstreamCount()).toBe(before);
  });
});
