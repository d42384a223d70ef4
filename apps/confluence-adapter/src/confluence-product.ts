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
import { confluenceCurrentUserSchema, confluenceGroupPageSchema, confluenceUserSchema } from './schemas.js';

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

/** `status` values (of the `status` expansion) that mean an active account. */
const ACTIVE_STATUSES: ReadonlySet<string> = new Set(['current', 'active']);

/**
 * Whether a looked-up Confluence user is active. The contract's `Person` has no active flag. When the
 * answer carries `status` (the `status` expansion), only `current`/`active` count as active — any
 * other value (e.g. `deactivated`) fails closed. Without `status` the user is active: Confluence
 * answers 404 for a user that is gone, which `lookUpUser` reports as `null`.
 */
function isActive(status: string | undefined): boolean {
  return status === undefined || ACTIVE_STATUSES.has(status.toLowerCase());
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
 *   `GET /rest/api/user/memberof`, as the service account. Not cached here: the gateway's user
 *   directory caches look-ups (≤ 30 s).
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
      const user = await fetchAsService(
        client,
        { path: '/rest/api/user', query: { username, expand: 'status' } },
        confluenceUserSchema,
      );
      if (user === null || !('username' in user)) return null;
      const groups = await readGroups(client, user.username);
      if (groups === null) return null;
      return {
        username: user.username,
        ...(user.userKey === undefined ? {} : { key: user.userKey }),
        displayName: user.displayName ?? user.username,
        active: isActive(user.status),
        groups,
      };
    },

    deliverAudit: createConfluenceAuditLog(client),
    judgePasswordResponse: judgeSeraphPasswordResponse,
  };
}
