import { inspect } from 'node:util';
import { ProductError } from '@api-token-auth/gateway';
import type { ProductAuditRecord, ProductErrorCode } from '@api-token-auth/gateway';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createJiraProduct } from '../src/index.js';
import { myselfFred, serverInfo, userWithGroups } from './fixtures.js';

const JIRA = 'http://jira.test:8080';
const SERVICE_PASSWORD = 'sv3-Jira-s3rvice-pw';
const SERVICE_AUTH = `Basic ${Buffer.from(`svc-ata:${SERVICE_PASSWORD}`).toString('base64')}`;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function jira(timeoutMs?: number) {
  return createJiraProduct({
    baseUrl: JIRA,
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
  it('describes Jira', () => {
    const product = jira();
    expect(product.displayName).toBe('Jira');
    expect(product.defaultAdminGroups).toEqual(['jira-administrators']);
    expect(product.restSessionLoginPath).toBe('/rest/auth/1/session');
    expect(product.loginPagePath).toBe('/login.jsp');
  });
});

describe('whoIs', () => {
  it("asks /rest/api/2/myself with the caller's own credentials", async () => {
    let seen: { cookie: string | null; authorization: string | null } | undefined;
    server.use(
      http.get(`${JIRA}/rest/api/2/myself`, ({ request }) => {
        seen = { cookie: request.headers.get('cookie'), authorization: request.headers.get('authorization') };
        return HttpResponse.json(myselfFred);
      }),
    );
    expect(await jira().whoIs({ cookie: 'JSESSIONID=ABC123' })).toEqual({
      username: 'fred',
      displayName: 'Fred F. User',
    });
    expect(seen).toEqual({ cookie: 'JSESSIONID=ABC123', authorization: null });
    await jira().whoIs({ authorization: 'Basic ZnJlZDpmcmVk' });
    expect(seen).toEqual({ cookie: null, authorization: 'Basic ZnJlZDpmcmVk' });
  });

  it('answers null without asking when there are no credentials', async () => {
    expect(await jira().whoIs({})).toBeNull();
  });

  it.each([
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
      () => new HttpResponse(null, { status: 302, headers: { location: `${JIRA}/login.jsp` } }),
    ],
    ['an inactive user', () => HttpResponse.json({ ...myselfFred, active: false })],
  ])('answers null for %s', async (_label, resolver) => {
    server.use(http.get(`${JIRA}/rest/api/2/myself`, resolver));
    expect(await jira().whoIs({ cookie: 'JSESSIONID=old' })).toBeNull();
  });

  it.each<[string, () => Response, ProductErrorCode]>([
    [
      'a 500',
      () => HttpResponse.json({ errorMessages: ['boom'], errors: {} }, { status: 500 }),
      'PRODUCT_UNEXPECTED_STATUS',
    ],
    [
      'malformed JSON',
      () => new HttpResponse('{"name": "fred"', { headers: { 'content-type': 'application/json' } }),
      'PRODUCT_INVALID_RESPONSE',
    ],
    [
      'an HTML page',
      () => new HttpResponse('<html>Jira</html>', { headers: { 'content-type': 'text/html' } }),
      'PRODUCT_INVALID_RESPONSE',
    ],
    [
      'a user without name',
      () => HttpResponse.json({ ...myselfFred, name: undefined }),
      'PRODUCT_INVALID_RESPONSE',
    ],
    ['a network failure', () => HttpResponse.error(), 'PRODUCT_UNREACHABLE'],
  ])('throws a typed error for %s', async (_label, resolver, code) => {
    server.use(http.get(`${JIRA}/rest/api/2/myself`, resolver));
    await expectProductError(jira().whoIs({ cookie: 'JSESSIONID=ABC123' }), code);
  });

  it('throws PRODUCT_TIMEOUT when Jira does not answer in time', async () => {
    server.use(
      http.get(`${JIRA}/rest/api/2/myself`, async () => {
        await delay('infinite');
        return HttpResponse.json(myselfFred);
      }),
    );
    await expectProductError(jira(50).whoIs({ cookie: 'JSESSIONID=ABC123' }), 'PRODUCT_TIMEOUT');
  });
});

describe('lookUpUser', () => {
  it('reads the user and their groups as the service account', async () => {
    let seen: { authorization: string | null; query: Array<[string, string]> } | undefined;
    server.use(
      http.get(`${JIRA}/rest/api/2/user`, ({ request }) => {
        seen = {
          authorization: request.headers.get('authorization'),
          query: [...new URL(request.url).searchParams],
        };
        return HttpResponse.json(userWithGroups());
      }),
    );
    expect(await jira().lookUpUser('Fred')).toEqual({
      username: 'fred',
      key: 'JIRAUSER10100',
      displayName: 'Fred F. User',
      active: true,
      groups: ['jira-administrators', 'jira-software-users'],
    });
    expect(seen).toEqual({
      authorization: SERVICE_AUTH,
      query: [
        ['username', 'Fred'],
        ['expand', 'groups'],
      ],
    });
  });

  it.each([
    ['deactivated', { active: false }],
    ['deleted', { deleted: true }],
  ])('reports a %s user as inactive', async (_label, overrides) => {
    server.use(
      http.get(`${JIRA}/rest/api/2/user`, () =>
        HttpResponse.json(userWithGroups({ ...overrides, groups: [] })),
      ),
    );
    expect(await jira().lookUpUser('fred')).toMatchObject({ active: false, groups: [] });
  });

  it('answers null for an unknown user (404) and for an empty name', async () => {
    server.use(
      http.get(`${JIRA}/rest/api/2/user`, () =>
        HttpResponse.json(
          { errorMessages: ["The user named 'ghost' does not exist"], errors: {} },
          { status: 404 },
        ),
      ),
    );
    expect(await jira().lookUpUser('ghost')).toBeNull();
    expect(await jira().lookUpUser('')).toBeNull();
  });

  it.each<[string, () => Response, ProductErrorCode]>([
    [
      'a rejected service account (401)',
      () => new HttpResponse(null, { status: 401 }),
      'PRODUCT_SERVICE_ACCOUNT_REJECTED',
    ],
    [
      'a service account without Browse users (403)',
      () => new HttpResponse(null, { status: 403 }),
      'PRODUCT_SERVICE_ACCOUNT_REJECTED',
    ],
    ['a 503', () => new HttpResponse('Service Unavailable', { status: 503 }), 'PRODUCT_UNEXPECTED_STATUS'],
    ['groups not expanded', () => HttpResponse.json(myselfFred), 'PRODUCT_INVALID_RESPONSE'],
    [
      'no active flag',
      () => HttpResponse.json({ ...userWithGroups(), active: undefined }),
      'PRODUCT_INVALID_RESPONSE',
    ],
    [
      'malformed JSON',
      () => new HttpResponse('{', { headers: { 'content-type': 'application/json' } }),
      'PRODUCT_INVALID_RESPONSE',
    ],
    ['a network failure', () => HttpResponse.error(), 'PRODUCT_UNREACHABLE'],
  ])('throws a typed error for %s', async (_label, resolver, code) => {
    server.use(http.get(`${JIRA}/rest/api/2/user`, resolver));
    await expectProductError(jira().lookUpUser('fred'), code);
  });

  it('throws PRODUCT_TIMEOUT when Jira does not answer in time', async () => {
    server.use(
      http.get(`${JIRA}/rest/api/2/user`, async () => {
        await delay('infinite');
        return HttpResponse.json(userWithGroups());
      }),
    );
    await expectProductError(jira(50).lookUpUser('fred'), 'PRODUCT_TIMEOUT');
  });
});

describe('deliverAudit', () => {
  /** Jira with the given version; counts calls to serverInfo and the legacy endpoint. */
  function jiraVersion(version: string, recordStatus = 201) {
    const calls = { serverInfo: 0, records: [] as unknown[], authorization: [] as Array<string | null> };
    server.use(
      http.get(`${JIRA}/rest/api/2/serverInfo`, () => {
        calls.serverInfo += 1;
        return HttpResponse.json(serverInfo(version));
      }),
      http.get(`${JIRA}/rest/api/2/user`, ({ request }) => {
        const username = new URL(request.url).searchParams.get('username');
        if (username !== 'admin')
          return HttpResponse.json({ errorMessages: ['no such user'], errors: {} }, { status: 404 });
        return HttpResponse.json({
          ...userWithGroups(),
          name: 'admin',
          key: 'JIRAUSER10000',
          displayName: 'Administrator',
        });
      }),
      http.post(`${JIRA}/rest/api/2/auditing/record`, async ({ request }) => {
        calls.records.push(await request.json());
        calls.authorization.push(request.headers.get('authorization'));
        return new HttpResponse(null, { status: recordStatus });
      }),
    );
    return calls;
  }

  it('writes the legacy audit record on Jira 9 and asks serverInfo only once', async () => {
    const calls = jiraVersion('9.12.2');
    const product = jira();
    expect(await product.deliverAudit(record)).toBe('delivered');
    expect(
      await product.deliverAudit({
        ...record,
        actor: 'someone-gone',
        clientAddress: null,
        subject: null,
        object: null,
      }),
    ).toBe('delivered');
    expect(calls.serverInfo).toBe(1);
    expect(calls.authorization).toEqual([SERVICE_AUTH, SERVICE_AUTH]);
    expect(calls.records).toEqual([
      {
        summary: 'API token "ci" created for alice by admin (on behalf) [event 01J9Z6T3QK4M2W8XJ5R7N0B1CD]',
        category: 'API Token Authentication',
        objectItem: { id: 'Ab12Cd34', name: 'ci', typeName: 'API token' },
        changedValues: [{ fieldName: 'expiresAt', changedFrom: '', changedTo: '2025-05-01T12:00:00.000Z' }],
        associatedItems: [{ id: 'alice', name: 'alice', typeName: 'USER' }],
        remoteAddress: '10.0.0.7',
        authorKey: 'JIRAUSER10000',
      },
      {
        summary: 'API token "ci" created for alice by admin (on behalf) [event 01J9Z6T3QK4M2W8XJ5R7N0B1CD]',
        category: 'API Token Authentication',
        changedValues: [{ fieldName: 'expiresAt', changedFrom: '', changedTo: '2025-05-01T12:00:00.000Z' }],
        associatedItems: [],
      },
    ]);
  });

  it('keeps the event id when a long summary is shortened to 255 characters', async () => {
    const calls = jiraVersion('8.20.30');
    expect(await jira().deliverAudit({ ...record, summary: 'x'.repeat(400) })).toBe('delivered');
    const summary = (calls.records[0] as { summary: string }).summary;
    expect(summary).toHaveLength(255);
    expect(summary.endsWith('[event 01J9Z6T3QK4M2W8XJ5R7N0B1CD]')).toBe(true);
  });

  it.each(['10.3.24', '11.0.0'])('answers unsupported on Jira %s without writing', async (version) => {
    const calls = jiraVersion(version);
    const product = jira();
    expect(await product.deliverAudit(record)).toBe('unsupported');
    expect(await product.deliverAudit(record)).toBe('unsupported');
    expect(calls).toMatchObject({ serverInfo: 1, records: [] });
  });

  it('falls back to the version string when versionNumbers is missing', async () => {
    const calls = { records: 0 };
    server.use(
      http.get(`${JIRA}/rest/api/2/serverInfo`, () =>
        HttpResponse.json({ ...serverInfo('10.3.1'), versionNumbers: undefined }),
      ),
      http.post(`${JIRA}/rest/api/2/auditing/record`, () => {
        calls.records += 1;
        return new HttpResponse(null, { status: 201 });
      }),
    );
    expect(await jira().deliverAudit(record)).toBe('unsupported');
    expect(calls.records).toBe(0);
  });

  it.each([404, 405])(
    'answers unsupported for a %i from the legacy endpoint and remembers it',
    async (status) => {
      const calls = jiraVersion('9.4.0', status);
      const product = jira();
      expect(await product.deliverAudit(record)).toBe('unsupported');
      expect(await product.deliverAudit(record)).toBe('unsupported');
      expect(calls.records).toHaveLength(1);
    },
  );

  it('tries the legacy endpoint when Jira reports no version', async () => {
    server.use(
      http.get(`${JIRA}/rest/api/2/serverInfo`, () => HttpResponse.json({ serverTitle: 'Jira' })),
      http.get(`${JIRA}/rest/api/2/user`, () => new HttpResponse(null, { status: 404 })),
      http.post(`${JIRA}/rest/api/2/auditing/record`, () => new HttpResponse(null, { status: 405 })),
    );
    expect(await jira().deliverAudit(record)).toBe('unsupported');
  });

  it.each<[string, number, ProductErrorCode]>([
    ['a 500', 500, 'PRODUCT_UNEXPECTED_STATUS'],
    ['a 503', 503, 'PRODUCT_UNEXPECTED_STATUS'],
    ['a service account without admin rights', 403, 'PRODUCT_SERVICE_ACCOUNT_REJECTED'],
  ])('throws for %s so the outbox retries', async (_label, status, code) => {
    jiraVersion('9.12.2', status);
    await expectProductError(jira().deliverAudit(record), code);
  });

  it('throws when Jira is unreachable, and asks serverInfo again next time', async () => {
    server.use(http.get(`${JIRA}/rest/api/2/serverInfo`, () => HttpResponse.error()));
    const product = jira();
    await expectProductError(product.deliverAudit(record), 'PRODUCT_UNREACHABLE');
    server.resetHandlers();
    jiraVersion('9.12.2');
    expect(await product.deliverAudit(record)).toBe('delivered');
  });

  it('throws when the legacy write times out', async () => {
    server.use(
      http.get(`${JIRA}/rest/api/2/serverInfo`, () => HttpResponse.json(serverInfo('9.12.2'))),
      http.get(`${JIRA}/rest/api/2/user`, () => new HttpResponse(null, { status: 404 })),
      http.post(`${JIRA}/rest/api/2/auditing/record`, async () => {
        await delay('infinite');
        return new HttpResponse(null, { status: 201 });
      }),
    );
    await expectProductError(jira(50).deliverAudit(record), 'PRODUCT_TIMEOUT');
  });

  it('throws PRODUCT_INVALID_RESPONSE for a malformed serverInfo', async () => {
    server.use(http.get(`${JIRA}/rest/api/2/serverInfo`, () => HttpResponse.json({ versionNumbers: 'ten' })));
    await expectProductError(jira().deliverAudit(record), 'PRODUCT_INVALID_RESPONSE');
  });
});

describe('judgePasswordResponse', () => {
  it("uses Seraph's verdict", () => {
    const product = jira();
    expect(product.judgePasswordResponse(200, { 'x-seraph-loginreason': 'AUTHENTICATED_FAILED' })).toBe(
      'failed',
    );
    expect(product.judgePasswordResponse(401, {})).toBe('failed');
    expect(product.judgePasswordResponse(403, { 'x-seraph-loginreason': 'AUTHENTICATION_DENIED' })).toBe(
      'unknown',
    );
    expect(product.judgePasswordResponse(200, { 'x-seraph-loginreason': 'OK' })).toBe('succeeded');
  });
});
