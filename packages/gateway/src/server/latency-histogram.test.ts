import { Histogram, Registry } from 'prom-client';
import { describe, expect, test } from 'vitest';
import { createLatencyHistogram } from './latency-histogram.js';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

describe('createLatencyHistogram', () => {
  test('exposes exactly what a prom-client Histogram exposes for the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const histogram = createLatencyHistogram({
      name: 'x_seconds',
      help: 'Some latency',
      buckets: BUCKETS,
      registers: [ours],
    });
    const reference = new Histogram({
      name: 'x_seconds',
      help: 'Some latency',
      buckets: BUCKETS,
      registers: [theirs],
    });
    expect(await ours.metrics()).toBe(await theirs.metrics());
    for (const value of [0, 0.0004, 0.001, 0.0011, 0.003, 0.02, 0.02, 0.7, 1, 9.99, 10, 11, 120]) {
      histogram.observe(value);
      reference.observe(value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    ours.resetMetrics();
    theirs.resetMetrics();
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  test('ignores what is not a finite number instead of corrupting the sum', async () => {
    const registry = new Registry();
    const histogram = createLatencyHistogram({
      name: 'y_seconds',
      help: 'h',
      buckets: [1],
      registers: [registry],
    });
    histogram.observe(Number.NaN);
    histogram.observe(Number.POSITIVE_INFINITY);
    histogram.observe(0.5);
    expect(await registry.metrics()).toContain('y_seconds_count 1');
    expect(await registry.metrics()).toContain('y_seconds_sum 0.5');
  });

  test('refuses buckets that do not ascend', () => {
    expect(() => createLatencyHistogram({ name: 'z', help: 'h', buckets: [1, 1], registers: [] })).toThrow(
      TypeError,
    );
  });
});
