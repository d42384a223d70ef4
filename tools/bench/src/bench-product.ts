/**
 * A tiny in-process `Product` for the benchmark gateways: every username is an active user (`admin`
 * is in the admin group), audit records are accepted at once, and password answers are judged the
 * Seraph way. No HTTP look-ups, so the upstream sees only the proxied traffic and the figures measure
 * the gateway, not a user directory. (The real adapters cache look-ups for 30 s, so a warm token costs
 * them no product call either.)
 */
import { judgeSeraphPasswordResponse, type Product } from '@api-token-auth/gateway';

/** The benchmark's administrator (owner of the token that changes settings). */
export const BENCH_ADMIN = 'admin';

/**
 * @example
 * ```ts
 * await runGatewayFromEnv({ productKey: 'jira', createProduct: () => createBenchProduct() });
 * ```
 */
export function createBenchProduct(): Product {
  return {
    displayName: 'Jira',
    defaultAdminGroups: ['jira-administrators'],
    restSessionLoginPath: '/rest/auth/1/session',
    loginPagePath: '/login.jsp',
    whoIs: () => Promise.resolve(null),
    lookUpUser: (username) =>
      Promise.resolve({
        username,
        displayName: username,
        active: true,
        groups:
          username.toLowerCase() === BENCH_ADMIN ? ['jira-administrators', 'jira-users'] : ['jira-users'],
      }),
    deliverAudit: () => Promise.resolve('delivered'),
    judgePasswordResponse: (status, headers) => judgeSeraphPasswordResponse(status, headers),
  };
}
