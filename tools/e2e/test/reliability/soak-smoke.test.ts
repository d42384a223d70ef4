/**
 * The soak of issue 7 ("Load"), shortened to about 20 seconds so that its code stays checked in
 * `npm test`: the same mixed traffic (src/soak.ts), zero unexpected answers, every operation exercised,
 * and the adapter's open file descriptors bounded. The full 10-minute run and its RSS figures are
 * `npm run soak` (docs/reliability.md).
 */
import { describe, expect, test } from 'vitest';
import { flatness, runSoak } from '../../src/soak.js';

describe('soak (smoke: ~20 s)', () => {
  test('mixed traffic against the jira adapter: no unexpected answer, descriptors do not pile up', async () => {
    const report = await runSoak({
      product: 'jira',
      durationMs: 20_000,
      rate: 80,
      workers: 4,
      sampleEveryMs: 2_000,
      warmupMs: 6_000,
    });
    expect(report.unexpectedSamples).toEqual([]);
    expect(report.unexpected).toBe(0);
    expect(report.requests).toBeGreaterThan(200);
    expect(Object.keys(report.byOperation)).toHaveLength(13);
    expect(report.tokensCreated).toBeGreaterThan(0);
    expect(report.tokensDeleted).toBe(report.tokensCreated);
    expect(report.samples.length).toBeGreaterThanOrEqual(8);
    for (const sample of report.samples) {
      expect(sample.rssKiB).toBeGreaterThan(10_000);
      expect(sample.fds).toBeGreaterThan(5);
    }
    // Keep-alive sockets come and go with the load; a leak grows with every request instead.
    expect(report.fds.max - report.fds.min).toBeLessThanOrEqual(24);
  }, 60_000);

  test('flatness: mean of the first and last fifth, least-squares slope per minute', () => {
    const points = Array.from({ length: 10 }, (_, i) => ({ atMs: i * 6_000, value: 100 + i }));
    expect(flatness(points)).toEqual({
      early: 101,
      late: 109,
      min: 100,
      max: 109,
      slopePerMinute: 10,
      floors: [100],
    });
    const sawtooth = [150, 190, 140, 185, 141, 188].map((value, i) => ({ atMs: i * 30_000, value }));
    expect(flatness(sawtooth).floors).toEqual([150, 140, 141]);
    expect(flatness([{ atMs: 0, value: 5 }])).toMatchObject({ early: 5, late: 5, slopePerMinute: 0 });
  });
});
