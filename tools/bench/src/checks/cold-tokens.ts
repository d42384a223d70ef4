/**
 * Issue 6 "Cold tokens": 200 distinct tokens, each used once, while a warm client keeps going.
 * Exactly one bcrypt comparison per token (read from the gateway's metrics endpoint), and the warm
 * client's p99 stays under 20 ms — bcrypt runs in worker threads, never on the event loop.
 */
import type { BenchEnvironment } from '../bench-environment.js';
import { runLoad } from '../load.js';
import { markdownTable, ms, whole } from '../markdown-table.js';
import type { Verdict } from '../verdict.js';
import { median, sendAll, statusSummary } from './concurrent-requests.js';

const PATH = '/rest/api/2/issue/BENCH-1';
const COLD_TOKENS = 200;

/**
 * @example
 * ```ts
 * const { text, verdicts } = await runColdTokenCheck(env);
 * ```
 */
export async function runColdTokenCheck(
  env: BenchEnvironment,
): Promise<{ text: string; verdicts: Verdict[] }> {
  const { settings } = env;
  const concurrency = Number(process.env.BENCH_COLD_CONCURRENCY ?? '8');
  const gateway = await env.startGateway('cold', {
    seedTokens: COLD_TOKENS + 2,
    returnTokens: COLD_TOKENS + 2,
  });
  const warm = gateway.tokens[1];
  const cold = gateway.tokens.slice(2, 2 + COLD_TOKENS);
  if (warm === undefined || cold.length !== COLD_TOKENS)
    throw new Error('the cold gateway has too few tokens');
  const url = `${gateway.url}${PATH}`;
  const warmHeaders = { authorization: `Bearer ${warm.token}` };

  // The warm token is verified here. Its cache entry lives 60 s and, being busy, is renewed before it
  // expires by a row read without a comparison: every comparison counted below is a cold token's.
  await runLoad({
    url,
    headers: warmHeaders,
    connections: settings.connections,
    durationSeconds: settings.warmupSeconds,
  });
  // The control: the same warm client with no cold tokens, just before (what the machine gives anyway).
  const alone = await runLoad({
    url,
    headers: warmHeaders,
    connections: settings.connections,
    durationSeconds: settings.durationSeconds,
  });
  const before = await gateway.bcryptComparisons();

  let coldDone: () => void = () => {};
  const until = new Promise<void>((resolve) => (coldDone = resolve));
  const warmClient = runLoad({
    url,
    headers: warmHeaders,
    connections: settings.connections,
    durationSeconds: 600,
    until,
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const coldStarted = performance.now();
  // Each token once, and once more right after (well within the cache lifetime): the second use is warm.
  const both = await sendAll(
    cold.flatMap((token) => {
      const request = { url, headers: { authorization: `Bearer ${token.token}` } };
      return [request, request];
    }),
    concurrency * 2,
    2,
  );
  const coldSeconds = (performance.now() - coldStarted) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 250));
  coldDone();
  const warmResult = await warmClient;
  const after = await gateway.bcryptComparisons();
  await gateway.stop();

  const answers = both.filter((_, index) => index % 2 === 0);
  const again = both.filter((_, index) => index % 2 === 1);
  const compared = after - before;
  const allOk = both.every((answer) => answer.status === 200);
  const coldLatencies = answers.map((answer) => answer.ms);
  const table = markdownTable(
    ['client', 'requests', 'req/s', 'p50 ms', 'p99 ms'],
    [
      [
        'warm token alone (control, just before)',
        whole(alone.requests),
        whole(alone.requestsPerSecond),
        ms(alone.p50),
        ms(alone.p99),
      ],
      [
        'warm token (during the cold phase)',
        whole(warmResult.requests),
        whole(warmResult.requestsPerSecond),
        ms(warmResult.p50),
        ms(warmResult.p99),
      ],
      [
        `cold tokens (${concurrency} at a time)`,
        whole(answers.length),
        whole(answers.length / coldSeconds),
        ms(median(coldLatencies)),
        ms(
          [...coldLatencies].sort((a, b) => a - b)[Math.ceil(0.99 * coldLatencies.length) - 1] ?? Number.NaN,
        ),
      ],
    ],
    ['left', 'right', 'right', 'right', 'right'],
  );
  return {
    text: [
      `Cold tokens: ${COLD_TOKENS} distinct tokens used once each while a warm client (${settings.connections} connections) keeps going`,
      table,
      `  answers: ${statusSummary(answers)} (second use, right after: ${statusSummary(again)}); bcrypt comparisons: ${compared} (the warm token's cache entry is renewed without one; the cold phase took ${coldSeconds.toFixed(0)} s)`,
    ].join('\n'),
    verdicts: [
      {
        target: 'cold tokens: exactly one bcrypt comparison per token',
        met: compared === COLD_TOKENS && allOk,
        detail: `${compared} comparisons for ${COLD_TOKENS} tokens used twice each${allOk ? '' : '; not every answer was 200'}`,
      },
      {
        target: 'cold tokens: warm client p99 < 20 ms',
        met: warmResult.p99 < 20 && warmResult.non2xx === 0,
        detail: `${ms(warmResult.p99)} ms (${ms(alone.p99)} ms without cold tokens)`,
      },
    ],
  };
}
