/**
 * `runGatewayFromEnv`: the whole life of an adapter process — configuration from the environment,
 * start, the one `listening on …` line, graceful shutdown on SIGTERM/SIGINT.
 */
import type { Logger } from 'pino';
import type { Product } from '@api-token-auth/product-port';
import { parseGatewayConfig } from './config/gateway-config.js';
import { startGateway, type RunningGateway, type StartGatewayOptions } from './gateway.js';
import { createLogger, flushAccessLines } from './log/logger.js';
import { createFdDestination } from './log/fd-destination.js';
import { StoreError } from './store/store-error.js';

/** What an adapter hands to {@link runGatewayFromEnv}. */
export interface RunGatewayFromEnvOptions {
  /** Short lower-case name of the product, used for the default database file (`sqlite:./.data/<productKey>.db`). */
  productKey: string;
  /** Builds the adapter from the validated configuration. Throwing here is a configuration problem (exit 2). */
  createProduct(config: { upstreamUrl: string; serviceUser: string; servicePassword: string }): Product;
  /** Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Extra start options (a UI, tuning). */
  start?: Pick<StartGatewayOptions, 'createUi' | 'tuning'>;
}

/**
 * The Node flags an adapter process is started with: the adapters' bins carry them in their `#!` line
 * (a test checks that), and a gateway started by hand should get them too.
 *
 * `--max-semi-space-size=8`: under sustained load V8 lets the young generation grow to two 16 MB
 * semi-spaces. A request's garbage dies young, and two 8 MB semi-spaces hold it as well; the process
 * stays about 20 MB smaller under load (issue 6's memory target, docs/performance.md change 12).
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = Object.freeze(['--max-semi-space-size=8']);

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim();
}

/**
 * Runs an adapter until SIGTERM/SIGINT. Invalid configuration: each problem on its own stderr line,
 * exit code 2, before listening. Storage that cannot be opened: one line, exit code 1. On start,
 * prints exactly `listening on http://HOST:PORT` to stdout.
 *
 * @example
 * ```ts
 * await runGatewayFromEnv({ productKey: 'jira', createProduct: (config) => createJiraProduct(config) });
 * ```
 */
export async function runGatewayFromEnv(options: RunGatewayFromEnvOptions): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const parsed = parseGatewayConfig(env, { productKey: options.productKey });
  if (!parsed.ok) {
    for (const problem of parsed.problems) process.stderr.write(`${problem}\n`);
    process.exit(2);
  }
  const config = parsed.config;

  let product: Product;
  try {
    product = options.createProduct({
      upstreamUrl: config.upstreamUrl,
      serviceUser: config.serviceUser,
      servicePassword: config.servicePassword,
    });
  } catch (error) {
    process.stderr.write(`${oneLine(error)}\n`);
    process.exit(2);
  }
  if (config.adminGroups.length === 0) config.adminGroups = [...product.defaultAdminGroups];

  // Logs go to stderr: stdout carries the one `listening on …` line that scripts wait for. Access
  // lines are written in batches of about 16 KB, at the latest after 100 ms (one `write` per request
  // was a large part of the gateway's own cost per request, docs/performance.md); every write is
  // synchronous, so flushing the batch is all an exit needs.
  const logger: Logger = createLogger({ level: config.logLevel, destination: createFdDestination(2) });
  const exit: (code: number) => never = (code) => {
    flushAccessLines(logger);
    process.exit(code);
  };
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({ config, product, logger, ...options.start });
  } catch (error) {
    if (error instanceof StoreError) {
      process.stderr.write(`Cannot open the database (${error.code}): ${oneLine(error)}\n`);
    } else {
      const code = (error as { code?: unknown }).code;
      process.stderr.write(
        code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL'
          ? `Cannot listen on ${config.host}:${config.port} (${String(code)})\n`
          : `Cannot start: ${oneLine(error)}\n`,
      );
    }
    await product.close?.().catch(() => undefined);
    return exit(1);
  }
  process.stdout.write(
    `listening on http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${gateway.port}\n`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const forced = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      exit(1);
    }, 30_000);
    forced.unref();
    gateway
      .close()
      .then(() => product.close?.())
      .then(
        () => exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return gateway;
}
