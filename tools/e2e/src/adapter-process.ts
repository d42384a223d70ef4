/**
 * The real deployable, spawned as a child process exactly as its bin runs: `node <GATEWAY_NODE_FLAGS>
 * dist/main.js` (the flags of its `#!` line), configured by environment variables.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { GATEWAY_NODE_FLAGS } from '@api-token-auth/gateway';
import type { ProductName } from './products.js';

/** Absolute path of an adapter's built bin (`apps/<product>-adapter/dist/main.js`). */
export function adapterBin(product: ProductName): string {
  return fileURLToPath(new URL(`../../../apps/${product}-adapter/dist/main.js`, import.meta.url));
}

/** How a process ended. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The environment of the test runner minus anything that would leak into the adapter's configuration. */
function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name.startsWith('ATA_') || name === 'NODE_OPTIONS') continue;
    env[name] = value;
  }
  return env;
}

/** One spawned adapter process. */
export interface AdapterProcess {
  readonly child: ChildProcess;
  /** Resolves with `http://HOST:PORT` from the `listening on …` line; rejects if the process exits first. */
  readonly listening: Promise<string>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitStatus>;
  /** Sends `signal` and waits for the exit; escalates to SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitStatus>;
}

/** Options of {@link spawnAdapter}. */
export interface SpawnAdapterOptions {
  product: ProductName;
  /** Exactly the `ATA_*` (and other) variables to set on top of a clean environment. */
  env: Record<string, string | undefined>;
  /** Receives every stdout and stderr line. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** How long to wait for `listening on …`; default 20 s. */
  startTimeoutMs?: number;
}

const LISTENING = /listening on (http:\/\/[^\s"'\\]+)/;

/**
 * Spawns `process.execPath <GATEWAY_NODE_FLAGS> <bin>` with a clean environment plus `env`.
 *
 * @example
 * ```ts
 * const adapter = spawnAdapter({ product: 'jira', env: { ATA_UPSTREAM_URL: sandbox.url, ... } });
 * const origin = await adapter.listening; // 'http://127.0.0.1:41234'
 * await adapter.stop();
 * ```
 */
export function spawnAdapter(options: SpawnAdapterOptions): AdapterProcess {
  const bin = adapterBin(options.product);
  if (!existsSync(bin)) {
    throw new Error(`${bin} does not exist: build it first (cd apps/${options.product}-adapter && npx tsup)`);
  }
  const env = baseEnvironment();
  for (const [name, value] of Object.entries(options.env)) {
    if (value !== undefined) env[name] = value;
  }
  const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, bin], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const recent: string[] = [];
  let onListening: (origin: string) => void = () => undefined;
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(
          `the ${options.product} adapter did not print "listening on" in time:\n${recent.join('\n')}`,
        ),
      );
    }, options.startTimeoutMs ?? 45_000);
    timer.unref();
    onListening = (origin) => {
      clearTimeout(timer);
      resolve(origin);
    };
    void exited.then((status) => {
      clearTimeout(timer);
      // A no-op once resolved: a promise settles only once.
      reject(
        new Error(
          `the ${options.product} adapter exited (code ${status.code}, signal ${status.signal}) before listening:\n${recent.join('\n')}`,
        ),
      );
    });
  });
  // Config tests await only `exited`; a rejected `listening` must not count as unhandled.
  listening.catch(() => undefined);
  for (const stream of ['stdout', 'stderr'] as const) {
    const lines = createInterface({ input: child[stream] });
    lines.on('line', (line) => {
      recent.push(line);
      if (recent.length > 50) recent.shift();
      options.onLine?.(line, stream);
      const found = stream === 'stdout' ? LISTENING.exec(line) : null;
      if (found?.[1] !== undefined) onListening(found[1].replace(/\/$/, ''));
    });
  }
  return {
    child,
    listening,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        timer.unref();
        const status = await exited;
        clearTimeout(timer);
        return status;
      }
      return exited;
    },
  };
}
