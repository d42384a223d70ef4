/**
 * The UI's static assets: the client script and stylesheet that `tsup` builds from `src/ui-client/`
 * into `dist/ui/` (see `client-build.ts`). Served under
 * `<ctx>/plugins/servlet/api-token-auth/assets/<name>`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The only names served; anything else (including `../x`) is unknown, so no path ever reaches the disk. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** Names of the assets the pages reference. */
export const UI_ASSET_NAMES = Object.freeze(Object.keys(CONTENT_TYPES));

/**
 * Where the built assets are: next to the bundle (`dist/index.js` → `dist/ui/`), or, when this module
 * runs from source (vitest, tsx), the package's `dist/ui/`.
 */
const CANDIDATE_DIRS = [new URL('./ui/', import.meta.url), new URL('../../dist/ui/', import.meta.url)].map(
  (url) => fileURLToPath(url),
);

function assetDir(): string | null {
  return CANDIDATE_DIRS.find((dir) => existsSync(join(dir, 'app.js'))) ?? null;
}

/**
 * A UI asset by name with its content type, or `null` for an unknown name or an unbuilt package
 * (run `npx tsup` in `packages/gateway`, or `buildUiClient()` from `client-build.ts`).
 *
 * @example
 * const asset = readUiAsset('app.js');
 * if (!asset) return notFound();
 * res.writeHead(200, { 'Content-Type': asset.contentType, ...uiSecurityHeaders(nonce) }).end(asset.body);
 */
export function readUiAsset(name: string): { contentType: string; body: Buffer } | null {
  if (!Object.hasOwn(CONTENT_TYPES, name)) return null;
  const contentType = CONTENT_TYPES[name];
  const dir = assetDir();
  if (contentType === undefined || dir === null) return null;
  try {
    return { contentType, body: readFileSync(join(dir, name)) };
  } catch {
    return null;
  }
}
