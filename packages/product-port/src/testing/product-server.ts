/**
 * The strict msw server of a product test file: every request the adapter sends must be answered by
 * a handler the test installed, else the request fails and so does the test.
 */
import type { RequestHandler } from 'msw';
import { setupServer, type SetupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** One request the adapter sent, as the product saw it. */
export interface SeenRequest {
  method: string;
  /** Path below the product's base URL (context path removed), e.g. `/rest/api/user`. */
  path: string;
  /** Query parameters in order. */
  query: Array<[string, string]>;
  authorization: string | null;
  cookie: string | null;
}

/** What {@link useProductServer} returns. */
export interface ProductServer {
  /** The msw server, listening for the whole file. */
  readonly server: SetupServer;
  /** The absolute URL of a context-relative path, for msw handlers. */
  url(path: string): string;
  /** Installs handlers for the current test (they are reset after each test). */
  use(...handlers: RequestHandler[]): void;
  /** Removes the handlers installed so far in the current test. */
  resetHandlers(): void;
  /** Every request sent during the current test, in order. */
  readonly requests: readonly SeenRequest[];
}

/**
 * Starts an msw server for the calling test file, answering below `baseUrl` (which may carry a
 * context path and a trailing slash). Unhandled requests fail; handlers and the request log are reset
 * after each test.
 *
 * @example
 * ```ts
 * const product = useProductServer('http://wiki.test:8090/confluence/');
 * product.use(http.get(product.url('/rest/api/user/current'), () => HttpResponse.json(anonymous)));
 * ```
 */
export function useProductServer(baseUrl: string): ProductServer {
  const base = baseUrl.replace(/\/+$/, '');
  const basePath = new URL(base).pathname.replace(/\/+$/, '');
  const server = setupServer();
  const requests: SeenRequest[] = [];
  server.events.on('request:start', ({ request }) => {
    const url = new URL(request.url);
    requests.push({
      method: request.method,
      path: url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname,
      query: [...url.searchParams],
      authorization: request.headers.get('authorization'),
      cookie: request.headers.get('cookie'),
    });
  });
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    requests.length = 0;
  });
  afterAll(() => server.close());
  return {
    server,
    url: (path) => `${base}${path.startsWith('/') ? path : `/${path}`}`,
    use: (...handlers) => server.use(...handlers),
    resetHandlers: () => server.resetHandlers(),
    requests,
  };
}
