import { sendJson } from '../http/respond.js';
import type { JiraSandboxOptions, Sandbox, SandboxUser } from '../types.js';
import { bigRoutes } from '../core/big-routes.js';
import type { ProductDefinition, Route } from '../core/product.js';
import { startSandboxServer } from '../core/server.js';
import { sessionRoutes } from '../core/session-routes.js';
import { findUser, findUserByKey, seedUsers } from '../core/users.js';
import { parseVersion } from '../core/version.js';
import { webPageRoutes } from '../core/web-pages.js';
import { jiraAuditRoutes } from './audit.js';
import { gadgetLoginRoute } from './gadget-login.js';
import { issueRoutes } from './issues.js';
import { readExpand } from '../core/expand.js';
import { jiraUserBean, jiraUserSelf } from './representations.js';

function userRoutes(): Route[] {
  return [
    {
      method: 'GET',
      path: '/rest/api/2/myself',
      auth: 'user',
      handle(ctx) {
        sendJson(ctx.res, 200, jiraUserBean(ctx.baseUrl, ctx.caller as SandboxUser, readExpand(ctx.query)));
      },
    },
    {
      method: 'GET',
      path: '/rest/api/2/user',
      auth: 'user',
      handle(ctx) {
        const username = ctx.query.get('username');
        const key = ctx.query.get('key');
        if (!username && !key) {
          ctx.error(400, "Either the 'username' or the 'key' query parameter must be given.", {
            username: 'required',
          });
          return;
        }
        const user = username
          ? findUser(ctx.state.users, username)
          : findUserByKey(ctx.state.users, key ?? '');
        if (!user) {
          ctx.error(404, `The user named '${username ?? key}' does not exist`);
          return;
        }
        sendJson(ctx.res, 200, jiraUserBean(ctx.baseUrl, user, readExpand(ctx.query)));
      },
    },
  ];
}

function serverInfoRoute(version: string, numbers: [number, number, number]): Route {
  const [major, minor, patch] = numbers;
  return {
    method: 'GET',
    path: '/rest/api/2/serverInfo',
    auth: 'anyone',
    handle(ctx) {
      sendJson(ctx.res, 200, {
        baseUrl: ctx.baseUrl,
        version,
        versionNumbers: numbers,
        deploymentType: 'Server',
        // Jira's build numbers follow the version: 9.12.0 is 912000x, 10.3.0 is 1003000x.
        buildNumber: major * 1_000_000 + minor * 10_000 + patch * 100,
        buildDate: '2024-12-02T00:00:00.000+0000',
        scmInfo: 'sandbox',
        serverTitle: 'Jira Sandbox',
      });
    },
  };
}

/**
 * Starts a sandbox Jira Data Center on a free loopback port (no context path).
 *
 * @example
 * ```ts
 * const jira = await startJiraSandbox({ version: '9.12.0', identitySecret: 'shared' });
 * const res = await fetch(`${jira.url}/rest/api/2/myself`, {
 *   headers: { 'X-Forwarded-User': 'alice', 'X-Api-Token-Auth-Secret': 'shared' },
 * });
 * (await res.json()).name; // 'alice'
 * await jira.close();
 * ```
 */
export async function startJiraSandbox(options: JiraSandboxOptions = {}): Promise<Sandbox> {
  const version = options.version ?? '10.3.0';
  const numbers = parseVersion(version);
  const users = seedUsers({
    adminGroups: ['jira-administrators'],
    userGroup: 'jira-software-users',
    extraAdminGroups: [],
    keys: { admin: 'JIRAUSER10000', alice: 'JIRAUSER10100', bob: 'JIRAUSER10101' },
  });
  const paths = {
    homePaths: ['/', '/secure/Dashboard.jspa'],
    loginFormPath: '/login.jsp',
    loginSubmitPaths: ['/login.jsp'],
    logoutPath: '/logout',
    auditPagePath: '/auditing/view',
  };
  const product: ProductDefinition = {
    product: 'jira',
    title: `Jira Sandbox ${version}`,
    contextPath: '',
    adminGroups: ['jira-administrators'],
    ...paths,
    seraphParametersOnAnyUrl: true,
    userSelfUrl: jiraUserSelf,
    errorBody: (_status, message, errors) => ({ errorMessages: message ? [message] : [], errors }),
    routes: [
      ...userRoutes(),
      serverInfoRoute(version, numbers),
      ...sessionRoutes(['1', 'latest']),
      gadgetLoginRoute(),
      // Jira 10 removed the endpoint for writing audit records (DESIGN §4).
      ...(numbers[0] < 10 ? jiraAuditRoutes() : []),
      ...issueRoutes(new Date()),
      ...bigRoutes('/rest/api/2'),
      ...webPageRoutes(paths),
    ],
  };
  return startSandboxServer(product, users, options);
}
