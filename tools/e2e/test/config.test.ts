/**
 * The bin's start-up contract (DESIGN §2 "Invalid configuration: exit code 2 and one clear line per
 * problem, before listening"; issue 7 "Database not writable or corrupt at start: exit with a clear
 * message, never serve with a broken store").
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConfluenceSandbox, startJiraSandbox } from '@api-token-auth/sandbox';
import type { Sandbox } from '@api-token-auth/sandbox';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GATEWAY_NODE_FLAGS } from '@api-token-auth/gateway';
import { adapterBin, spawnAdapter } from '../src/adapter-process.js';
import type { ExitStatus } from '../src/adapter-process.js';
import { PRODUCTS } from '../src/products.js';
import type { ProductName } from '../src/products.js';

const SERVICE_PASSWORD = 'service-password-never-printed';

interface Run extends ExitStatus {
  lines: string[];
  listened: boolean;
}

/** Runs the bin until it exits (or, if it starts serving, stops it and reports that). */
async function run(product: ProductName, env: Record<string, string | undefined>): Promise<Run> {
  const lines: string[] = [];
  const adapter = spawnAdapter({ product, env, onLine: (line) => lines.push(line), startTimeoutMs: 15_000 });
  const outcome = await Promise.race([
    adapter.exited.then((status) => ({ ...status, listened: false })),
    adapter.listening.then(
      async () => ({ ...(await adapter.stop('SIGKILL')), listened: true }),
      () => null,
    ),
  ]);
  const status = outcome ?? { ...(await adapter.exited), listened: false };
  return { ...status, lines };
}

let dir: string;
const sandboxes = new Map<ProductName, Sandbox>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ata-e2e-config-'));
  sandboxes.set('jira', await startJiraSandbox());
  sandboxes.set('confluence', await startConfluenceSandbox());
});
afterAll(async () => {
  for (const sandbox of sandboxes.values()) await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

function validEnv(product: ProductName, name: string): Record<string, string> {
  return {
    ATA_UPSTREAM_URL: sandboxes.get(product)?.url ?? '',
    ATA_HOST: '127.0.0.1',
    ATA_PORT: '0',
    ATA_DATABASE: `sqlite:${join(dir, `${product}-${name}.db`)}`,
    ATA_SERVICE_USER: 'admin',
    ATA_SERVICE_PASSWORD: SERVICE_PASSWORD,
    ATA_BCRYPT_COST: '4',
  };
}

const INVALID: Array<{ case: string; env: Record<string, string | undefined>; variables: string[] }> = [
  {
    case: 'all required variables missing',
    env: { ATA_UPSTREAM_URL: undefined, ATA_SERVICE_USER: undefined, ATA_SERVICE_PASSWORD: undefined },
    variables: ['ATA_UPSTREAM_URL', 'ATA_SERVICE_USER', 'ATA_SERVICE_PASSWORD'],
  },
  {
    case: 'every optional variable invalid at once',
    env: {
      ATA_UPSTREAM_URL: 'jira on port 8080',
      ATA_PORT: 'eighty',
      ATA_DATABASE: 'mysql://db/ata',
      ATA_BCRYPT_COST: 'high',
      ATA_TRUSTED_PROXIES: '999.1.1.1',
      ATA_IDENTITY_HEADER: 'X Forwarded User',
      ATA_LOG_LEVEL: 'loud',
    },
    variables: [
      'ATA_UPSTREAM_URL',
      'ATA_PORT',
      'ATA_DATABASE',
      'ATA_BCRYPT_COST',
      'ATA_TRUSTED_PROXIES',
      'ATA_IDENTITY_HEADER',
      'ATA_LOG_LEVEL',
    ],
  },
  { case: 'port out of range', env: { ATA_PORT: '70000' }, variables: ['ATA_PORT'] },
];

describe.each(PRODUCTS)('%s adapter bin', (product) => {
  test('its #! line starts node with the gateway flags (GATEWAY_NODE_FLAGS)', () => {
    const firstLine = readFileSync(adapterBin(product), 'utf8').split('\n', 1)[0];
    expect(GATEWAY_NODE_FLAGS).toContain('--max-semi-space-size=8');
    expect(firstLine).toBe(`#!/usr/bin/env -S node ${GATEWAY_NODE_FLAGS.join(' ')}`);
  });

  test.each(INVALID)(
    '$case → exit code 2, one line per problem, never listening',
    async ({ case: name, env, variables }) => {
      const result = await run(product, { ...validEnv(product, name.replace(/\W+/g, '-')), ...env });
      expect({ code: result.code, listened: result.listened }).toEqual({ code: 2, listened: false });
      // One line per problem: each variable is the first one named on a line of its own.
      const firstNamed = (line: string) =>
        variables
          .map((variable) => ({ variable, at: line.search(new RegExp(`\\b${variable}\\b`)) }))
          .filter(({ at }) => at >= 0)
          .sort((a, b) => a.at - b.at)[0]?.variable;
      const named = result.lines.map(firstNamed).filter((variable) => variable !== undefined);
      expect({ lines: result.lines, named: [...new Set(named)].sort() }).toMatchObject({
        named: [...variables].sort(),
      });
      expect(result.lines.join('\n')).not.toContain(SERVICE_PASSWORD);
    },
  );

  test('an unwritable database path → a clear message and a non-zero exit, never listening', async () => {
    const notADirectory = join(dir, `${product}-plain-file`);
    writeFileSync(notADirectory, 'a file, not a directory');
    const path = join(notADirectory, 'gateway.db');
    const result = await run(product, { ...validEnv(product, 'unused'), ATA_DATABASE: `sqlite:${path}` });
    expect(result.listened).toBe(false);
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.lines.some((line) => line.includes(path) || line.includes(notADirectory))).toBe(true);
    expect(result.lines.join('\n')).not.toContain(SERVICE_PASSWORD);
  });

  test('a corrupt database file → a clear message and a non-zero exit, never listening', async () => {
    const path = join(dir, `${product}-corrupt.db`);
    writeFileSync(path, Buffer.alloc(8192, 'this is not an SQLite database. '));
    const result = await run(product, { ...validEnv(product, 'unused'), ATA_DATABASE: `sqlite:${path}` });
    expect(result.listened).toBe(false);
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.lines.some((line) => line.includes(path))).toBe(true);
  });

  test('a directory as the database file → a clear message and a non-zero exit', async () => {
    const path = join(dir, `${product}-a-directory.db`);
    mkdirSync(path);
    const result = await run(product, { ...validEnv(product, 'unused'), ATA_DATABASE: `sqlite:${path}` });
    expect(result.listened).toBe(false);
    expect(result.code).not.toBe(0);
    expect(result.lines.some((line) => line.includes(path))).toBe(true);
  });
});
