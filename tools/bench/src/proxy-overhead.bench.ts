/**
 * The main table of issue 6: requests/s, p50 and p99 of the gateway's cases next to three baselines
 * measured in the same run — straight to the upstream, the bare Node proxy (node:http + the gateway's
 * own undici streaming proxy, no policy: the floor), and nginx `proxy_pass`. Cases are interleaved
 * over several rounds, so a slow phase of a shared machine hits every case rather than one.
 */
import { generateAllowListRules } from './allow-list.bench.js';
import type { BenchEnvironment, BenchGateway } from './bench-environment.js';
import type { Child } from './child-process.js';
import { runLoad, mergeResults, type LoadResult } from './load.js';
import { markdownTable, ms, whole } from './markdown-table.js';
import type { Verdict } from './verdict.js';

const SMALL_PATH = '/rest/api/2/issue/BENCH-1';
const LARGE_PATH = '/rest/api/2/attachment/large';
/** A password-shaped secret (not token-shaped): forwarded unchanged, judged by the product's answer. */
const PASSWORD = 'correct-horse-battery-staple';

interface TableCase {
  name: string;
  url: string;
  headers?: Record<string, string>;
  /** Which bare-proxy row this case is compared with. */
  size: 'small' | '256 KB';
  kind: 'baseline' | 'gateway';
  /** The proxy process whose CPU time is measured (bare proxy, gateway). */
  process?: Child;
  /** Runs before each warm-up and measurement of the case (and before its first check). */
  before?: () => Promise<void>;
  /** Runs after each measurement of the case (and after its first check). */
  after?: () => Promise<void>;
}

/** One row of the table. */
export interface TableRow {
  name: string;
  size: 'small' | '256 KB';
  kind: 'baseline' | 'gateway';
  result: LoadResult;
  /**
   * req/s ÷ the bare proxy's req/s for the same response size: the median over the rounds of the
   * ratio to the bare proxy run measured just before this case.
   */
  ratioToBare: number;
  /** p99 − the bare proxy's p99 (ms), paired the same way (median over the rounds). */
  p99AboveBare: number;
  /** The paired ratio of each round (empty for the bare proxy itself). */
  ratiosPerRound: number[];
  /** CPU time of the proxy process per request (µs), when measured. */
  cpuMicrosPerRequest?: number;
  /** The same, per measured run in order (the bare proxy: one per case it was paired with). */
  cpuPerRound: number[];
}

/** What the section produces. */
export interface ProxyTableReport {
  rows: TableRow[];
  verdicts: Verdict[];
  text: string;
}

/** The median (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;

async function expectOk(testCase: TableCase): Promise<void> {
  const response = await fetch(testCase.url, { headers: testCase.headers ?? {} });
  await response.arrayBuffer();
  if (response.status !== 200) {
    throw new Error(`${testCase.name}: expected 200 before measuring, got ${response.status}`);
  }
}

/** PUT an allow-list (the 10,000 rules with 127.0.0.1 in them, or none) through the management API, as an admin would. */
async function installAllowList(gateway: BenchGateway, rules: string[]): Promise<void> {
  const admin = gateway.tokens[0];
  if (admin === undefined) throw new Error('the gateway has no admin token');
  const response = await fetch(`${gateway.url}/rest/api-token-auth/1.0/admin/settings`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ipAllowList: rules }),
  });
  const body = await response.text();
  if (response.status !== 200)
    throw new Error(`setting the allow-list failed: ${response.status} ${body.slice(0, 300)}`);
  const saved = (JSON.parse(body) as { ipAllowList?: unknown }).ipAllowList;
  if (!Array.isArray(saved) || saved.length !== rules.length) {
    throw new Error(
      `the gateway kept ${Array.isArray(saved) ? saved.length : 'no'} allow-list rules, not ${rules.length}`,
    );
  }
}

/**
 * Runs the table on one gateway (and, for one case, a second one with `ATA_ACCESS_LOG=all`: an access
 * line for every request, which is not the default). The allow-list case installs its 10,000 rules through the management
 * API before each of its runs and removes them after, and is measured right after the warm Bearer case:
 * the two are the same process and the same request, with and without the list.
 *
 * @example
 * ```ts
 * const report = await runProxyTable(env);
 * console.log(report.text);
 * ```
 */
export async function runProxyTable(env: BenchEnvironment): Promise<ProxyTableReport> {
  const { settings } = env;
  const plain = await env.startGateway('plain');
  // The same gateway writing an access line for every request, relayed ones included (not the default).
  const logged = await env.startGateway('logged', { env: { ATA_ACCESS_LOG: 'all' } });
  const loggedUser = logged.tokens[1];
  const rules = [...generateAllowListRules(9_999), '127.0.0.1'];

  const user = plain.tokens[1];
  if (user === undefined || loggedUser === undefined) throw new Error('the gateway has no user token');
  const cases: TableCase[] = [
    { name: 'direct to upstream', url: `${env.upstreamUrl}${SMALL_PATH}`, size: 'small', kind: 'baseline' },
    {
      name: 'bare Node proxy',
      url: `${env.bareProxyUrl}${SMALL_PATH}`,
      size: 'small',
      kind: 'baseline',
      process: env.bareProxy,
    },
  ];
  if (env.nginx !== null) {
    cases.push({
      name: 'nginx proxy_pass',
      url: `http://127.0.0.1:${env.nginx.port}${SMALL_PATH}`,
      size: 'small',
      kind: 'baseline',
    });
  }
  cases.push(
    {
      name: 'gateway: no credentials',
      url: `${plain.url}${SMALL_PATH}`,
      size: 'small',
      kind: 'gateway',
      process: plain.child,
    },
    {
      name: 'gateway: warm token, Basic',
      url: `${plain.url}${SMALL_PATH}`,
      headers: { authorization: basic(user.owner, user.token) },
      size: 'small',
      kind: 'gateway',
      process: plain.child,
    },
    {
      name: 'gateway: password pass-through',
      url: `${plain.url}${SMALL_PATH}`,
      headers: { authorization: basic('alice', PASSWORD) },
      size: 'small',
      kind: 'gateway',
      process: plain.child,
    },
    {
      name: 'gateway: warm token, Bearer',
      url: `${plain.url}${SMALL_PATH}`,
      headers: { authorization: `Bearer ${user.token}` },
      size: 'small',
      kind: 'gateway',
      process: plain.child,
    },
    {
      name: 'gateway: warm token, 10,000-rule allow-list',
      url: `${plain.url}${SMALL_PATH}`,
      headers: { authorization: `Bearer ${user.token}` },
      size: 'small',
      kind: 'gateway',
      process: plain.child,
      before: () => installAllowList(plain, rules),
      after: () => installAllowList(plain, []),
    },
    {
      name: 'gateway: warm token, Bearer, ATA_ACCESS_LOG=all',
      url: `${logged.url}${SMALL_PATH}`,
      headers: { authorization: `Bearer ${loggedUser.token}` },
      size: 'small',
      kind: 'gateway',
      process: logged.child,
    },
    { name: 'direct to upstream', url: `${env.upstreamUrl}${LARGE_PATH}`, size: '256 KB', kind: 'baseline' },
    {
      name: 'bare Node proxy',
      url: `${env.bareProxyUrl}${LARGE_PATH}`,
      size: '256 KB',
      kind: 'baseline',
      process: env.bareProxy,
    },
  );
  if (env.nginx !== null) {
    cases.push({
      name: 'nginx proxy_pass',
      url: `http://127.0.0.1:${env.nginx.port}${LARGE_PATH}`,
      size: '256 KB',
      kind: 'baseline',
    });
  }
  cases.push({
    name: 'gateway: token',
    url: `${plain.url}${LARGE_PATH}`,
    headers: { authorization: `Bearer ${user.token}` },
    size: '256 KB',
    kind: 'gateway',
    process: plain.child,
  });

  // `BENCH_CASES=bearer,allow-list` keeps the cases whose name contains one of the words (and the bare
  // proxy rows, the reference): handy with `BENCH_CPU_PROF` to profile one case.
  const only = (process.env.BENCH_CASES ?? '')
    .split(',')
    .map((word) => word.trim().toLowerCase())
    .filter((word) => word !== '');
  if (only.length > 0) {
    const keep = cases.filter(
      (c) => c.name === 'bare Node proxy' || only.some((word) => c.name.toLowerCase().includes(word)),
    );
    cases.splice(0, cases.length, ...keep);
  }
  for (const testCase of cases) {
    await testCase.before?.();
    await expectOk(testCase);
    await testCase.after?.();
  }
  // A fresh Node process needs several seconds of load before V8 has optimised the hot path.
  for (const [gateway, token] of [
    [plain, user],
    [logged, loggedUser],
  ] as const) {
    await runLoad({
      url: `${gateway.url}${SMALL_PATH}`,
      headers: { authorization: `Bearer ${token.token}` },
      connections: settings.connections,
      durationSeconds: Math.max(5, settings.warmupSeconds * 2),
    });
  }

  // Every case is measured between two half-length runs of the bare proxy with the same response size
  // and the same request headers: each ratio compares runs seconds apart, and the table reports the
  // median over the rounds, so a slow phase of the shared machine spoils one pair rather than the
  // comparison.
  const runs: LoadResult[][] = cases.map(() => []);
  const cpuMicros = cases.map(() => 0);
  /** CPU µs per request of each run, in order: shows whether a process gets slower as it ages. */
  const cpuPerRun: number[][] = cases.map(() => []);
  const paired: Array<Array<{ ratio: number; p99Above: number }>> = cases.map(() => []);
  const measured = new Set<number>();
  const bareIndexOf = (size: TableCase['size']) =>
    cases.findIndex((c) => c.name === 'bare Node proxy' && c.size === size);
  /**
   * `headers`: the request headers of the case a bare proxy run is paired with; `seconds`: the
   * measured time (after the warm-up).
   */
  async function measure(
    index: number,
    headers = cases[index]?.headers,
    seconds = settings.durationSeconds,
  ): Promise<LoadResult> {
    const testCase = cases[index] as TableCase;
    const load = {
      url: testCase.url,
      connections: settings.connections,
      ...(headers ? { headers } : {}),
    };
    const warmup = measured.has(index) ? Math.max(0.5, settings.warmupSeconds / 3) : settings.warmupSeconds;
    measured.add(index);
    await testCase.before?.();
    await runLoad({ ...load, durationSeconds: warmup });
    const cpuBefore = (await testCase.process?.request<number>('cpu')) ?? 0;
    const result = await runLoad({ ...load, durationSeconds: seconds });
    const cpuAfter = (await testCase.process?.request<number>('cpu')) ?? 0;
    await testCase.after?.();
    runs[index]?.push(result);
    cpuMicros[index] = (cpuMicros[index] ?? 0) + cpuAfter - cpuBefore;
    if (testCase.process !== undefined) {
      cpuPerRun[index]?.push((cpuAfter - cpuBefore) / Math.max(1, result.requests + result.non2xx));
    }
    return result;
  }
  for (let round = 0; round < settings.rounds; round++) {
    for (const [index, testCase] of cases.entries()) {
      if (testCase.name === 'bare Node proxy') continue;
      const bareIndex = bareIndexOf(testCase.size);
      // The bare proxy gets the very request the case sends (credentials included, which it passes on):
      // the pair differs only in what the gateway does with it. It runs half its time just before the
      // case and half just after (A B B A): the machine's speed drifts over seconds, and a drift that
      // is steady over the pair then weighs on both sides alike.
      const half = settings.durationSeconds / 2;
      const bareBefore = bareIndex === -1 ? undefined : await measure(bareIndex, testCase.headers, half);
      const result = await measure(index);
      const bareAfter = bareIndex === -1 ? undefined : await measure(bareIndex, testCase.headers, half);
      const bare =
        bareBefore === undefined || bareAfter === undefined
          ? undefined
          : mergeResults([bareBefore, bareAfter]);
      if (bare !== undefined) {
        paired[index]?.push({
          ratio: result.requestsPerSecond / bare.requestsPerSecond,
          p99Above: result.p99 - bare.p99,
        });
      }
    }
  }

  const merged = runs.map((results) => mergeResults(results));
  // A case never measured (a bare proxy row whose size `BENCH_CASES` left out) has no row.
  const rows: TableRow[] = cases.flatMap((testCase, index): TableRow[] => {
    if ((runs[index]?.length ?? 0) === 0) return [];
    const result = merged[index] as LoadResult;
    const pairs = paired[index] ?? [];
    const isBare = testCase.name === 'bare Node proxy';
    return [
      {
        name: testCase.name,
        size: testCase.size,
        kind: testCase.kind,
        result,
        ratioToBare: isBare ? 1 : median(pairs.map((pair) => pair.ratio)),
        p99AboveBare: isBare ? 0 : median(pairs.map((pair) => pair.p99Above)),
        ratiosPerRound: isBare ? [] : pairs.map((pair) => pair.ratio),
        cpuPerRound: cpuPerRun[index] ?? [],
        ...(testCase.process === undefined
          ? {}
          : { cpuMicrosPerRequest: (cpuMicros[index] ?? 0) / Math.max(1, result.requests + result.non2xx) }),
      },
    ];
  });

  const row = (name: string) => rows.find((r) => r.name === name);
  const verdicts: Verdict[] = [];
  for (const name of ['gateway: warm token, Basic', 'gateway: warm token, Bearer']) {
    const r = row(name);
    if (r === undefined) continue;
    verdicts.push({
      target: `${name.slice('gateway: '.length)} ≥ 0.85 × bare proxy req/s`,
      met: r.ratioToBare >= 0.85,
      detail: `${r.ratioToBare.toFixed(2)} ×`,
    });
    verdicts.push({
      target: `${name.slice('gateway: '.length)} p99 ≤ bare proxy p99 + 1 ms`,
      met: r.p99AboveBare <= 1,
      detail: `${r.p99AboveBare >= 0 ? '+' : ''}${ms(r.p99AboveBare)} ms`,
    });
  }
  const listedRow = row('gateway: warm token, 10,000-rule allow-list');
  const warmRow = row('gateway: warm token, Bearer');
  if (listedRow !== undefined && warmRow !== undefined) {
    // The same gateway and request with and without the list, each paired with the bare proxy run just
    // before it: the ratio of the two pairs per round, then the median.
    const listedRatio = median(
      listedRow.ratiosPerRound.map((ratio, round) => ratio / (warmRow.ratiosPerRound[round] ?? Number.NaN)),
    );
    verdicts.push({
      target: '10,000-rule allow-list ≥ 0.95 × warm token (Bearer) req/s',
      met: listedRatio >= 0.95,
      detail: `${listedRatio.toFixed(2)} ×`,
    });
  }

  const cpuLine = rows
    .filter((r) => r.cpuPerRound.length > 0)
    .map(
      (r) => `${r.name.replace('gateway: ', '')} (${r.size}) ${r.cpuPerRound.map((x) => whole(x)).join(' ')}`,
    )
    .join('; ');
  const unhealthy = rows.filter((r) => r.result.non2xx > 0 || r.result.errors > 0);
  const table = markdownTable(
    ['case', 'response', 'req/s', 'p50 ms', 'p99 ms', '× bare proxy', 'p99 − bare ms', 'CPU µs/req'],
    rows.map((r) => [
      r.name,
      r.size,
      whole(r.result.requestsPerSecond),
      ms(r.result.p50),
      ms(r.result.p99),
      r.ratioToBare.toFixed(2),
      `${r.p99AboveBare >= 0 ? '+' : ''}${ms(r.p99AboveBare)}`,
      r.cpuMicrosPerRequest === undefined ? '–' : whole(r.cpuMicrosPerRequest),
    ]),
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const text = [
    `Proxy overhead: ${settings.connections} connections, ${settings.rounds} round(s) of ${settings.durationSeconds} s per case after a warm-up; each case between two bare proxy runs of half that time`,
    '  (× bare proxy and p99 − bare: median over the rounds of the comparison with the bare proxy runs just before and just after, sent the same request; req/s, p50, p99: all rounds together; CPU µs/req: user + system time of the proxy process, all threads)',
    env.nginxProblem === null
      ? `  nginx ${env.nginx?.version ?? ''}: 1 worker, keep-alive upstream`
      : `  ${env.nginxProblem}`,
    table,
    `  × bare proxy per round: ${rows
      .filter((r) => r.kind === 'gateway')
      .map(
        (r) =>
          `${r.name.replace('gateway: ', '')} (${r.size}) ${r.ratiosPerRound.map((x) => x.toFixed(2)).join(' ')}`,
      )
      .join('; ')}`,
    `  CPU µs/req per run, in order: ${cpuLine}`,
    ...(unhealthy.length === 0
      ? []
      : [
          `  NOTE non-2xx or errors: ${unhealthy.map((r) => `${r.name} (${r.size}): ${r.result.non2xx} non-2xx, ${r.result.errors} errors`).join('; ')}`,
        ]),
  ].join('\n');
  await plain.stop();
  await logged.stop();
  return { rows, verdicts, text };
}
