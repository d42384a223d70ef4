/**
 * Issue 6 "256 KB responses stream": 1 GiB of 256 KB responses through the gateway with a token; the
 * gateway's peak RSS may grow by less than 50 MB (sampled every 20 ms inside the gateway process).
 */
import type { BenchEnvironment } from '../bench-environment.js';
import { runLoad } from '../load.js';
import type { Verdict } from '../verdict.js';

const RESPONSE_BYTES = 256 * 1024;
const TOTAL_BYTES = 2 ** 30;

/**
 * @example
 * ```ts
 * const { text, verdicts } = await runStreamingCheck(env);
 * ```
 */
export async function runStreamingCheck(
  env: BenchEnvironment,
): Promise<{ text: string; verdicts: Verdict[] }> {
  const gateway = await env.startGateway('streaming');
  const token = gateway.tokens[1];
  if (token === undefined) throw new Error('the streaming gateway has no token');
  const load = {
    url: `${gateway.url}/rest/api/2/attachment/large`,
    headers: { authorization: `Bearer ${token.token}` },
    connections: env.settings.connections,
  };
  await runLoad({ ...load, amount: 200 });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await gateway.child.request('peakStart');
  const result = await runLoad({ ...load, amount: TOTAL_BYTES / RESPONSE_BYTES });
  const memory = await gateway.child.request<{ baselineMb: number; peakMb: number; endMb: number }>(
    'peakStop',
  );
  await gateway.stop();
  const growth = memory.peakMb - memory.baselineMb;
  const transferredMb = result.bytes / 2 ** 20;
  return {
    text: [
      `Streaming: ${(TOTAL_BYTES / RESPONSE_BYTES).toLocaleString('en-US')} × 256 KB responses (${transferredMb.toFixed(0)} MiB incl. headers) with a token, ${env.settings.connections} connections`,
      `  ${result.seconds.toFixed(1)} s, ${(transferredMb / result.seconds).toFixed(0)} MiB/s; gateway RSS ${memory.baselineMb.toFixed(1)} MB before, peak ${memory.peakMb.toFixed(1)} MB, ${memory.endMb.toFixed(1)} MB after; ${result.non2xx} non-2xx, ${result.errors} errors`,
    ].join('\n'),
    verdicts: [
      {
        target: 'streaming: peak RSS grows < 50 MB over 1 GB of 256 KB responses',
        met: growth < 50 && result.non2xx === 0 && result.errors === 0 && transferredMb >= 1024,
        detail: `+${growth.toFixed(1)} MB`,
      },
    ],
  };
}
