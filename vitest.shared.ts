// Shared vitest settings: resolve workspace packages to their TypeScript sources (the
// `@api-token-auth/source` export condition), so tests never run against a stale build.
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export const sourceConditions = ['@api-token-auth/source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
