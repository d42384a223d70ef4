/**
 * Per-request facts the server works out once (client address, protocol) and that the access log
 * collects (outcome, user). Kept beside the request rather than on it so no handler can spoof them.
 */
import type { IncomingMessage } from 'node:http';

export interface RequestContext {
  /** Canonical client address after the trusted-proxy walk. */
  clientIp: string;
  /** `http` or `https` (from a trusted proxy's `X-Forwarded-Proto`). */
  proto: string;
  /** The host the client addressed (`Host`, or a trusted proxy's `X-Forwarded-Host`), lower case; for Origin checks. */
  host: string | null;
  /** `performance.now()` at arrival. */
  startedAt: number;
  /** Pipeline outcome or refusal code for the access log. */
  outcome: string;
  /** Authenticated username, when known. */
  user: string | null;
}

const contexts = new WeakMap<IncomingMessage, RequestContext>();

/** Attaches the context (the server does this before routing). */
export function setRequestContext(req: IncomingMessage, context: RequestContext): void {
  contexts.set(req, context);
}

/**
 * The context of a request the gateway's server accepted.
 *
 * @example
 * ```ts
 * const { clientIp } = requestContext(request.raw);
 * ```
 */
export function requestContext(req: IncomingMessage): RequestContext {
  const context = contexts.get(req);
  if (context === undefined) throw new Error('request did not pass through the gateway server');
  return context;
}
