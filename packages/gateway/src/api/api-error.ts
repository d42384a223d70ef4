/**
 * Errors of the management API, answered in Atlassian's REST error shape:
 * `{"errorMessages": ["…"], "errors": {"field": "…"}}`.
 */

import type { AtlassianErrorBody } from '../http/error-response.js';

/**
 * An expected refusal inside a handler: thrown, mapped by the error handler to its status and body.
 *
 * @example
 * ```ts
 * throw new ApiError(404, 'No API token with this id exists (it may have been deleted)');
 * throw new ApiError(400, 'The request is invalid', { name: 'must not be empty' });
 * ```
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly errors: Record<string, string>;
  readonly headers: Record<string, string>;
  /** Stable code for the access log (e.g. `NOT_ADMIN`). */
  readonly code: string;

  constructor(
    status: number,
    message: string,
    errors: Record<string, string> = {},
    options: { headers?: Record<string, string>; code?: string } = {},
  ) {
    super(message);
    this.status = status;
    this.errors = errors;
    this.headers = options.headers ?? {};
    this.code = options.code ?? `HTTP_${status}`;
  }

  body(): AtlassianErrorBody {
    return { errorMessages: this.message === '' ? [] : [this.message], errors: this.errors };
  }
}
