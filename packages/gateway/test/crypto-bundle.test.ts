/**
 * The bcrypt worker must also start from the tsup bundle (`dist/`), where the TypeScript sources are
 * gone and `import.meta.url` points into the bundle. This test runs the hasher from the package's real
 * build output, which the `test` target builds first (nx: `dependsOn: ["build"]`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, expect, test } from 'vitest';
import type * as GatewayIndex from '../src/index.js';

const bundlePath = fileURLToPath(new URL('../dist/index.js', import.meta.url));
let bundled: typeof GatewayIndex;

beforeAll(async () => {
  if (!existsSync(bundlePath)) {
    throw new Error(
      `${bundlePath} is missing: build the gateway first (npx tsup, or nx run the test target)`,
    );
  }
  bundled = (await import(pathToFileURL(bundlePath).href)) as typeof GatewayIndex;
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
