/**
 * `startGateway`: wires storage, the policy pipeline, the management API, the UI seam, the reverse
 * proxy and the audit outbox into one node:http server, and takes them down again in order.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Product } from '@api-token-auth/product-port';
import { createHealthChecker } from './api/health.js';
import { MANAGEMENT_API_PATH, createManagementApi, type ManagementApi } from './api/management-api.js';
import { deliverToProduct } from './audit/deliver-to-product.js';
import { startOutboxWorker, type OutboxWorker } from './audit/outbox-worker.js';
import { createAttemptGate } from './auth/attempt-gate.js';
import { createAuthenticationPipeline } from './auth/authentication-pipeline.js';
import { createLockoutStatusCache } from './auth/lockout-status-cache.js';
import { createLastUseRecorder, type LastUseRecorder } from './auth/last-use-recorder.js';
import { loadSettingsCache, type SettingsCache } from './auth/settings-cache.js';
import { createTokenVerifier } from './auth/token-verifier.js';
import { createUserDirectory } from './auth/user-directory.js';
import { createVerifiedTokenCache } from './auth/verified-token-cache.js';
import type { GatewayConfig } from './config/gateway-config.js';
import { answerClientError } from './http/client-error.js';
import { compileTrustedProxies } from './http/client-ip.js';
import { createKeyedDigest } from './crypto/keyed-digest.js';
import { createSecretHasher, type SecretHasher } from './crypto/secret-hasher.js';
import { createSystemClock } from './clock.js';
import { createLogger } from './log/logger.js';
import { createReverseProxy } from './proxy/reverse-proxy.js';
import type { ReverseProxy } from './proxy/types.js';
import {
  createGatewayMetrics,
  startMetricsServer,
  type GatewayMetrics,
  type MetricsServer,
} from './server/metrics.js';
import { UI_PATH, createRequestHandler, type UiHandler } from './server/request-handler.js';
import type { UiMountContext } from './server/ui-mount.js';
import { mountWebUi } from './ui/mount-web-ui.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';

/** Timing knobs; the defaults suit production, tests shorten them. */
export interface GatewayTuning {
  /** Last-use batch interval (default 2000 ms). */
  lastUseFlushMs?: number;
  /** Background settings refresh for multi-instance set-ups (default 5000 ms; 0 = off). */
  settingsRefreshMs?: number;
  /** Verified-token cache lifetime (default 60 s). */
  verifiedTokenTtlMs?: number;
  /** Product user look-up cache lifetime (default 30 s). */
  userCacheTtlMs?: number;
  /** How long a "not locked" answer of the failed-login store is reused (default 1000 ms; 0 = off). */
  lockoutCacheTtlMs?: number;
  /** bcrypt worker threads (default `defaultHasherWorkers()`: CPUs − 1, 1 to 4). */
  hasherWorkers?: number;
  /** How long `close()` lets in-flight requests finish (default 10 s). */
  drainMs?: number;
  /** Upstream response timeout; overrides `config.upstreamTimeoutMs` (`ATA_UPSTREAM_TIMEOUT_MS`). */
  upstreamTimeoutMs?: number;
  /** How often failed-login counters that can no longer matter are deleted (default 1 h; also once at start). */
  failedLoginPruneMs?: number;
}

/** Options of {@link startGateway}. */
export interface StartGatewayOptions {
  config: GatewayConfig;
  product: Product;
  logger?: Logger;
  /** The gateway's clock (default system time). */
  clock?: () => Date;
  /** Randomness for new tokens (default `crypto.randomBytes`). */
  randomBytes?: (size: number) => Uint8Array;
  /** An open store; by default the gateway opens `config.database` and closes it on `close()`. */
  store?: Store;
  /** The web UI (issue 5); by default a placeholder page. */
  createUi?: (context: UiMountContext) => UiHandler;
  tuning?: GatewayTuning;
}

/** A started gateway. */
export interface RunningGateway {
  /** `http://HOST:PORT` + context path. */
  url: string;
  host: string;
  port: number;
  /** The store in use (for tools and tests; the API is the way to change data). */
  store: Store;
  /** bcrypt comparisons run by this process so far. */
  bcryptComparisons(): number;
  /** Write pending last-use records and deliver due audit records now. */
  flush(): Promise<void>;
  /** The Prometheus endpoint, when `config.metricsPort` is set. */
  metrics?: { url: string };
  /** Stop accepting, drain in-flight requests, flush last use and the outbox, close storage and workers. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts a gateway for one product.
 *
 * @example
 * ```ts
 * const parsed = parseGatewayConfig(process.env, { productKey: 'jira', defaultAdminGroups: product.defaultAdminGroups });
 * if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
 * const gateway = await startGateway({ config: parsed.config, product });
 * console.log(gateway.url); // http://127.0.0.1:8080
 * await gateway.close();
 * ```
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const { config, product } = options;
  const tuning = options.tuning ?? {};
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  // Read several times on every warm request: without a test clock, the cheap system clock (issue 6).
  const systemClock = createSystemClock();
  const clock = options.clock ?? systemClock.date;
  const now = options.clock === undefined ? systemClock.now : () => clock().getTime();
  const randomBytes = options.randomBytes ?? ((size: number) => nodeRandomBytes(size));
  const adminGroups = config.adminGroups.length > 0 ? config.adminGroups : [...product.defaultAdminGroups];

  const trusted = compileTrustedProxies(config.trustedProxies);
  if (!trusted.ok)
    throw new TypeError(
      `invalid trusted proxies: ${trusted.errors.map((error) => error.message).join('; ')}`,
    );
  const trustedProxies = trusted.trusted;

  const cleanups: Array<() => Promise<void> | void> = [];
  async function cleanUp(): Promise<void> {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.error({ err: error }, 'shutdown step failed');
      }
    }
    cleanups.length = 0;
  }

  try {
    const store = options.store ?? openStore(config.database, { logger });
    if (options.store === undefined) cleanups.push(() => store.close());

    const settings: SettingsCache = await loadSettingsCache({
      settings: store.settings,
      logger,
      ...(tuning.settingsRefreshMs === undefined ? {} : { refreshMs: tuning.settingsRefreshMs }),
    });
    cleanups.push(() => settings.stop());

    const hasher: SecretHasher = createSecretHasher({
      cost: config.bcryptCost,
      ...(tuning.hasherWorkers === undefined ? {} : { workers: tuning.hasherWorkers }),
    });
    cleanups.push(() => hasher.close());

    const outbox: OutboxWorker = startOutboxWorker({
      store,
      deliver: deliverToProduct(product),
      clock,
      logger,
    });
    cleanups.push(() => outbox.stop());

    const attemptGate = createAttemptGate({ now });
    const metrics: GatewayMetrics | undefined =
      config.metricsPort === null
        ? undefined
        : createGatewayMetrics({
            comparisons: () => hasher.comparisons(),
            outboxBacklog: () => outbox.backlog(),
            attemptsWaiting: () => attemptGate.waiting,
          });

    const verifier = createTokenVerifier({
      tokens: store.tokens,
      hasher,
      cache: createVerifiedTokenCache({
        now,
        ...(tuning.verifiedTokenTtlMs === undefined ? {} : { ttlMs: tuning.verifiedTokenTtlMs }),
      }),
      digest: createKeyedDigest(),
      now,
      // Busy tokens are renewed (a row read, no bcrypt) in the last quarter of their cache lifetime.
      ...(tuning.verifiedTokenTtlMs === undefined ? {} : { renewAfterMs: tuning.verifiedTokenTtlMs * 0.75 }),
      ...(metrics === undefined
        ? {}
        : { onCacheHit: metrics.verifiedCacheHit, onCacheMiss: metrics.verifiedCacheMiss }),
    });
    const users = createUserDirectory({
      product,
      adminGroups,
      now,
      ...(tuning.userCacheTtlMs === undefined ? {} : { ttlMs: tuning.userCacheTtlMs }),
    });
    const pipeline = createAuthenticationPipeline({
      settings,
      failedLogins: createLockoutStatusCache({
        failedLogins: store.failedLogins,
        now,
        ...(tuning.lockoutCacheTtlMs === undefined ? {} : { ttlMs: tuning.lockoutCacheTtlMs }),
      }),
      verifier,
      users,
      clock,
      logger,
      attemptGate,
      ...(metrics === undefined
        ? {}
        : {
            onLockout: metrics.lockout,
            onDecision: (decision, credential) =>
              metrics.decision(
                decision.outcome,
                decision.outcome === 'reject' ? decision.code : credential.kind,
              ),
            onTokenChecked: metrics.tokenChecked,
            onFailureCounted: metrics.failureCounted,
          }),
    });
    const lastUse: LastUseRecorder = createLastUseRecorder({
      tokens: store.tokens,
      logger,
      ...(tuning.lastUseFlushMs === undefined ? {} : { intervalMs: tuning.lastUseFlushMs }),
    });
    cleanups.push(() => lastUse.stop());

    // Counters a week past their last failure, with no lock running, act as if they never existed
    // (core `isForgettable`): they are deleted, so the table and the admin page do not keep every
    // address that ever failed once.
    const pruneFailedLogins = (): void => {
      store.failedLogins.prune(clock()).then(
        (count) => {
          if (count > 0) logger.info({ count }, 'old failed-login counters deleted');
        },
        (error: unknown) => logger.warn({ err: error }, 'deleting old failed-login counters failed'),
      );
    };
    pruneFailedLogins();
    const pruneTimer = setInterval(pruneFailedLogins, tuning.failedLoginPruneMs ?? 3_600_000);
    pruneTimer.unref();
    cleanups.push(() => clearInterval(pruneTimer));

    const api: ManagementApi = await createManagementApi({
      contextPath: config.contextPath,
      store,
      product,
      pipeline,
      users,
      settings,
      verifier,
      lastUse,
      hashSecret: (secret) => hasher.hash(secret),
      health: createHealthChecker({ ping: () => store.ping(), upstreamUrl: config.upstreamUrl }),
      notifyAudit: () => outbox.notify(),
      clock,
      randomBytes,
      logger,
    });
    cleanups.push(() => api.close());

    const proxy: ReverseProxy = createReverseProxy({
      upstreamUrl: config.upstreamUrl,
      responseTimeoutMs: tuning.upstreamTimeoutMs ?? config.upstreamTimeoutMs,
    });
    cleanups.push(() => proxy.close());

    const uiContext: UiMountContext = {
      contextPath: config.contextPath,
      apiBase: `${config.contextPath}${MANAGEMENT_API_PATH}`,
      productName: product.displayName,
      loginPagePath: product.loginPagePath,
      loginPath: `${config.contextPath}${product.loginPagePath}`,
      async identify(req) {
        const cookie = req.headers.cookie;
        if (cookie === undefined || cookie === '') return null;
        const identity = await product.whoIs({ cookie });
        if (identity === null) return null;
        const found = await users.lookUp(identity.username);
        if (found === null || !found.user.active) return null;
        const displayName = identity.displayName ?? found.user.displayName;
        return { username: found.user.username, displayName, isAdmin: found.isAdmin };
      },
      settings: () => settings.current().settings,
      onError: (error) => logger.warn({ err: error }, 'web UI could not identify the caller'),
    };
    const ui = (options.createUi ?? mountWebUi)(uiContext);

    const handler = createRequestHandler({
      contextPath: config.contextPath,
      identityHeader: config.identityHeader,
      identitySecret: config.identitySecret,
      trustedProxies,
      pipeline,
      proxy,
      api,
      ui,
      product,
      lastUse,
      clock,
      logger,
      accessLog: config.accessLog,
      ...(metrics === undefined ? {} : { metrics }),
    });

    const server = createServer(
      {
        // Slow-loris protection without cutting off large uploads streamed to the product.
        headersTimeout: 20_000,
        requestTimeout: 600_000,
        keepAliveTimeout: 75_000,
      },
      handler,
    );
    // Longer than common load balancer idle timeouts (AWS ALB 60 s), so the LB closes first.
    server.keepAliveTimeout = 75_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => logger.error({ err: error }, 'server error'));
    server.on('clientError', answerClientError);
    const drainMs = tuning.drainMs ?? 10_000;
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => server.closeAllConnections(), drainMs);
          timer.unref();
          server.close(() => {
            clearTimeout(timer);
            resolve();
          });
          server.closeIdleConnections();
        }),
    );

    let metricsServer: MetricsServer | undefined;
    if (metrics !== undefined && config.metricsPort !== null) {
      metricsServer = await startMetricsServer(metrics.registry, config.host, config.metricsPort);
      cleanups.push(() => metricsServer?.close());
    }

    const address = server.address() as AddressInfo;
    const url = `http://${urlHost(config.host)}:${address.port}${config.contextPath}`;
    logger.info(
      { url, upstream: config.upstreamUrl, uiPath: `${config.contextPath}${UI_PATH}` },
      'gateway started',
    );

    let closing: Promise<void> | null = null;
    const running: RunningGateway = {
      url,
      host: config.host,
      port: address.port,
      store,
      bcryptComparisons: () => hasher.comparisons(),
      async flush() {
        await lastUse.flush();
        await outbox.flush();
      },
      close() {
        closing ??= (async () => {
          // Shutdown runs in reverse start order: the server stops first, storage closes last.
          await cleanUp();
          logger.info('gateway stopped');
        })();
        return closing;
      },
    };
    if (metricsServer !== undefined) running.metrics = { url: metricsServer.url };
    return running;
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
