/**
 * The benchmark's servers each run in a process of their own (upstream, bare proxy, gateways), so
 * that the load generator, the proxy under test and the upstream do not share one event loop, and a
 * gateway's memory is its own. A child reports `{type: 'ready', …}` over IPC and then answers
 * commands (`{id, command, args}` → `{id, ok, value | error}`).
 *
 * Children run from `dist/` with plain `node` when the bench has been built and the build is newer
 * than the sources (as `npm run bench` does), so that memory figures carry no TypeScript loader;
 * otherwise from the sources under tsx (`BENCH_FROM_SOURCE=1` forces that).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readdirSync, statSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bench package's root (this file is `src/child-process.ts` or `dist/child-process.js`). */
export const BENCH_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What every child sends once it listens. */
export interface ReadyMessage {
  type: 'ready';
  port: number;
  [key: string]: unknown;
}

/** A running child. */
export interface Child<Ready extends ReadyMessage = ReadyMessage> {
  name: string;
  pid: number;
  ready: Ready;
  /** Sends a command and waits for its answer. */
  request<T = unknown>(command: string, args?: unknown): Promise<T>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Options of {@link startChild}. */
export interface StartChildOptions {
  env?: NodeJS.ProcessEnv;
  /** Child stderr goes to this file (default: discarded). */
  stderrFile?: string;
  /** How long to wait for `ready` (default 120 s: seeding a large store takes a while). */
  readyTimeoutMs?: number;
  /** Node/V8 flags the child starts with (before `BENCH_PROXY_NODE_FLAGS`). */
  nodeFlags?: readonly string[];
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

let cachedMode: 'dist' | 'source' | undefined;

/** Whether children run from the build (`dist`) or the TypeScript sources (`source`). */
export function childMode(): 'dist' | 'source' {
  if (cachedMode !== undefined) return cachedMode;
  const distDir = join(BENCH_ROOT, 'dist');
  const fresh =
    process.env.BENCH_FROM_SOURCE !== '1' &&
    existsSync(join(distDir, 'children')) &&
    newestMtime(join(distDir, 'children')) >= newestMtime(join(BENCH_ROOT, 'src'));
  cachedMode = fresh ? 'dist' : 'source';
  return cachedMode;
}

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/**
 * Starts `children/<name>` and waits for its ready message.
 *
 * @example
 * ```ts
 * const upstream = await startChild('upstream');
 * console.log(upstream.ready.port);
 * await upstream.stop();
 * ```
 */
export async function startChild<Ready extends ReadyMessage = ReadyMessage>(
  name: string,
  options: StartChildOptions = {},
): Promise<Child<Ready>> {
  const mode = childMode();
  const file =
    mode === 'dist'
      ? join(BENCH_ROOT, 'dist', 'children', `${name}.js`)
      : join(BENCH_ROOT, 'src', 'children', `${name}.ts`);
  const execArgv = mode === 'dist' ? [] : ['--import', 'tsx', '--conditions=@api-token-auth/source'];
  execArgv.push(...(options.nodeFlags ?? []));
  // `BENCH_CPU_PROF=<dir>`: a V8 CPU profile of every gateway and of the bare proxy, written when they stop.
  const profileDir = process.env.BENCH_CPU_PROF;
  if (profileDir !== undefined && profileDir !== '' && (name === 'gateway' || name === 'bare-proxy')) {
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
  }
  // `BENCH_PROXY_NODE_FLAGS="--flag …"`: extra V8/Node flags for the gateways and the bare proxy alike.
  const proxyFlags = process.env.BENCH_PROXY_NODE_FLAGS;
  if (proxyFlags !== undefined && proxyFlags.trim() !== '' && (name === 'gateway' || name === 'bare-proxy')) {
    execArgv.push(...proxyFlags.trim().split(/\s+/));
  }
  const stderr = options.stderrFile === undefined ? 'ignore' : openSync(options.stderrFile, 'a');
  const child: ChildProcess = fork(file, [], {
    cwd: BENCH_ROOT,
    execArgv,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', stderr, 'ipc'],
  });
  if (typeof stderr === 'number') closeSync(stderr);

  let nextId = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      for (const waiter of pending.values()) {
        waiter.reject(new Error(`${name} exited (${signal ?? code}) before answering`));
      }
      pending.clear();
      resolve();
    }),
  );

  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not become ready in time`));
    }, options.readyTimeoutMs ?? 120_000);
    child.on('message', (message: Ready | Reply) => {
      if ('type' in message && message.type === 'ready') {
        clearTimeout(timer);
        resolve(message);
        return;
      }
      const reply = message as Reply;
      const waiter = pending.get(reply.id);
      if (waiter === undefined) return;
      pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(new Error(`${name}: ${reply.error ?? 'command failed'}`));
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready (see its log)`));
    });
  });

  return {
    name,
    pid: child.pid ?? -1,
    ready,
    request<T>(command: string, args?: unknown): Promise<T> {
      if (exited) return Promise.reject(new Error(`${name} is not running`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, command, args });
      });
    },
    async stop(graceMs = 15_000) {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** The child side: announce readiness and serve commands. */
export function serveCommands(
  ready: ReadyMessage,
  handlers: Record<string, (args: unknown) => unknown>,
): void {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('this script runs as a child of the benchmark (no IPC channel)');
  const builtIn: Record<string, () => unknown> = {
    // CPU time of the whole process (all threads), in µs: the cost per request on a shared machine.
    cpu: () => {
      const usage = process.cpuUsage();
      return usage.user + usage.system;
    },
  };
  process.on('message', (message: { id: number; command: string; args: unknown }) => {
    const handler = handlers[message.command] ?? builtIn[message.command];
    Promise.resolve()
      .then(() => {
        if (handler === undefined) throw new Error(`unknown command ${message.command}`);
        return handler(message.args);
      })
      .then(
        (value: unknown) => send({ id: message.id, ok: true, value }),
        (error: unknown) =>
          send({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
  });
  // The parent going away (a crash, Ctrl-C) must not leave servers behind.
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  send(ready);
}

/** Peak RSS sampling (every 20 ms) for the memory checks; `rss()` is cheap enough not to disturb. */
export function peakRssSampler(): {
  start(): void;
  stop(): { baselineMb: number; peakMb: number; endMb: number };
} {
  let timer: NodeJS.Timeout | undefined;
  let baseline = 0;
  let peak = 0;
  const mb = (bytes: number) => bytes / 1024 / 1024;
  return {
    start() {
      baseline = process.memoryUsage.rss();
      peak = baseline;
      clearInterval(timer);
      timer = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage.rss());
      }, 20);
    },
    stop() {
      clearInterval(timer);
      const end = process.memoryUsage.rss();
      peak = Math.max(peak, end);
      return { baselineMb: mb(baseline), peakMb: mb(peak), endMb: mb(end) };
    },
  };
}
