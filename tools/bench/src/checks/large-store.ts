/**
 * Issue 6 "100,000 stored tokens" and "Memory": a gateway over 100,000 tokens next to one over 100,
 * started side by side (databases on tmpfs so that seeding 100,000 rows takes seconds, not minutes).
 * Cold verification time (one request per never-seen token, alternating between the two) and warm
 * throughput (interleaved rounds) must be within 10%; the large gateway's RSS must stay under 150 MB
 * with 100 concurrent connections.
 */
import type { BenchEnvironment } from '../bench-environment.js';
import { mergeResults, runLoad, type LoadResult } from '../load.js';
import { markdownTable, ms, whole } from '../markdown-table.js';
import type { Verdict } from '../verdict.js';
import { median, sendAll } from './concurrent-requests.js';

const PATH = '/rest/api/2/issue/BENCH-1';
const TOKENS_RETURNED = 100;

/**
 * @example
 * ```ts
 * const { text, verdicts } = await runLargeStoreCheck(env);
 * ```
 */
export async function runLargeStoreCheck(
  env: BenchEnvironment,
): Promise<{ text: string; verdicts: Verdict[] }> {
  const { settings } = env;
  const coldSamples = Number(process.env.BENCH_COLD_SAMPLES ?? '30');
  const [small, large] = await Promise.all([
    env.startGateway('store-100', { seedTokens: 100, returnTokens: TOKENS_RETURNED, onTmpfs: true }),
    env.startGateway('store-large', {
      seedTokens: settings.largeStoreTokens,
      returnTokens: TOKENS_RETURNED,
      onTmpfs: true,
    }),
  ]);
  const gateways = [small, large] as const;
  const idleRss = await large.child.request<number>('rss');

  // Cold: the same never-seen token ids on both, one request at a time, alternating.
  const cold: [number[], number[]] = [[], []];
  for (let i = 1; i <= coldSamples; i++) {
    for (const [which, gateway] of gateways.entries()) {
      const token = gateway.tokens[i];
      if (token === undefined) throw new Error('too few tokens returned');
      const [answer] = await sendAll(
        [{ url: `${gateway.url}${PATH}`, headers: { authorization: `Bearer ${token.token}` } }],
        1,
      );
      if (answer?.status !== 200) throw new Error(`${gateway.name}: a cold token got ${answer?.status}`);
      cold[which]?.push(answer.ms);
    }
  }

  // Warm throughput with one warm token each, interleaved rounds; the order flips every round (A B,
  // B A, …), so a machine that gets steadily faster or slower does not favour the one measured first.
  const warmRuns: [LoadResult[], LoadResult[]] = [[], []];
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order) {
      const gateway = gateways[which] as (typeof gateways)[number];
      const load = {
        url: `${gateway.url}${PATH}`,
        headers: { authorization: `Bearer ${gateway.tokens[0]?.token ?? ''}` },
        connections: settings.connections,
      };
      await runLoad({
        ...load,
        durationSeconds: round === 0 ? settings.warmupSeconds : Math.max(0.5, settings.warmupSeconds / 3),
      });
      warmRuns[which]?.push(await runLoad({ ...load, durationSeconds: settings.durationSeconds }));
    }
  }
  const warm = [mergeResults(warmRuns[0]), mergeResults(warmRuns[1])] as const;

  // Memory: 100 connections cycling through 100 warm tokens on the large store.
  const tokens = large.tokens.slice(0, TOKENS_RETURNED).map((token) => `Bearer ${token.token}`);
  await sendAll(
    tokens.map((authorization) => ({ url: `${large.url}${PATH}`, headers: { authorization } })),
    4,
  );
  await large.child.request('peakStart');
  const crowd = await runLoad({
    url: `${large.url}${PATH}`,
    connections: 100,
    durationSeconds: settings.durationSeconds,
    headersFor: (n) => ({ authorization: tokens[n % tokens.length] ?? '' }),
  });
  const memory = await large.child.request<{ baselineMb: number; peakMb: number; endMb: number }>('peakStop');
  await Promise.all(gateways.map((gateway) => gateway.stop()));

  const coldMedian = [median(cold[0]), median(cold[1])] as const;
  const coldRatio = coldMedian[1] / coldMedian[0];
  const warmRatio = warm[1].requestsPerSecond / warm[0].requestsPerSecond;
  const largeName = `${whole(settings.largeStoreTokens)} tokens`;
  const table = markdownTable(
    ['store', 'seeded in s', 'cold verification median ms', 'warm req/s', 'warm p99 ms'],
    [
      [
        '100 tokens',
        small.seedSeconds.toFixed(1),
        ms(coldMedian[0]),
        whole(warm[0].requestsPerSecond),
        ms(warm[0].p99),
      ],
      [
        largeName,
        large.seedSeconds.toFixed(1),
        ms(coldMedian[1]),
        whole(warm[1].requestsPerSecond),
        ms(warm[1].p99),
      ],
    ],
    ['left', 'right', 'right', 'right', 'right'],
  );
  return {
    text: [
      `Large store: ${largeName} vs 100 (cold: ${coldSamples} never-seen tokens each, alternating; warm: ${settings.connections} connections)`,
      table,
      `  memory (${largeName}): ${idleRss.toFixed(1)} MB idle; with 100 connections cycling 100 warm tokens ${whole(crowd.requestsPerSecond)} req/s, RSS peak ${memory.peakMb.toFixed(1)} MB, ${memory.endMb.toFixed(1)} MB after; ${crowd.non2xx} non-2xx, ${crowd.errors} errors`,
    ].join('\n'),
    verdicts: [
      {
        target: `${largeName}: cold verification time within 10% of 100 tokens`,
        met: coldRatio <= 1.1,
        detail: `${coldRatio.toFixed(2)} × (${ms(coldMedian[1])} vs ${ms(coldMedian[0])} ms)`,
      },
      {
        target: `${largeName}: warm throughput within 10% of 100 tokens`,
        met: warmRatio >= 0.9,
        detail: `${warmRatio.toFixed(2)} ×`,
      },
      {
        target: `memory: RSS < 150 MB with ${largeName} and 100 concurrent connections`,
        met: memory.peakMb < 150 && crowd.non2xx === 0 && crowd.errors === 0,
        detail: `peak ${memory.peakMb.toFixed(1)} MB`,
      },
    ],
  };
}
