/**
 * The gateway's request handler: works out the client, then routes — the management API and the UI
 * to their handlers, everything else through the authentication pipeline to the reverse proxy. The
 * proxy path bypasses fastify entirely (issue 6: the hot path stays lean).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { canonicalIp } from '@api-token-auth/token-policy';
import type { Logger } from 'pino';
import { isProductError, type Product } from '@api-token-auth/product-port';
import { MANAGEMENT_API_PATH, type ManagementApi } from '../api/management-api.js';
import { retryAfterSeconds } from '../api/caller-identity.js';
import type {
  Authentication,
  AuthenticationPipeline,
  CredentialMemo,
} from '../auth/authentication-pipeline.js';
import type { LastUseRecorder } from '../auth/last-use-recorder.js';
import type { AccessLogMode } from '../config/gateway-config.js';
import { resolveClientIp, type TrustedProxies } from '../http/client-ip.js';
import { sendAtlassianError } from '../http/error-response.js';
import { analyseRequestTarget } from '../http/request-target.js';
import { hasRepeatedAuthorization } from '../http/repeated-authorization.js';
import { createAccessLog, pathForLog } from '../log/logger.js';
import type { ForwardResult, ReverseProxy } from '../proxy/types.js';
import { StoreError } from '../store/store-error.js';
import type { GatewayMetrics } from './metrics.js';
import { setRequestContext, type RequestContext } from './request-context.js';

/** Where the UI lives below the context path. */
export const UI_PATH = '/plugins/servlet/api-token-auth';

/** The header carrying the shared secret upstream (DESIGN §2 `ATA_IDENTITY_SECRET`). */
export const IDENTITY_SECRET_HEADER = 'X-Api-Token-Auth-Secret';

/** Serves the UI pages below `<ctx>/plugins/servlet/api-token-auth/`. */
export interface UiHandler {
  /** `page` is the part after the UI path, e.g. `tokens` or `admin` (no leading slash). */
  handle(req: IncomingMessage, res: ServerResponse, page: string): void | Promise<void>;
}

/** Options of {@link createRequestHandler}. */
export interface RequestHandlerOptions {
  contextPath: string;
  identityHeader: string;
  identitySecret: string | null;
  /** Compiled trusted proxies (`compileTrustedProxies`); none = the socket address is the client. */
  trustedProxies: TrustedProxies;
  pipeline: AuthenticationPipeline;
  proxy: ReverseProxy;
  api: ManagementApi;
  ui: UiHandler;
  product: Pick<Product, 'judgePasswordResponse' | 'restSessionLoginPath' | 'displayName'>;
  lastUse: LastUseRecorder;
  clock: () => Date;
  logger: Logger;
  /** Which requests get an access line (`ATA_ACCESS_LOG`; default `gateway`: not the relayed ones). */
  accessLog?: AccessLogMode;
  metrics?: GatewayMetrics;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Header values are bytes: a non-ASCII username goes upstream as its UTF-8 bytes. */
function headerValue(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

/** The host the client addressed: a trusted proxy's `X-Forwarded-Host`, else `Host`; lower case. */
function requestedHost(req: IncomingMessage, trustedPeer: boolean): string | null {
  const forwardedHost = trustedPeer
    ? firstHeader(req.headers['x-forwarded-host'])?.split(',')[0]?.trim()
    : undefined;
  return (forwardedHost ?? req.headers.host ?? null)?.toLowerCase() ?? null;
}

function normalisePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return (trimmed === '' ? '/' : trimmed).toLowerCase();
}

/**
 * @example
 * ```ts
 * const server = http.createServer(createRequestHandler({ contextPath: '', pipeline, proxy, api, ui, ... }));
 * ```
 */
export function createRequestHandler(
  options: RequestHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { contextPath, pipeline, proxy, logger, metrics } = options;
  const accessLog = options.accessLog ?? 'gateway';
  const logAccess = accessLog === 'off' ? null : createAccessLog(logger);
  /** A request relayed to the product gets a line only with `ATA_ACCESS_LOG=all` (its own log has it). */
  const logRelayed = accessLog === 'all';
  const identityHeaderLower = options.identityHeader.toLowerCase();
  const alwaysRemoved = [identityHeaderLower, IDENTITY_SECRET_HEADER.toLowerCase()];
  const removedForUser = ['authorization', ...alwaysRemoved];
  const restSessionLoginPath = normalisePath(`${contextPath}${options.product.restSessionLoginPath}`);
  const apiPrefix = `${contextPath}${MANAGEMENT_API_PATH}`;
  const uiPrefix = `${contextPath}${UI_PATH}`;

  /**
   * Facts of a connection, worked out on its first request (keep-alive reuses them): its peer, and
   * the pipeline's memo of the credential it presented last.
   */
  interface Peer {
    canonical: string | null;
    trusted: boolean;
    memo: CredentialMemo;
  }
  const peers = new WeakMap<Socket, Peer>();

  function peerOf(socket: Socket): Peer {
    let peer = peers.get(socket);
    if (peer === undefined) {
      const address = socket.remoteAddress;
      peer = {
        canonical: address === undefined ? null : canonicalIp(address),
        trusted: address !== undefined && options.trustedProxies.trusts(address),
        memo: {},
      };
      // An address is known once the socket is connected; before that, nothing is remembered.
      if (address !== undefined) peers.set(socket, peer);
    }
    return peer;
  }

  /** Counts the request, and writes its access line when `log` (and the log is on). */
  function finish(context: RequestContext, req: IncomingMessage, res: ServerResponse, log = true): void {
    const ms = performance.now() - context.startedAt;
    metrics?.request(context.outcome, res.statusCode, ms);
    if (!log || logAccess === null) return;
    logAccess({
      method: req.method ?? '',
      path: pathForLog(req.url),
      status: res.statusCode,
      outcome: context.outcome,
      ms,
      clientIp: context.clientIp === '' ? null : context.clientIp,
      user: context.user,
    });
  }

  function answerFailure(res: ServerResponse, context: RequestContext, error: unknown): void {
    if (isProductError(error)) {
      const timeout = isProductError(error, 'PRODUCT_TIMEOUT');
      context.outcome = timeout ? 'PRODUCT_TIMEOUT' : 'PRODUCT_UNAVAILABLE';
      logger.warn({ err: error }, 'product call failed while authenticating');
      sendAtlassianError(
        res,
        timeout ? 504 : 502,
        `${options.product.displayName} did not answer while the gateway checked the token owner; try again shortly`,
      );
    } else if (error instanceof StoreError) {
      context.outcome = error.code;
      logger.error({ err: error }, 'storage failed while authenticating');
      sendAtlassianError(res, 503, 'The gateway cannot reach its database right now; try again shortly');
    } else {
      context.outcome = 'INTERNAL_ERROR';
      logger.error({ err: error }, 'unexpected error while authenticating');
      sendAtlassianError(res, 500, 'Internal error; the gateway log has the details');
    }
  }

  /**
   * A request answered by the gateway itself is logged once its response has closed (whatever path
   * answered it, and however late). A relayed one is logged when the proxy reports its result instead:
   * no listener and no deferred callback per request on the hot path (issue 6).
   */
  function logWhenClosed(context: RequestContext, req: IncomingMessage, res: ServerResponse): void {
    // The proxy reports its outcome after its own error answer is written, and 'close' can come first:
    // log once pending callbacks have run.
    if (res.closed) setImmediate(() => finish(context, req, res));
    else res.once('close', () => setImmediate(() => finish(context, req, res)));
  }

  /** Called by the proxy, once, when a relayed exchange is over. */
  function relayed(context: RequestContext, req: IncomingMessage, res: ServerResponse) {
    return (result: ForwardResult): void => {
      try {
        const failed = 'error' in result;
        if (failed) context.outcome = result.error;
        else metrics?.upstream(result.upstreamMs);
        // A relay that failed, or whose password the product refused, is the gateway's news to log.
        finish(context, req, res, logRelayed || failed || context.outcome === 'PASSWORD_REJECTED');
      } catch (error) {
        // Inside the proxy's callbacks: a logging failure must not disturb the exchange.
        logger.error({ err: error }, 'logging a relayed request failed');
      }
    };
  }

  /**
   * Our own resources and pages answer only at their literal path: a disguised spelling (`/%72est/…`)
   * is not routed (fastify would not match it) and is refused rather than sent upstream. For a request
   * that may enter, records the facts its handler reads and returns the raw path; otherwise answers
   * 404 and returns `null`.
   */
  function enterOwnPath(
    req: IncomingMessage,
    res: ServerResponse,
    context: RequestContext,
    trustedPeer: boolean,
    prefix: string,
    prefixItself: boolean,
  ): string | null {
    const rawPath = (req.url ?? '').split('?')[0] ?? '';
    if (!(prefixItself && rawPath === prefix) && !rawPath.startsWith(`${prefix}/`)) {
      context.outcome = 'NON_CANONICAL_PATH';
      sendAtlassianError(res, 404, `Use the canonical path ${prefix}/…`);
      return null;
    }
    context.host = requestedHost(req, trustedPeer);
    setRequestContext(req, context);
    return rawPath;
  }

  /** The headers naming a user upstream, built once per user (the proxy only reads them). */
  const identityHeaders = new Map<string, Readonly<Record<string, string>>>();
  function identityHeadersOf(username: string): Readonly<Record<string, string>> {
    let headers = identityHeaders.get(username);
    if (headers === undefined) {
      const built: Record<string, string> = { [options.identityHeader]: headerValue(username) };
      if (options.identitySecret !== null) built[IDENTITY_SECRET_HEADER] = options.identitySecret;
      headers = Object.freeze(built);
      if (identityHeaders.size >= 10_000) identityHeaders.clear();
      identityHeaders.set(username, headers);
    }
    return headers;
  }

  /**
   * Carries out a final decision. Synchronous up to the proxy's dispatch, so a warm token's request
   * (decided from memory) reaches the upstream without waiting on any promise.
   */
  function carryOut(
    req: IncomingMessage,
    res: ServerResponse,
    context: RequestContext,
    auth: Authentication,
  ): Promise<void> | undefined {
    const { decision } = auth;
    const proto = context.proto === 'https' ? 'https' : 'http';
    switch (decision.outcome) {
      case 'reject':
        logWhenClosed(context, req, res);
        return refuse(res, context, auth, decision);
      case 'forward-as-user': {
        context.outcome = 'forward-as-user';
        context.user = decision.username;
        options.lastUse.record(decision.tokenId, auth.now, auth.clientIp);
        proxy.relay(
          req,
          res,
          {
            clientIp: auth.clientIp,
            proto,
            setHeaders: identityHeadersOf(decision.username),
            removeHeaders: removedForUser,
          },
          relayed(context, req, res),
        );
        return undefined;
      }
      case 'forward-unchanged': {
        context.outcome = auth.credential.kind === 'none' ? 'forward' : `forward-${auth.credential.kind}`;
        const watch = decision.watchPassword;
        if (watch === undefined) {
          proxy.relay(
            req,
            res,
            { clientIp: auth.clientIp, proto, removeHeaders: alwaysRemoved },
            relayed(context, req, res),
          );
          return undefined;
        }
        context.user = watch.username;
        proxy.relay(
          req,
          res,
          {
            clientIp: auth.clientIp,
            proto,
            removeHeaders: alwaysRemoved,
            onResponseHead(status, headers) {
              let verdict;
              try {
                verdict = options.product.judgePasswordResponse(status, headers);
              } catch (error) {
                logger.warn({ err: error }, 'judging a password response failed');
                return;
              }
              const counted =
                verdict === 'failed'
                  ? pipeline.countFailure(auth.failureKeys)
                  : verdict === 'succeeded'
                    ? pipeline.recordSuccess(auth.failureKeys)
                    : null;
              if (verdict === 'failed') context.outcome = 'PASSWORD_REJECTED';
              counted?.catch((error: unknown) =>
                logger.error({ err: error }, 'recording a password verdict failed'),
              );
            },
          },
          relayed(context, req, res),
        );
        return undefined;
      }
    }
  }

  async function refuse(
    res: ServerResponse,
    context: RequestContext,
    auth: Authentication,
    decision: Extract<Authentication['decision'], { outcome: 'reject' }>,
  ): Promise<void> {
    context.outcome = decision.code;
    if (decision.countFailure) {
      try {
        await pipeline.countFailure(auth.failureKeys);
      } catch (error) {
        logger.error({ err: error }, 'counting a failed login failed');
      }
    }
    const headers =
      decision.retryAfter === undefined
        ? undefined
        : { 'retry-after': retryAfterSeconds(decision.retryAfter, options.clock().getTime()) };
    sendAtlassianError(res, decision.status, decision.message, {}, headers);
  }

  function authenticateAndForward(
    req: IncomingMessage,
    res: ServerResponse,
    context: RequestContext,
    isRestSessionLogin: boolean,
    memo: CredentialMemo,
  ): void {
    const request = {
      authorization: req.headers.authorization,
      clientIp: context.clientIp,
      isRestSessionLogin,
      memo,
    };
    let known: Authentication | undefined;
    try {
      known = pipeline.authenticateFromMemory(request);
    } catch (error) {
      failed(req, res, context, error);
      return;
    }
    // A warm request is decided already: carried out now, without a closure or promise of its own.
    if (known !== undefined) settle(req, res, context, known);
    else {
      pipeline.authenticate(request).then(
        (auth) => settle(req, res, context, auth),
        (error: unknown) => failed(req, res, context, error),
      );
    }
  }

  function failed(req: IncomingMessage, res: ServerResponse, context: RequestContext, error: unknown): void {
    logWhenClosed(context, req, res);
    answerFailure(res, context, error);
  }

  function settle(
    req: IncomingMessage,
    res: ServerResponse,
    context: RequestContext,
    auth: Authentication,
  ): void {
    let refusing: Promise<void> | undefined;
    try {
      refusing = carryOut(req, res, context, auth);
    } catch (error) {
      failed(req, res, context, error);
      return;
    }
    // A refusal has its log hook already.
    refusing?.catch((error: unknown) => answerFailure(res, context, error));
  }

  return function handleRequest(req, res) {
    const context: RequestContext = {
      clientIp: '',
      proto: 'http',
      host: null,
      startedAt: performance.now(),
      outcome: 'pending',
      user: null,
    };
    if (!route(req, res, context)) logWhenClosed(context, req, res);
  };

  /**
   * Sends the request where it belongs. `true` when it went to the authentication pipeline, which logs
   * it; `false` when it is answered here (an error, the management API, the UI): the caller logs it.
   */
  function route(req: IncomingMessage, res: ServerResponse, context: RequestContext): boolean {
    const peer = peerOf(req.socket);
    const trustedPeer = peer.trusted;
    // From an untrusted peer, X-Forwarded-For is ignored: the client is the peer itself.
    const clientIp = trustedPeer
      ? resolveClientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], options.trustedProxies)
      : peer.canonical;
    if (clientIp === null) {
      context.outcome = 'CLIENT_ADDRESS_UNKNOWN';
      sendAtlassianError(
        res,
        400,
        'The client address could not be determined (malformed X-Forwarded-For from a trusted proxy)',
      );
      return false;
    }
    context.clientIp = clientIp;
    const forwardedProto = trustedPeer
      ? firstHeader(req.headers['x-forwarded-proto'])?.split(',')[0]?.trim().toLowerCase()
      : undefined;
    context.proto = forwardedProto === 'https' ? 'https' : 'http';

    const host = req.headers.host;
    const target = analyseRequestTarget(
      req.url ?? '',
      contextPath,
      host === undefined ? undefined : { host },
    );
    if (!target.ok) {
      context.outcome = 'BAD_REQUEST_TARGET';
      sendAtlassianError(res, 400, `The request target is not valid: ${target.reason}`);
      return false;
    }
    if (!target.insideContext) {
      context.outcome = 'OUTSIDE_CONTEXT';
      sendAtlassianError(
        res,
        404,
        `Nothing is served here; the application lives under ${contextPath === '' ? '/' : contextPath}`,
      );
      return false;
    }

    if (hasRepeatedAuthorization(req.rawHeaders)) {
      context.outcome = 'AUTHORIZATION_REPEATED';
      sendAtlassianError(
        res,
        400,
        'Send the Authorization header once: a request with several copies is ambiguous and is refused',
      );
      return false;
    }

    const relative = target.contextRelative;
    if (relative === MANAGEMENT_API_PATH || relative.startsWith(`${MANAGEMENT_API_PATH}/`)) {
      if (enterOwnPath(req, res, context, trustedPeer, apiPrefix, true) === null) return false;
      context.outcome = 'pending';
      options.api.handle(req, res);
      return false;
    }
    if (relative === UI_PATH || relative.startsWith(`${UI_PATH}/`)) {
      const rawPath = enterOwnPath(req, res, context, trustedPeer, uiPrefix, false);
      if (rawPath === null) return false;
      context.outcome = 'ui';
      Promise.resolve(options.ui.handle(req, res, rawPath.slice(uiPrefix.length + 1))).catch(
        (error: unknown) => {
          logger.error({ err: error }, 'UI page failed');
          sendAtlassianError(res, 500, 'Internal error; the gateway log has the details');
        },
      );
      return false;
    }

    const isRestSessionLogin =
      req.headers.authorization === undefined &&
      req.method === 'POST' &&
      target.matchPath === restSessionLoginPath;
    authenticateAndForward(req, res, context, isRestSessionLogin, peer.memo);
    return true;
  }
}
