/**
 * The processes one benchmark run needs, started once and shared by the sections: the upstream, the
 * bare proxy, nginx (when installed), and gateways started on demand, each with its own database.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_NODE_FLAGS } from '@api-token-auth/gateway';
import { startChild, type Child } from './child-process.js';
import type { GatewayReady } from './children/gateway.js';
import type { SeedReady, SeededToken } from './children/seed-store.js';
import { startNginx, type RunningNginx } from './nginx.js';
import type { BenchSettings } from './settings.js';

/** A gateway child with what the parent needs to talk to it. */
export interface BenchGateway {
  name: string;
  url: string;
  metricsUrl: string;
  tokens: SeededToken[];
  seedSeconds: number;
  child: Child<GatewayReady>;
  /** `ata_bcrypt_comparisons_total`, read from the metrics endpoint. */
  bcryptComparisons(): Promise<number>;
  /** A counter or gauge of the metrics endpoint (sum over label sets). */
  metric(name: string): Promise<number>;
  stop(): Promise<void>;
}

/** Options of {@link BenchEnvironment.startGateway}. */
export interface GatewayOptions {
  /** Tokens seeded into its store before it starts (default 2). */
  seedTokens?: number;
  /** How many of them the parent gets to see (default all up to 300). */
  returnTokens?: number;
  /** Put the database in `settings.seedDir` (tmpfs) instead of `settings.databaseDir`. */
  onTmpfs?: boolean;
  /** Node flags of the gateway process (default `GATEWAY_NODE_FLAGS`, those the adapters' bins start with). */
  nodeFlags?: readonly string[];
  /** Further `ATA_*` variables of the gateway (e.g. `{ ATA_ACCESS_LOG: 'all' }`). */
  env?: Readonly<Record<string, string>>;
}

export interface BenchEnvironment {
  settings: BenchSettings;
  dir: string;
  upstream: Child;
  upstreamUrl: string;
  bareProxy: Child;
  bareProxyUrl: string;
  nginx: RunningNginx | null;
  /** Why there is no nginx baseline (`nginx missing`, or the start error). */
  nginxProblem: string | null;
  startGateway(name: string, options?: GatewayOptions): Promise<BenchGateway>;
  close(): Promise<void>;
}

/** Sums the samples of one metric in a Prometheus text exposition. */
export function metricValue(text: string, name: string): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) {
      sum += value;
      found = true;
    }
  }
  if (!found) throw new Error(`metric ${name} not found`);
  return sum;
}

/**
 * @example
 * ```ts
 * const env = await startBenchEnvironment(readBenchSettings(process.env));
 * const gateway = await env.startGateway('plain');
 * await env.close();
 * ```
 */
export async function startBenchEnvironment(settings: BenchSettings): Promise<BenchEnvironment> {
  const dir = mkdtempSync(join(settings.databaseDir, 'ata-bench-'));
  const seedDir = mkdtempSync(join(settings.seedDir, 'ata-bench-seed-'));
  const children: Array<{ stop(): Promise<void> }> = [];
  const upstream = await startChild('upstream', { stderrFile: join(dir, 'upstream.log') });
  children.push(upstream);
  const upstreamUrl = `http://127.0.0.1:${upstream.ready.port}`;
  const bare = await startChild('bare-proxy', {
    env: { BENCH_UPSTREAM_URL: upstreamUrl },
    stderrFile: join(dir, 'bare-proxy.log'),
  });
  children.push(bare);

  let nginx: RunningNginx | null = null;
  let nginxProblem: string | null = null;
  try {
    nginx = await startNginx(join(dir, 'nginx'), upstream.ready.port);
    if (nginx === null)
      nginxProblem = 'nginx missing (install it, e.g. `apt-get install nginx`, for this baseline)';
  } catch (error) {
    nginxProblem = `nginx failed to start: ${(error as Error).message}`;
  }
  if (nginx !== null) children.push(nginx);

  return {
    settings,
    dir,
    upstream,
    upstreamUrl,
    bareProxy: bare,
    bareProxyUrl: `http://127.0.0.1:${bare.ready.port}`,
    nginx,
    nginxProblem,
    async startGateway(name, options = {}) {
      const seedTokens = options.seedTokens ?? 2;
      const home = join(options.onTmpfs === true ? seedDir : dir, name);
      mkdirSync(home, { recursive: true });
      const gatewayEnv: NodeJS.ProcessEnv = {
        ATA_UPSTREAM_URL: upstreamUrl,
        ATA_HOST: '127.0.0.1',
        ATA_PORT: '0',
        ATA_DATABASE: `sqlite:${join(home, 'gateway.db')}`,
        ATA_SERVICE_USER: 'bench',
        ATA_SERVICE_PASSWORD: 'bench-service-password',
        ATA_METRICS_PORT: '0',
        ATA_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
        ...options.env,
      };
      const seeder = await startChild<SeedReady>('seed-store', {
        stderrFile: join(home, 'seed.log'),
        readyTimeoutMs: 600_000,
        env: {
          ...gatewayEnv,
          BENCH_SEED_TOKENS: String(seedTokens),
          BENCH_RETURN_TOKENS: String(options.returnTokens ?? Math.min(seedTokens, 300)),
        },
      });
      const { tokens, seedSeconds } = seeder.ready;
      await seeder.stop();
      const child = await startChild<GatewayReady>('gateway', {
        stderrFile: join(home, 'gateway.log'),
        env: gatewayEnv,
        // Started as the adapters' bins start it (their `#!` line carries these flags).
        nodeFlags: options.nodeFlags ?? GATEWAY_NODE_FLAGS,
      });
      children.push(child);
      const metricsText = async () => (await fetch(child.ready.metricsUrl)).text();
      return {
        name,
        url: `http://127.0.0.1:${child.ready.port}`,
        metricsUrl: child.ready.metricsUrl,
        tokens,
        seedSeconds,
        child,
        bcryptComparisons: async () => metricValue(await metricsText(), 'ata_bcrypt_comparisons_total'),
        metric: async (metric) => metricValue(await metricsText(), metric),
        stop: () => child.stop(),
      };
    },
    async close() {
      await Promise.allSettled(children.reverse().map((child) => child.stop()));
      if (process.env.BENCH_KEEP !== '1') {
        rmSync(dir, { recursive: true, force: true });
        rmSync(seedDir, { recursive: true, force: true });
      }
    },
  };
}
