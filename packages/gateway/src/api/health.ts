/**
 * `GET /health`: the database answers a trivial query, and the upstream answers HTTP at all (any
 * status counts: a 401 from the product still proves it is up). The upstream probe is cached for a
 * few seconds so that a health-check storm never becomes an upstream storm.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The JSON of `GET /health`. */
export interface HealthReport {
  status: 'ok' | 'degraded';
  database: 'ok' | 'error';
  upstream: 'ok' | 'unreachable';
}

export interface HealthChecker {
  check(): Promise<HealthReport>;
}

/** Options of {@link createHealthChecker}. */
export interface HealthCheckerOptions {
  /** Cheap database liveness check (`store.ping`). */
  ping: () => Promise<boolean>;
  /** Upstream base URL incl. context path. */
  upstreamUrl: string;
  /** Probe timeout (default 2 s). */
  timeoutMs?: number;
  /** How long a probe result is reused (default 5 s). */
  cacheMs?: number;
}

/**
 * One HEAD request to `url`; `true` when any HTTP response arrives within the timeout.
 *
 * @example
 * ```ts
 * await probeUpstream('http://jira:8080', 2000); // true
 * ```
 */
export function probeUpstream(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const target = new URL(url.endsWith('/') ? url : `${url}/`);
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(target, { method: 'HEAD', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * @example
 * ```ts
 * const health = createHealthChecker({ ping: () => store.ping(), upstreamUrl: config.upstreamUrl });
 * await health.check(); // { status: 'ok', database: 'ok', upstream: 'ok' }
 * ```
 */
export function createHealthChecker(options: HealthCheckerOptions): HealthChecker {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const cacheMs = options.cacheMs ?? 5_000;
  let upstream: { ok: boolean; at: number } | null = null;
  let probing: Promise<boolean> | null = null;

  async function upstreamOk(): Promise<boolean> {
    const now = performance.now();
    if (upstream !== null && now - upstream.at < cacheMs) return upstream.ok;
    probing ??= probeUpstream(options.upstreamUrl, timeoutMs).then((ok) => {
      upstream = { ok, at: performance.now() };
      probing = null;
      return ok;
    });
    return probing;
  }

  async function databaseOk(): Promise<boolean> {
    try {
      return await options.ping();
    } catch {
      return false;
    }
  }

  return {
    async check() {
      const [database, up] = await Promise.all([databaseOk(), upstreamOk()]);
      return {
        status: database && up ? 'ok' : 'degraded',
        database: database ? 'ok' : 'error',
        upstream: up ? 'ok' : 'unreachable',
      };
    },
  };
}
