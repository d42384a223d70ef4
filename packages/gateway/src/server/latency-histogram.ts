/**
 * A label-less Prometheus histogram whose `observe` costs a bucket search and three additions.
 * prom-client's own `Histogram#observe` validates labels, hashes them and turns the bucket bound into a
 * property name on every call; on the proxy's hot path (one observation per request) that showed in
 * the issue 6 profile. The exposition is prom-client's: the object is registered in its `Registry`
 * and answers `get()` the way prom-client's histograms do (`latency-histogram.test.ts` compares both).
 */
import type { Metric, Registry } from 'prom-client';

/** Options of {@link createLatencyHistogram}. */
export interface LatencyHistogramOptions {
  name: string;
  help: string;
  /** Upper bounds in seconds, ascending. */
  buckets: readonly number[];
  registers: readonly Registry[];
}

/** What the hot path sees. */
export interface LatencyHistogram {
  /** One observation in seconds; a value that is not a finite number is ignored. */
  observe(seconds: number): void;
}

/**
 * @example
 * ```ts
 * const upstream = createLatencyHistogram({ name: 'ata_upstream_response_seconds', help: '…', buckets: [0.01, 0.1, 1], registers: [registry] });
 * upstream.observe(0.004);
 * ```
 */
export function createLatencyHistogram(options: LatencyHistogramOptions): LatencyHistogram {
  const { name, help } = options;
  const bounds = [...options.buckets];
  for (let i = 1; i < bounds.length; i++) {
    if (!((bounds[i] as number) > (bounds[i - 1] as number))) throw new TypeError('buckets must ascend');
  }
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last slot is above every bound. */
  let counts = new Float64Array(bounds.length + 1);
  let sum = 0;
  let count = 0;
  /** Like prom-client: the zero series shows from the start, but not after `reset()` until an observation. */
  let shown = true;
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    labelNames: [],
    get() {
      const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> =
        [];
      if (!shown) return Promise.resolve({ name, help, type: 'histogram', values, aggregator: 'sum' });
      let cumulative = 0;
      for (let i = 0; i < bounds.length; i++) {
        cumulative += counts[i] as number;
        values.push({ labels: { le: bounds[i] as number }, value: cumulative, metricName: `${name}_bucket` });
      }
      values.push({ labels: { le: '+Inf' }, value: count, metricName: `${name}_bucket` });
      values.push({ labels: {}, value: sum, metricName: `${name}_sum` });
      values.push({ labels: {}, value: count, metricName: `${name}_count` });
      return Promise.resolve({ name, help, type: 'histogram', values, aggregator: 'sum' });
    },
    reset() {
      counts = new Float64Array(bounds.length + 1);
      sum = 0;
      count = 0;
      shown = false;
    },
  };
  for (const registry of options.registers) registry.registerMetric(metric as unknown as Metric);
  return {
    observe(seconds) {
      if (!Number.isFinite(seconds)) return;
      let i = 0;
      while (i < bounds.length && seconds > (bounds[i] as number)) i++;
      counts[i] = (counts[i] as number) + 1;
      shown = true;
      sum += seconds;
      count += 1;
    },
  };
}
