/**
 * Assertions the scenarios share: the Atlassian error shape and a view of audit records.
 */
import { expect } from 'vitest';
import type { HttpResponse } from './http.js';

/** Atlassian's REST error body (DESIGN §2). */
export interface AtlassianError {
  errorMessages: string[];
  errors: Record<string, string>;
}

/**
 * Asserts `status` and the error shape `{errorMessages: [...], errors: {...}}` with at least one message,
 * and returns the body.
 *
 * @example
 * ```ts
 * const body = expectAtlassianError(res, 403);
 * expect(body.errorMessages.join(' ')).toContain('127.0.0.2');
 * ```
 */
export function expectAtlassianError(res: HttpResponse, status: number): AtlassianError {
  expect({ status: res.status, body: res.json ?? res.text }).toMatchObject({ status });
  expect(String(res.headers['content-type'])).toMatch(/json/);
  const body = res.json as AtlassianError;
  expect(body).toEqual({ errorMessages: expect.any(Array), errors: expect.any(Object) });
  for (const message of body.errorMessages) expect(typeof message).toBe('string');
  for (const message of Object.values(body.errors)) expect(typeof message).toBe('string');
  expect(body.errorMessages.length + Object.keys(body.errors).length).toBeGreaterThan(0);
  return body;
}

/** All messages of an error body as one string. */
export function errorText(body: AtlassianError): string {
  return [...body.errorMessages, ...Object.values(body.errors)].join(' | ');
}

/** Asserts `status`, printing the body on mismatch, and returns the parsed JSON. */
export function expectStatus<T = unknown>(res: HttpResponse, status: number): T {
  expect({ status: res.status, body: res.json ?? res.text }).toMatchObject({ status });
  return res.json as T;
}

/** One audit record reduced to what the scenarios assert. */
export interface AuditView {
  type: string;
  actor: string | null;
  subject: string | null;
  onBehalf: boolean | null;
  raw: Record<string, unknown>;
}

function nameOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const named = value as { username?: unknown; name?: unknown };
    if (typeof named.username === 'string') return named.username;
    if (typeof named.name === 'string') return named.name;
  }
  return null;
}

/**
 * The records of a `GET /admin/audit` body, newest first. Accepts a bare array or a page object
 * (`records`/`values`/`items`/`events`), each entry either the event itself or `{event}`.
 *
 * @example
 * ```ts
 * auditViews(res.json).filter((record) => record.type === 'token.created');
 * ```
 */
export function auditViews(body: unknown): AuditView[] {
  const page = body as Record<string, unknown> | unknown[];
  const list = Array.isArray(page)
    ? page
    : (['records', 'values', 'items', 'events'].map((key) => page[key]).find(Array.isArray) as
        unknown[] | undefined);
  if (list === undefined)
    throw new Error(`no list of audit records in ${JSON.stringify(body).slice(0, 300)}`);
  return list.map((item) => {
    const entry = item as Record<string, unknown>;
    const event = (typeof entry.event === 'object' && entry.event !== null ? entry.event : entry) as Record<
      string,
      unknown
    >;
    return {
      type: String(event.type),
      actor: nameOf(event.actor),
      subject: nameOf(event.subject),
      onBehalf: typeof event.onBehalf === 'boolean' ? event.onBehalf : null,
      raw: event,
    };
  });
}
