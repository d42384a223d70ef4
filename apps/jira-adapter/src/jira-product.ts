/**
 * The `Product` port implemented with Jira Data Center's REST API (DESIGN §4).
 */
import {
  createProductHttpClient,
  fetchAsService,
  fetchCurrentUser,
  judgeSeraphPasswordResponse,
} from '@api-token-auth/product-port';
import type { Product, ProductUser } from '@api-token-auth/product-port';
import { createJiraAuditLog } from './jira-audit-log.js';
import { jiraMyselfSchema, jiraUserSchema } from './schemas.js';

/** Options of {@link createJiraProduct}. */
export interface JiraProductOptions {
  /** Jira's base URL including any context path, e.g. `http://jira:8080` or `http://host/jira`. */
  baseUrl: string;
  /** Service account for user look-ups (Browse users) and legacy audit writes (Jira admin). */
  serviceUser: string;
  servicePassword: string;
  /** Per request to Jira, headers and body together; default 10 000 ms. */
  timeoutMs?: number;
}

/**
 * Creates the Jira implementation of the gateway's `Product` port.
 *
 * - `whoIs`: `GET /rest/api/2/myself` with the caller's cookie or `Authorization`; 401/403 or a
 *   redirect to the login page → `null`.
 * - `lookUpUser`: `GET /rest/api/2/user?username=…&expand=groups` as the service account; 404 → `null`.
 *   Not cached here: the gateway's user directory caches look-ups (≤ 30 s).
 * - `deliverAudit`: legacy `POST /rest/api/2/auditing/record` on Jira ≤ 9, `unsupported` on Jira 10+.
 * - `judgePasswordResponse`: Seraph's `X-Seraph-LoginReason` and 401.
 *
 * Failures without an answer throw a `ProductError` (stable `code`, no credentials).
 *
 * @example
 * ```ts
 * const jira = createJiraProduct({ baseUrl: 'http://jira:8080', serviceUser: 'svc-ata', servicePassword });
 * const alice = await jira.lookUpUser('alice'); // { username: 'alice', active: true, groups: [...] } or null
 * ```
 */
export function createJiraProduct(options: JiraProductOptions): Product {
  const client = createProductHttpClient(options);

  async function lookUpUser(username: string): Promise<ProductUser | null> {
    if (username === '') return null;
    const user = await fetchAsService(
      client,
      { path: '/rest/api/2/user', query: { username, expand: 'groups' } },
      jiraUserSchema,
    );
    if (user === null) return null;
    return {
      username: user.name,
      ...(user.key === undefined ? {} : { key: user.key }),
      displayName: user.displayName ?? user.name,
      // A deleted user that Jira still returns can no more use a token than a deactivated one.
      active: user.active && user.deleted !== true,
      groups: user.groups.items.map((group) => group.name),
    };
  }

  return {
    displayName: 'Jira',
    defaultAdminGroups: ['jira-administrators'],
    restSessionLoginPath: '/rest/auth/1/session',
    loginPagePath: '/login.jsp',

    async whoIs(credentials) {
      const me = await fetchCurrentUser(client, '/rest/api/2/myself', credentials, jiraMyselfSchema);
      if (me === null || me.active === false) return null;
      return { username: me.name, ...(me.displayName === undefined ? {} : { displayName: me.displayName }) };
    },

    lookUpUser,
    deliverAudit: createJiraAuditLog({ client, lookUpUser }),
    judgePasswordResponse: judgeSeraphPasswordResponse,
  };
}
