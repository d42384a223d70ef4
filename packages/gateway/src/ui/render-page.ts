/** Chooses and renders a UI page for a request: the page itself, 401 or 403. */
import { adminPageBody } from './admin-page.js';
import { renderLayout } from './layout.js';
import { assertNonce } from './security-headers.js';
import { adminRequiredBody, loginRequiredBody } from './status-pages.js';
import { tokensPageBody } from './tokens-page.js';
import type { UiContext, UiPage } from './ui-context.js';

/**
 * Render a full page: status 200, or a 401 "please log in" page, or 403 for a non-admin on `admin`.
 * Every value from `ctx` is HTML-escaped. `nonce` must be the one sent in {@link uiSecurityHeaders}.
 *
 * @example
 * const nonce = randomBytes(16).toString('base64');
 * const { status, html } = renderUiPage('tokens', ctx, nonce);
 * res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...uiSecurityHeaders(nonce) }).end(html);
 */
export function renderUiPage(page: UiPage, ctx: UiContext, nonce: string): { status: number; html: string } {
  assertNonce(nonce);
  if (!ctx.caller) {
    return {
      status: 401,
      html: renderLayout(ctx, nonce, { title: 'Log in', page: null, body: loginRequiredBody(ctx) }),
    };
  }
  if (page === 'admin') {
    if (!ctx.caller.isAdmin) {
      return {
        status: 403,
        html: renderLayout(ctx, nonce, {
          title: 'Administrators only',
          page: null,
          body: adminRequiredBody(ctx),
        }),
      };
    }
    return {
      status: 200,
      html: renderLayout(ctx, nonce, { title: 'API Token Authentication', page, body: adminPageBody(ctx) }),
    };
  }
  return {
    status: 200,
    html: renderLayout(ctx, nonce, { title: 'API tokens', page, body: tokensPageBody(ctx) }),
  };
}
