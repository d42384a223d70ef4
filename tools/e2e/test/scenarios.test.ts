/**
 * The seed admin guide, one scenario per line, over real ports: sandbox product + the real adapter bin +
 * SQLite, for both products (issues 3 and 4). Every refusal is checked for its status, the Atlassian
 * error shape and — through the sandbox's request log — that nothing reached the product.
 */
import Database from 'better-sqlite3';
import type { Validity } from '@api-token-auth/token-policy';
import { describe, expect, test } from 'vitest';
import { anonymous, apiClient, basic, bearer, callProduct, sandboxSaw } from '../src/client.js';
import type { Credentials, ProductCallOptions } from '../src/client.js';
import { auditViews, errorText, expectAtlassianError, expectStatus } from '../src/expectations.js';
import { failedLoginViews, putSettings } from '../src/gateway-state.js';
import { sendRaw } from '../src/http.js';
import { PRODUCTS } from '../src/products.js';
import { forgeToken, typo } from '../src/tokens.js';
import { addUtcMonths, createToken, eventually, tokenName, useStack } from './fixture.js';
import type { CreatedToken } from './fixture.js';

const IDENTITY = 'x-forwarded-user';
const SECRET = 'x-api-token-auth-secret';

const MONTHS: Record<Exclude<Validity, 'never'>, number> = { '6m': 6, '1y': 12, '2y': 24 };
const ALL_VALIDITIES: Validity[] = ['6m', '1y', '2y', 'never'];

/** The seed's four examples, word for word. */
const CEILINGS: Array<{ title: string; ceiling: Validity; choices: Validity[] }> = [
  {
    title: 'System Wide Setting is 6 month - users can select 6 month only, nothing else',
    ceiling: '6m',
    choices: ['6m'],
  },
  {
    title: 'System Wide Setting is 1 year - users can select 1 year or 6 month, nothing else',
    ceiling: '1y',
    choices: ['6m', '1y'],
  },
  {
    title: 'System Wide Setting is 2 years - users can select 2 years, 1 year or 6 month, nothing else',
    ceiling: '2y',
    choices: ['6m', '1y', '2y'],
  },
  {
    title: 'System Wide Setting is Never - users can select any validity time from the select list',
    ceiling: 'never',
    choices: ['6m', '1y', '2y', 'never'],
  },
];

/** `'refused'` when `status` is one of `accepted`, else the status itself (for a readable diff). */
function refusal(status: number, ...accepted: number[]): number | 'refused' {
  return accepted.includes(status) ? 'refused' : status;
}

describe.each(PRODUCTS)('%s', (product) => {
  const world = useStack(product);

  /** Calls the product resource and asserts it ran as `user`, with no Authorization forwarded. */
  async function expectRunsAs(credentials: Credentials, user: string, from?: string): Promise<void> {
    const res = await callProduct(world.stack, credentials, from === undefined ? {} : { from });
    expect({ status: res.status, ranAs: res.ranAs, body: res.json ?? res.text }).toMatchObject({
      status: 200,
      ranAs: user,
    });
    const seen = sandboxSaw(world.stack, res.probe);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.ranAs).toBe(user);
  }

  /** Calls the product resource and asserts the gateway refused it itself: nothing was forwarded. */
  async function expectRefused(
    credentials: Credentials,
    status: number,
    options: ProductCallOptions = {},
  ): Promise<string> {
    const res = await callProduct(world.stack, credentials, options);
    const body = expectAtlassianError(res, status);
    expect(sandboxSaw(world.stack, res.probe)).toEqual([]);
    return errorText(body);
  }

  describe('creating and using tokens', () => {
    test('creates a token via REST with a cookie session and the XSRF header, and via token auth', async () => {
      const first = await createToken(world.aliceApi, { name: tokenName('cookie-made') });
      expect(first.token.length).toBeLessThan(72);
      const viaToken = apiClient(world.stack, basic('alice', first.token));
      const second = await createToken(viaToken, { name: tokenName('token-made') });
      const viaBearer = apiClient(world.stack, bearer(second.token));
      const third = await createToken(viaBearer, { name: tokenName('bearer-made') });

      const listed = expectStatus<Array<Record<string, unknown>>>(await world.aliceApi.get('/tokens'), 200);
      for (const created of [first, second, third]) {
        const row = listed.find((item) => item.id === created.id);
        expect(row).toEqual({
          id: created.id,
          name: created.name,
          createdAt: created.createdAt,
          expiresAt: created.expiresAt,
          lastUsedAt: null,
          lastUsedFrom: null,
          createdBy: 'alice',
        });
      }
      // The plaintext is shown only once: no listing carries it.
      expect(JSON.stringify(listed)).not.toContain(first.token);
      const all = await world.adminApi.get('/admin/tokens?user=alice');
      expect(all.status).toBe(200);
      expect(all.text).not.toContain(first.token);
      expect(all.text).not.toMatch(/\$2[aby]\$/);
    });

    test('a token works with Basic and Bearer: the product sees its owner, never the Authorization header', async () => {
      const { id, token } = await createToken(world.aliceApi);
      await expectRunsAs(basic('alice', token), 'alice');
      await expectRunsAs(bearer(token), 'alice');
      // Usernames compare case-insensitively; the product still sees the owner's name.
      await expectRunsAs(basic('ALICE', token), 'alice');

      const res = await callProduct(world.stack, bearer(token));
      const [seen] = sandboxSaw(world.stack, res.probe);
      expect(seen?.headers.authorization).toBeUndefined();
      expect(seen?.headers[IDENTITY]).toBe('alice');
      expect(seen?.headers[SECRET]).toBe(world.stack.identitySecret);

      // Last use (time and plain client IP) is visible within seconds.
      const used = await eventually('last use of the token', async () => {
        const list = expectStatus<
          Array<{ id: string; lastUsedAt: string | null; lastUsedFrom: string | null }>
        >(await world.aliceApi.get('/tokens'), 200);
        const row = list.find((item) => item.id === id);
        return row?.lastUsedAt === null ? undefined : row;
      });
      expect(used.lastUsedFrom).toBe('127.0.0.1');
      expect(Date.parse(used.lastUsedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    });

    test("a token presented with another user's name is refused with 401 and not forwarded", async () => {
      const { token } = await createToken(world.aliceApi);
      await expectRefused(basic('admin', token), 401);
    });

    test('a token-shaped typo never reaches the product: 401, product failed-login count stays 0', async () => {
      const { id, token } = await createToken(world.aliceApi);
      // Control: the request log does record what the gateway forwards.
      await expectRunsAs(basic('alice', token), 'alice');
      const before = world.stack.sandbox.failedLoginCount('alice');
      await expectRefused(basic('alice', typo(token)), 401);
      await expectRefused(bearer(typo(token)), 401);
      // Checksum fine, secret wrong; and an id nobody has.
      await expectRefused(basic('alice', forgeToken(id)), 401);
      await expectRefused(bearer(forgeToken()), 401);
      expect(before).toBe(0);
      expect(world.stack.sandbox.failedLoginCount('alice')).toBe(0);
      const leaked = world.stack.sandbox.requestLog.filter((record) =>
        String(record.headers.authorization ?? '').startsWith('Basic'),
      );
      for (const record of leaked) {
        const decoded = Buffer.from(String(record.headers.authorization).slice(6), 'base64').toString('utf8');
        expect(decoded).not.toMatch(/ata_/i);
      }
    });

    test('a malformed Authorization header is refused with 400 and nothing is forwarded', async () => {
      const oversized = `Basic ${Buffer.from(`alice:${'x'.repeat(9_000)}`).toString('base64')}`;
      for (const header of [
        'Basic !!!not-base64',
        `Basic ${Buffer.from('no-colon').toString('base64')}`,
        'Basic ',
        oversized,
      ]) {
        await expectRefused({ kind: 'basic', headers: { Authorization: header } }, 400);
      }
    });

    test('a deleted token stops working on the very next request', async () => {
      const own = await createToken(world.aliceApi);
      await expectRunsAs(bearer(own.token), 'alice');
      expect((await world.aliceApi.delete(`/tokens/${own.id}`)).status).toBe(204);
      await expectRefused(bearer(own.token), 401);
      expectAtlassianError(await world.aliceApi.delete(`/tokens/${own.id}`), 404);

      const byAdmin = await createToken(world.aliceApi);
      await expectRunsAs(basic('alice', byAdmin.token), 'alice');
      expect((await world.adminApi.delete(`/admin/tokens/${byAdmin.id}`)).status).toBe(204);
      await expectRefused(basic('alice', byAdmin.token), 401);
    });

    test('the management API: no identity is 401, a non-admin on /admin is 403, health is public', async () => {
      expectAtlassianError(await apiClient(world.stack, anonymous).get('/tokens'), 401);
      expectAtlassianError(await apiClient(world.stack, anonymous).post('/tokens', { name: 'x' }), 401);
      for (const path of ['/admin/settings', '/admin/tokens', '/admin/failed-logins', '/admin/audit']) {
        expectAtlassianError(await world.aliceApi.get(path), 403);
      }
      expectAtlassianError(await world.aliceApi.put('/admin/settings', world.defaults), 403);
      expectAtlassianError(await world.aliceApi.post('/admin/users/admin/tokens', { name: 'x' }), 403);
      const health = expectStatus(await apiClient(world.stack, anonymous).get('/health'), 200);
      expect(health).toMatchObject({
        status: expect.any(String),
        database: expect.anything(),
        upstream: expect.anything(),
      });
    });

    test('cookie-authenticated changes need X-Atlassian-Token: no-check (403 without it, also with a foreign Origin)', async () => {
      const victim = await createToken(world.aliceApi);
      const noXsrf = apiClient(world.stack, world.alice, { xsrf: false });
      const adminNoXsrf = apiClient(world.stack, world.admin, { xsrf: false });
      const foreign = { headers: { Origin: 'https://evil.example' } };
      const before = expectStatus<unknown[]>(await world.aliceApi.get('/tokens'), 200).length;

      for (const options of [undefined, foreign]) {
        expectAtlassianError(await noXsrf.post('/tokens', { name: 'csrf' }, options), 403);
        expectAtlassianError(await noXsrf.delete(`/tokens/${victim.id}`, options), 403);
        expectAtlassianError(
          await adminNoXsrf.put('/admin/settings', { ...world.defaults, passwordBasicAuth: false }, options),
          403,
        );
        expectAtlassianError(
          await adminNoXsrf.post('/admin/users/alice/tokens', { name: 'csrf' }, options),
          403,
        );
        expectAtlassianError(await adminNoXsrf.delete('/admin/users/alice/tokens', options), 403);
        expectAtlassianError(await adminNoXsrf.delete(`/admin/tokens/${victim.id}`, options), 403);
      }
      // Reads need no XSRF header; nothing above changed anything.
      expect(expectStatus<unknown[]>(await noXsrf.get('/tokens'), 200)).toHaveLength(before);
      expect(expectStatus(await adminNoXsrf.get('/admin/settings'), 200)).toEqual(world.defaults);
      await expectRunsAs(bearer(victim.token), 'alice');
    });
  });

  describe('Token Validity Time', () => {
    // Plain `test` per example: the seed's sentences are the test names, untruncated and unquoted.
    for (const { title, ceiling, choices } of CEILINGS) {
      test(title, async () => {
        await putSettings(world.adminApi, world.defaults, { maxValidity: ceiling });
        expect(expectStatus(await world.aliceApi.get('/validity-options'), 200)).toEqual({
          ceiling,
          choices,
        });

        for (const validity of ALL_VALIDITIES) {
          const res = await world.aliceApi.post('/tokens', { name: tokenName(`v-${validity}`), validity });
          if (choices.includes(validity)) {
            const created = expectStatus<CreatedToken>(res, 201);
            expect(created.expiresAt).toBe(
              validity === 'never' ? null : addUtcMonths(created.createdAt, MONTHS[validity]),
            );
          } else {
            const body = expectAtlassianError(res, 400);
            expect(Object.keys(body.errors)).toContain('validity');
            for (const choice of choices) expect(errorText(body)).toContain(choice);
          }
        }
        // Omitted = the longest allowed.
        const longest = await createToken(world.aliceApi, { name: tokenName('default') });
        expect(longest.expiresAt).toBe(
          ceiling === 'never' ? null : addUtcMonths(longest.createdAt, MONTHS[ceiling]),
        );
        // Creating on someone's behalf follows the same ceiling.
        if (ceiling !== 'never') {
          expectAtlassianError(
            await world.adminApi.post('/admin/users/alice/tokens', { name: 'x', validity: 'never' }),
            400,
          );
        }
        expect(
          Object.keys(
            expectAtlassianError(await world.aliceApi.post('/tokens', { name: 'x', validity: '3y' }), 400)
              .errors,
          ),
        ).toContain('validity');
      });
    }

    test('lowering the ceiling caps an existing token (effective expiry = created + current ceiling)', async () => {
      const longLived = await createToken(world.aliceApi, { validity: 'never' });
      expect(longLived.expiresAt).toBeNull();
      await expectRunsAs(bearer(longLived.token), 'alice');
      // A young token outlives the new cap for now.
      await putSettings(world.adminApi, world.defaults, { maxValidity: '6m' });
      await expectRunsAs(bearer(longLived.token), 'alice');
      // The listing shows the effective expiry: created + the current ceiling.
      const listed = expectStatus<Array<{ id: string; createdAt: string; expiresAt: string | null }>>(
        await world.aliceApi.get('/tokens'),
        200,
      ).find((token) => token.id === longLived.id);
      expect(listed?.expiresAt).toBe(addUtcMonths(longLived.createdAt, 6));

      // No clock can be injected into a separate process: age the token instead, while the adapter is down.
      const sevenMonthsAgo = Date.parse(addUtcMonths(new Date().toISOString(), -7));
      await world.stack.restart({
        beforeStart: () => {
          const db = new Database(world.stack.databasePath);
          try {
            const changed = db
              .prepare('UPDATE tokens SET created_at = ? WHERE id = ?')
              .run(sevenMonthsAgo, longLived.id);
            expect(changed.changes).toBe(1);
          } finally {
            db.close();
          }
        },
      });
      // Settings survived the restart; the 7-month-old "never" token is now past created + 6m.
      expect(expectStatus(await world.adminApi.get('/admin/settings'), 200)).toMatchObject({
        maxValidity: '6m',
      });
      await expectRefused(bearer(longLived.token), 401);
      await putSettings(world.adminApi, world.defaults, { maxValidity: '1y' });
      await expectRunsAs(bearer(longLived.token), 'alice');
      await putSettings(world.adminApi, world.defaults, { maxValidity: '6m' });
      await expectRefused(basic('alice', longLived.token), 401);
    });
  });

  describe('IP Address Restrictions', () => {
    test('apply to token and password requests (403 naming the IP), not to cookie requests', async () => {
      const { token } = await createToken(world.aliceApi);
      await putSettings(world.adminApi, world.defaults, { ipAllowList: ['127.0.0.1'] });

      for (const credentials of [basic('alice', token), bearer(token), basic('alice', 'alice')]) {
        expect(await expectRefused(credentials, 403, { from: '127.0.0.2' })).toContain('127.0.0.2');
      }
      // The management API is REST too.
      expect(
        errorText(
          expectAtlassianError(
            await apiClient(world.stack, basic('alice', token), { from: '127.0.0.2' }).get('/tokens'),
            403,
          ),
        ),
      ).toContain('127.0.0.2');
      // The product's own UI (cookie session) keeps working from everywhere.
      await expectRunsAs(world.alice, 'alice', '127.0.0.2');
      await expectRunsAs(basic('alice', token), 'alice', '127.0.0.1');
      await expectRunsAs(basic('alice', 'alice'), 'alice', '127.0.0.1');
    });

    test('a spoofed X-Forwarded-For from an untrusted peer does not change the client IP', async () => {
      const { token } = await createToken(world.aliceApi);
      await putSettings(world.adminApi, world.defaults, { ipAllowList: ['127.0.0.1'] });
      for (const forwarded of ['127.0.0.1', '127.0.0.1, 127.0.0.1', '10.0.0.1, 127.0.0.1']) {
        const text = await expectRefused(bearer(token), 403, {
          from: '127.0.0.2',
          headers: { 'X-Forwarded-For': forwarded, 'X-Real-IP': '127.0.0.1', Forwarded: 'for=127.0.0.1' },
        });
        expect(text).toContain('127.0.0.2');
      }
    });

    test('addresses, ranges and CIDR blocks are matched', async () => {
      const { token } = await createToken(world.aliceApi);
      await putSettings(world.adminApi, world.defaults, {
        ipAllowList: ['127.0.0.1', '127.0.0.3-127.0.0.5', '127.0.0.16/30'],
      });
      for (const from of ['127.0.0.3', '127.0.0.5', '127.0.0.17', '127.0.0.19']) {
        await expectRunsAs(bearer(token), 'alice', from);
      }
      for (const from of ['127.0.0.2', '127.0.0.6', '127.0.0.20']) {
        const res = await callProduct(world.stack, bearer(token), { from });
        expect({ from, status: res.status, forwarded: sandboxSaw(world.stack, res.probe).length }).toEqual({
          from,
          status: 403,
          forwarded: 0,
        });
        expect(errorText(expectAtlassianError(res, 403))).toContain(from);
      }
    });

    test('if no addresses were provided, requests from every IP address are allowed', async () => {
      const { token } = await createToken(world.aliceApi);
      await putSettings(world.adminApi, world.defaults, { ipAllowList: ['127.0.0.1'] });
      await expectRefused(bearer(token), 403, { from: '127.0.0.2' });
      await putSettings(world.adminApi, world.defaults, { ipAllowList: [] });
      await expectRunsAs(bearer(token), 'alice', '127.0.0.2');
      await expectRunsAs(basic('alice', 'alice'), 'alice', '127.0.0.200');
    });

    test('invalid entries are refused with 400 and per-entry errors; nothing is saved', async () => {
      const res = await world.adminApi.put('/admin/settings', {
        ...world.defaults,
        ipAllowList: ['127.0.0.1', '010.0.0.1', '10.0.0.0/33', '10.0.0.9-10.0.0.1'],
      });
      const body = expectAtlassianError(res, 400);
      const keys = Object.keys(body.errors).join(' ');
      expect(keys).toMatch(/ipAllowList\D*1/);
      expect(keys).toMatch(/ipAllowList\D*2/);
      expect(keys).toMatch(/ipAllowList\D*3/);
      expect(keys).not.toMatch(/ipAllowList\D*0\b/);
      expect(expectStatus(await world.adminApi.get('/admin/settings'), 200)).toEqual(world.defaults);
    });
  });

  describe('Disable Basic Auth with passwords', () => {
    test('passwords and tokens matching no token get 403; real tokens and cookie sessions still work', async () => {
      const { id, token } = await createToken(world.aliceApi);
      await putSettings(world.adminApi, world.defaults, { passwordBasicAuth: false });
      const before = world.stack.sandbox.failedLoginCount('alice');

      await expectRefused(basic('alice', 'alice'), 403);
      await expectRefused(basic('alice', 'a-wrong-password'), 403);
      await expectRefused(basic('alice', typo(token)), 403);
      await expectRefused(basic('alice', forgeToken(id)), 403);
      await expectRefused(bearer(forgeToken()), 403);
      expect(world.stack.sandbox.failedLoginCount('alice')).toBe(before);

      await expectRunsAs(basic('alice', token), 'alice');
      await expectRunsAs(bearer(token), 'alice');
      await expectRunsAs(world.alice, 'alice');
    });

    test('no path trick gets a password through', async () => {
      await putSettings(world.adminApi, world.defaults, { passwordBasicAuth: false });
      const resource = world.stack.profile.resourcePath;
      const tricks = [
        resource,
        resource.replace('/rest/', '/rest;x=y/'),
        resource.replace('/rest/', '/%72est/'),
        resource.replace('/rest/', '/REST/'),
        resource.replace('/rest/', '//rest/'),
        resource.replace('/rest/', '/rest/../rest/'),
        resource.replace('/rest/', '/rest/./'),
        '/some/web/page',
      ];
      for (const path of tricks) {
        const res = await callProduct(world.stack, basic('alice', 'alice'), { path });
        expect({ path, status: refusal(res.status, 403, 400) }).toEqual({ path, status: 'refused' });
        expect({ path, forwarded: sandboxSaw(world.stack, res.probe).length }).toEqual({
          path,
          forwarded: 0,
        });
      }
    });

    test('request smuggling (Content-Length with Transfer-Encoding) does not get a password through', async () => {
      await putSettings(world.adminApi, world.defaults, { passwordBasicAuth: false });
      const host = new URL(world.stack.origin).host;
      const path = `${world.stack.contextPath}${world.stack.profile.resourcePath}`;
      const probe = `smuggled-${Math.random()}`;
      const smuggled = [
        `GET ${path} HTTP/1.1`,
        `Host: ${host}`,
        `Authorization: ${basic('alice', 'alice').headers.Authorization}`,
        `X-E2E-Probe: ${probe}`,
        'Connection: close',
        '',
        '',
      ].join('\r\n');
      const body = `0\r\n\r\n${smuggled}`;
      for (const framing of [
        [`Content-Length: ${Buffer.byteLength(body)}`, 'Transfer-Encoding: chunked'],
        ['Transfer-Encoding: chunked', `Content-Length: 4`],
        ['Transfer-Encoding: chunked', 'Transfer-Encoding: identity', 'Content-Length: 5'],
      ]) {
        const raw = [
          `POST ${path} HTTP/1.1`,
          `Host: ${host}`,
          ...framing,
          'Connection: keep-alive',
          '',
          body,
        ].join('\r\n');
        const reply = await sendRaw(world.stack.origin, raw);
        expect(reply).toMatch(/^HTTP\/1\.1 4\d\d /);
        expect(reply).not.toMatch(/HTTP\/1\.1 2\d\d /);
      }
      expect(sandboxSaw(world.stack, probe)).toEqual([]);
    });

    test('a password login posted to the REST session endpoint is refused with 403, also via /rest;x=y/ and /%72est/', async () => {
      await putSettings(world.adminApi, world.defaults, { passwordBasicAuth: false });
      const session = world.stack.profile.sessionPath;
      const login = { username: 'alice', password: 'alice' };
      for (const path of [
        session,
        session.replace('/rest/', '/rest;x=y/'),
        session.replace('/rest/', '/%72est/'),
      ]) {
        const text = await expectRefused(anonymous, 403, { path, method: 'POST', body: login });
        expect(text).not.toContain('alice"');
      }
      for (const path of [
        session.replace('/rest/', '//rest/'),
        session.replace('/rest/', '/rest/../rest/'),
      ]) {
        const res = await callProduct(world.stack, anonymous, { path, method: 'POST', body: login });
        expect({ path, status: refusal(res.status, 403, 400, 404) }).toEqual({ path, status: 'refused' });
        expect(sandboxSaw(world.stack, res.probe)).toEqual([]);
      }
      // With password auth back on, the same login passes through.
      await putSettings(world.adminApi, world.defaults, { passwordBasicAuth: true });
      const res = await callProduct(world.stack, anonymous, { path: session, method: 'POST', body: login });
      expect(res.status).toBe(200);
      expect(sandboxSaw(world.stack, res.probe)).toHaveLength(1);
    });
  });

  describe('Allow only admins to create and/ or work with tokens', () => {
    test('a non-admin can neither create (403) nor use an older token (403); an admin can', async () => {
      const older = await createToken(world.aliceApi);
      await expectRunsAs(bearer(older.token), 'alice');
      await putSettings(world.adminApi, world.defaults, { adminOnly: true });

      expectAtlassianError(await world.aliceApi.post('/tokens', { name: tokenName() }), 403);
      expectAtlassianError(
        await apiClient(world.stack, basic('alice', 'alice')).post('/tokens', { name: tokenName() }),
        403,
      );
      await expectRefused(bearer(older.token), 403);
      await expectRefused(basic('alice', older.token), 403);

      const adminToken = await createToken(world.adminApi);
      await expectRunsAs(bearer(adminToken.token), 'admin');
      await expectRunsAs(basic('admin', adminToken.token), 'admin');

      await putSettings(world.adminApi, world.defaults, { adminOnly: false });
      await expectRunsAs(bearer(older.token), 'alice');
    });
  });

  describe('Audit Logging', () => {
    test('an admin creates a token on behalf of alice, deletes one, deletes all: each is audited with actor and subject', async () => {
      const onBehalf = await createToken(
        world.adminApi,
        { name: tokenName('for-alice') },
        '/admin/users/alice/tokens',
      );
      await expectRunsAs(bearer(onBehalf.token), 'alice');
      const mine = expectStatus<Array<{ id: string; createdBy: string }>>(
        await world.aliceApi.get('/tokens'),
        200,
      );
      expect(mine.find((row) => row.id === onBehalf.id)?.createdBy).toBe('admin');
      const listed = expectStatus<Array<{ id: string; owner: string }>>(
        await world.adminApi.get('/admin/tokens?user=alice'),
        200,
      );
      expect(listed.find((row) => row.id === onBehalf.id)?.owner).toBe('alice');
      expect(listed.every((row) => row.owner.toLowerCase() === 'alice')).toBe(true);

      expect((await world.adminApi.delete(`/admin/tokens/${onBehalf.id}`)).status).toBe(204);
      await expectRefused(bearer(onBehalf.token), 401);

      const a = await createToken(world.adminApi, {}, '/admin/users/alice/tokens');
      await createToken(world.aliceApi);
      const count = expectStatus<unknown[]>(await world.adminApi.get('/admin/tokens?user=alice'), 200).length;
      expect(expectStatus(await world.adminApi.delete('/admin/users/alice/tokens'), 200)).toEqual({
        deleted: count,
      });
      expect(expectStatus(await world.aliceApi.get('/tokens'), 200)).toEqual([]);
      await expectRefused(bearer(a.token), 401);

      const records = auditViews(
        expectStatus(await world.adminApi.get('/admin/audit?limit=20&offset=0'), 200),
      );
      const latest = records.slice(0, 6);
      expect(latest[0]).toMatchObject({
        type: 'token.deleted_all',
        actor: 'admin',
        subject: 'alice',
        onBehalf: true,
      });
      const created = records.find(
        (record) => record.type === 'token.created' && JSON.stringify(record.raw).includes(onBehalf.id),
      );
      expect(created).toMatchObject({ actor: 'admin', subject: 'alice', onBehalf: true });
      const deleted = records.find(
        (record) => record.type === 'token.deleted' && JSON.stringify(record.raw).includes(onBehalf.id),
      );
      expect(deleted).toMatchObject({ actor: 'admin', subject: 'alice', onBehalf: true });
      // A user acting for themselves is not "on behalf".
      expect(
        records.find((record) => record.type === 'token.created' && record.actor === 'alice'),
      ).toMatchObject({
        subject: 'alice',
        onBehalf: false,
      });
      const text = JSON.stringify(records.map((record) => record.raw));
      for (const secret of [onBehalf.token, a.token]) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/\$2[aby]\$/);
    });

    test('settings changes are audited per field', async () => {
      await putSettings(world.adminApi, world.defaults, { maxValidity: '1y', adminOnly: true });
      const records = auditViews(expectStatus(await world.adminApi.get('/admin/audit?limit=2'), 200));
      expect(records).toHaveLength(2);
      for (const record of records)
        expect(record).toMatchObject({ type: 'settings.changed', actor: 'admin', subject: null });
      const text = JSON.stringify(records.map((record) => record.raw));
      expect(text).toContain('maxValidity');
      expect(text).toContain('adminOnly');
    });
  });

  describe('failed logins (Pitfalls)', () => {
    test('wrong passwords are counted and lock out with 429 + Retry-After; an admin reset restores access', async () => {
      const { token } = await createToken(world.aliceApi);
      await putSettings(world.adminApi, world.defaults, {
        failedLogins: { maxAttempts: 3, windowMinutes: 10, lockoutMinutes: 5 },
      });
      const wrong = basic('alice', 'not-alices-password');
      const right = basic('alice', 'alice');
      const counters = async () =>
        failedLoginViews(expectStatus(await world.adminApi.get('/admin/failed-logins'), 200));

      // Two failures count, but do not lock; a success resets the user's count.
      for (let i = 0; i < 2; i++) {
        const res = await callProduct(world.stack, wrong, { from: '127.0.0.9' });
        expect(res.status).toBe(401);
        expect(sandboxSaw(world.stack, res.probe)).toHaveLength(1);
      }
      const afterTwo = (await counters()).find((entry) => entry.key.includes('alice'));
      expect(afterTwo).toMatchObject({ failures: 2, lockedUntil: null });
      await expectRunsAs(right, 'alice', '127.0.0.12');
      expect(
        (await counters()).find((entry) => entry.key.includes('alice') && entry.failures > 0),
      ).toBeUndefined();

      // The third consecutive failure locks the user and the IP.
      for (let i = 0; i < 3; i++) {
        expect((await callProduct(world.stack, wrong, { from: '127.0.0.13' })).status).toBe(401);
      }
      const locked = await callProduct(world.stack, right, { from: '127.0.0.13' });
      expectAtlassianError(locked, 429);
      expect(sandboxSaw(world.stack, locked.probe)).toEqual([]);
      const retryAfter = Number(locked.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(5 * 60);
      // The user is locked from any IP, with a password or a token.
      await expectRefused(right, 429, { from: '127.0.0.14' });
      await expectRefused(basic('alice', token), 429);

      const entries = await counters();
      const userKey = entries.find((entry) => entry.key.includes('alice'));
      const ipKey = entries.find((entry) => entry.key.includes('127.0.0.13'));
      expect(userKey?.lockedUntil).not.toBeNull();
      expect(ipKey?.lockedUntil).not.toBeNull();

      const reset = await world.adminApi.delete(
        `/admin/failed-logins/${encodeURIComponent(userKey?.key ?? '')}`,
      );
      expect([200, 204]).toContain(reset.status);
      await expectRunsAs(right, 'alice', '127.0.0.14');
      await expectRunsAs(basic('alice', token), 'alice');
      // The IP stays locked until it is reset too.
      await expectRefused(right, 429, { from: '127.0.0.13' });
      await world.adminApi.delete(`/admin/failed-logins/${encodeURIComponent(ipKey?.key ?? '')}`);
      await expectRunsAs(right, 'alice', '127.0.0.13');

      const audit = auditViews(expectStatus(await world.adminApi.get('/admin/audit?limit=2'), 200));
      expect(audit.map((record) => record.type)).toEqual(['failed_logins.reset', 'failed_logins.reset']);
      expect(audit.every((record) => record.actor === 'admin')).toBe(true);
      expect(audit.map((record) => record.subject)).toContain('alice');
    });

    test('token failures are counted too and lock out without ever asking the product', async () => {
      const { token } = await createToken(world.aliceApi);
      await putSettings(world.adminApi, world.defaults, {
        failedLogins: { maxAttempts: 3, windowMinutes: 10, lockoutMinutes: 5 },
      });
      const before = world.stack.sandbox.failedLoginCount('alice');
      for (let i = 0; i < 3; i++)
        await expectRefused(basic('alice', typo(token)), 401, { from: '127.0.0.15' });
      await expectRefused(basic('alice', token), 429, { from: '127.0.0.15' });
      expect(world.stack.sandbox.failedLoginCount('alice')).toBe(before);
    });
  });

  describe('identity headers', () => {
    const spoof: Array<[string, string]> = [
      ['X-Forwarded-User', 'admin'],
      ['x-forwarded-user', 'admin'],
      ['X-FORWARDED-USER', 'root'],
    ];

    test('client-supplied X-Forwarded-User (any case, repeated) and the secret header are stripped', async () => {
      const { token } = await createToken(world.aliceApi);
      // Even a client that knows the shared secret cannot choose the identity.
      const forged = [...spoof, ['X-Api-Token-Auth-Secret', world.stack.identitySecret] as [string, string]];
      const cases: Array<{ credentials: Credentials; ranAs: string | null; viaToken: boolean }> = [
        { credentials: anonymous, ranAs: null, viaToken: false },
        { credentials: basic('alice', 'alice'), ranAs: 'alice', viaToken: false },
        { credentials: world.alice, ranAs: 'alice', viaToken: false },
        { credentials: bearer(token), ranAs: 'alice', viaToken: true },
        { credentials: basic('alice', token), ranAs: 'alice', viaToken: true },
      ];
      for (const { credentials, ranAs, viaToken } of cases) {
        const res = await callProduct(world.stack, credentials, { rawHeaders: forged });
        const [seen] = sandboxSaw(world.stack, res.probe);
        expect({ kind: credentials.kind, ranAs: seen?.ranAs }).toEqual({ kind: credentials.kind, ranAs });
        expect(res.ranAs).not.toBe('admin');
        // Exactly the gateway's own identity and secret for token requests; none at all otherwise.
        expect(seen?.headers[IDENTITY]).toBe(viaToken ? 'alice' : undefined);
        expect(seen?.headers[SECRET]).toBe(viaToken ? world.stack.identitySecret : undefined);
      }
    });
  });
});
