import { inspect } from 'node:util';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createProductHttpClient } from './product-http-client.js';
import { ProductError, isProductError } from './product-error.js';

const BASE = 'http://product.test:8090/confluence';
const PASSWORD = 'Sup3r-s3cret-service-pw';
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const client = createProductHttpClient({
  baseUrl: `${BASE}/`,
  serviceUser: 'svc',
  servicePassword: PASSWORD,
  timeoutMs: 200,
});
const nameSchema = z.object({ name: z.string() });

/** The password in every form it could leak: plain and inside the Basic header. */
function assertNoSecret(error: unknown): void {
  const basic = Buffer.from(`svc:${PASSWORD}`).toString('base64');
  const rendered = [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: Infinity, showHidden: true }),
  ].join('\n');
  expect(rendered).not.toContain(PASSWORD);
  expect(rendered).not.toContain(basic);
}

async function caught(promise: Promise<unknown>): Promise<ProductError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProductError);
    assertNoSecret(error);
    return error as ProductError;
  }
  throw new Error('expected a ProductError');
}

describe('createProductHttpClient', () => {
  it('authenticates as the service account and keeps the context path', async () => {
    let seen: { authorization: string | null; url: string } | undefined;
    server.use(
      http.get(`${BASE}/rest/api/user`, ({ request }) => {
        seen = { authorization: request.headers.get('authorization'), url: request.url };
        return HttpResponse.json({ name: 'alice' });
      }),
    );
    const response = await client.request({
      path: '/rest/api/user',
      query: { username: 'a b&c', start: 0, skip: undefined },
      auth: 'service',
    });
    expect(response.status).toBe(200);
    expect(await response.json(nameSchema)).toEqual({ name: 'alice' });
    expect(seen?.authorization).toBe(`Basic ${Buffer.from(`svc:${PASSWORD}`).toString('base64')}`);
    const url = new URL(seen?.url ?? '');
    expect(url.pathname).toBe('/confluence/rest/api/user');
    expect([...url.searchParams]).toEqual([
      ['username', 'a b&c'],
      ['start', '0'],
    ]);
  });

  it("sends the caller's cookie and Authorization, never the service account", async () => {
    let headers: Headers | undefined;
    server.use(
      http.get(`${BASE}/rest/api/user/current`, ({ request }) => {
        headers = request.headers;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await (
      await client.request({ path: '/rest/api/user/current', auth: { cookie: 'JSESSIONID=abc' } })
    ).discard();
    expect(headers?.get('cookie')).toBe('JSESSIONID=abc');
    expect(headers?.get('authorization')).toBeNull();
    await (
      await client.request({
        path: '/rest/api/user/current',
        auth: { authorization: 'Basic YWxpY2U6YWxpY2U=' },
      })
    ).discard();
    expect(headers?.get('authorization')).toBe('Basic YWxpY2U6YWxpY2U=');
    expect(headers?.get('cookie')).toBeNull();
  });

  it('posts JSON with the XSRF opt-out header', async () => {
    let received: { body: unknown; type: string | null; xsrf: string | null } | undefined;
    server.use(
      http.post(`${BASE}/rest/api/audit`, async ({ request }) => {
        received = {
          body: await request.json(),
          type: request.headers.get('content-type'),
          xsrf: request.headers.get('x-atlassian-token'),
        };
        return new HttpResponse(null, { status: 201 });
      }),
    );
    const response = await client.request({
      method: 'POST',
      path: '/rest/api/audit',
      json: { summary: 's' },
      auth: 'service',
    });
    expect(response.status).toBe(201);
    expect(received).toEqual({ body: { summary: 's' }, type: 'application/json', xsrf: 'no-check' });
  });

  it('does not follow redirects', async () => {
    server.use(
      http.get(
        `${BASE}/rest/api/user/current`,
        () => new HttpResponse(null, { status: 302, headers: { location: `${BASE}/login.action` } }),
      ),
    );
    const response = await client.request({ path: '/rest/api/user/current', auth: { cookie: 'x=y' } });
    expect(response.status).toBe(302);
    await response.discard();
  });

  it.each([
    ['not JSON', () => new HttpResponse('<html>login</html>', { headers: { 'content-type': 'text/html' } })],
    ['the wrong shape', () => HttpResponse.json({ name: 42 })],
    ['an empty body', () => new HttpResponse(null, { status: 200 })],
    ['a body above 1 MiB', () => HttpResponse.json({ name: 'x'.repeat(1024 * 1024) })],
  ])('rejects %s as PRODUCT_INVALID_RESPONSE', async (_label, resolver) => {
    server.use(http.get(`${BASE}/rest/api/user`, resolver));
    const response = await client.request({ path: '/rest/api/user', auth: 'service' });
    const error = await caught(response.json(nameSchema));
    expect(error.code).toBe('PRODUCT_INVALID_RESPONSE');
    expect(error.path).toBe('/rest/api/user');
  });

  it('names the offending field but not its value', async () => {
    server.use(http.get(`${BASE}/rest/api/user`, () => HttpResponse.json({ name: 987654321 })));
    const response = await client.request({ path: '/rest/api/user', auth: 'service' });
    const error = await caught(response.json(nameSchema));
    expect(error.message).toContain('name');
    expect(error.message).not.toContain('987654321');
  });

  it('reports a network failure as PRODUCT_UNREACHABLE', async () => {
    server.use(http.get(`${BASE}/rest/api/user`, () => HttpResponse.error()));
    const error = await caught(client.request({ path: '/rest/api/user', auth: 'service' }));
    expect(error.code).toBe('PRODUCT_UNREACHABLE');
    expect(isProductError(error, 'PRODUCT_UNREACHABLE', 'PRODUCT_TIMEOUT')).toBe(true);
  });

  it('reports a product that does not answer in time as PRODUCT_TIMEOUT', async () => {
    server.use(
      http.get(`${BASE}/rest/api/user`, async () => {
        await delay('infinite');
        return HttpResponse.json({ name: 'never' });
      }),
    );
    const error = await caught(client.request({ path: '/rest/api/user', auth: 'service' }));
    expect(error.code).toBe('PRODUCT_TIMEOUT');
  });

  it.each([
    [401, 'service', 'PRODUCT_SERVICE_ACCOUNT_REJECTED'],
    [403, 'service', 'PRODUCT_SERVICE_ACCOUNT_REJECTED'],
    [503, 'service', 'PRODUCT_UNEXPECTED_STATUS'],
    [401, 'caller', 'PRODUCT_UNEXPECTED_STATUS'],
  ] as const)('maps an unexpected %i for a %s request to %s', async (status, who, code) => {
    server.use(http.get(`${BASE}/rest/api/user`, () => HttpResponse.json({ message: 'no' }, { status })));
    const response = await client.request({
      path: '/rest/api/user',
      auth: who === 'service' ? 'service' : { cookie: 'c=1' },
    });
    const error = await response.unexpectedStatus();
    assertNoSecret(error);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
  });

  it.each([
    ['a malformed URL', { baseUrl: 'not a url' }],
    ['a non-HTTP URL', { baseUrl: 'ftp://product.test' }],
    ['credentials in the URL', { baseUrl: `http://svc:${PASSWORD}@product.test` }],
    ['a query in the URL', { baseUrl: 'http://product.test/?a=b' }],
    ['a colon in the service user', { serviceUser: 'svc:x' }],
    ['an empty service user', { serviceUser: '' }],
    ['a zero timeout', { timeoutMs: 0 }],
  ])('refuses %s as PRODUCT_INVALID_CONFIGURATION', (_label, override) => {
    let thrown: unknown;
    try {
      createProductHttpClient({ baseUrl: BASE, serviceUser: 'svc', servicePassword: PASSWORD, ...override });
    } catch (error) {
      thrown = error;
    }
    expect(isProductError(thrown, 'PRODUCT_INVALID_CONFIGURATION')).toBe(true);
    assertNoSecret(thrown);
  });
});
