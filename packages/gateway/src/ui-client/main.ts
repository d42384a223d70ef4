/**
 * Entry of the web UI's browser script (bundled by tsup/esbuild into `dist/ui/app.js`). The server
 * renders the page; this script fills it from the management REST API named in `data-api-base`.
 */
import { initAdminPage } from './admin-page.js';
import { Api } from './api.js';
import { initTokensPage } from './tokens-page.js';

function start(): void {
  const { page, apiBase } = document.body.dataset;
  if (!apiBase) return;
  const api = new Api(apiBase);
  if (page === 'tokens') initTokensPage(api);
  else if (page === 'admin') initAdminPage(api);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
