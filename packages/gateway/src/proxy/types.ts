/**
 * Public types of the reverse proxy. The server engineer builds the authentication pipeline on these;
 * they change only together with the pipeline.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** Options of {@link createReverseProxy}. */
export interface ReverseProxyOptions {
  /**
   * The product's base URL (`ATA_UPSTREAM_URL`). Only its origin is used: incoming paths already carry
   * the context path, because the gateway mounts at the same context path as the upstream.
   */
  upstreamUrl: string;
  /** Time allowed to open a TCP connection to the upstream. Default 5000. */
  connectTimeoutMs?: number;
  /**
   * Time allowed for the upstream's response head after the request went out, and for each silence
   * between two body chunks. Default 60000.
   */
  responseTimeoutMs?: number;
  /** Maximum number of upstream connections; unlimited when omitted. */
  connections?: number;
}

/** Per-request options of {@link ReverseProxy.forward}. */
export interface ForwardOptions {
  /** The resolved client address (see `resolveClientIp`); becomes `X-Forwarded-For` unless `setHeaders` names one. */
  clientIp: string;
  /** The scheme the client used towards the gateway (or the trusted TLS terminator in front of it). */
  proto: 'http' | 'https';
  /**
   * Headers to send upstream, overriding every client copy of the same name (any case). Use it for the
   * identity header, the shared secret, and an `X-Forwarded-For` chain when trusted proxies are kept.
   */
  setHeaders?: Readonly<Record<string, string>>;
  /** Header names (any case) of which every client copy is dropped, e.g. `authorization`. */
  removeHeaders?: readonly string[];
  /**
   * Called once with the upstream's final status and headers, before they are sent to the client —
   * e.g. to judge a forwarded password login. Exceptions it throws are treated as an upstream failure.
   */
  onResponseHead?(status: number, headers: IncomingHttpHeaders): void;
}

/** Why a forward did not complete. */
export type ForwardErrorCode =
  /** Connection refused or reset, DNS failure, malformed upstream response. Answered 502. */
  | 'UPSTREAM_UNREACHABLE'
  /** No connection, response head or body chunk within the configured time. Answered 504. */
  | 'UPSTREAM_TIMEOUT'
  /** The request target cannot be sent upstream (not origin-form, e.g. `*`). Answered 400. */
  | 'BAD_REQUEST_TARGET'
  /** The client went away first; the upstream request was aborted and nothing is answered. */
  | 'CLIENT_ABORTED';

/**
 * Outcome of one forward, resolved when the exchange is over (never rejected).
 *
 * - success: `status` is the upstream's status as sent to the client, `upstreamMs` the time from
 *   dispatch to the upstream's response head.
 * - failure: when the response head had not gone out yet, the proxy has answered the client itself
 *   with `status` and the Atlassian error shape; otherwise (failure mid-body) it destroyed the client
 *   connection so that the truncation is visible. `CLIENT_ABORTED` reports 499 (nginx's convention)
 *   for logs and metrics only.
 */
export type ForwardResult =
  | { status: number; upstreamMs: number }
  | { error: 'UPSTREAM_UNREACHABLE'; status: 502 }
  | { error: 'UPSTREAM_TIMEOUT'; status: 504 }
  | { error: 'BAD_REQUEST_TARGET'; status: 400 }
  | { error: 'CLIENT_ABORTED'; status: 499 };

/** A streaming reverse proxy to one upstream origin. */
export interface ReverseProxy {
  /** Streams `req` to the upstream and the upstream's response to `res`. Never throws. */
  forward(req: IncomingMessage, res: ServerResponse, options: ForwardOptions): Promise<ForwardResult>;
  /**
   * `forward` without the promise: `done` is called once, with the same result, when the exchange is
   * over. The gateway's hot path uses it (issue 6: a promise and its callback per request were
   * measurable). Never throws.
   */
  relay(
    req: IncomingMessage,
    res: ServerResponse,
    options: ForwardOptions,
    done: (result: ForwardResult) => void,
  ): void;
  /** Closes the upstream connection pool after in-flight requests finish. */
  close(): Promise<void>;
}
