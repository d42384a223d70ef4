/**
 * The streaming reverse proxy (issue 3 "Reverse proxy"; issue 6: this is the hot path). One undici
 * `Pool` per upstream origin keeps connections alive; each request goes through `pool.dispatch` with a
 * handler that writes straight into the client's `ServerResponse`, pausing the upstream socket whenever
 * the client is slower (no stream wrapper, no buffering of bodies). Failures never throw: they are
 * answered in the Atlassian error shape, or — once the response head is out — end the client
 * connection, and the gateway keeps serving.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { Pool, type Dispatcher } from 'undici';
import { sendAtlassianError } from '../http/error-response.js';
import { buildClientResponseHeaders, buildUpstreamRequestHeaders } from './forwarded-headers.js';
import type { ForwardOptions, ForwardResult, ReverseProxy, ReverseProxyOptions } from './types.js';

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_RESPONSE_TIMEOUT_MS = 60_000;

const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

const MESSAGES = {
  UPSTREAM_UNREACHABLE:
    'The application behind this gateway could not be reached. Try again in a moment; if the problem persists, ask your administrator to check that it is running.',
  UPSTREAM_TIMEOUT:
    'The application behind this gateway did not answer in time. Try again later; if the problem persists, ask your administrator to check its load.',
  BAD_REQUEST_TARGET: 'The request target must be a path starting with "/".',
} as const;

const RESULT_UNREACHABLE = { error: 'UPSTREAM_UNREACHABLE', status: 502 } as const;
const RESULT_TIMEOUT = { error: 'UPSTREAM_TIMEOUT', status: 504 } as const;
const RESULT_BAD_TARGET = { error: 'BAD_REQUEST_TARGET', status: 400 } as const;
const RESULT_CLIENT_ABORTED = { error: 'CLIENT_ABORTED', status: 499 } as const;

/** The reason the proxy gives undici when the client went away. */
class ClientAbortedError extends Error {
  readonly code = 'CLIENT_ABORTED';
  constructor() {
    super('client closed the connection');
  }
}

/**
 * The path+query to send upstream: origin-form as received. An absolute-form target
 * (`http://host/path`) is reduced to its path+query — its authority is not sent on, so the upstream
 * never sees a host the gateway did not choose. Anything else (`*`) has no upstream meaning: `null`.
 */
function originFormTarget(url: string | undefined): string | null {
  if (url === undefined || url === '') return null;
  if (url.charCodeAt(0) === 0x2f /* / */) return url;
  const match = /^https?:\/\/[^/?#]*/i.exec(url);
  if (match === null) return null;
  const rest = url.slice(match[0].length);
  if (rest === '') return '/';
  return rest.charCodeAt(0) === 0x3f /* ? */ ? `/${rest}` : rest;
}

/** undici hands over `set-cookie` as a string when there is one; Node's type (and habit) is an array. */
function toIncomingHeaders(headers: Record<string, string | string[] | undefined>): IncomingHttpHeaders {
  const cookies = headers['set-cookie'];
  if (typeof cookies === 'string') headers['set-cookie'] = [cookies];
  return headers as IncomingHttpHeaders;
}

/** One request in flight: a dispatch handler bound to the client's request and response. */
class ForwardHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private settled = false;
  private headSent = false;
  private clientClosed = false;
  private waitingForDrain = false;
  private status = 0;
  private upstreamMs = 0;
  private readonly startedAt = performance.now();

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly options: ForwardOptions,
    private readonly done: (result: ForwardResult) => void,
  ) {
    // A client that left while the gateway decided (a cold token's checks) is not served: its request
    // is not sent upstream (onRequestStart aborts it) and the result is CLIENT_ABORTED.
    if (res.closed) this.clientClosed = true;
    else res.on('close', this.onClientClose);
  }

  private readonly onClientClose = (): void => {
    if (this.settled || this.res.writableFinished) return;
    this.clientClosed = true;
    // Aborting destroys the upstream socket, so a client that leaves mid-stream frees the upstream.
    this.controller?.abort(new ClientAbortedError());
  };

  private readonly onDrain = (): void => {
    this.waitingForDrain = false;
    this.controller?.resume();
  };

  private settle(result: ForwardResult): void {
    if (this.settled) return;
    this.settled = true;
    this.res.off('close', this.onClientClose);
    if (this.waitingForDrain) this.res.off('drain', this.onDrain);
    this.done(result);
  }

  private clientGone(): boolean {
    return this.clientClosed || this.req.socket?.destroyed !== false;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.clientClosed) controller.abort(new ClientAbortedError());
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    // Informational answers (103 Early Hints) are not relayed; the final response follows.
    if (statusCode < 200) return;
    this.status = statusCode;
    this.upstreamMs = performance.now() - this.startedAt;
    const raw = controller.rawHeaders;
    try {
      this.options.onResponseHead?.(statusCode, toIncomingHeaders(headers));
      const out = Array.isArray(raw) ? buildClientResponseHeaders(raw) : [];
      // The upstream answered before reading the whole request body: the rest cannot be used any more
      // and must not be parsed as a next request, so this connection ends after the response.
      if (!this.req.complete) out.push('connection', 'close');
      if (statusMessage === undefined) this.res.writeHead(statusCode, out);
      else this.res.writeHead(statusCode, statusMessage, out);
      this.headSent = true;
    } catch (err) {
      // An invalid upstream header or status text (Node refuses to write it), or a throwing callback.
      controller.abort(err instanceof Error ? err : new Error(String(err)));
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.res.write(chunk) && !this.waitingForDrain) {
      this.waitingForDrain = true;
      controller.pause();
      this.res.once('drain', this.onDrain);
    }
  }

  onResponseEnd(): void {
    this.res.end();
    if (!this.req.complete && !this.req.destroyed) this.req.resume();
    this.settle({ status: this.status, upstreamMs: this.upstreamMs });
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.settled) return;
    if (this.clientGone() || err instanceof ClientAbortedError) {
      this.settle(RESULT_CLIENT_ABORTED);
      return;
    }
    const code = (err as { code?: unknown }).code;
    const result = typeof code === 'string' && TIMEOUT_CODES.has(code) ? RESULT_TIMEOUT : RESULT_UNREACHABLE;
    if (this.headSent) this.res.destroy();
    else sendAtlassianError(this.res, result.status, MESSAGES[result.error]);
    if (!this.req.complete && !this.req.destroyed) this.req.resume();
    this.settle(result);
  }
}

/**
 * The request body as undici should see it. undici destroys the body stream it was given when the
 * exchange ends; given the `IncomingMessage` itself, that would destroy the client socket whenever the
 * upstream stops reading early (an early 401, a reset), losing the answer to the client. A pass-through
 * takes that hit instead; `pipe` carries backpressure from the upstream socket back to the client's.
 */
function requestBody(req: IncomingMessage): PassThrough {
  const body = new PassThrough();
  req.on('error', (err) => body.destroy(err));
  req.pipe(body);
  return body;
}

/**
 * Creates a reverse proxy to `upstreamUrl`'s origin.
 *
 * What reaches the upstream: the method and the raw path+query as received (the gateway mounts at the
 * upstream's context path), the body streamed, and the client's headers except hop-by-hop ones, those
 * named by `Connection`, client-sent forwarding headers, `Expect` and `options.removeHeaders`; then
 * `options.setHeaders`, `X-Forwarded-For` (= `clientIp`: only the address the gateway verified is
 * passed on — pass the full chain in `setHeaders` to keep trusted hops), `X-Forwarded-Proto`, and
 * `X-Forwarded-Host` (the client's `Host`; `Host` itself is the upstream's authority).
 *
 * What reaches the client: the upstream's status, status text and headers (repeats such as
 * `Set-Cookie` kept) minus hop-by-hop ones, and the body streamed with backpressure.
 *
 * @example
 * ```ts
 * const proxy = createReverseProxy({ upstreamUrl: 'http://jira:8080' });
 * http.createServer(async (req, res) => {
 *   const result = await proxy.forward(req, res, {
 *     clientIp: '10.0.0.7',
 *     proto: 'http',
 *     removeHeaders: ['authorization', 'x-forwarded-user'],
 *     setHeaders: { 'X-Forwarded-User': 'alice' },
 *   });
 *   if ('error' in result) log.warn({ status: result.status }, result.error);
 * });
 * ```
 */
export function createReverseProxy(options: ReverseProxyOptions): ReverseProxy {
  const upstream = new URL(options.upstreamUrl);
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') {
    throw new TypeError(`upstreamUrl must be an http or https URL, got ${upstream.protocol}`);
  }
  const responseTimeout = options.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS;
  const pool = new Pool(upstream.origin, {
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    headersTimeout: responseTimeout,
    bodyTimeout: responseTimeout,
    pipelining: 1,
    ...(options.connections === undefined ? {} : { connections: options.connections }),
  });

  function relay(
    req: IncomingMessage,
    res: ServerResponse,
    forwardOptions: ForwardOptions,
    done: (result: ForwardResult) => void,
  ): void {
    const path = originFormTarget(req.url);
    if (path === null) {
      sendAtlassianError(res, 400, MESSAGES.BAD_REQUEST_TARGET);
      done(RESULT_BAD_TARGET);
      return;
    }
    const { headers, hasBody } = buildUpstreamRequestHeaders(req.rawHeaders, forwardOptions);
    const handler = new ForwardHandler(req, res, forwardOptions, done);
    // dispatch reports every failure, synchronous ones included, through onResponseError.
    pool.dispatch(
      { path, method: req.method ?? 'GET', headers, body: hasBody ? requestBody(req) : null },
      handler,
    );
  }

  return {
    relay,
    forward: (req, res, forwardOptions) =>
      new Promise<ForwardResult>((resolve) => relay(req, res, forwardOptions, resolve)),
    close: () => pool.close(),
  };
}
