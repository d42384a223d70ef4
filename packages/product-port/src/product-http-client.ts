/**
 * A small product-neutral HTTP client for adapters: service-account Basic auth or the caller's own
 * credentials, a timeout per request, JSON bodies validated with zod, and failures as
 * {@link ProductError} values that never carry a password.
 */
import type { z } from 'zod';
import type { CallerCredentials } from './product.js';
import { ProductError } from './product-error.js';

/** Default time a product request may take, headers and body together. */
export const DEFAULT_PRODUCT_TIMEOUT_MS = 10_000;

/** JSON bodies above this size are refused: adapters read small REST answers only. */
const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** Options of {@link createProductHttpClient}. */
export interface ProductHttpClientOptions {
  /** Product base URL including its context path, e.g. `http://wiki:8090/confluence`. */
  baseUrl: string;
  /** The service account for user look-ups and audit writes. */
  serviceUser: string;
  servicePassword: string;
  /** Per request, headers and body together. Default {@link DEFAULT_PRODUCT_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** Who a request authenticates as: the service account, or the caller's cookie/`Authorization`. */
export type ProductRequestAuth = 'service' | CallerCredentials;

/** One request to the product. */
export interface ProductHttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Context-relative path, e.g. `/rest/api/2/myself`. */
  path: string;
  /** Query parameters; `undefined` values are left out. */
  query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** JSON request body. */
  json?: unknown;
  auth: ProductRequestAuth;
}

/** The product's answer. Read the body once with `json`, or release it with `discard`. */
export interface ProductHttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Reads the body as JSON and validates it; {@link ProductError} `PRODUCT_INVALID_RESPONSE` otherwise. */
  json<S extends z.ZodType>(schema: S): Promise<z.output<S>>;
  /** Releases the body so the connection can be reused. */
  discard(): Promise<void>;
  /**
   * Releases the body and returns the error for a status the caller has no meaning for:
   * `PRODUCT_SERVICE_ACCOUNT_REJECTED` for 401/403 on a service-account request, else
   * `PRODUCT_UNEXPECTED_STATUS`.
   */
  unexpectedStatus(): Promise<ProductError>;
}

/** A configured client; see {@link createProductHttpClient}. */
export interface ProductHttpClient {
  /** The normalised base URL (no trailing slash). */
  readonly baseUrl: string;
  /**
   * Sends one request. Resolves for every HTTP status; rejects only with a {@link ProductError}
   * (`PRODUCT_UNREACHABLE`, `PRODUCT_TIMEOUT`).
   */
  request(request: ProductHttpRequest): Promise<ProductHttpResponse>;
}

/**
 * Creates the HTTP client an adapter uses to talk to its product. Uses the global `fetch` (keep-alive
 * connections through undici's global dispatcher). Redirects are not followed: a product that
 * redirects a REST call to its login page has not answered the question.
 *
 * @example
 * ```ts
 * const client = createProductHttpClient({
 *   baseUrl: 'http://jira:8080',
 *   serviceUser: 'svc-ata',
 *   servicePassword: process.env.ATA_SERVICE_PASSWORD ?? '',
 * });
 * const response = await client.request({ path: '/rest/api/2/serverInfo', auth: 'service' });
 * if (response.status !== 200) throw await response.unexpectedStatus();
 * const info = await response.json(serverInfoSchema);
 * ```
 */
export function createProductHttpClient(options: ProductHttpClientOptions): ProductHttpClient {
  const baseUrl = normaliseBaseUrl(options.baseUrl);
  if (options.serviceUser.length === 0 || options.serviceUser.includes(':')) {
    // Basic auth cannot carry a username with a colon; fail at start-up, not on the first look-up.
    throw new ProductError(
      'PRODUCT_INVALID_CONFIGURATION',
      'The service user must be non-empty and contain no colon.',
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_PRODUCT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new ProductError(
      'PRODUCT_INVALID_CONFIGURATION',
      'The product timeout must be a positive whole number of milliseconds.',
    );
  }
  const serviceAuthorization = `Basic ${Buffer.from(`${options.serviceUser}:${options.servicePassword}`, 'utf8').toString('base64')}`;

  async function request(req: ProductHttpRequest): Promise<ProductHttpResponse> {
    const method = req.method ?? 'GET';
    const where = { method, path: req.path };
    const url = new URL(baseUrl + (req.path.startsWith('/') ? req.path : `/${req.path}`));
    for (const [name, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers = new Headers({ accept: 'application/json', 'user-agent': 'api-token-auth-gateway' });
    if (req.auth === 'service') {
      headers.set('authorization', serviceAuthorization);
    } else {
      if (req.auth.authorization !== undefined) headers.set('authorization', req.auth.authorization);
      if (req.auth.cookie !== undefined) headers.set('cookie', req.auth.cookie);
    }
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers.set('content-type', 'application/json');
      // Atlassian's XSRF convention; harmless on JSON requests, required by some resources.
      headers.set('x-atlassian-token', 'no-check');
    }
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal, redirect: 'manual' });
    } catch (error) {
      throw transportError(error, where, timeoutMs);
    }
    return wrapResponse(response, where, req.auth === 'service', timeoutMs);
  }

  return { baseUrl, request };
}

function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ProductError('PRODUCT_INVALID_CONFIGURATION', 'The product base URL is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProductError('PRODUCT_INVALID_CONFIGURATION', 'The product base URL must use http or https.');
  }
  if (url.username !== '' || url.password !== '') {
    throw new ProductError(
      'PRODUCT_INVALID_CONFIGURATION',
      'The product base URL must not contain credentials.',
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ProductError(
      'PRODUCT_INVALID_CONFIGURATION',
      'The product base URL must not contain a query or fragment.',
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

interface Where {
  method: string;
  path: string;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function transportError(error: unknown, where: Where, timeoutMs: number): ProductError {
  if (isTimeout(error)) {
    return new ProductError(
      'PRODUCT_TIMEOUT',
      `${where.method} ${where.path}: no answer from the product within ${timeoutMs} ms.`,
      {
        ...where,
        cause: error,
      },
    );
  }
  // undici reports "fetch failed" with the socket error as its cause; keep only that cause.
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const reason =
    cause instanceof Error && 'code' in cause && typeof cause.code === 'string' ? ` (${cause.code})` : '';
  return new ProductError(
    'PRODUCT_UNREACHABLE',
    `${where.method} ${where.path}: the product is unreachable${reason}.`,
    {
      ...where,
      cause,
    },
  );
}

function wrapResponse(
  response: Response,
  where: Where,
  isService: boolean,
  timeoutMs: number,
): ProductHttpResponse {
  const discard = async (): Promise<void> => {
    // Not awaited: cancelling only has to start (it frees the connection); some stream sources
    // settle the cancel promise late or never, and nobody needs to wait for it.
    response.body?.cancel().catch(() => undefined);
  };
  return {
    status: response.status,
    headers: response.headers,
    discard,
    async json(schema) {
      let text: string;
      try {
        text = await readLimited(response, MAX_JSON_BODY_BYTES);
      } catch (error) {
        if (error instanceof ProductError) throw withWhere(error, where, response.status);
        throw transportError(error, where, timeoutMs);
      }
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (error) {
        throw new ProductError(
          'PRODUCT_INVALID_RESPONSE',
          `${where.method} ${where.path}: the product answered HTTP ${response.status} with a body that is not JSON.`,
          {
            ...where,
            status: response.status,
            cause: error,
          },
        );
      }
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        // Paths and expectations only: the received values may be personal data.
        const issues = parsed.error.issues
          .slice(0, 5)
          .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`)
          .join('; ');
        throw new ProductError(
          'PRODUCT_INVALID_RESPONSE',
          `${where.method} ${where.path}: unexpected response shape (${issues}).`,
          {
            ...where,
            status: response.status,
            cause: parsed.error,
          },
        );
      }
      return parsed.data;
    },
    async unexpectedStatus() {
      await discard();
      if (isService && (response.status === 401 || response.status === 403)) {
        return new ProductError(
          'PRODUCT_SERVICE_ACCOUNT_REJECTED',
          `${where.method} ${where.path}: the product refused the service account (HTTP ${response.status}); check ATA_SERVICE_USER, ATA_SERVICE_PASSWORD and the account's rights.`,
          { ...where, status: response.status },
        );
      }
      return new ProductError(
        'PRODUCT_UNEXPECTED_STATUS',
        `${where.method} ${where.path}: the product answered HTTP ${response.status}.`,
        {
          ...where,
          status: response.status,
        },
      );
    },
  };
}

function withWhere(error: ProductError, where: Where, status: number): ProductError {
  return new ProductError(error.code, `${where.method} ${where.path}: ${error.message}`, {
    ...where,
    status,
    cause: error.cause,
  });
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      reader.cancel().catch(() => undefined);
      throw new ProductError('PRODUCT_INVALID_RESPONSE', `the body is larger than ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
