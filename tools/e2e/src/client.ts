/**
 * Credentials and small clients for the gateway: the management API (JSON) and the proxied product.
 */
import { randomUUID } from 'node:crypto';
import type { SandboxRequestRecord } from '@api-token-auth/sandbox';
import { send } from './http.js';
import type { HttpResponse, SendOptions } from './http.js';
import type { Stack } from './stack.js';

/** How a request authenticates: the headers to add. */
export interface Credentials {
  readonly kind: 'basic' | 'bearer' | 'cookie' | 'anonymous';
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * `Authorization: Basic base64(user:secret)` — a password or a token.
 *
 * @example
 * ```ts
 * basic('alice', token).headers.Authorization; // 'Basic YWxpY2U6…'
 * ```
 */
export function basic(user: string, secret: string): Credentials {
  return {
    kind: 'basic',
    headers: { Authorization: `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}` },
  };
}

/**
 * `Authorization: Bearer <token>`.
 *
 * @example
 * ```ts
 * await callProduct(stack, bearer(token)); // runs as the token's owner
 * ```
 */
export function bearer(token: string): Credentials {
  return { kind: 'bearer', headers: { Authorization: `Bearer ${token}` } };
}

/** No credentials at all. */
export const anonymous: Credentials = { kind: 'anonymous', headers: {} };

/**
 * Logs in through the gateway at the product's REST session endpoint (a request without
 * `Authorization` passes through unchanged) and returns the session cookie.
 *
 * @example
 * ```ts
 * const admin = await loginCookie(stack, 'admin', 'admin');
 * await apiClient(stack, admin).get('/admin/settings');
 * ```
 */
export async function loginCookie(stack: Stack, user: string, password: string): Promise<Credentials> {
  const res = await send(stack.url(stack.profile.sessionPath), {
    method: 'POST',
    body: { username: user, password },
  });
  if (res.status !== 200) {
    throw new Error(`login of ${user} through the gateway answered ${res.status}: ${res.text.slice(0, 300)}`);
  }
  const setCookie = res.headers['set-cookie'] ?? [];
  const cookie = setCookie
    .map((line) => line.split(';', 1)[0]?.trim() ?? '')
    .filter((pair) => pair.includes('='))
    .join('; ');
  if (cookie === '') throw new Error(`login of ${user} set no cookie`);
  return { kind: 'cookie', headers: { Cookie: cookie } };
}

/** Per-request options of {@link ApiClient}. */
export interface CallOptions {
  headers?: SendOptions['headers'];
  rawHeaders?: SendOptions['rawHeaders'];
  /** Overrides the client's source address for this request. */
  from?: string;
}

/** A JSON client for `<ctx>/rest/api-token-auth/1.0`. Paths are relative to it: `'/tokens'`. */
export interface ApiClient {
  get(path: string, options?: CallOptions): Promise<HttpResponse>;
  post(path: string, body?: unknown, options?: CallOptions): Promise<HttpResponse>;
  put(path: string, body: unknown, options?: CallOptions): Promise<HttpResponse>;
  delete(path: string, options?: CallOptions): Promise<HttpResponse>;
}

/** Options of {@link apiClient}. */
export interface ApiClientOptions {
  /** Client source address, e.g. `127.0.0.2`. */
  from?: string;
  /** Send `X-Atlassian-Token: no-check` with cookie credentials; default true. */
  xsrf?: boolean;
}

/**
 * @example
 * ```ts
 * const alice = apiClient(stack, basic('alice', 'alice'));
 * const created = await alice.post('/tokens', { name: 'ci', validity: '1y' }); // 201
 * ```
 */
export function apiClient(stack: Stack, credentials: Credentials, options: ApiClientOptions = {}): ApiClient {
  const call = (method: string, path: string, body: unknown, callOptions: CallOptions = {}) => {
    const headers: Record<string, string | readonly string[] | undefined> = {
      Accept: 'application/json',
      ...credentials.headers,
    };
    if (credentials.kind === 'cookie' && options.xsrf !== false) headers['X-Atlassian-Token'] = 'no-check';
    Object.assign(headers, callOptions.headers);
    const from = callOptions.from ?? options.from;
    return send(stack.api(path), {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      ...(callOptions.rawHeaders === undefined ? {} : { rawHeaders: callOptions.rawHeaders }),
      ...(from === undefined ? {} : { from }),
    });
  };
  return {
    get: (path, callOptions) => call('GET', path, undefined, callOptions),
    post: (path, body, callOptions) => call('POST', path, body ?? {}, callOptions),
    put: (path, body, callOptions) => call('PUT', path, body, callOptions),
    delete: (path, callOptions) => call('DELETE', path, undefined, callOptions),
  };
}

/** Options of {@link callProduct}. */
export interface ProductCallOptions extends CallOptions {
  method?: string;
  /** Context-relative path sent as written; default the product's user-reporting resource. */
  path?: string;
  body?: unknown;
}

/** A product response through the gateway, plus the marker that finds it in the sandbox's request log. */
export interface ProductCall extends HttpResponse {
  /** Value of the `X-E2E-Probe` header this request carried. */
  probe: string;
  /** `X-AUSERNAME` as the sandbox answered it (`undefined` when the gateway answered itself). */
  ranAs: string | undefined;
}

/** Header that tags one request so the sandbox's request log can be searched for it. */
export const PROBE_HEADER = 'X-E2E-Probe';

/**
 * Calls the product through the gateway with a unique probe header.
 *
 * @example
 * ```ts
 * const res = await callProduct(stack, bearer(token));
 * res.ranAs; // 'alice'
 * sandboxSaw(stack, res.probe); // the request as the sandbox received it
 * ```
 */
export async function callProduct(
  stack: Stack,
  credentials: Credentials,
  options: ProductCallOptions = {},
): Promise<ProductCall> {
  const probe = randomUUID();
  const res = await send(stack.url(options.path ?? stack.profile.resourcePath), {
    method: options.method ?? 'GET',
    headers: {
      Accept: 'application/json',
      ...credentials.headers,
      [PROBE_HEADER]: probe,
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.rawHeaders === undefined ? {} : { rawHeaders: options.rawHeaders }),
    ...(options.from === undefined ? {} : { from: options.from }),
  });
  const header = res.headers['x-ausername'];
  return { ...res, probe, ranAs: Array.isArray(header) ? header.join(',') : header };
}

/**
 * The requests the sandbox received carrying `probe` (empty = the gateway forwarded nothing).
 *
 * @example
 * ```ts
 * expect(sandboxSaw(stack, res.probe)).toHaveLength(0);
 * ```
 */
export function sandboxSaw(stack: Stack, probe: string): SandboxRequestRecord[] {
  const name = PROBE_HEADER.toLowerCase();
  return stack.sandbox.requestLog.filter((record) => {
    const value = record.headers[name];
    return Array.isArray(value) ? value.includes(probe) : value === probe;
  });
}
