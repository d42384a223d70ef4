import { defineConfig } from 'tsup';
import { buildUiClient } from './src/ui/client-build.js';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  // The web UI's browser script and stylesheet (src/ui-client/) go to dist/ui/, next to the bundle that
  // serves them. After the main build, because `clean` empties dist/ first.
  onSuccess: async () => {
    await buildUiClient();
  },
});
