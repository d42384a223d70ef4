/**
 * One product stack over real ports: a sandbox product, the real adapter bin in front of it (a child
 * process), and a SQLite database in a temporary directory.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConfluenceSandbox, startJiraSandbox } from '@api-token-auth/sandbox';
import type { ConfluenceSandboxOptions, JiraSandboxOptions, Sandbox } from '@api-token-auth/sandbox';
import { spawnAdapter } from './adapter-process.js';
import type { AdapterProcess, ExitStatus } from './adapter-process.js';
import { PROFILES } from './products.js';
import type { ProductName, ProductProfile } from './products.js';

/** Options of {@link startStack}. */
export interface StackOptions {
  product: ProductName;
  /** Sandbox options; `identitySecret` defaults to a fresh random secret shared with the adapter. */
  sandbox?: JiraSandboxOptions & ConfluenceSandboxOptions;
  /** Extra adapter environment (overrides the defaults below). */
  env?: Record<string, string | undefined>;
  /** SQLite file; default `<fresh temp dir>/gateway.db`. */
  databasePath?: string;
  /** Runs after the sandbox started and before the adapter does, e.g. to change seeded passwords. */
  prepareSandbox?: (sandbox: Sandbox) => void | Promise<void>;
}

/** A running stack. */
export interface Stack {
  readonly product: ProductName;
  readonly profile: ProductProfile;
  readonly sandbox: Sandbox;
  /** `http://HOST:PORT` of the adapter, without the context path. */
  readonly origin: string;
  /** The adapter's base URL including the product's context path (`''` or `/confluence`). */
  readonly gatewayUrl: string;
  /** `''` or e.g. `/confluence`. */
  readonly contextPath: string;
  readonly databasePath: string;
  /** The shared secret the adapter sends upstream (and the sandbox checks). */
  readonly identitySecret: string;
  /** Every stdout and stderr line the adapter printed, across restarts. */
  readonly logs: string[];
  /** Absolute URL of a context-relative path, sent as written: `url('/rest/api/2/myself')`. */
  url(path: string): string;
  /** Absolute URL under the management API: `api('/tokens')`. */
  api(path: string): string;
  /**
   * SIGTERM the adapter, wait for it to exit, run `beforeStart` (e.g. edit the stopped database), start
   * it again on the same database and port.
   */
  restart(options?: {
    beforeStart?: () => void | Promise<void>;
    signal?: NodeJS.Signals;
  }): Promise<ExitStatus>;
  /** Send `signal` to the adapter and wait for it to exit (it stays down until {@link Stack.restart}). */
  kill(signal?: NodeJS.Signals): Promise<ExitStatus>;
  /** Stop the adapter and the sandbox and remove the temporary directory. */
  close(): Promise<void>;
}

/** The management API's base path below the context path. */
export const API_BASE = '/rest/api-token-auth/1.0';

/**
 * The adapter batches its log writes: access lines within 100 ms (packages/gateway src/log/logger.ts),
 * then the destination at least every 200 ms (src/run.ts). Wait past both before reading `stack.logs`
 * for requests just made, so a check over the logs sees every line of them.
 *
 * @example
 * const lines = await settledLogs(stack);
 */
export async function settledLogs(stack: Pick<Stack, 'logs'>, waitMs = 600): Promise<readonly string[]> {
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  return stack.logs;
}

/**
 * Starts a sandbox and the real adapter in front of it.
 *
 * @example
 * ```ts
 * const stack = await startStack({ product: 'confluence', sandbox: { legacyAudit: true } });
 * const res = await send(stack.url('/rest/api/content/1001'), { headers: basic('alice', 'alice') });
 * await stack.close();
 * ```
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const identitySecret = options.sandbox?.identitySecret ?? randomBytes(24).toString('hex');
  // A high CAPTCHA threshold keeps the product's own lock out of the way of the gateway's counting.
  const sandboxOptions = { captchaThreshold: 1000, ...options.sandbox, identitySecret };
  const sandbox =
    options.product === 'jira'
      ? await startJiraSandbox(sandboxOptions)
      : await startConfluenceSandbox(sandboxOptions);
  const ownDir = options.databasePath === undefined ? mkdtempSync(join(tmpdir(), 'ata-e2e-')) : null;
  const databasePath = options.databasePath ?? join(ownDir ?? '', 'gateway.db');
  const contextPath = new URL(sandbox.url).pathname.replace(/\/$/, '');
  const logs: string[] = [];
  const env: Record<string, string | undefined> = {
    ATA_UPSTREAM_URL: sandbox.url,
    ATA_HOST: '127.0.0.1',
    ATA_PORT: '0',
    ATA_DATABASE: `sqlite:${databasePath}`,
    ATA_SERVICE_USER: 'admin',
    ATA_SERVICE_PASSWORD: 'admin',
    ATA_IDENTITY_SECRET: identitySecret,
    ATA_BCRYPT_COST: '4',
    ATA_LOG_LEVEL: 'info',
    ...options.env,
  };

  let adapter: AdapterProcess | null = null;
  let origin = '';
  const launch = async (): Promise<void> => {
    adapter = spawnAdapter({ product: options.product, env, onLine: (line) => logs.push(line) });
    origin = await adapter.listening;
    // Same port after a restart, so URLs held by tests stay valid.
    env.ATA_PORT = new URL(origin).port;
  };
  const stop = async (signal: NodeJS.Signals): Promise<ExitStatus> => {
    const running: AdapterProcess | null = adapter;
    adapter = null;
    return running === null ? { code: null, signal: null } : running.stop(signal);
  };

  try {
    await options.prepareSandbox?.(sandbox);
    await launch();
  } catch (error) {
    await sandbox.close();
    if (ownDir !== null) rmSync(ownDir, { recursive: true, force: true });
    throw error;
  }

  return {
    product: options.product,
    profile: PROFILES[options.product],
    sandbox,
    get origin() {
      return origin;
    },
    get gatewayUrl() {
      return `${origin}${contextPath}`;
    },
    contextPath,
    databasePath,
    identitySecret,
    logs,
    url: (path) => `${origin}${contextPath}${path}`,
    api: (path) => `${origin}${contextPath}${API_BASE}${path}`,
    async restart(restartOptions = {}) {
      const status = await stop(restartOptions.signal ?? 'SIGTERM');
      await restartOptions.beforeStart?.();
      await launch();
      return status;
    },
    kill: (signal = 'SIGTERM') => stop(signal),
    async close() {
      await stop('SIGTERM');
      await sandbox.close();
      if (ownDir !== null) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}
