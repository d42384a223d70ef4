/**
 * The management REST API client. Same-origin cookie session plus Atlassian's XSRF header on every
 * request; errors come back in Atlassian's `{errorMessages, errors}` shape and are returned as values.
 */

export interface ApiError {
  /** HTTP status; 0 = the request did not reach the server. */
  status: number;
  errorMessages: string[];
  /** Field errors keyed by field path, e.g. `name`, `ipAllowList.2`, `failedLogins.maxAttempts`. */
  errors: Record<string, string>;
}

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; error: ApiError };

function fallbackMessage(status: number): string {
  if (status === 401)
    return 'Your session has expired or you are not logged in. Reload the page and log in again.';
  if (status === 403) return 'You are not allowed to do this.';
  if (status === 404) return 'Not found. It may have been deleted already; reload the page.';
  if (status === 429) return 'Too many failed logins: try again later.';
  if (status >= 500) return `The server could not complete the request (HTTP ${status}). Try again later.`;
  return `The request failed (HTTP ${status}).`;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((entry) => typeof entry === 'string')
  );
}

function toApiError(status: number, body: unknown): ApiError {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const messages = Array.isArray(record['errorMessages'])
    ? record['errorMessages'].filter((message): message is string => typeof message === 'string')
    : [];
  const errors = isStringRecord(record['errors']) ? record['errors'] : {};
  if (messages.length === 0 && Object.keys(errors).length === 0) messages.push(fallbackMessage(status));
  return { status, errorMessages: messages, errors };
}

/** Calls `<apiBase><path>` with the session cookie and the XSRF header. */
export class Api {
  constructor(private readonly base: string) {}

  async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<ApiResult<T>> {
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method,
        credentials: 'same-origin',
        headers: {
          'X-Atlassian-Token': 'no-check',
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      return {
        ok: false,
        error: {
          status: 0,
          errorMessages: ['Could not reach the server. Check your connection and try again.'],
          errors: {},
        },
      };
    }
    const text = await response.text().catch(() => '');
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (!response.ok) return { ok: false, error: toApiError(response.status, parsed) };
    return { ok: true, status: response.status, data: parsed as T };
  }

  get<T>(path: string): Promise<ApiResult<T>> {
    return this.request<T>('GET', path);
  }
}
