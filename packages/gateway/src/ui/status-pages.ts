/** The static pages for "not logged in" (401) and "not an administrator" (403). */
import { markup, type SafeHtml } from './escape-html.js';
import { UI_PATH, type UiContext } from './ui-context.js';

/** Body of the 401 page: a clear link to the product's login form. */
export function loginRequiredBody(ctx: UiContext): SafeHtml {
  return markup`<section class="panel status-page" aria-labelledby="status-heading">
    <h1 id="status-heading">Please log in</h1>
    <p>You need to be logged in to ${ctx.productDisplayName} to manage API tokens.</p>
    <p><a class="button primary" href="${ctx.loginUrl}">Log in to ${ctx.productDisplayName}</a></p>
  </section>`;
}

/** Body of the 403 page a non-admin sees on the admin page. */
export function adminRequiredBody(ctx: UiContext): SafeHtml {
  return markup`<section class="panel status-page" aria-labelledby="status-heading">
    <h1 id="status-heading">Administrators only</h1>
    <p>
      You are logged in as <strong>${ctx.caller?.displayName || ctx.caller?.username || ''}</strong>, who is
      not a system administrator of ${ctx.productDisplayName}. The API Token Authentication administration is
      available to system administrators only.
    </p>
    <p><a class="button" href="${ctx.contextPath}${UI_PATH}/tokens">Go to your API tokens</a></p>
  </section>`;
}
