/** Shortcuts over the management API, used by several test files. */
import { expect } from 'vitest';
import { crc32 } from '../../../token-policy/src/crc32.js';
import { encodeBase62 } from '../../../token-policy/src/base62.js';
import { cookieChange, type CallResult, type Harness } from './harness.js';

export const API = '/rest/api-token-auth/1.0';

export interface CreatedToken {
  id: string;
  name: string;
  token: string;
  createdAt: string;
  expiresAt: string | null;
}

let counter = 0;

/** Creates a token for `username` through its browser session. */
export async function createToken(
  h: Harness,
  username: string,
  body: Record<string, unknown> = {},
  ctx = '',
): Promise<CreatedToken> {
  counter += 1;
  const cookie = h.product.logIn(username);
  const response = await h.call(`${ctx}${API}/tokens`, {
    method: 'POST',
    headers: { cookie, ...cookieChange },
    body: { name: `token ${counter}`, ...body },
  });
  expect(response.status, response.text).toBe(201);
  return response.json<CreatedToken>();
}

/** Calls the API as `username` with a browser session (and the XSRF header on changes). */
export function asUser(
  h: Harness,
  username: string,
  path: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<CallResult> {
  const cookie = h.product.logIn(username);
  const method = options.method ?? 'GET';
  const headers = { cookie, ...(method === 'GET' ? {} : cookieChange), ...options.headers };
  return h.call(`${API}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
  });
}

/** Updates settings as the admin (omitted fields keep their values). */
export async function putSettings(h: Harness, settings: Record<string, unknown>): Promise<void> {
  const response = await asUser(h, 'admin', '/admin/settings', { method: 'PUT', body: settings });
  expect(response.status, response.text).toBe(200);
}

/** The same token id with another secret and a correct checksum: passes the format check, fails bcrypt. */
export function withOtherSecret(token: string, secret = 'x'.repeat(30)): string {
  const id = token.slice(4, 16);
  const body = `ata_${id}${secret}`;
  return `${body}${encodeBase62(crc32(body), 6)}`;
}

/** The same text with the checksum broken (a typo). */
export function withTypo(token: string): string {
  const last = token.at(-1) === 'a' ? 'b' : 'a';
  return `${token.slice(0, -1)}${last}`;
}

export function expectAtlassianError(
  response: CallResult,
  status: number,
): { errorMessages: string[]; errors: Record<string, string> } {
  expect(response.status, response.text).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/json/);
  const body = response.json<{ errorMessages: string[]; errors: Record<string, string> }>();
  expect(Array.isArray(body.errorMessages)).toBe(true);
  expect(typeof body.errors).toBe('object');
  expect(response.text).not.toMatch(/\bat .+\.(ts|js):\d+/); // never a stack trace
  return body;
}

/** Default settings with a high failed-login threshold, and every counter reset: isolates tests. */
export async function resetState(h: Harness): Promise<void> {
  await putSettings(h, {
    maxValidity: 'never',
    ipAllowList: [],
    passwordBasicAuth: true,
    adminOnly: false,
    failedLogins: { maxAttempts: 1000, windowMinutes: 15, lockoutMinutes: 15 },
  });
  const list = await asUser(h, 'admin', '/admin/failed-logins');
  for (const entry of list.json<Array<{ key: string }>>()) {
    await asUser(h, 'admin', `/admin/failed-logins/${encodeURIComponent(entry.key)}`, { method: 'DELETE' });
  }
}
