/**
 * Soak run (issue 7 "Load"): mixed traffic on loopback against the real adapter bin in front of the
 * sandbox product — tokens (Bearer and Basic), passwords right and wrong, cookie sessions through the
 * proxy and the management API, admin calls, token creation, use and deletion — for a fixed time,
 * while the adapter's RSS and open file descriptors are sampled from `/proc/<pid>`. Every request has
 * the answers it may get; anything else (another status, a reset, a timeout) is an unexpected error.
 *
 *   npm run soak                                  # repository root: build, then 10 minutes
 *   SOAK_MINUTES=2 SOAK_RATE=150 npm run soak     # shorter, faster
 *   cd tools/e2e && npx tsx --conditions=@api-token-auth/source src/soak.ts --minutes 10 --product jira
 *
 * The test suite runs {@link runSoak} for about 20 seconds (test/reliability/soak-smoke.test.ts) so the
 * code stays checked; the figures of a full run are in docs/reliability.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Settings } from '@api-token-auth/token-policy';
import { adapterBin } from './adapter-process.js';
import { apiClient, basic, bearer, loginCookie } from './client.js';
import type { Credentials } from './client.js';
import { PRODUCTS } from './products.js';
import type { ProductName } from './products.js';
import { startStack } from './stack.js';
import type { Stack } from './stack.js';
import { typo } from './tokens.js';

/** Options of {@link runSoak}. */
export interface SoakOptions {
  product: ProductName;
  durationMs: number;
  /** Target requests per second over all workers (a ceiling: a slow gateway gets fewer). Default 100. */
  rate?: number;
  /** Concurrent request loops. Default 6. */
  workers?: number;
  /** RSS and fd sampling interval. Default 5000 ms. */
  sampleEveryMs?: number;
  /** Samples before this are warm-up and excluded from the flatness figures. Default 20 % of the run, at most 60 s. */
  warmupMs?: number;
  /** Progress lines (one per sample); default none. */
  log?: (line: string) => void;
}

/** One `/proc` sample of the adapter process. */
export interface SoakSample {
  atMs: number;
  rssKiB: number;
  fds: number;
  requests: number;
}

/** How one resource behaved after warm-up. */
export interface Flatness {
  /** Mean of the first and of the last fifth of the post-warm-up samples. */
  early: number;
  late: number;
  min: number;
  max: number;
  /** Least-squares slope per minute over the post-warm-up samples. */
  slopePerMinute: number;
  /**
   * The lowest value of each minute after warm-up. RSS saw-tooths with garbage collection, so a leak
   * shows as a rising floor rather than in single samples.
   */
  floors: number[];
}

/** What a soak run observed. */
export interface SoakReport {
  product: ProductName;
  durationMs: number;
  requests: number;
  requestsPerSecond: number;
  byOperation: Record<string, number>;
  /** Count of answers outside the expected set, and the first few of them. */
  unexpected: number;
  unexpectedSamples: string[];
  tokensCreated: number;
  tokensDeleted: number;
  samples: SoakSample[];
  warmupMs: number;
  rss: Flatness;
  fds: Flatness;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * The pid of this process's child running the adapter bin (stack.ts keeps its child to itself).
 * Only direct children are considered, so parallel test files or other users' adapters never match.
 */
export function findAdapterPid(product: ProductName): number {
  const bin = adapterBin(product);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(bin)) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  throw new Error(`no child process of ${process.pid} runs ${bin}`);
}

/** RSS (KiB, from /proc/<pid>/status) and the number of open descriptors (/proc/<pid>/fd). */
export function sampleProcess(pid: number): { rssKiB: number; fds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
  return { rssKiB, fds: readdirSync(`/proc/${pid}/fd`).length };
}

/**
 * @example
 * ```ts
 * flatness([{ atMs: 0, value: 100 }, { atMs: 60_000, value: 110 }]).slopePerMinute; // 10
 * ```
 */
export function flatness(points: ReadonlyArray<{ atMs: number; value: number }>): Flatness {
  if (points.length === 0) return { early: 0, late: 0, min: 0, max: 0, slopePerMinute: 0, floors: [] };
  const fifth = Math.max(1, Math.floor(points.length / 5));
  const mean = (list: ReadonlyArray<{ value: number }>) =>
    list.reduce((sum, point) => sum + point.value, 0) / list.length;
  const xs = points.map((point) => point.atMs / 60_000);
  const xMean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const yMean = mean(points);
  let num = 0;
  let den = 0;
  points.forEach((point, i) => {
    const dx = (xs[i] ?? 0) - xMean;
    num += dx * (point.value - yMean);
    den += dx * dx;
  });
  return {
    early: Math.round(mean(points.slice(0, fifth))),
    late: Math.round(mean(points.slice(-fifth))),
    min: Math.min(...points.map((point) => point.value)),
    max: Math.max(...points.map((point) => point.value)),
    slopePerMinute: den === 0 ? 0 : Math.round((num / den) * 10) / 10,
    floors: minuteFloors(points),
  };
}

function minuteFloors(points: ReadonlyArray<{ atMs: number; value: number }>): number[] {
  const first = points[0]?.atMs ?? 0;
  const floors: number[] = [];
  for (const point of points) {
    const minute = Math.floor((point.atMs - first) / 60_000);
    floors[minute] = Math.min(floors[minute] ?? Number.POSITIVE_INFINITY, point.value);
  }
  return floors.filter((value) => Number.isFinite(value));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the soak and resolves with the report; the stack is started and stopped inside.
 *
 * @example
 * ```ts
 * const report = await runSoak({ product: 'jira', durationMs: 20_000 });
 * report.unexpected; // 0
 * ```
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const rate = options.rate ?? 100;
  const workers = options.workers ?? 6;
  const sampleEveryMs = options.sampleEveryMs ?? 5_000;
  const warmupMs = options.warmupMs ?? Math.min(60_000, Math.round(options.durationMs / 5));
  const log = options.log ?? (() => undefined);
  const stack = await startStack({
    product: options.product,
    // The version with a writable audit log, so the outbox delivers during the run too.
    sandbox: options.product === 'jira' ? { version: '9.12.0' } : { legacyAudit: true },
    env: { ATA_LOG_LEVEL: 'warn' },
  });
  const agent = new Agent({ keepAlive: true, maxSockets: workers * 2 });
  try {
    return await drive(stack, agent, { ...options, rate, workers, sampleEveryMs, warmupMs, log });
  } finally {
    agent.destroy();
    await stack.close();
  }
}

async function drive(
  stack: Stack,
  agent: Agent,
  options: SoakOptions &
    Required<Pick<SoakOptions, 'rate' | 'workers' | 'sampleEveryMs' | 'warmupMs' | 'log'>>,
): Promise<SoakReport> {
  const origin = new URL(stack.origin);
  function call(
    method: string,
    path: string,
    credentials: Credentials,
    extra: { body?: unknown; from?: string; xsrf?: boolean } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { Accept: 'application/json', ...credentials.headers };
    if (credentials.kind === 'cookie' && extra.xsrf !== false) headers['X-Atlassian-Token'] = 'no-check';
    const payload = extra.body === undefined ? undefined : Buffer.from(JSON.stringify(extra.body));
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    return new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(
        {
          host: origin.hostname,
          port: Number(origin.port),
          method,
          path: `${stack.contextPath}${path}`,
          headers,
          // Another source address needs its own connections; loopback aliases are free on Linux.
          ...(extra.from === undefined ? { agent } : { agent: false, localAddress: extra.from }),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  const api = (path: string) => `/rest/api-token-auth/1.0${path}`;
  const resource = stack.profile.resourcePath;
  const aliceCookie = await loginCookie(stack, 'alice', 'alice');
  const adminCookie = await loginCookie(stack, 'admin', 'admin');
  const adminApi = apiClient(stack, adminCookie);
  const settings = JSON.parse((await adminApi.get('/admin/settings')).text) as Settings;
  const create = async (cookie: Credentials, name: string) => {
    const res = await call('POST', api('/tokens'), cookie, { body: { name } });
    if (res.status !== 201) throw new Error(`setup: POST /tokens answered ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as { id: string; token: string };
  };
  const aliceToken = await create(aliceCookie, 'soak-alice');
  const adminToken = await create(adminCookie, 'soak-admin');

  let requests = 0;
  let unexpected = 0;
  let tokensCreated = 0;
  let tokensDeleted = 0;
  let serial = 0;
  const unexpectedSamples: string[] = [];
  const byOperation: Record<string, number> = {};

  function expectAnswer(operation: string, res: Answer, allowed: readonly number[], ranAs?: string): void {
    requests += 1;
    const who = res.headers['x-ausername'];
    const ok = allowed.includes(res.status) && (ranAs === undefined || who === ranAs);
    if (!ok) {
      unexpected += 1;
      if (unexpectedSamples.length < 20)
        unexpectedSamples.push(`${operation}: ${res.status} as ${String(who)}: ${res.body.slice(0, 200)}`);
    }
  }

  /** Each operation: a name, a weight, and what it sends and accepts. */
  const operations: Array<[string, number, () => Promise<void>]> = [
    [
      'bearer token',
      6,
      async () =>
        expectAnswer('bearer', await call('GET', resource, bearer(aliceToken.token)), [200], 'alice'),
    ],
    [
      'basic token',
      3,
      async () =>
        expectAnswer(
          'basic-token',
          await call('GET', resource, basic('alice', aliceToken.token)),
          [200],
          'alice',
        ),
    ],
    [
      'password',
      3,
      async () =>
        expectAnswer('password', await call('GET', resource, basic('alice', 'alice')), [200], 'alice'),
    ],
    // A locked-out address is an expected answer; each kind of failure gets its own address so that
    // its lockout never touches the rest of the traffic.
    [
      'wrong password',
      1,
      async () =>
        expectAnswer(
          'wrong-password',
          await call('GET', resource, basic('mallory', 'guess'), { from: '127.0.0.52' }),
          [401, 429],
        ),
    ],
    [
      'token typo',
      1,
      async () =>
        expectAnswer(
          'typo',
          await call('GET', resource, bearer(typo(aliceToken.token)), { from: '127.0.0.53' }),
          [401, 429],
        ),
    ],
    [
      'cookie through the proxy',
      3,
      async () => expectAnswer('cookie-proxy', await call('GET', resource, aliceCookie), [200], 'alice'),
    ],
    [
      'anonymous',
      1,
      async () =>
        expectAnswer(
          'anonymous',
          await call('GET', resource, { kind: 'anonymous', headers: {} }),
          [200, 401],
        ),
    ],
    [
      'GET /tokens by cookie',
      2,
      async () => expectAnswer('cookie-api', await call('GET', api('/tokens'), aliceCookie), [200]),
    ],
    [
      'GET /validity-options by token',
      2,
      async () =>
        expectAnswer(
          'token-api',
          await call('GET', api('/validity-options'), bearer(aliceToken.token)),
          [200],
        ),
    ],
    [
      'GET /admin/audit by admin token',
      1,
      async () =>
        expectAnswer(
          'admin-audit',
          await call('GET', api('/admin/audit?limit=20'), bearer(adminToken.token)),
          [200],
        ),
    ],
    [
      'PUT /admin/settings unchanged',
      1,
      async () =>
        expectAnswer(
          'admin-settings',
          await call('PUT', api('/admin/settings'), adminCookie, { body: settings }),
          [200, 204],
        ),
    ],
    [
      'GET /health',
      1,
      async () =>
        expectAnswer('health', await call('GET', api('/health'), { kind: 'anonymous', headers: {} }), [200]),
    ],
    [
      'token create, use, delete, refused',
      2,
      async () => {
        serial += 1;
        const created = await call('POST', api('/tokens'), aliceCookie, { body: { name: `soak-${serial}` } });
        expectAnswer('create', created, [201]);
        if (created.status !== 201) return;
        tokensCreated += 1;
        const { id, token } = JSON.parse(created.body) as { id: string; token: string };
        expectAnswer('use-new', await call('GET', resource, bearer(token)), [200], 'alice');
        const deleted = await call('DELETE', api(`/tokens/${id}`), aliceCookie);
        expectAnswer('delete', deleted, [204]);
        if (deleted.status === 204) tokensDeleted += 1;
        expectAnswer(
          'use-deleted',
          await call('GET', resource, bearer(token), { from: '127.0.0.54' }),
          [401, 429],
        );
      },
    ],
  ];
  const schedule = operations.flatMap((operation) =>
    Array<(typeof operations)[number]>(operation[1]).fill(operation),
  );

  const pid = findAdapterPid(stack.product);
  const startedAt = Date.now();
  const deadline = startedAt + options.durationMs;
  const samples: SoakSample[] = [];
  const takeSample = () => {
    const { rssKiB, fds } = sampleProcess(pid);
    const sample = { atMs: Date.now() - startedAt, rssKiB, fds, requests };
    samples.push(sample);
    options.log(
      `${(sample.atMs / 1000).toFixed(0).padStart(5)} s  rss ${(rssKiB / 1024).toFixed(1)} MiB  fds ${fds}  requests ${requests}  unexpected ${unexpected}`,
    );
  };
  takeSample();
  const sampler = setInterval(() => {
    takeSample();
    // The in-process sandbox keeps every request; the soak must not measure its own growth.
    stack.sandbox.requestLog.length = 0;
    stack.sandbox.auditRecords.length = 0;
  }, options.sampleEveryMs);

  const pauseMs = (options.workers * 1000) / options.rate;
  const worker = async (offset: number) => {
    // A bounded loop: it ends at the deadline whatever happens.
    for (let i = offset; Date.now() < deadline; i += 1) {
      const began = Date.now();
      const operation = schedule[i % schedule.length];
      if (operation === undefined) break;
      byOperation[operation[0]] = (byOperation[operation[0]] ?? 0) + 1;
      try {
        await operation[2]();
      } catch (error) {
        requests += 1;
        unexpected += 1;
        if (unexpectedSamples.length < 20)
          unexpectedSamples.push(
            `${operation[0]}: ${error instanceof Error ? error.message : String(error)}`,
          );
      }
      const rest = pauseMs - (Date.now() - began);
      if (rest > 0) await sleep(Math.min(rest, deadline - Date.now()));
    }
  };
  try {
    await Promise.all(Array.from({ length: options.workers }, (_, i) => worker(i * 7)));
  } finally {
    clearInterval(sampler);
  }
  takeSample();

  const durationMs = Date.now() - startedAt;
  const settled = samples.filter((sample) => sample.atMs >= options.warmupMs);
  return {
    product: stack.product,
    durationMs,
    requests,
    requestsPerSecond: Math.round((requests / durationMs) * 10_000) / 10,
    byOperation,
    unexpected,
    unexpectedSamples,
    tokensCreated,
    tokensDeleted,
    samples,
    warmupMs: options.warmupMs,
    rss: flatness(settled.map((sample) => ({ atMs: sample.atMs, value: sample.rssKiB }))),
    fds: flatness(settled.map((sample) => ({ atMs: sample.atMs, value: sample.fds }))),
  };
}

/** The report as Markdown, for docs/reliability.md. */
export function formatSoakReport(report: SoakReport): string {
  const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
  return [
    `| figure | value |`,
    `| --- | --- |`,
    `| product | ${report.product} (adapter bin + sandbox, loopback) |`,
    `| duration | ${(report.durationMs / 60_000).toFixed(1)} min (warm-up ${(report.warmupMs / 1000).toFixed(0)} s) |`,
    `| requests | ${report.requests} (${report.requestsPerSecond}/s) |`,
    `| unexpected answers | ${report.unexpected} |`,
    `| tokens created / deleted | ${report.tokensCreated} / ${report.tokensDeleted} |`,
    `| RSS after warm-up: first fifth → last fifth | ${mib(report.rss.early)} → ${mib(report.rss.late)} (min ${mib(report.rss.min)}, max ${mib(report.rss.max)}, slope ${report.rss.slopePerMinute} KiB/min) |`,
    `| RSS floor (lowest sample) of each minute after warm-up | ${report.rss.floors.map((kib) => (kib / 1024).toFixed(0)).join(', ')} MiB |`,
    `| open fds after warm-up: first fifth → last fifth | ${report.fds.early} → ${report.fds.late} (min ${report.fds.min}, max ${report.fds.max}, slope ${report.fds.slopePerMinute}/min) |`,
    `| samples | ${report.samples.length} |`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string' },
      rate: { type: 'string' },
      product: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const minutes = Number(values.minutes ?? process.env.SOAK_MINUTES ?? '10');
  const rate = Number(values.rate ?? process.env.SOAK_RATE ?? '100');
  const product = (values.product ?? process.env.SOAK_PRODUCT ?? 'jira') as ProductName;
  if (!(minutes > 0) || !(rate > 0) || !PRODUCTS.includes(product)) {
    process.stderr.write(
      'usage: soak [--minutes 10] [--rate 100] [--product jira|confluence] [--json out.json]\n',
    );
    process.exit(2);
  }
  process.stdout.write(`soak: ${product}, ${minutes} min, up to ${rate} requests/s\n`);
  const report = await runSoak({
    product,
    durationMs: minutes * 60_000,
    rate,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`\n${formatSoakReport(report)}\n\n${JSON.stringify(report.byOperation)}\n`);
  if (values.json !== undefined) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  }
  for (const line of report.unexpectedSamples) process.stdout.write(`unexpected: ${line}\n`);
  process.exitCode = report.unexpected === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
