/**
 * Prometheus metrics (issue 6 "Observability"), served on their own port (`ATA_METRICS_PORT`) so
 * that they are never reachable through the product's public address.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { createLatencyHistogram } from './latency-histogram.js';

/** What the gateway reports. Every method is cheap: counters only, on the hot path. */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** One finished request with its outcome (`forward-as-user`, `TOKEN_INVALID`, `api`, …). */
  request(outcome: string, status: number, ms: number): void;
  /** Upstream time to response head. */
  upstream(ms: number): void;
  verifiedCacheHit(): void;
  verifiedCacheMiss(): void;
  lockout(): void;
  /** A final authentication decision (`forward-as-user`, `forward-unchanged`, `reject`) and its reason. */
  decision(decision: string, reason: string): void;
  /** A cold token check (storage read and bcrypt) and its result. */
  tokenChecked(result: 'valid' | 'wrong-secret' | 'unknown-token'): void;
  /** A failed login counted for a key (`ip:…`/`user:…`); `locked` when it locked the key. */
  failureCounted(key: string, locked: boolean): void;
}

/** Options of {@link createGatewayMetrics}. */
export interface GatewayMetricsOptions {
  /** bcrypt comparisons so far (the hasher's counter). */
  comparisons: () => number;
  /** Audit records waiting for the product. */
  outboxBacklog: () => Promise<number>;
  /** Token checks waiting for admission (the brute-force gate). */
  attemptsWaiting?: () => number;
  /** Collect Node process metrics too (default true). */
  processMetrics?: boolean;
}

/**
 * @example
 * ```ts
 * const metrics = createGatewayMetrics({ comparisons: hasher.comparisons, outboxBacklog: outbox.backlog });
 * metrics.request('forward-as-user', 200, 1.2);
 * ```
 */
export function createGatewayMetrics(options: GatewayMetricsOptions): GatewayMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'ata_' });
  const requestTally = createTally<'outcome' | 'status_class'>();
  const decisionTally = createTally<'decision' | 'reason'>();
  const cacheTally = createTally<'cache'>();
  new Counter({
    name: 'ata_requests_total',
    help: 'Requests by outcome (pipeline decision, or the refusal code as reason) and status class',
    labelNames: ['outcome', 'status_class'] as const,
    registers: [registry],
    collect() {
      requestTally.publish(this);
    },
  });
  new Counter({
    name: 'ata_auth_decisions_total',
    help: 'Authentication decisions by decision (forward-as-user, forward-unchanged, reject) and reason (refusal code, or the credential kind forwarded)',
    labelNames: ['decision', 'reason'] as const,
    registers: [registry],
    collect() {
      decisionTally.publish(this);
    },
  });
  const upstream = createLatencyHistogram({
    name: 'ata_upstream_response_seconds',
    help: 'Time from dispatch to the upstream response head',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Counter({
    name: 'ata_token_verifications_total',
    help: 'Token secret checks by verified-token cache result (hit: no storage read, no bcrypt)',
    labelNames: ['cache'] as const,
    registers: [registry],
    collect() {
      cacheTally.publish(this);
    },
  });
  const checks = new Counter({
    name: 'ata_token_checks_total',
    help: 'Cold token checks (storage read and bcrypt) by result: valid, wrong-secret, unknown-token',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const lockouts = new Counter({
    name: 'ata_lockouts_total',
    help: 'Requests refused because of a lockout',
    registers: [registry],
  });
  const failures = new Counter({
    name: 'ata_failed_logins_total',
    help: 'Failed logins counted, by key kind (ip, user)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const locks = new Counter({
    name: 'ata_locks_total',
    help: 'Keys locked out by a counted failure, by key kind (ip, user)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  let reportedComparisons = 0;
  new Counter({
    name: 'ata_bcrypt_comparisons_total',
    help: 'bcrypt comparisons run (in worker threads)',
    registers: [registry],
    collect() {
      const total = options.comparisons();
      if (total > reportedComparisons) this.inc(total - reportedComparisons);
      reportedComparisons = total;
    },
  });
  const { attemptsWaiting } = options;
  if (attemptsWaiting !== undefined) {
    new Gauge({
      name: 'ata_token_checks_waiting',
      help: 'Cold token checks waiting for admission (at most maxAttempts per key in flight)',
      registers: [registry],
      collect() {
        this.set(attemptsWaiting());
      },
    });
  }
  new Gauge({
    name: 'ata_audit_outbox_backlog',
    help: 'Audit records waiting to be forwarded to the product',
    registers: [registry],
    async collect() {
      this.set(await options.outboxBacklog());
    },
  });
  const hit = cacheTally.entry('hit', '', (cache) => ({ cache }));
  const miss = cacheTally.entry('miss', '', (cache) => ({ cache }));
  const requestLabels = (outcome: string, statusClass: string) => ({ outcome, status_class: statusClass });
  const decisionLabels = (decision: string, reason: string) => ({ decision, reason });
  const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];
  return {
    registry,
    request(outcome, status) {
      const statusClass = STATUS_CLASSES[Math.floor(status / 100) - 1] ?? `${Math.floor(status / 100)}xx`;
      requestTally.entry(outcome, statusClass, requestLabels).count += 1;
    },
    upstream(ms) {
      upstream.observe(ms / 1000);
    },
    verifiedCacheHit: () => void (hit.count += 1),
    verifiedCacheMiss: () => void (miss.count += 1),
    lockout: () => lockouts.inc(),
    decision(decision, reason) {
      decisionTally.entry(decision, reason, decisionLabels).count += 1;
    },
    tokenChecked: (result) => checks.inc({ result }),
    failureCounted(key, locked) {
      const kind = key.startsWith('user:') ? 'user' : 'ip';
      failures.inc({ kind });
      if (locked) locks.inc({ kind });
    },
  };
}

/** One label set's count, and how much of it prom-client has been told. */
interface TallyEntry<L extends string> {
  labels: Record<L, string>;
  count: number;
  published: number;
}

/**
 * Counts kept as plain numbers on the hot path and handed to prom-client when it collects (a scrape):
 * prom-client hashes the label values on every `inc`, even through a bound child, which showed in the
 * issue 6 profile. Entries are found by two nested look-ups of the label values (no key string is
 * built per request). Label values are closed sets of codes, so the entries stay few (prom-client
 * keeps one series per label set anyway).
 */
function createTally<L extends string>() {
  const entries = new Map<string, Map<string, TallyEntry<L>>>();
  const all: Array<TallyEntry<L>> = [];
  return {
    /** The entry of `(first, second)`, created with `labels(first, second)` the first time. */
    entry(
      first: string,
      second: string,
      labels: (first: string, second: string) => Record<L, string>,
    ): TallyEntry<L> {
      let inner = entries.get(first);
      if (inner === undefined) {
        inner = new Map();
        entries.set(first, inner);
      }
      let entry = inner.get(second);
      if (entry === undefined) {
        entry = { labels: labels(first, second), count: 0, published: 0 };
        inner.set(second, entry);
        all.push(entry);
      }
      return entry;
    },
    publish(counter: Counter<L>): void {
      for (const entry of all) {
        if (entry.count > entry.published) counter.inc(entry.labels, entry.count - entry.published);
        entry.published = entry.count;
      }
    },
  };
}

/** A running metrics endpoint. */
export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` in the Prometheus text format.
 *
 * @example
 * ```ts
 * const server = await startMetricsServer(metrics.registry, '127.0.0.1', 9464);
 * ```
 */
export async function startMetricsServer(
  registry: Registry,
  host: string,
  port: number,
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found; metrics are at /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
