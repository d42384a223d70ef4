/** msw handlers of Confluence's user resources, shared by the conformance and product tests. */
import type { ProductServer } from '@api-token-auth/product-port/testing';
import { http, HttpResponse } from 'msw';
import { groupPage } from './fixtures.js';

/** Confluence under its usual context path: every call must stay below it. */
export const WIKI = 'http://wiki.test:8090/confluence';

/** Confluence's JSON error body (`statusCode`, `message`). */
export function confluenceError(status: number, message: string) {
  return { statusCode: status, message };
}

/** `GET /rest/api/user` answering `body` for any username. */
export function userEndpoint(server: ProductServer, body: unknown) {
  return http.get(server.url('/rest/api/user'), () => HttpResponse.json(body as Record<string, unknown>));
}

/** Serves `groups` through `memberof` in pages of the requested size, with or without `_links`. */
export function memberOf(
  server: ProductServer,
  groups: readonly string[],
  options: { links?: boolean } = {},
) {
  return http.get(server.url('/rest/api/user/memberof'), ({ request }) => {
    const query = new URL(request.url).searchParams;
    const start = Number(query.get('start') ?? '0');
    const limit = Number(query.get('limit') ?? '200');
    const slice = groups.slice(start, start + limit);
    const page = groupPage(slice, start, limit, start + slice.length < groups.length);
    if (options.links === false) {
      const { _links: _unused, ...withoutLinks } = page;
      return HttpResponse.json(withoutLinks);
    }
    return HttpResponse.json(page);
  });
}
