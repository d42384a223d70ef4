import { defineConfig } from 'tsup';

// platform 'neutral': the core must run anywhere (DESIGN §1), so no Node built-ins can sneak in.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  sourcemap: true,
  clean: true,
});
