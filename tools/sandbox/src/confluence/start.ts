import { STATUS_CODES } from 'node:http';
import { sendJson } from '../http/respond.js';
import type { ConfluenceSandboxOptions, Sandbox } from '../types.js';
import { bigRoutes } from '../core/big-routes.js';
import type { ProductDefinition, Route } from '../core/product.js';
import { startSandboxServer } from '../core/server.js';
import { sessionRoutes } from '../core/session-routes.js';
import { seedUsers } from '../core/users.js';
import { parseVersion } from '../core/version.js';
import { webPageRoutes } from '../core/web-pages.js';
import { confluenceAuditRoutes } from './audit.js';
import { contentRoutes } from './content.js';
import { confluenceUserSelf } from './representations.js';
import { confluenceUserRoutes } from './users.js';

/** Confluence's `RestError`; `data.errors` is a list, one entry per field problem. */
function restError(status: number, message: string, fieldErrors: Record<string, string>): unknown {
  return {
    statusCode: status,
    data: {
      authorized: status !== 401 && status !== 403,
      valid: Object.keys(fieldErrors).length === 0,
      allowedInReadOnlyMode: true,
      errors: Object.entries(fieldErrors).map(([field, problem]) => ({
        message: { key: problem, args: [], translation: `${field}: ${problem}` },
      })),
      successful: false,
    },
    message,
    reason: STATUS_CODES[status] ?? 'Error',
  };
}

function serverInformationRoute(version: string): Route {
  const [major, minor, patch] = parseVersion(version);
  return {
    method: 'GET',
    path: '/rest/api/server-information',
    auth: 'user',
    handle(ctx) {
      sendJson(ctx.res, 200, {
        baseUrl: ctx.baseUrl,
        version,
        buildNumber: major * 1000 + minor * 100 + patch,
        marketplaceBuildNumber: major * 1000 + minor * 100 + patch,
        buildDate: '2025-06-02',
      });
    },
  };
}

function normaliseContextPath(contextPath: string): string {
  if (contextPath === '' || contextPath === '/') return '';
  if (
    !/^(\/[A-Za-z0-9._~-]+)+$/.test(contextPath) ||
    contextPath.split('/').some((part) => /^\.+$/.test(part))
  ) {
    throw new TypeError(`contextPath "${contextPath}" must look like "/confluence" (or be "" for none)`);
  }
  return contextPath;
}

/**
 * Starts a sandbox Confluence Data Center on a free loopback port, by default under `/confluence`.
 *
 * @example
 * ```ts
 * const wiki = await startConfluenceSandbox({ legacyAudit: false });
 * wiki.url; // 'http://127.0.0.1:43123/confluence'
 * const res = await fetch(`${wiki.url}/rest/api/user/current`);
 * (await res.json()).type; // 'anonymous'
 * await wiki.close();
 * ```
 */
export async function startConfluenceSandbox(options: ConfluenceSandboxOptions = {}): Promise<Sandbox> {
  const version = options.version ?? '10.0.3';
  const contextPath = normaliseContextPath(options.contextPath ?? '/confluence');
  const users = seedUsers({
    adminGroups: ['confluence-administrators'],
    userGroup: 'confluence-users',
    // A third group for admin, so that memberof paging with limit=2 has a second page.
    extraAdminGroups: ['demo-team'],
    keys: {
      admin: '2c9d8a4e8f1e2a3b018f1e2a3b4c0001',
      alice: '2c9d8a4e8f1e2a3b018f1e2a3b4c0002',
      bob: '2c9d8a4e8f1e2a3b018f1e2a3b4c0003',
    },
  });
  const paths = {
    homePaths: ['/', '/index.action', '/dashboard.action'],
    loginFormPath: '/login.action',
    loginSubmitPaths: ['/dologin.action', '/login.action'],
    logoutPath: '/logout.action',
    auditPagePath: '/admin/auditlogging.action',
  };
  const product: ProductDefinition = {
    product: 'confluence',
    title: `Confluence Sandbox ${version}`,
    contextPath,
    adminGroups: ['confluence-administrators'],
    ...paths,
    // Confluence dropped os_username/os_password in the query string (7.10) and reads them from a form
    // only at login.submit.url, /dologin.action (7.13.20):
    // developer.atlassian.com/server/confluence/http-authentication-with-seraph/
    seraphParametersOnAnyUrl: false,
    userSelfUrl: confluenceUserSelf,
    errorBody: restError,
    routes: [
      ...confluenceUserRoutes(),
      serverInformationRoute(version),
      ...sessionRoutes(),
      ...confluenceAuditRoutes(options.legacyAudit ?? true),
      ...contentRoutes(new Date()),
      ...bigRoutes('/rest/api'),
      ...webPageRoutes(paths),
    ],
  };
  return startSandboxServer(product, users, options);
}
