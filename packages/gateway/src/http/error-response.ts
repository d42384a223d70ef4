/**
 * The Atlassian REST error shape (DESIGN §2): `{"errorMessages": ["…"], "errors": {"field": "…"}}`.
 * Every answer the gateway writes itself — policy refusals, proxy failures, validation errors — uses it,
 * so scripts written against Jira or Confluence parse the gateway's errors the same way.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** The JSON body of an Atlassian REST error. */
export interface AtlassianErrorBody {
  errorMessages: string[];
  errors: Record<string, string>;
}

/**
 * Serialises an Atlassian error body.
 *
 * @example
 * ```ts
 * atlassianErrorBody('Invalid settings', { maxValidity: 'choose 6m, 1y, 2y or never' });
 * // '{"errorMessages":["Invalid settings"],"errors":{"maxValidity":"choose 6m, 1y, 2y or never"}}'
 * ```
 */
export function atlassianErrorBody(message: string, fieldErrors: Record<string, string> = {}): string {
  const body: AtlassianErrorBody = { errorMessages: [message], errors: fieldErrors };
  return JSON.stringify(body);
}

/**
 * Answers with an Atlassian-shaped JSON error (`content-type: application/json;charset=UTF-8`,
 * `cache-control: no-store`). When the response head has already gone out, a well-formed error can no
 * longer be sent: the connection is destroyed instead, so the client sees a truncated response rather
 * than a success with a wrong body.
 *
 * The message must never contain a token, secret, hash or password.
 *
 * @example
 * ```ts
 * sendAtlassianError(res, 403, 'Requests from 10.0.0.7 are not allowed by the IP allow-list.');
 * sendAtlassianError(res, 429, 'Too many failed logins; try again after 12:05 UTC.', {}, { 'retry-after': '300' });
 * ```
 */
export function sendAtlassianError(
  res: ServerResponse,
  status: number,
  message: string,
  fieldErrors?: Record<string, string>,
  extraHeaders?: OutgoingHttpHeaders,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (res.destroyed || res.writableEnded) return;
  const body = atlassianErrorBody(message, fieldErrors);
  res.writeHead(status, {
    ...extraHeaders,
    'content-type': 'application/json;charset=UTF-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}
