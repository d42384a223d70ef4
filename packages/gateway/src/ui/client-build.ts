/**
 * Build-time only (never imported by the gateway's runtime entry): bundles `src/ui-client/` into
 * `dist/ui/app.js` (an IIFE) and `dist/ui/app.css`. Called by `tsup.config.ts` after the main build
 * and by tests that need the assets while running from source.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundle the browser client of the web UI.
 *
 * @param packageDir the gateway package directory (default: derived from this file's location)
 * @example
 * await buildUiClient(); // writes packages/gateway/dist/ui/app.js and app.css
 */
export async function buildUiClient(
  packageDir: string = resolve(dirname(fileURLToPath(import.meta.url)), '../..'),
): Promise<{ outDir: string }> {
  const clientDir = join(packageDir, 'src/ui-client');
  const outDir = join(packageDir, 'dist/ui');
  const result = await build({
    entryPoints: [
      { in: join(clientDir, 'main.ts'), out: 'app' },
      { in: join(clientDir, 'styles.css'), out: 'app' },
    ],
    outdir: outDir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022', 'chrome111', 'firefox115', 'safari16'],
    minify: true,
    legalComments: 'none',
    tsconfig: join(clientDir, 'tsconfig.json'),
    logLevel: 'warning',
    write: false,
  });
  // Write-then-rename: test files that build in parallel never read a half-written asset.
  mkdirSync(outDir, { recursive: true });
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  return { outDir };
}
