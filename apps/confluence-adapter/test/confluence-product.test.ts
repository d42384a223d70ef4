import { inspect } from 'node:util';
import { ProductError } from '@api-token-auth/gateway';
import type { ProductAuditRecord, ProductErrorCode } from '@api-token-auth/gateway';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConfluenceProduct } from '../src/index.js';
import { anonymous, groupPage, knownAdmin, userWithStatus } from './fixtures.js';

/** Confluence under its usual context path: every call must stay below it. */
const WIKI = 'http://wiki.test:8090/confluence';
const SERVICE_PASSWORD = 'c0nfluence-S3rvice-pw';
const SERVICE_AUTH = `Basic ${Buffer.from(`svc-ata:${SERVICE_PASSWORD}`).toString('base64')}`;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function confluence(timeoutMs?: number) {
  return createConfluenceProduct({
    baseUrl: `${WIKI}/`,
    serviceUser: 'svc-ata',
    servicePassword: SERVICE_PASSWORD,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

/** Awaits a rejection, checks its code, and checks that the service password is nowhere in it. */
async function expectProductError(promise: Promise<unknown>, code: ProductErrorCode): Promise<ProductError> {
  const error: unknown = await promise.then(
    () => new Error('resolved, expected a ProductError'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProductError);
  expect((error as ProductError).code).toBe(code);
  const rendered = [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: Infinity, showHidden: true }),
  ].join('\n');
  expect(rendered).not.toContain(SERVICE_PASSWORD);
  expect(rendered).not.toContain(SERVICE_AUTH.slice('Basic '.length));
  return error as ProductError;
}

/** Serves `groups` through `memberof` in pages of the requested size, recording each request. */
function memberOf(groups: readonly string[], options: { links?: boolean } = {}) {
  const requests: Array<{
    start: string | null;
    limit: string | null;
    username: string | null;
    authorization: string | null;
  }> = [];
  server.use(
    http.get(`${WIKI}/rest/api/user/memberof`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      requests.push({
        start: query.get('start'),
        limit: query.get('limit'),
        username: query.get('username'),
        authorization: request.headers.get('authorization'),
      });
      const start = Number(query.get('start') ?? '0');
      const limit = Number(query.get('limit') ?? '200');
      const slice = groups.slice(start, start + limit);
      const page = groupPage(slice, start, limit, start + slice.length < groups.length);
      if (options.links === false) {
        const { _links: _unused, ...withoutLinks } = page;
        return HttpResponse.json(withoutLinks);
      }
      return HttpResponse.json(page);
    }),
  );
  return requests;
}

function userEndpoint(body: Record<string, unknown>) {
  const seen: Array<{ query: Array<[string, string]>; authorization: string | null }> = [];
  server.use(
    http.get(`${WIKI}/rest/api/user`, ({ request }) => {
      seen.push({
        query: [...new URL(request.url).searchParams],
        authorization: request.headers.get('authorization'),
      });
      return HttpResponse.json(body);
    }),
  );
  return seen;
}

/** `GET /rest/api/user?…&expand=status` for an active admin. */
const currentAdmin = userWithStatus('current');

const record: ProductAuditRecord = {
  eventId: '01J9Z6T3QK4M2W8XJ5R7N0B1CD',
  type: 'token.created',
  summary: 'API token "ci" created for alice by admin (on behalf)',
  createdAt: new Date('2024-05-01T12:00:00Z'),
  actor: 'admin',
  subject: 'alice',
  onBehalf: true,
  clientAddress: '10.0.0.7',
  changedValues: [{ field: 'expiresAt', from: '', to: '2025-05-01T12:00:00.000Z' }],
  object: { id: 'Ab12Cd34', name: 'ci', typeName: 'API token' },
};

describe('product constants', () => {
  it('describes Confluence', () => {
    const product = confluence();
    expect(product.displayName).toBe('Confluence');
    expect(product.defaultAdminGroups).toEqual(['confluence-administrators']);
    expect(product.restSessionLoginPath).toBe('/rest/auth/1/session');
    expect(product.loginPagePath).toBe('/login.action');
  });
});

describe('whoIs', () => {
  it("asks /rest/api/user/current under the context path with the caller's credentials", async () => {
    let seen: { cookie: string | null; authorization: string | null } | undefined;
    server.use(
      http.get(`${WIKI}/rest/api/user/current`, ({ request }) => {
        seen = { cookie: request.headers.get('cookie'), authorization: request.headers.get('authorization') };
        return HttpResponse.json(knownAdmin);
      }),
    );
    expect(await confluence().whoIs({ cookie: 'JSESSIONID=ABC123' })).toEqual({
      username: 'admin',
      displayName: 'admin',
    });
    expect(seen).toEqual({ cookie: 'JSESSIONID=ABC123', authorization: null });
  });

  it('answers null without asking when there are no credentials', async () => {
    expect(await confluence().whoIs({})).toBeNull();
  });

  it.each([
    ['the anonymous user', () => HttpResponse.json(anonymous)],
    [
      '401',
      () =>
        new HttpResponse(null, { status: 401, headers: { 'x-seraph-loginreason': 'AUTHENTICATED_FAILED' } }),
    ],
    [
      '403 CAPTCHA',
      () =>
        new HttpResponse(null, { status: 403, headers: { 'x-seraph-loginreason': 'AUTHENTICATION_DENIED' } }),
    ],
    [
      'a redirect to the login page',
      () => new HttpResponse(null, { status: 302, headers: { location: `${WIKI}/login.action` } }),
    ],
    ['a known type without username', () => HttpResponse.json({ type: 'known', displayName: 'Someone' })],
  ])('answers null for %s', async (_label, resolver) => {
    server.use(http.get(`${WIKI}/rest/api/user/current`, resolver));
    expect(await confluence().whoIs({ cookie: 'JSESSIONID=old' })).toBeNull();
  });

  it.each<[string, () => Response, ProductErrorCode]>([
    [
      'a 500',
      () => HttpResponse.json({ statusCode: 500, message: 'boom' }, { status: 500 }),
      'PRODUCT_UNEXPECTED_STATUS',
    ],
    [
      'malformed JSON',
      () => new HttpResponse('{"type":', { headers: { 'content-type': 'application/json' } }),
      'PRODUCT_INVALID_RESPONSE',
    ],
    ['an answer without type', () => HttpResponse.json({ username: 'admin' }), 'PRODUCT_INVALID_RESPONSE'],
    ['a network failure', () => HttpResponse.error(), 'PRODUCT_UNREACHABLE'],
  ])('throws a typed error for %s', async (_label, resolver, code) => {
    server.use(http.get(`${WIKI}/rest/api/user/current`, resolver));
    await expectProductError(confluence().whoIs({ authorization: 'Basic YWRtaW46YWRtaW4=' }), code);
  });

  it('throws PRODUCT_TIMEOUT when Confluence does not answer in time', async () => {
    server.use(
      http.get(`${WIKI}/rest/api/user/current`, async () => {
        await delay('infinite');
        return HttpResponse.json(knownAdmin);
      }),
    );
    await expectProductError(confluence(50).whoIs({ cookie: 'JSESSIONID=ABC123' }), 'PRODUCT_TIMEOUT');
  });
});

describe('lookUpUser', () => {
  it('reads the user and one page of groups as the service account', async () => {
    const userRequests = userEndpoint(userWithStatus('current'));
    const groupRequests = memberOf(['confluence-administrators', 'confluence-users']);
    expect(await confluence().lookUpUser('Admin')).toEqual({
      username: 'admin',
      key: '2c9d802a8067b72f018067b876420000',
      displayName: 'admin',
      active: true,
      groups: ['confluence-administrators', 'confluence-users'],
    });
    expect(userRequests).toEqual([
      {
        query: [
          ['username', 'Admin'],
          ['expand', 'status'],
        ],
        authorization: SERVICE_AUTH,
      },
    ]);
    // Groups are asked for the canonical username Confluence returned.
    expect(groupRequests).toEqual([
      { start: '0', limit: '200', username: 'admin', authorization: SERVICE_AUTH },
    ]);
  });

  it('follows memberof pages until Confluence has no next page', async () => {
    userEndpoint(currentAdmin);
    const groups = Array.from({ length: 450 }, (_, index) => `group-${index}`);
    const requests = memberOf(groups);
    const user = await confluence().lookUpUser('admin');
    expect(user?.groups).toEqual(groups);
    expect(requests.map((request) => request.start)).toEqual(['0', '200', '400']);
  });

  it('follows full pages when Confluence sends no _links, and stops at a short page', async () => {
    userEndpoint(currentAdmin);
    const groups = Array.from({ length: 400 }, (_, index) => `g${index}`);
    const requests = memberOf(groups, { links: false });
    expect((await confluence().lookUpUser('admin'))?.groups).toHaveLength(400);
    // Two full pages, then an empty one ends the walk.
    expect(requests.map((request) => request.start)).toEqual(['0', '200', '400']);
  });

  it('refuses to follow a product that pages forever', async () => {
    userEndpoint(currentAdmin);
    let pages = 0;
    server.use(
      http.get(`${WIKI}/rest/api/user/memberof`, ({ request }) => {
        pages += 1;
        const start = Number(new URL(request.url).searchParams.get('start'));
        return HttpResponse.json(groupPage([`g${start}`], start, 200, true));
      }),
    );
    await expectProductError(confluence().lookUpUser('admin'), 'PRODUCT_INVALID_RESPONSE');
    expect(pages).toBe(50);
  });

  // Issue 20 item 7: fail closed. Confluence's UserStatus values, lower camel case; only current is active.
  it.each([
    ['current', true],
    ['deactivated', false],
    ['externallyDeleted', false],
    ['unlicensed', false],
  ])('status %s → active %s', async (status, active) => {
    userEndpoint(userWithStatus(status));
    memberOf([]);
    expect(await confluence().lookUpUser('admin')).toMatchObject({ active, groups: [] });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    // The expansion not honoured (a proxy dropped the query): status only under _expandable.
    ['no status', knownAdmin, /has no status/],
    ['a status in another case', userWithStatus('CURRENT'), /unknown status "CURRENT"/],
    ['a status Confluence does not have', userWithStatus('active'), /unknown status "active"/],
    ['another type (Cloud)', { ...userWithStatus('current'), type: 'user' }, /type "user", not "known"/],
    ['the anonymous user', anonymous, /type "anonymous", not a known user/],
    ['an unknown user', { type: 'unknown', displayName: 'x' }, /type "unknown", not a known user/],
  ])('refuses %s as a contract problem, without asking for groups', async (_label, body, message) => {
    userEndpoint(body);
    const groups = memberOf(['confluence-users']);
    const error = await expectProductError(confluence().lookUpUser('admin'), 'PRODUCT_INVALID_RESPONSE');
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/Refusing to treat the user as active/);
    expect(error.message).not.toContain('admin');
    expect(error).toMatchObject({ method: 'GET', path: '/rest/api/user', status: 200 });
    expect(groups).toEqual([]);
  });

  it('says plainly when the service account lacks "View User Profiles" (403)', async () => {
    server.use(
      http.get(`${WIKI}/rest/api/user`, () =>
        HttpResponse.json(
          {
            statusCode: 403,
            data: { authorized: false, valid: true, errors: [], successful: false },
            message:
              'com.atlassian.confluence.api.service.exceptions.api.PermissionException: User not permitted to view user profiles',
            reason: 'Forbidden',
          },
          { status: 403 },
        ),
      ),
    );
    const error = await expectProductError(
      confluence().lookUpUser('admin'),
      'PRODUCT_SERVICE_ACCOUNT_REJECTED',
    );
    expect(error.message).toMatch(/lacks the global permission "View User Profiles"/);
    expect(error).toMatchObject({ path: '/rest/api/user', status: 403 });
  });

  it.each([
    ['another 403 body', () => HttpResponse.json({ statusCode: 403, message: 'no' }, { status: 403 })],
    ['a 403 that is not JSON', () => new HttpResponse('<html>Forbidden</html>', { status: 403 })],
  ])('keeps the generic refusal for %s', async (_label, resolver) => {
    server.use(http.get(`${WIKI}/rest/api/user`, resolver));
    const error = await expectProductError(
      confluence().lookUpUser('admin'),
      'PRODUCT_SERVICE_ACCOUNT_REJECTED',
    );
    expect(error.message).not.toMatch(/View User Profiles/);
  });

  it('answers null for an unknown user (404) without asking for groups', async () => {
    server.use(
      http.get(`${WIKI}/rest/api/user`, () =>
        HttpResponse.json({ statusCode: 404, message: 'No user found with key : ghost' }, { status: 404 }),
      ),
    );
    expect(await confluence().lookUpUser('ghost')).toBeNull();
    expect(await confluence().lookUpUser('')).toBeNull();
  });

  it('answers null when the user vanishes between the two look-ups', async () => {
    userEndpoint(currentAdmin);
    server.use(
      http.get(`${WIKI}/rest/api/user/memberof`, () =>
        HttpResponse.json({ statusCode: 404, message: 'gone' }, { status: 404 }),
      ),
    );
    expect(await confluence().lookUpUser('admin')).toBeNull();
  });

  it.each<[string, () => Response, ProductErrorCode]>([
    [
      'a rejected service account (401)',
      () => new HttpResponse(null, { status: 401 }),
      'PRODUCT_SERVICE_ACCOUNT_REJECTED',
    ],
    [
      'a service account without permission (403)',
      () => HttpResponse.json({ statusCode: 403, message: 'no' }, { status: 403 }),
      'PRODUCT_SERVICE_ACCOUNT_REJECTED',
    ],
    ['a 502', () => new HttpResponse('Bad Gateway', { status: 502 }), 'PRODUCT_UNEXPECTED_STATUS'],
    [
      'malformed JSON',
      () => new HttpResponse('nope', { headers: { 'content-type': 'application/json' } }),
      'PRODUCT_INVALID_RESPONSE',
    ],
    [
      'a user without username',
      () => HttpResponse.json({ type: 'known', displayName: 'x' }),
      'PRODUCT_INVALID_RESPONSE',
    ],
    ['a network failure', () => HttpResponse.error(), 'PRODUCT_UNREACHABLE'],
  ])('throws a typed error when /rest/api/user gives %s', async (_label, resolver, code) => {
    server.use(http.get(`${WIKI}/rest/api/user`, resolver));
    await expectProductError(confluence().lookUpUser('admin'), code);
  });

  it.each<[string, () => Response, ProductErrorCode]>([
    [
      'a 500',
      () => HttpResponse.json({ statusCode: 500, message: 'boom' }, { status: 500 }),
      'PRODUCT_UNEXPECTED_STATUS',
    ],
    [
      'results that are not a list',
      () => HttpResponse.json({ ...groupPage(['a'], 0, 200, false), results: { name: 'a' } }),
      'PRODUCT_INVALID_RESPONSE',
    ],
    ['a network failure', () => HttpResponse.error(), 'PRODUCT_UNREACHABLE'],
  ])('throws a typed error when memberof gives %s', async (_label, resolver, code) => {
    userEndpoint(currentAdmin);
    server.use(http.get(`${WIKI}/rest/api/user/memberof`, resolver));
    await expectProductError(confluence().lookUpUser('admin'), code);
  });

  it('throws PRODUCT_TIMEOUT when memberof does not answer in time', async () => {
    userEndpoint(currentAdmin);
    server.use(
      http.get(`${WIKI}/rest/api/user/memberof`, async () => {
        await delay('infinite');
        return HttpResponse.json(groupPage([], 0, 200, false));
      }),
    );
    await expectProductError(confluence(50).lookUpUser('admin'), 'PRODUCT_TIMEOUT');
  });
});

describe('deliverAudit', () => {
  function auditEndpoint(status: number) {
    const calls = { bodies: [] as unknown[], authorization: [] as Array<string | null> };
    server.use(
      http.post(`${WIKI}/rest/api/audit`, async ({ request }) => {
        calls.bodies.push(await request.json());
        calls.authorization.push(request.headers.get('authorization'));
        return status === 200 ? HttpResponse.json({}) : new HttpResponse(null, { status });
      }),
    );
    return calls;
  }

  it('writes the legacy audit record as the service account', async () => {
    const calls = auditEndpoint(200);
    expect(await confluence().deliverAudit(record)).toBe('delivered');
    expect(calls.authorization).toEqual([SERVICE_AUTH]);
    expect(calls.bodies).toEqual([
      {
        author: { type: 'user', username: 'admin' },
        remoteAddress: '10.0.0.7',
        creationDate: Date.UTC(2024, 4, 1, 12),
        summary: 'API token "ci" created for alice by admin (on behalf)',
        description: 'API Token Authentication event token.created, id 01J9Z6T3QK4M2W8XJ5R7N0B1CD',
        category: 'API Token Authentication',
        sysAdmin: true,
        affectedObject: { name: 'ci', objectType: 'API token' },
        changedValues: [{ name: 'expiresAt', oldValue: '', newValue: '2025-05-01T12:00:00.000Z' }],
        associatedObjects: [{ name: 'alice', objectType: 'User' }],
      },
    ]);
  });

  it('falls back to the subject as affected object and leaves out an unknown address', async () => {
    const calls = auditEndpoint(204);
    const own = {
      ...record,
      type: 'token.deleted_all',
      onBehalf: false,
      object: null,
      clientAddress: null,
      changedValues: [],
    };
    expect(await confluence().deliverAudit(own)).toBe('delivered');
    expect(calls.bodies[0]).toMatchObject({
      sysAdmin: false,
      affectedObject: { name: 'alice', objectType: 'User' },
    });
    expect(calls.bodies[0]).not.toHaveProperty('remoteAddress');
  });

  it.each([404, 405])('answers unsupported for a %i and stops asking', async (status) => {
    const calls = auditEndpoint(status);
    const product = confluence();
    expect(await product.deliverAudit(record)).toBe('unsupported');
    expect(await product.deliverAudit(record)).toBe('unsupported');
    expect(calls.bodies).toHaveLength(1);
  });

  it.each<[string, number, ProductErrorCode]>([
    ['a 500', 500, 'PRODUCT_UNEXPECTED_STATUS'],
    ['a 503', 503, 'PRODUCT_UNEXPECTED_STATUS'],
    ['a service account without admin rights', 403, 'PRODUCT_SERVICE_ACCOUNT_REJECTED'],
  ])('throws for %s so the outbox retries', async (_label, status, code) => {
    auditEndpoint(status);
    await expectProductError(confluence().deliverAudit(record), code);
  });

  it('throws when Confluence is unreachable or too slow', async () => {
    server.use(http.post(`${WIKI}/rest/api/audit`, () => HttpResponse.error()));
    await expectProductError(confluence().deliverAudit(record), 'PRODUCT_UNREACHABLE');
    server.use(
      http.post(`${WIKI}/rest/api/audit`, async () => {
        await delay('infinite');
        return new HttpResponse(null, { status: 200 });
      }),
    );
    await expectProductError(confluence(50).deliverAudit(record), 'PRODUCT_TIMEOUT');
  });
});

describe('judgePasswordResponse', () => {
  it("uses Seraph's verdict", () => {
    const product = confluence();
    expect(product.judgePasswordResponse(200, { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED' })).toBe(
      'failed',
    );
    expect(product.judgePasswordResponse(401, {})).toBe('failed');
    expect(product.judgePasswordResponse(403, { 'x-seraph-loginreason': 'AUTHENTICATION_DENIED' })).toBe(
      'unknown',
    );
    expect(product.judgePasswordResponse(200, {})).toBe('succeeded');
  });
});
