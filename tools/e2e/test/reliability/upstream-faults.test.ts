/**
 * Issue 7 "Faults": the product behind the gateway is down, slower than `ATA_UPSTREAM_TIMEOUT_MS`, or
 * resets connections. Every caller gets a clear 502/504 in the Atlassian error shape, the policy
 * still holds (a typo is still a 401), nothing is counted as a failed login, the adapter process
 * never dies, and it recovers by itself once the product is back — no restart.
 *
 * The in-process versions of these faults (gateway + a fake upstream) are in
 * packages/gateway/test/reverse-proxy.test.ts ("failures"); here it is the real adapter bin, the real
 * sandbox product and a relay between them that misbehaves on request.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { anonymous, apiClient, basic, bearer, callProduct, loginCookie } from '../../src/client.js';
import type { ApiClient, Credentials } from '../../src/client.js';
import { errorText, expectAtlassianError, expectStatus } from '../../src/expectations.js';
import { failedLoginViews } from '../../src/gateway-state.js';
import { send } from '../../src/http.js';
import { PRODUCTS } from '../../src/products.js';
import { settledLogs, startStack } from '../../src/stack.js';
import type { Stack } from '../../src/stack.js';
import { typo } from '../../src/tokens.js';
import { createToken, eventually } from '../fixture.js';
import type { CreatedToken } from '../fixture.js';
import { startFaultyUpstream } from './faulty-upstream.js';
import type { FaultyUpstream } from './faulty-upstream.js';
import { accessLines, expectSameProcessServing } from './process-checks.js';

const UPSTREAM_TIMEOUT_MS = 1_000;
/** Long enough past the timeout that an answer within it can only be the gateway's 504. */
const HANG_MS = 4_000;

describe.each(PRODUCTS)('%s behind a faulty network', (product) => {
  let relay: FaultyUpstream;
  let stack: Stack;
  let aliceApi: ApiClient;
  let adminApi: ApiClient;
  let warm: CreatedToken;
  let cold: CreatedToken;
  const contextPath = product === 'confluence' ? '/confluence' : '';
  const isResource = (_method: string, path: string) =>
    path.startsWith(`${contextPath}${product === 'jira' ? '/rest/api/2/issue' : '/rest/api/content'}`);

  beforeAll(async () => {
    relay = await startFaultyUpstream();
    stack = await startStack({
      product,
      env: {
        ATA_UPSTREAM_URL: `${relay.origin}${contextPath}`,
        ATA_UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
      },
      prepareSandbox: (sandbox) => relay.setTarget(new URL(sandbox.url).origin),
    });
    aliceApi = apiClient(stack, await loginCookie(stack, 'alice', 'alice'));
    adminApi = apiClient(stack, await loginCookie(stack, 'admin', 'admin'));
    warm = await createToken(aliceApi);
    cold = await createToken(aliceApi);
    expect((await callProduct(stack, bearer(warm.token))).ranAs).toBe('alice');
  });

  afterAll(async () => {
    await stack?.close();
    await relay?.close();
  });

  async function expectGatewayError(credentials: Credentials, status: 502 | 504, method = 'GET') {
    const res = await callProduct(stack, credentials, {
      method,
      ...(method === 'POST' ? { body: { probe: 'fault' } } : {}),
    });
    const body = expectAtlassianError(res, status);
    expect(res.ranAs).toBeUndefined();
    return errorText(body);
  }

  test('product down: 502 for every kind of caller, the policy still holds, recovery without restart', async () => {
    await relay.setFault({ kind: 'down' });
    try {
      for (const credentials of [
        bearer(warm.token),
        bearer(cold.token),
        basic('alice', 'alice'),
        basic('alice', warm.token),
        anonymous,
      ]) {
        expect(await expectGatewayError(credentials, 502)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1:\d+/);
      }
      await expectGatewayError(bearer(warm.token), 502, 'POST');
      // The management API asks the product who a cookie belongs to: it cannot, and says so.
      expectAtlassianError(await aliceApi.get('/tokens'), 502);
      // Decisions the gateway takes alone are unaffected.
      expectAtlassianError(await callProduct(stack, bearer(typo(warm.token))), 401);
      const report = await eventually('health to notice the outage', async () => {
        const health = await send(stack.api('/health'));
        const json = health.json as { upstream?: string } | undefined;
        return health.status === 200 && json?.upstream === 'unreachable' ? json : undefined;
      });
      expect(report).toMatchObject({ status: 'degraded', database: 'ok', upstream: 'unreachable' });
    } finally {
      await relay.setFault(null);
    }

    await expect(callProduct(stack, bearer(warm.token))).resolves.toMatchObject({
      status: 200,
      ranAs: 'alice',
    });
    await expect(callProduct(stack, bearer(cold.token))).resolves.toMatchObject({
      status: 200,
      ranAs: 'alice',
    });
    await expect(callProduct(stack, basic('alice', 'alice'))).resolves.toMatchObject({
      status: 200,
      ranAs: 'alice',
    });
    expectStatus(await aliceApi.get('/tokens'), 200);
    await eventually('health to see the product again', async () => {
      const json = (await send(stack.api('/health'))).json as { upstream?: string } | undefined;
      return json?.upstream === 'ok' ? true : undefined;
    });
    await expectSameProcessServing(stack);
  }, 40_000);

  test('product slower than ATA_UPSTREAM_TIMEOUT_MS: 504, the gateway stays responsive, the next request works', async () => {
    await relay.setFault({ kind: 'hang', ms: HANG_MS }, { match: isResource });
    try {
      // Several at once: a slow product must not tie up the gateway for anybody else.
      const slow = Promise.all(
        [bearer(warm.token), basic('alice', 'alice'), anonymous, bearer(warm.token)].map((credentials) =>
          callProduct(stack, credentials),
        ),
      );
      const tokens = await aliceApi.get('/tokens');
      expectStatus(tokens, 200);
      for (const res of await slow) {
        const body = expectAtlassianError(res, 504);
        expect(errorText(body)).toMatch(/did not answer in time/);
      }
      expect(relay.faulted()).toBe(4);
    } finally {
      await relay.setFault(null);
    }
    await expect(callProduct(stack, bearer(warm.token))).resolves.toMatchObject({
      status: 200,
      ranAs: 'alice',
    });
    await expectSameProcessServing(stack);
  }, 30_000);

  test('product resetting connections: 502, never counted as a failed login, the next request works', async () => {
    const failures = async () =>
      failedLoginViews(expectStatus(await adminApi.get('/admin/failed-logins'), 200)).map(
        ({ key, failures: count }) => ({ key, count }),
      );
    const before = await failures();
    await relay.setFault({ kind: 'reset' }, { match: isResource });
    try {
      await expectGatewayError(bearer(warm.token), 502);
      await expectGatewayError(bearer(warm.token), 502, 'POST');
      await expectGatewayError(basic('alice', 'alice'), 502);
      await expectGatewayError(basic('alice', 'wrong-password'), 502);
      await expectGatewayError(anonymous, 502);
      expect(relay.faulted()).toBe(5);
    } finally {
      await relay.setFault(null);
    }
    // A product that never answered said nothing about the password: no failure for alice or the IP.
    expect(await failures()).toEqual(before);

    await expect(callProduct(stack, bearer(warm.token), { method: 'GET' })).resolves.toMatchObject({
      status: 200,
      ranAs: 'alice',
    });
    await expect(callProduct(stack, basic('alice', 'alice'))).resolves.toMatchObject({
      status: 200,
      ranAs: 'alice',
    });
    await expectSameProcessServing(stack);
  }, 30_000);

  test('the access log shows only the expected answers: no 500 or 503 from any fault', async () => {
    // Log writes are batched (flushed within 200 ms): wait until the faults' lines have arrived.
    await eventually('the access lines of both faults', () => {
      const outcomes = new Set(accessLines(stack.logs).map((line) => line.outcome));
      return outcomes.has('UPSTREAM_UNREACHABLE') && outcomes.has('UPSTREAM_TIMEOUT') ? true : undefined;
    });
    const unexpected = accessLines(await settledLogs(stack)).filter(
      (line) => line.status >= 500 && line.status !== 502 && line.status !== 504,
    );
    expect(unexpected).toEqual([]);
  });
});
