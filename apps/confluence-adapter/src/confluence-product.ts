/**
 * The `Product` port implemented with Confluence Data Center's REST API (DESIGN §4).
 */
import {
  ProductError,
  createProductHttpClient,
  fetchAsService,
  fetchCurrentUser,
  judgeSeraphPasswordResponse,
} from '@api-token-auth/product-port';
import type { Product, ProductHttpClient, ProductUser } from '@api-token-auth/product-port';
import { createConfluenceAuditLog } from './confluence-audit-log.js';
import {
  CONFLUENCE_USER_STATUSES,
  confluenceCurrentUserSchema,
  confluenceGroupPageSchema,
  confluenceRestErrorSchema,
  confluenceUserSchema,
  type ConfluenceUser,
} from './schemas.js';

/** Options of {@link createConfluenceProduct}. */
export interface ConfluenceProductOptions {
  /** Confluence's base URL including its context path, e.g. `http://wiki:8090/confluence`. */
  baseUrl: string;
  /** Service account for user look-ups and legacy audit writes (Confluence administrator for the latter). */
  serviceUser: string;
  servicePassword: string;
  /** Per request to Confluence, headers and body together; default 10 000 ms. */
  timeoutMs?: number;
}

/** Groups per `memberof` page: the contract's default and Confluence's usual cap. */
const GROUP_PAGE_SIZE = 200;

/** At most this many pages (10 000 groups): a product that never stops paging is not followed forever. */
const MAX_GROUP_PAGES = 50;

const USER_LOOKUP = { method: 'GET', path: '/rest/api/user' } as const;

type ProductHttpResponse = Awaited<ReturnType<ProductHttpClient['request']>>;

/**
 * A user look-up answer that breaks Confluence's contract: something between the gateway and
 * Confluence dropped the query string, or another service answered. Never read as "active" — the token
 * is refused (issue 20 item 7) and the message says what broke; it names no user and no value.
 */
function contractProblem(what: string): ProductError {
  return new ProductError(
    'PRODUCT_INVALID_RESPONSE',
    `GET /rest/api/user: ${what}; Confluence always answers a known user with its status when asked for expand=status, so something between the gateway and Confluence changed the request or answered in its place. Refusing to treat the user as active.`,
    { ...USER_LOOKUP, status: 200 },
  );
}

/**
 * Whether a looked-up Confluence user is active: fail closed (issue 20 item 7). Only `type: known` with
 * `status: current` is active; `deactivated`, `externallyDeleted` and `unlicensed` are inactive; a
 * missing `status` (the expansion not honoured), another status or another `type` is a contract problem.
 */
function isActive(user: Extract<ConfluenceUser, { username: string }>): boolean {
  if (user.type !== 'known')
    return failClosed(`the answer is of type "${user.type.slice(0, 40)}", not "known"`);
  if (user.status === undefined) return failClosed('the answer has no status');
  if (!(CONFLUENCE_USER_STATUSES as readonly string[]).includes(user.status)) {
    return failClosed(`the answer has an unknown status "${user.status.slice(0, 40)}"`);
  }
  return user.status === 'current';
}

function failClosed(what: string): never {
  throw contractProblem(what);
}

/**
 * The error for a user look-up Confluence refused. A 403 naming *View User Profiles* is a
 * misconfiguration of the service account, said plainly (it stops every token from being checked);
 * anything else is the generic refusal of the service account or an unexpected status.
 */
async function refusedLookUp(response: ProductHttpResponse): Promise<ProductError> {
  if (response.status === 403) {
    let message = '';
    try {
      message = (await response.json(confluenceRestErrorSchema)).message ?? '';
    } catch {
      // Not Confluence's error body: the generic refusal below.
    }
    if (/not permitted to view user profiles/i.test(message)) {
      return new ProductError(
        'PRODUCT_SERVICE_ACCOUNT_REJECTED',
        'GET /rest/api/user: Confluence answered HTTP 403 "User not permitted to view user profiles": the service account (ATA_SERVICE_USER) lacks the global permission "View User Profiles". Grant it in Confluence administration → Global permissions; until then no API token can be checked.',
        { ...USER_LOOKUP, status: 403 },
      );
    }
  }
  return response.unexpectedStatus();
}

async function readGroups(client: ProductHttpClient, username: string): Promise<string[] | null> {
  const groups: string[] = [];
  let start = 0;
  for (let page = 0; page < MAX_GROUP_PAGES; page += 1) {
    const body = await fetchAsService(
      client,
      { path: '/rest/api/user/memberof', query: { username, start, limit: GROUP_PAGE_SIZE } },
      confluenceGroupPageSchema,
    );
    // 404: the user disappeared between the two look-ups.
    if (body === null) return null;
    groups.push(...body.results.map((group) => group.name));
    // `_links.next` is Confluence's own "there is more"; without `_links`, a full page may be followed
    // by another. An empty page always ends the walk.
    const more =
      body._links !== undefined
        ? body._links.next !== undefined
        : body.results.length >= (body.limit ?? GROUP_PAGE_SIZE);
    if (body.results.length === 0 || !more) return groups;
    start += body.results.length;
  }
  throw new ProductError(
    'PRODUCT_INVALID_RESPONSE',
    `GET /rest/api/user/memberof: more than ${MAX_GROUP_PAGES * GROUP_PAGE_SIZE} groups; refusing to guess the rest.`,
    { method: 'GET', path: '/rest/api/user/memberof' },
  );
}

/**
 * Creates the Confluence implementation of the gateway's `Product` port.
 *
 * - `whoIs`: `GET /rest/api/user/current` with the caller's cookie or `Authorization`; `type:
 *   anonymous`, 401/403 or a redirect → `null`.
 * - `lookUpUser`: `GET /rest/api/user?username=…&expand=status` (404 → `null`) and every page of
 *   `GET /rest/api/user/memberof`, as the service account. Only `type: known` with `status: current`
 *   is active; a missing status or another type throws `PRODUCT_INVALID_RESPONSE` (fail closed); a
 *   403 for lacking *View User Profiles* throws `PRODUCT_SERVICE_ACCOUNT_REJECTED` saying so. Not cached
 *   here: the gateway's user directory caches look-ups (≤ 30 s).
 * - `deliverAudit`: legacy `POST /rest/api/audit`; 404/405 → `unsupported`.
 * - `judgePasswordResponse`: Seraph's `X-Seraph-LoginReason` and 401.
 *
 * @example
 * ```ts
 * const confluence = createConfluenceProduct({ baseUrl: 'http://wiki:8090/confluence', serviceUser: 'svc-ata', servicePassword });
 * const me = await confluence.whoIs({ cookie: 'JSESSIONID=…' }); // { username: 'alice', displayName: 'Alice' } or null
 * ```
 */
export function createConfluenceProduct(options: ConfluenceProductOptions): Product {
  const client = createProductHttpClient(options);

  return {
    displayName: 'Confluence',
    defaultAdminGroups: ['confluence-administrators'],
    restSessionLoginPath: '/rest/auth/1/session',
    loginPagePath: '/login.action',

    async whoIs(credentials) {
      const me = await fetchCurrentUser(
        client,
        '/rest/api/user/current',
        credentials,
        confluenceCurrentUserSchema,
      );
      if (me === null) return null;
      if (me.type === 'anonymous' || me.type === 'unknown' || me.username === undefined || me.username === '')
        return null;
      return {
        username: me.username,
        ...(me.displayName === undefined ? {} : { displayName: me.displayName }),
      };
    },

    async lookUpUser(username): Promise<ProductUser | null> {
      if (username === '') return null;
      const response = await client.request({
        path: '/rest/api/user',
        query: { username, expand: 'status' },
        auth: 'service',
      });
      if (response.status === 404) {
        await response.discard();
        return null;
      }
      if (response.status !== 200) throw await refusedLookUp(response);
      const user = await response.json(confluenceUserSchema);
      if (!('username' in user)) return failClosed(`the answer is of type "${user.type}", not a known user`);
      const active = isActive(user);
      const groups = await readGroups(client, user.username);
      if (groups === null) return null;
      return {
        username: user.username,
        ...(user.userKey === undefined ? {} : { key: user.userKey }),
        displayName: user.displayName ?? user.username,
        active,
        groups,
      };
    },

    deliverAudit: createConfluenceAuditLog(client),
    judgePasswordResponse: judgeSeraphPasswordResponse,
  };
}
