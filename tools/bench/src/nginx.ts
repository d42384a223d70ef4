/**
 * The nginx baseline: `proxy_pass` with upstream keep-alive, one worker process (the gateway is one
 * Node process too), access log on with a buffer (the gateway writes an access line per request),
 * everything in a temporary directory, loopback only, `daemon off` so it stops with the benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Where nginx is looked for (`BENCH_NGINX` overrides). */
const NGINX_CANDIDATES = [
  '/usr/sbin/nginx',
  '/usr/local/sbin/nginx',
  '/usr/local/nginx/sbin/nginx',
  '/usr/bin/nginx',
];

/** A running nginx. */
export interface RunningNginx {
  port: number;
  version: string;
  stop(): Promise<void>;
}

/** The nginx binary, or `null` when it is not installed. */
export function findNginx(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = env.BENCH_NGINX === undefined ? NGINX_CANDIDATES : [env.BENCH_NGINX];
  return candidates.find((path) => existsSync(path)) ?? null;
}

/** A free loopback port (nginx cannot listen on port 0 and report it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function configuration(dir: string, port: number, upstreamPort: number, runAsRoot: boolean): string {
  return `${runAsRoot ? 'user root;\n' : ''}daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log ${join(dir, 'access.log')} combined buffer=64k flush=1s;
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  upstream product {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://product;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`;
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited with code ${child.exitCode}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error('nginx did not start listening in time');
}

/**
 * Starts nginx in front of the upstream, or resolves `null` when nginx is not installed.
 *
 * @example
 * ```ts
 * const nginx = await startNginx('/tmp/bench/nginx', upstreamPort);
 * if (nginx === null) console.log('nginx missing');
 * ```
 */
export async function startNginx(dir: string, upstreamPort: number): Promise<RunningNginx | null> {
  const binary = findNginx();
  if (binary === null) return null;
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, configuration(dir, port, upstreamPort, process.getuid?.() === 0));
  const version = await new Promise<string>((resolve) => {
    const probe = spawn(binary, ['-v'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let text = '';
    probe.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    probe.on('close', () => resolve(text.trim().replace(/^nginx version: /, '')));
    probe.on('error', () => resolve('unknown version'));
  });
  const child = spawn(binary, ['-p', dir, '-c', file, '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitForPort(port, child, 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}: ${stderr.trim()}`, { cause: error });
  }
  return {
    port,
    version,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
