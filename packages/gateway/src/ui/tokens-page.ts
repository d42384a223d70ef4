/** The user's own tokens page: create form (or the admin-only info box), one-time display, list. */
import { dataTable } from './data-table.js';
import { markup, type SafeHtml } from './escape-html.js';
import { CONFIRM_DIALOG } from './layout.js';
import type { UiContext } from './ui-context.js';

/** The create form shared with the admin page's "create for a user" (ids prefixed). */
function createForm(): SafeHtml {
  return markup`<form id="create-token-form" class="form" novalidate>
    <div class="message error" id="create-token-error" role="alert" hidden></div>
    <div class="field">
      <label for="token-name">Name <span class="required" aria-hidden="true">*</span></label>
      <input
        id="token-name"
        name="name"
        type="text"
        required
        maxlength="255"
        autocomplete="off"
        aria-describedby="token-name-help"
      />
      <p class="help" id="token-name-help">
        A label to recognise the token by, e.g. the script that uses it.
      </p>
    </div>
    <div class="field">
      <label for="token-validity">Validity</label>
      <select id="token-validity" name="validity" disabled>
        <option value="">Loading…</option>
      </select>
    </div>
    <div class="form-actions"><button type="submit" class="button primary">Create</button></div>
  </form>`;
}

function adminOnlyInfo(ctx: UiContext): SafeHtml {
  return markup`<div class="message info" id="admin-only-info" role="note">
    <h3>Only administrators may create and use API tokens</h3>
    <p>
      An administrator of ${ctx.productDisplayName} has restricted API tokens to system administrators. You
      cannot create tokens, and tokens you created earlier are not accepted for REST calls until the
      restriction is lifted. Log in to scripts with your usual credentials or ask an administrator.
    </p>
  </div>`;
}

/** Main content of the tokens page for a logged-in caller. */
export function tokensPageBody(ctx: UiContext): SafeHtml {
  const caller = ctx.caller;
  const blocked = ctx.settings.adminOnly && !caller?.isAdmin;
  return markup`<h1>API tokens</h1>
    <p class="lead">
      Use an API token in place of your password for scripts and REST clients, e.g.
      <code>curl -u ${caller?.username ?? ''}:TOKEN …</code> or the header
      <code>Authorization: Bearer TOKEN</code>. Treat a token like a password.
    </p>
    <div class="message success" id="page-status" role="status" aria-live="polite" hidden></div>
    <section class="panel" aria-labelledby="create-heading">
      <h2 id="create-heading">Create API token</h2>
      ${blocked ? adminOnlyInfo(ctx) : createForm()}
      <div id="new-token-slot"></div>
    </section>
    <section class="panel" aria-labelledby="list-heading">
      <div class="panel-heading">
        <h2 id="list-heading">Your API tokens</h2>
        <button type="button" class="button danger-subtle" id="delete-all-tokens" disabled>Delete all</button>
      </div>
      <div class="message error" id="tokens-error" role="alert" hidden></div>
      ${dataTable({
        id: 'tokens-table',
        caption: 'Your API tokens',
        columns: ['Name', 'Created', 'Expires', 'Last used', 'Last used from', null],
        bodyId: 'tokens-body',
      })}
    </section>
    ${CONFIRM_DIALOG}`;
}
