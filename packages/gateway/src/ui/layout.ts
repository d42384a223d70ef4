/** The page shell shared by every UI page: head with CSP-nonce script, header bar, main landmark. */
import { markup, type SafeHtml } from './escape-html.js';
import { API_PATH, UI_PATH, type UiContext, type UiPage } from './ui-context.js';

export interface LayoutOptions {
  title: string;
  /** Which page the client script should initialise; `null` for the static 401/403 pages. */
  page: UiPage | null;
  body: SafeHtml;
}

function navigation(ctx: UiContext, current: UiPage | null): SafeHtml {
  if (!ctx.caller) return markup``;
  const link = (page: UiPage, label: string) =>
    markup`<a href="${ctx.contextPath}${UI_PATH}/${page}" ${current === page ? markup` aria-current="page"` : ''}
      >${label}</a
    >`;
  return markup`<nav class="app-nav" aria-label="API Token Authentication">
      ${link('tokens', 'API tokens')}${ctx.caller.isAdmin ? link('admin', 'Administration') : ''}
    </nav>
    <span class="app-user" title="${ctx.caller.username}"
      >${ctx.caller.displayName || ctx.caller.username}</span
    >`;
}

/** Render a complete HTML document. */
export function renderLayout(ctx: UiContext, nonce: string, options: LayoutOptions): string {
  const assets = `${ctx.contextPath}${UI_PATH}/assets`;
  const script = options.page
    ? markup`<script nonce="${nonce}" src="${assets}/app.js" defer></script>`
    : markup``;
  const doc = markup`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="same-origin">
        <title>${options.title} - ${ctx.productDisplayName}</title>
        <link rel="stylesheet" href="${assets}/app.css">
        ${script}
      </head>
      <body
        data-page="${options.page ?? ''}"
        data-api-base="${ctx.contextPath}${API_PATH}"
      >
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="app-header">
          <a class="app-product" href="${ctx.contextPath}/">${ctx.productDisplayName}</a>
          <span class="app-title">API Token Authentication</span>
          ${navigation(ctx, options.page)}
        </header>
        <main id="main" class="app-main" tabindex="-1">${options.body}</main>
      </body>
    </html> `;
  return doc.value;
}

/** The confirmation dialog every page with delete actions shares (driven by the client script). */
export const CONFIRM_DIALOG = markup`<dialog
  id="confirm-dialog"
  class="dialog"
  aria-labelledby="confirm-title"
  aria-describedby="confirm-text"
>
  <form method="dialog">
    <h2 id="confirm-title">Are you sure?</h2>
    <p id="confirm-text"></p>
    <div class="dialog-actions">
      <button type="submit" value="cancel" class="button" autofocus>Cancel</button>
      <button type="submit" value="confirm" class="button danger" id="confirm-ok">Delete</button>
    </div>
  </form>
</dialog>`;
