/**
 * Settings and counters through the management API, so that tests sharing one stack start clean.
 */
import type { Settings } from '@api-token-auth/token-policy';
import type { ApiClient } from './client.js';
import type { HttpResponse } from './http.js';

/** A failed-login counter as `GET /admin/failed-logins` lists it. */
export interface FailedLoginView {
  key: string;
  failures: number;
  lockedUntil: string | null;
  raw: Record<string, unknown>;
}

/**
 * The entries of a `GET /admin/failed-logins` body (a bare array or a page object).
 *
 * @example
 * ```ts
 * failedLoginViews(res.json).find((entry) => entry.key.includes('alice'));
 * ```
 */
export function failedLoginViews(body: unknown): FailedLoginView[] {
  const page = body as Record<string, unknown> | unknown[];
  const list = Array.isArray(page)
    ? page
    : (['entries', 'values', 'items', 'records', 'counters'].map((key) => page[key]).find(Array.isArray) as
        unknown[] | undefined);
  if (list === undefined)
    throw new Error(`no list of failed logins in ${JSON.stringify(body).slice(0, 300)}`);
  return list.map((item) => {
    const raw = item as Record<string, unknown>;
    return {
      key: String(raw.key),
      failures: Number(raw.failures),
      lockedUntil: typeof raw.lockedUntil === 'string' ? raw.lockedUntil : null,
      raw,
    };
  });
}

function check(res: HttpResponse, what: string, ...expected: number[]): HttpResponse {
  if (!expected.includes(res.status))
    throw new Error(`${what} answered ${res.status}: ${res.text.slice(0, 500)}`);
  return res;
}

/**
 * Replaces the settings with `base` overlaid by `patch` (the API takes the whole object).
 *
 * @example
 * ```ts
 * await putSettings(adminApi, defaults, { ipAllowList: ['127.0.0.1'] });
 * ```
 */
export async function putSettings(
  api: ApiClient,
  base: Settings,
  patch: Partial<Settings>,
): Promise<Settings> {
  const res = check(await api.put('/admin/settings', { ...base, ...patch }), 'PUT /admin/settings', 200, 204);
  return res.status === 200 ? (res.json as Settings) : { ...base, ...patch };
}

/**
 * Puts the settings back to `defaults` and resets every failed-login counter.
 *
 * @example
 * ```ts
 * afterEach(() => resetGateway(adminApi, defaults));
 * ```
 */
export async function resetGateway(api: ApiClient, defaults: Settings): Promise<void> {
  check(await api.put('/admin/settings', defaults), 'PUT /admin/settings', 200, 204);
  const listed = check(await api.get('/admin/failed-logins'), 'GET /admin/failed-logins', 200);
  for (const entry of failedLoginViews(listed.json)) {
    check(
      await api.delete(`/admin/failed-logins/${encodeURIComponent(entry.key)}`),
      `DELETE /admin/failed-logins/${entry.key}`,
      200,
      204,
      404,
    );
  }
}
