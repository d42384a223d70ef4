/**
 * Load generation with autocannon: fixed connections, a warm-up that is thrown away, then a measured
 * run. Latencies are taken from every response (autocannon's own histogram has a 1 ms resolution,
 * too coarse for "p99 at most 1 ms above the bare proxy"), so p50 and p99 are exact to the microsecond.
 */
import autocannon from 'autocannon';

/** One measured run. */
export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  /** Responses outside 2xx, and connection errors or timeouts: a healthy case has none. */
  non2xx: number;
  errors: number;
  bytes: number;
  /** Every response time in ms, for merging rounds. */
  latencies: Float64Array;
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  durationSeconds?: number;
  /** Stop after this many requests. */
  amount?: number;
  /** Called for every request: e.g. to cycle through tokens. */
  headersFor?: (requestNumber: number) => Record<string, string>;
  /** Stops the run early when it resolves (the cold-token check stops its warm client this way). */
  until?: Promise<unknown>;
}

/** The `q`-quantile (0…1) of sorted values, nearest rank. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Figures of a set of response times measured over `seconds`. */
export function summarise(
  latencies: Float64Array,
  seconds: number,
  extra: { non2xx: number; errors: number; bytes: number },
): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    seconds,
    requestsPerSecond: latencies.length / seconds,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    ...extra,
    latencies,
  };
}

/** Merges rounds of one case: all responses, all seconds. */
export function mergeResults(results: readonly LoadResult[]): LoadResult {
  const total = results.reduce((sum, result) => sum + result.latencies.length, 0);
  const latencies = new Float64Array(total);
  let offset = 0;
  for (const result of results) {
    latencies.set(result.latencies, offset);
    offset += result.latencies.length;
  }
  return summarise(
    latencies,
    results.reduce((sum, result) => sum + result.seconds, 0),
    {
      non2xx: results.reduce((sum, result) => sum + result.non2xx, 0),
      errors: results.reduce((sum, result) => sum + result.errors, 0),
      bytes: results.reduce((sum, result) => sum + result.bytes, 0),
    },
  );
}

/**
 * Runs autocannon once and measures every 2xx response.
 *
 * @example
 * ```ts
 * const result = await runLoad({ url: 'http://127.0.0.1:8080/x', connections: 10, durationSeconds: 5 });
 * console.log(result.requestsPerSecond, result.p99);
 * ```
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let latencies = new Float64Array(65_536);
  let count = 0;
  let requestNumber = 0;
  const headersFor = options.headersFor;
  let finish: (result: autocannon.Result) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections,
      pipelining: 1,
      timeout: 30,
      ...(options.amount === undefined
        ? { duration: options.durationSeconds ?? 5 }
        : { amount: options.amount }),
      ...(options.headers === undefined ? {} : { headers: options.headers }),
      ...(headersFor === undefined
        ? {}
        : {
            requests: [
              {
                setupRequest: (request) => ({
                  ...request,
                  headers: { ...request.headers, ...headersFor(requestNumber++) },
                }),
              },
            ],
          }),
    },
    (error: unknown, result: autocannon.Result) => (error ? fail(error) : finish(result)),
  );
  const started = performance.now();
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode < 200 || statusCode > 299) return;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
  });
  void options.until?.then(() => instance.stop());
  const result = await done;
  const seconds = (performance.now() - started) / 1000;
  return summarise(latencies.slice(0, count), seconds, {
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    bytes: result.throughput.total,
  });
}
