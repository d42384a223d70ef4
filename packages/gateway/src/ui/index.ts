/**
 * The web UI (DESIGN §2 "Web UI"): server-rendered pages under `<ctx>/plugins/servlet/api-token-auth/`,
 * one client script and one stylesheet. The pages talk to the management REST API only.
 *
 * The browser script and stylesheet are TypeScript/CSS in `src/ui-client/` (own tsconfig: DOM lib, no
 * Node types). `npx tsup` bundles them into `dist/ui/app.js` (IIFE) and `dist/ui/app.css` after the
 * main build; `readUiAsset` reads them from the `ui/` folder next to the bundle, or from the package's
 * `dist/ui/` when running from source. Tests running from source call `buildUiClient()` from
 * `./client-build.js` first (see `assets.test.ts`). Type-check the client with
 * `npx tsc -p src/ui-client/tsconfig.json`.
 *
 * @example
 * const nonce = randomBytes(16).toString('base64');
 * const { status, html } = renderUiPage('tokens', ctx, nonce);
 * res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...uiSecurityHeaders(nonce) }).end(html);
 */
export type { UiContext, UiPage } from './ui-context.js';
export { renderUiPage } from './render-page.js';
export { readUiAsset } from './assets.js';
export { uiSecurityHeaders } from './security-headers.js';
export { escapeHtml } from './escape-html.js';
export { createWebUiHandler, type WebUiHandler, type WebUiHandlerOptions } from './web-ui-handler.js';
