import { defineConfig } from 'tsup';

// Two entries: the kit adapters build on, and `./testing` (the conformance suite, which adapters run
// in their own tests; vitest and msw stay peer dependencies, never bundled).
export default defineConfig({
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  // Not dependencies of the package: the adapter's own dev dependencies provide them.
  external: ['vitest', 'msw', 'msw/node', 'ajv', 'ajv-formats'],
});
