/**
 * One shared stack per `describe`: started in `beforeAll`, settings and failed-login counters reset
 * after each test, stopped in `afterAll`.
 */
import type { Settings } from '@api-token-auth/token-policy';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { apiClient, loginCookie } from '../src/client.js';
import type { ApiClient, Credentials } from '../src/client.js';
import { expectStatus } from '../src/expectations.js';
import { resetGateway } from '../src/gateway-state.js';
import type { ProductName } from '../src/products.js';
import { startStack } from '../src/stack.js';
import type { Stack, StackOptions } from '../src/stack.js';

/** What the tests of one describe share. Filled in by `beforeAll`. */
export interface World {
  stack: Stack;
  /** Session cookies, obtained through the gateway before any test can disable password logins. */
  admin: Credentials;
  alice: Credentials;
  /** Management API as admin / alice, by session cookie (+ XSRF header). */
  adminApi: ApiClient;
  aliceApi: ApiClient;
  /** The settings a fresh gateway starts with. */
  defaults: Settings;
}

/**
 * @example
 * ```ts
 * const world = useStack('jira');
 * test('…', async () => { await world.aliceApi.get('/tokens'); });
 * ```
 */
export function useStack(product: ProductName, options: Omit<StackOptions, 'product'> = {}): World {
  const world = {} as World;
  beforeAll(async () => {
    world.stack = await startStack({ product, ...options });
    world.admin = await loginCookie(world.stack, 'admin', 'admin');
    world.alice = await loginCookie(world.stack, 'alice', 'alice');
    world.adminApi = apiClient(world.stack, world.admin);
    world.aliceApi = apiClient(world.stack, world.alice);
    world.defaults = expectStatus<Settings>(await world.adminApi.get('/admin/settings'), 200);
  });
  afterEach(async () => {
    if (world.adminApi !== undefined) await resetGateway(world.adminApi, world.defaults);
  });
  afterAll(async () => {
    await world.stack?.close();
  });
  return world;
}

/** `POST /tokens` (or `POST /admin/users/{u}/tokens`) response. */
export interface CreatedToken {
  id: string;
  name: string;
  token: string;
  createdAt: string;
  expiresAt: string | null;
}

let counter = 0;

/** A token name unique within the run. */
export function tokenName(prefix = 'token'): string {
  counter += 1;
  return `${prefix}-${counter}-${Date.now().toString(36)}`;
}

/**
 * Creates a token and asserts the 201 response shape.
 *
 * @example
 * ```ts
 * const { token } = await createToken(world.aliceApi);
 * ```
 */
export async function createToken(
  api: ApiClient,
  body: { name?: string; validity?: string } = {},
  path = '/tokens',
): Promise<CreatedToken> {
  const created = expectStatus<CreatedToken>(await api.post(path, { name: tokenName(), ...body }), 201);
  expect(created).toEqual({
    id: expect.any(String),
    name: expect.any(String),
    token: expect.stringMatching(/^ata_[0-9A-Za-z]+$/),
    createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
    expiresAt: created.expiresAt === null ? null : expect.stringMatching(/Z$/),
  });
  return created;
}

/** `createdAt` plus whole calendar months in UTC, month ends clamped (a reference, not the core's code). */
export function addUtcMonths(iso: string, months: number): string {
  const from = new Date(iso);
  const year = from.getUTCFullYear();
  const month = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(from.getUTCDate(), lastDay),
      from.getUTCHours(),
      from.getUTCMinutes(),
      from.getUTCSeconds(),
      from.getUTCMilliseconds(),
    ),
  ).toISOString();
}

/** Polls `probe` every `intervalMs` until it returns a value other than `undefined`, or throws after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
