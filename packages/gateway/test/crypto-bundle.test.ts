/**
 * The bcrypt worker must also start from the tsup bundle (`dist/`), where the TypeScript sources are
 * gone and `import.meta.url` points into the bundle. This test bundles the crypto entry the same way
 * the package build does and runs the hasher from the output.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'tsup';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type * as CryptoIndex from '../src/crypto/index.js';

type CryptoModule = typeof CryptoIndex;

const packageDir = fileURLToPath(new URL('..', import.meta.url));
// Inside the package, so that the bundle resolves bcryptjs through node_modules like dist/ does.
let outDir: string;
let bundled: CryptoModule;

beforeAll(async () => {
  outDir = await mkdtemp(join(packageDir, 'node_modules', '.crypto-bundle-test-'));
  await build({
    config: false,
    entry: { crypto: join(packageDir, 'src/crypto/index.ts') },
    outDir,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    external: ['bcryptjs'],
    dts: false,
    sourcemap: false,
    clean: false,
    silent: true,
  });
  bundled = (await import(pathToFileURL(join(outDir, 'crypto.js')).href)) as CryptoModule;
});

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

test('the bundled secret hasher hashes and compares in its worker threads', async () => {
  const hasher = bundled.createSecretHasher({ cost: 4, workers: 1 });
  try {
    const hash = await hasher.hash('bundled-secret');
    await expect(hasher.compare('bundled-secret', hash)).resolves.toBe(true);
    await expect(hasher.compare('other-secret', hash)).resolves.toBe(false);
    expect(hasher.comparisons()).toBe(2);
  } finally {
    await hasher.close();
  }
});
