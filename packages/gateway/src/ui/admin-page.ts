/** The admin page: a tablist with System-Wide Settings, API Tokens, Failed Logins and Audit Log. */
import { dataTable } from './data-table.js';
import { markup, type SafeHtml } from './escape-html.js';
import { CONFIRM_DIALOG } from './layout.js';
import type { UiContext } from './ui-context.js';

/** Tab ids in order; the client also accepts them as URL fragments (`#audit`). */
export const ADMIN_TABS = [
  { id: 'settings', label: 'System-Wide Settings' },
  { id: 'tokens', label: 'API Tokens' },
  { id: 'failed-logins', label: 'Failed Logins' },
  { id: 'audit', label: 'Audit Log' },
] as const;

const VALIDITY_OPTIONS = [
  { value: 'never', label: 'Never expires' },
  { value: '2y', label: '2 years' },
  { value: '1y', label: '1 year' },
  { value: '6m', label: '6 months' },
];

function numberField(id: string, name: string, label: string, help: string): SafeHtml {
  return markup`<div class="field">
    <label for="${id}">${label}</label>
    <input
      id="${id}"
      name="${name}"
      type="number"
      min="1"
      step="1"
      inputmode="numeric"
      required
      aria-describedby="${id}-help"
    />
    <p class="help" id="${id}-help">${help}</p>
  </div>`;
}

function settingsPanel(ctx: UiContext): SafeHtml {
  return markup`<form id="settings-form" class="form" novalidate>
    <div class="message error" id="settings-error" role="alert" hidden></div>
    <fieldset>
      <legend>Token validity</legend>
      <div class="field">
        <label for="max-validity">Maximum validity of a token</label>
        <select id="max-validity" name="maxValidity" aria-describedby="max-validity-help">
          ${VALIDITY_OPTIONS.map((option) => markup`<option value="${option.value}">${option.label}</option>`)}
        </select>
        <p class="help" id="max-validity-help">
          Users can choose this validity or any shorter one. Lowering it also shortens existing tokens.
        </p>
      </div>
    </fieldset>
    <fieldset>
      <legend>IP address restrictions</legend>
      <p class="help" id="ip-help">
        REST requests with a token or password are accepted only from these addresses. One address, CIDR block
        (<code>10.0.0.0/8</code>) or range (<code>10.0.0.1-10.0.0.9</code>) per row, IPv4 or IPv6. No rows:
        every address is allowed.
      </p>
      <ul class="ip-rows" id="ip-rows" aria-describedby="ip-help"></ul>
      <button type="button" class="button" id="add-ip-row">
        <span aria-hidden="true">+</span> Add address or range
      </button>
    </fieldset>
    <fieldset>
      <legend>Authentication</legend>
      <div class="field checkbox">
        <input
          id="disable-password-basic-auth"
          name="disablePasswordBasicAuth"
          type="checkbox"
          aria-describedby="disable-password-basic-auth-help"
        />
        <label for="disable-password-basic-auth">Disable Basic auth with passwords</label>
        <p class="help" id="disable-password-basic-auth-help">
          REST requests with a username and password are refused with 403; only API tokens work. Browser
          sessions of ${ctx.productDisplayName} are not affected.
        </p>
      </div>
      <div class="field checkbox">
        <input id="admin-only" name="adminOnly" type="checkbox" aria-describedby="admin-only-help" />
        <label for="admin-only">Only admins may create and use tokens</label>
        <p class="help" id="admin-only-help">
          Other users can no longer create tokens, and their existing tokens are refused until this is
          switched off.
        </p>
      </div>
    </fieldset>
    <fieldset>
      <legend>Failed logins</legend>
      ${numberField('failed-max-attempts', 'maxAttempts', 'Failed attempts before lockout', 'The failure that reaches this number locks the user or address.')}
      ${numberField('failed-window', 'windowMinutes', 'Counting window (minutes)', 'Failures older than this no longer count.')}
      ${numberField('failed-lockout', 'lockoutMinutes', 'Lockout duration (minutes)', 'How long a locked user or address is refused with 429.')}
    </fieldset>
    <div class="message success" id="settings-success" role="status" aria-live="polite" hidden></div>
    <div class="form-actions">
      <button type="submit" class="button primary" id="settings-save">Save</button>
    </div>
  </form>`;
}

function tokensPanel(): SafeHtml {
  return markup`<section class="subpanel" aria-labelledby="admin-create-heading">
      <h2 id="admin-create-heading">Create a token for a user</h2>
      <form id="admin-create-form" class="form" novalidate>
        <div class="message error" id="admin-create-error" role="alert" hidden></div>
        <div class="field-row">
          <div class="field">
            <label for="admin-create-user">Username <span class="required" aria-hidden="true">*</span></label>
            <input id="admin-create-user" name="username" type="text" required autocomplete="off" />
          </div>
          <div class="field">
            <label for="admin-create-name"
              >Token name <span class="required" aria-hidden="true">*</span></label
            >
            <input
              id="admin-create-name"
              name="name"
              type="text"
              required
              maxlength="255"
              autocomplete="off"
            />
          </div>
          <div class="field">
            <label for="admin-create-validity">Validity</label>
            <select id="admin-create-validity" name="validity" disabled>
              <option value="">Loading…</option>
            </select>
          </div>
        </div>
        <div class="form-actions"><button type="submit" class="button primary">Create for user</button></div>
      </form>
      <div id="admin-new-token-slot"></div>
    </section>
    <section class="subpanel" aria-labelledby="admin-tokens-heading">
      <h2 id="admin-tokens-heading">All API tokens</h2>
      <form id="admin-filter-form" class="filter-form" role="search" aria-label="Filter tokens by user">
        <div class="field">
          <label for="admin-filter-user">Filter by user</label>
          <input id="admin-filter-user" name="user" type="search" autocomplete="off" />
        </div>
        <button type="submit" class="button">Filter</button>
        <button type="button" class="button subtle" id="admin-filter-clear">Show all</button>
        <button type="button" class="button danger-subtle" id="admin-delete-all" disabled>
          Delete all tokens of this user
        </button>
      </form>
      <div class="message success" id="admin-tokens-status" role="status" aria-live="polite" hidden></div>
      <div class="message error" id="admin-tokens-error" role="alert" hidden></div>
      ${dataTable({
        id: 'admin-tokens-table',
        caption: 'All API tokens',
        captionId: 'admin-tokens-caption',
        columns: ['Owner', 'Name', 'Created', 'Expires', 'Last used', 'Last used from', 'Created by', null],
        bodyId: 'admin-tokens-body',
      })}
    </section>`;
}

function failedLoginsPanel(): SafeHtml {
  return markup`<div class="panel-heading">
      <h2 id="failed-logins-heading">Failed logins</h2>
      <button type="button" class="button subtle" id="failed-logins-refresh">Refresh</button>
    </div>
    <p class="help">
      Users and client addresses with counted failed logins or a lockout. Resetting clears the count and lifts
      the lock.
    </p>
    <div class="message success" id="failed-logins-status" role="status" aria-live="polite" hidden></div>
    <div class="message error" id="failed-logins-error" role="alert" hidden></div>
    ${dataTable({
      id: 'failed-logins-table',
      caption: 'Failed logins',
      columns: ['Kind', 'User or address', 'Failures', 'Last failure', 'Locked until', null],
      bodyId: 'failed-logins-body',
    })}`;
}

function auditPanel(): SafeHtml {
  return markup`<div class="panel-heading">
      <h2 id="audit-heading">Audit log</h2>
      <button type="button" class="button subtle" id="audit-refresh">Refresh</button>
    </div>
    <div class="message error" id="audit-error" role="alert" hidden></div>
    ${dataTable({
      id: 'audit-table',
      caption: 'Audit log, newest first',
      columns: ['Time', 'Event', 'By', 'User', 'Details', 'From'],
      bodyId: 'audit-body',
    })}
    <nav class="pager" aria-label="Audit log pages">
      <button type="button" class="button" id="audit-newer" disabled>Newer</button>
      <span id="audit-range" aria-live="polite"></span>
      <button type="button" class="button" id="audit-older" disabled>Older</button>
    </nav>`;
}

/** Main content of the admin page (caller already known to be an admin). */
export function adminPageBody(ctx: UiContext): SafeHtml {
  const panels: Record<(typeof ADMIN_TABS)[number]['id'], SafeHtml> = {
    settings: settingsPanel(ctx),
    tokens: tokensPanel(),
    'failed-logins': failedLoginsPanel(),
    audit: auditPanel(),
  };
  return markup`<h1>API Token Authentication</h1>
    <p class="lead">System-wide settings and every user's API tokens for ${ctx.productDisplayName}.</p>
    <div class="tabs">
      <div class="tablist" id="admin-tabs" role="tablist" aria-label="Administration sections">
        ${ADMIN_TABS.map(
          (tab, index) =>
            markup`<button type="button" role="tab" id="tab-${tab.id}" aria-controls="panel-${tab.id}" aria-selected="${index === 0 ? 'true' : 'false'}" tabindex="${index === 0 ? '0' : '-1'}">${tab.label}</button>`,
        )}
      </div>
      ${ADMIN_TABS.map(
        (tab, index) =>
          markup`<section
            class="tabpanel"
            role="tabpanel"
            id="panel-${tab.id}"
            aria-labelledby="tab-${tab.id}"
            tabindex="0"
            ${index === 0 ? '' : markup` hidden`}
          >
            ${panels[tab.id]}
          </section>`,
      )}
    </div>
    ${CONFIRM_DIALOG}`;
}
