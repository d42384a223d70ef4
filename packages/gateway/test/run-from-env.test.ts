/**
 * `runGatewayFromEnv` as a real child process: exit codes, the problem lines, the `listening on`
 * line, graceful shutdown on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { startEchoUpstream, type EchoUpstream } from './support/echo-upstream.js';
import { createFakeProduct } from './support/fake-product.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.join(here, 'fixtures', 'run-fake-adapter.ts');
const tsx = createRequire(import.meta.url).resolve('tsx');
const dataDir = mkdtempSync(path.join(tmpdir(), 'ata-run-test-'));
const children: ChildProcess[] = [];
let upstream: EchoUpstream | undefined;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await upstream?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function launch(env: Record<string, string>): {
  child: ChildProcess;
  finished: Promise<Finished>;
  stdoutLine: Promise<string>;
} {
  const child = spawn(process.execPath, ['--conditions=@api-token-auth/source', '--import', tsx, fixture], {
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd: dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  let resolveLine: (line: string) => void = () => undefined;
  const stdoutLine = new Promise<string>((resolve) => {
    resolveLine = resolve;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    if (stdout.includes('\n')) resolveLine(stdout.slice(0, stdout.indexOf('\n') + 1));
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const finished = new Promise<Finished>((resolve) => {
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, finished, stdoutLine };
}

describe('runGatewayFromEnv', () => {
  test('invalid configuration: exit code 2, one stderr line per problem, nothing on stdout', async () => {
    const { finished } = launch({
      ATA_PORT: 'eighty',
      ATA_BCRYPT_COST: '2',
      ATA_SERVICE_PASSWORD: 'p4ssw0rd-secret',
    });
    const result = await finished;
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.map((line) => line.split(' ')[0])).toEqual([
      'ATA_UPSTREAM_URL',
      'ATA_PORT',
      'ATA_SERVICE_USER',
      'ATA_BCRYPT_COST',
    ]);
    expect(result.stderr).not.toContain('p4ssw0rd-secret');
  });

  test('a database that cannot be opened: exit code 1 with one clear line', async () => {
    const blocker = path.join(dataDir, 'not-a-directory');
    writeFileSync(blocker, 'x');
    const { finished } = launch({
      ATA_UPSTREAM_URL: 'http://127.0.0.1:9',
      ATA_PORT: '0',
      ATA_SERVICE_USER: 'svc',
      ATA_SERVICE_PASSWORD: 'pw',
      ATA_DATABASE: `sqlite:${path.join(blocker, 'gateway.db')}`,
    });
    const result = await finished;
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^Cannot open the database \(STORE_/);
  });

  test('valid configuration: prints exactly "listening on http://HOST:PORT", serves, exits 0 on SIGTERM', async () => {
    upstream = await startEchoUpstream(createFakeProduct());
    const { child, finished, stdoutLine } = launch({
      ATA_UPSTREAM_URL: `${upstream.url}/jira`,
      ATA_PORT: '0',
      ATA_SERVICE_USER: 'svc',
      ATA_SERVICE_PASSWORD: 'pw',
      ATA_BCRYPT_COST: '4',
    });
    const line = await stdoutLine;
    expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    const base = line.trim().slice('listening on '.length);
    const health = await fetch(`${base}/jira/rest/api-token-auth/1.0/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok', upstream: 'ok' });
    const proxied = await fetch(`${base}/jira/rest/api/2/serverInfo`);
    expect(proxied.status).toBe(200);
    child.kill('SIGTERM');
    const result = await finished;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(line);
    expect(result.stderr).toContain('gateway stopped');
  });
});
