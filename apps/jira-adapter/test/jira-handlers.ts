/** msw handlers of the Jira answers an audit write depends on, shared by the conformance and product tests. */
import type { ProductServer } from '@api-token-auth/product-port/testing';
import { http, HttpResponse } from 'msw';
import { serverInfo, userWithGroups } from './fixtures.js';

/** Jira's base URL in the tests (no context path). */
export const JIRA = 'http://jira.test:8080';

/** Jira's JSON error body (`errorMessages`, `errors`). */
export function jiraError(_status: number, message: string) {
  return { errorMessages: [message], errors: {} };
}

/**
 * What the audit sink asks before writing: `serverInfo` for `version` (counted in `calls`), and the
 * actor `admin` (key `JIRAUSER10000`) for `authorKey`; any other user is unknown (404).
 */
export function beforeAuditWrite(server: ProductServer, version: string, calls = { serverInfo: 0 }) {
  return [
    http.get(server.url('/rest/api/2/serverInfo'), () => {
      calls.serverInfo += 1;
      return HttpResponse.json(serverInfo(version));
    }),
    http.get(server.url('/rest/api/2/user'), ({ request }) => {
      if (new URL(request.url).searchParams.get('username') !== 'admin')
        return HttpResponse.json(jiraError(404, 'no such user'), { status: 404 });
      return HttpResponse.json({
        ...userWithGroups(),
        name: 'admin',
        key: 'JIRAUSER10000',
        displayName: 'Administrator',
      });
    }),
  ];
}
