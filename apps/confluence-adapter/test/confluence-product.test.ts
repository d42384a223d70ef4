/**
 * What only the Confluence adapter does: groups from the paged `memberof` resource, the anonymous
 * `Person`, and its legacy audit body. What every adapter does is in the shared conformance suite
 * (conformance.test.ts).
 */
import type { ProductErrorCode } from '@api-token-auth/product-port';
import {
  CONFORMANCE_AUDIT_RECORD as record,
  TEST_SERVICE_ACCOUNT,
  expectProductError,
  testProductOptions,
  useProductServer,
} from '@api-token-auth/product-port/testing';
import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createConfluenceProduct } from '../src/index.js';
import { confluenceError, memberOf, userEndpoint, WIKI } from './confluence-handlers.js';
import { anonymous, groupPage, knownAdmin, userWithStatus } from './fixtures.js';

const server = useProductServer(`${WIKI}/`);
const confluence = (timeoutMs?: number) => createConfluenceProduct(testProductOptions(`${WIKI}/`, timeoutMs));

/** The `memberof` requests of the current test: where each page started, and for whom. */
function memberOfRequests() {
  return server.requests
    .filter((request) => request.path === '/rest/api/user/memberof')
    .map(({ query, authorization }): Record<string, string | null> => ({
      ...Object.fromEntries(query),
      authorization,
    }));
}

describe('lookUpUser', () => {
  it('asks memberof for the canonical username Confluence returned, one page of 200', async () => {
    server.use(userEndpoint(server, userWithStatus('current')), memberOf(server, ['confluence-users']));
    expect(await confluence().lookUpUser('Admin')).toMatchObject({ username: 'admin' });
    expect(memberOfRequests()).toEqual([
      { username: 'admin', start: '0', limit: '200', authorization: TEST_SERVICE_ACCOUNT.authorization },
    ]);
  });

  it('follows memberof pages until Confluence has no next page', async () => {
    const groups = Array.from({ length: 450 }, (_, index) => `group-${index}`);
    server.use(userEndpoint(server, knownAdmin), memberOf(server, groups));
    const user = await confluence().lookUpUser('admin');
    expect(user?.groups).toEqual(groups);
    expect(memberOfRequests().map((request) => request.start)).toEqual(['0', '200', '400']);
  });

  it('follows full pages when Confluence sends no _links, and stops at a short page', async () => {
    const groups = Array.from({ length: 400 }, (_, index) => `g${index}`);
    server.use(userEndpoint(server, knownAdmin), memberOf(server, groups, { links: false }));
    expect((await confluence().lookUpUser('admin'))?.groups).toHaveLength(400);
    // Two full pages, then an empty one ends the walk.
    expect(memberOfRequests().map((request) => request.start)).toEqual(['0', '200', '400']);
  });

  it('refuses to follow a product that pages forever', async () => {
    server.use(
      userEndpoint(server, knownAdmin),
      http.get(server.url('/rest/api/user/memberof'), ({ request }) => {
        const start = Number(new URL(request.url).searchParams.get('start'));
        return HttpResponse.json(groupPage([`g${start}`], start, 200, true));
      }),
    );
    await expectProductError(confluence().lookUpUser('admin'), 'PRODUCT_INVALID_RESPONSE');
    expect(memberOfRequests()).toHaveLength(50);
  });

  it('answers null when the user vanishes between the two look-ups', async () => {
    server.use(
      userEndpoint(server, knownAdmin),
      http.get(server.url('/rest/api/user/memberof'), () =>
        HttpResponse.json(confluenceError(404, 'gone'), { status: 404 }),
      ),
    );
    expect(await confluence().lookUpUser('admin')).toBeNull();
  });

  it('answers null for an anonymous answer', async () => {
    server.use(userEndpoint(server, anonymous));
    expect(await confluence().lookUpUser('anonymous')).toBeNull();
  });

  it.each<[string, () => Response, ProductErrorCode]>([
    [
      'a 500',
      () => HttpResponse.json(confluenceError(500, 'boom'), { status: 500 }),
      'PRODUCT_UNEXPECTED_STATUS',
    ],
    [
      'results that are not a list',
      () => HttpResponse.json({ ...groupPage(['a'], 0, 200, false), results: { name: 'a' } }),
      'PRODUCT_INVALID_RESPONSE',
    ],
    ['a network failure', () => HttpResponse.error(), 'PRODUCT_UNREACHABLE'],
  ])('throws a typed error when memberof gives %s', async (_label, resolver, code) => {
    server.use(userEndpoint(server, knownAdmin), http.get(server.url('/rest/api/user/memberof'), resolver));
    await expectProductError(confluence().lookUpUser('admin'), code);
  });

  it('throws PRODUCT_TIMEOUT when memberof does not answer in time', async () => {
    server.use(
      userEndpoint(server, knownAdmin),
      http.get(server.url('/rest/api/user/memberof'), async () => {
        await delay('infinite');
        return HttpResponse.json(groupPage([], 0, 200, false));
      }),
    );
    await expectProductError(confluence(50).lookUpUser('admin'), 'PRODUCT_TIMEOUT');
  });
});

describe('deliverAudit', () => {
  it('falls back to the subject as affected object and leaves out an unknown address', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(server.url('/rest/api/audit'), async ({ request }) => {
        bodies.push(await request.json());
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const own = {
      ...record,
      type: 'token.deleted_all',
      onBehalf: false,
      object: null,
      clientAddress: null,
      changedValues: [],
    };
    expect(await confluence().deliverAudit(own)).toBe('delivered');
    expect(bodies[0]).toMatchObject({
      sysAdmin: false,
      affectedObject: { name: 'alice', objectType: 'User' },
    });
    expect(bodies[0]).not.toHaveProperty('remoteAddress');
  });
});
