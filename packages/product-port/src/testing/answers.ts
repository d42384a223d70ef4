/** Product answers every conformance case can serve, whatever the product. */
import { delay, http, HttpResponse } from 'msw';
import type { ProductErrorCode } from '../product-error.js';
import type { LabelledBody } from './conformance-fixture.js';
import type { ProductServer } from './product-server.js';

/** Builds one answer; given the server for absolute URLs (a login-page redirect). */
export type Answer = (server: ProductServer) => Response;

/** A labelled answer and the error code the adapter must throw for it. */
export type FailingAnswer = readonly [label: string, answer: Answer, code: ProductErrorCode];

/** A JSON answer with status 200. */
export function json(body: unknown): Answer {
  return () => HttpResponse.json(body as Record<string, unknown>);
}

/** What Seraph answers for a session or credential that is nobody's, by label. */
export function seraphNobody(loginPagePath: string): Array<readonly [string, Answer]> {
  return [
    [
      '401',
      () =>
        new HttpResponse(null, { status: 401, headers: { 'x-seraph-loginreason': 'AUTHENTICATED_FAILED' } }),
    ],
    [
      '403 CAPTCHA',
      () =>
        new HttpResponse(null, { status: 403, headers: { 'x-seraph-loginreason': 'AUTHENTICATION_DENIED' } }),
    ],
    [
      'a redirect to the login page',
      (server) => new HttpResponse(null, { status: 302, headers: { location: server.url(loginPagePath) } }),
    ],
  ];
}

/** 200 answers that are not the JSON the adapter reads: `PRODUCT_INVALID_RESPONSE` each. */
export function invalidAnswers(invalidBodies: readonly LabelledBody[]): FailingAnswer[] {
  return [
    [
      'malformed JSON',
      () => new HttpResponse('{"name": "fred"', { headers: { 'content-type': 'application/json' } }),
      'PRODUCT_INVALID_RESPONSE',
    ],
    [
      'an HTML page',
      () => new HttpResponse('<html>Log in</html>', { headers: { 'content-type': 'text/html' } }),
      'PRODUCT_INVALID_RESPONSE',
    ],
    ...invalidBodies.map(([label, body]): FailingAnswer => [label, json(body), 'PRODUCT_INVALID_RESPONSE']),
  ];
}

/** msw handler for `method path` that answers with `answer`. */
export function answering(server: ProductServer, method: 'get' | 'post', path: string, answer: Answer) {
  return http[method](server.url(path), () => answer(server));
}

/** msw handler for `method path` that never answers: the adapter's timeout must end the wait. */
export function hanging(server: ProductServer, method: 'get' | 'post', path: string) {
  return http[method](server.url(path), async () => {
    await delay('infinite');
    return new HttpResponse(null, { status: 204 });
  });
}

/** A network failure (connection reset): `PRODUCT_UNREACHABLE`. */
export const networkFailure: FailingAnswer = [
  'a network failure',
  () => HttpResponse.error(),
  'PRODUCT_UNREACHABLE',
];
