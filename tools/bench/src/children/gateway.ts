/**
 * One gateway under test, started the way an adapter starts it (`runGatewayFromEnv`: configuration
 * from `ATA_*`, pino access lines to stderr through an async destination, metrics on
 * `ATA_METRICS_PORT`) with the in-process bench product. Its store was seeded beforehand by
 * `seed-store.ts` in another process.
 *
 * Ready message: `{port, metricsUrl}`. Commands: `comparisons`, `rss`, `peakStart`, `peakStop` (and
 * the built-in `cpu`).
 */
import { runGatewayFromEnv } from '@api-token-auth/gateway';
import { createBenchProduct } from '../bench-product.js';
import { peakRssSampler, serveCommands } from '../child-process.js';

/** The gateway child's ready message. */
export interface GatewayReady {
  type: 'ready';
  port: number;
  metricsUrl: string;
  [key: string]: unknown;
}

const gateway = await runGatewayFromEnv({ productKey: 'jira', createProduct: () => createBenchProduct() });
const metricsUrl = gateway.metrics?.url;
if (metricsUrl === undefined) throw new Error('the benchmark needs ATA_METRICS_PORT');
const peak = peakRssSampler();
const ready: GatewayReady = { type: 'ready', port: gateway.port, metricsUrl };
serveCommands(ready, {
  comparisons: () => gateway.bcryptComparisons(),
  rss: () => process.memoryUsage.rss() / 1024 / 1024,
  peakStart: () => peak.start(),
  peakStop: () => peak.stop(),
});
