/**
 * One gateway under test, started the way an adapter starts it (`runGatewayFromEnv`: configuration
 * from `ATA_*`, pino lines and access lines to stderr through a synchronous destination, metrics on
 * `ATA_METRICS_PORT`) with the in-process bench product. Its store was seeded beforehand by
 * `seed-store.ts` in another process.
 *
 * Ready message: `{port, metricsUrl}`. Commands: `comparisons`, `rss`, `memory`, `peakStart`, `peakStop` (and
 * the built-in `cpu`).
 */
import { runGatewayFromEnv } from '@api-token-auth/gateway';
import { createBenchProduct } from '../bench-product.js';
import { getHeapSpaceStatistics } from 'node:v8';
import { peakRssSampler, serveCommands } from '../child-process.js';

/** The gateway child's ready message. */
export interface GatewayReady {
  type: 'ready';
  port: number;
  metricsUrl: string;
  [key: string]: unknown;
}

function memoryReport(): Record<string, number> {
  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  const report: Record<string, number> = {};
  for (const [name, bytes] of Object.entries(process.memoryUsage())) report[name] = mb(bytes);
  for (const space of getHeapSpaceStatistics()) report[`heap.${space.space_name}`] = mb(space.space_size);
  return report;
}

const gateway = await runGatewayFromEnv({
  productKey: 'jira',
  createProduct: () => createBenchProduct(),
});
const metricsUrl = gateway.metrics?.url;
if (metricsUrl === undefined) throw new Error('the benchmark needs ATA_METRICS_PORT');
const peak = peakRssSampler();
const ready: GatewayReady = { type: 'ready', port: gateway.port, metricsUrl };
serveCommands(ready, {
  comparisons: () => gateway.bcryptComparisons(),
  rss: () => process.memoryUsage.rss() / 1024 / 1024,
  /** Where the memory is (MB): the process's parts and V8's heap spaces, for investigating RSS. */
  memory: () => memoryReport(),
  peakStart: () => peak.start(),
  peakStop: () => peak.stop(),
});
