/** The user's own tokens page: list, create with one-time display, delete, delete all. */
import type { Api } from './api.js';
import type { CreatedTokenJson, TokenJson } from './api-types.js';
import { confirmAction } from './confirm-dialog.js';
import { byId, maybeById, placeholderRow, replaceChildren } from './dom.js';
import { quoted } from './format.js';
import { clearErrors, hideMessage, setFieldError, showApiError, showMessage } from './messages.js';
import { showNewToken } from './new-token.js';
import { tokenRow } from './token-table.js';
import { loadValidityOptions } from './validity-select.js';

const COLUMNS = 6;

export function initTokensPage(api: Api): void {
  const body = byId('tokens-body', HTMLTableSectionElement);
  const listError = byId('tokens-error', HTMLElement);
  const pageStatus = byId('page-status', HTMLElement);
  const deleteAll = byId('delete-all-tokens', HTMLButtonElement);
  let tokens: TokenJson[] = [];

  async function loadTokens(): Promise<void> {
    const result = await api.get<TokenJson[]>('/tokens');
    if (!result.ok) {
      replaceChildren(body, placeholderRow(COLUMNS, 'Tokens could not be loaded.'));
      showApiError(listError, result.error);
      return;
    }
    hideMessage(listError);
    tokens = result.data;
    deleteAll.disabled = tokens.length === 0;
    if (tokens.length === 0) {
      replaceChildren(body, placeholderRow(COLUMNS, 'You have no API tokens.'));
      return;
    }
    replaceChildren(
      body,
      ...tokens.map((token) => tokenRow(token, { admin: false, onDelete: (t) => void remove(t) })),
    );
  }

  async function remove(token: TokenJson): Promise<void> {
    const confirmed = await confirmAction({
      title: 'Delete API token?',
      text: `Scripts using the token ${quoted(token.name)} will stop working immediately. This cannot be undone.`,
      confirmLabel: 'Delete',
    });
    if (!confirmed) return;
    hideMessage(pageStatus);
    const result = await api.request<void>('DELETE', `/tokens/${encodeURIComponent(token.id)}`);
    if (!result.ok) showApiError(listError, result.error);
    else showMessage(pageStatus, `Token ${quoted(token.name)} deleted.`);
    await loadTokens();
  }

  async function removeAll(): Promise<void> {
    const count = tokens.length;
    const confirmed = await confirmAction({
      title: 'Delete all your API tokens?',
      text: `All ${count} of your tokens will be deleted and scripts using them will stop working. This cannot be undone.`,
      confirmLabel: 'Delete all',
    });
    if (!confirmed) return;
    hideMessage(pageStatus);
    hideMessage(listError);
    const failures: string[] = [];
    let deleted = 0;
    // DESIGN: delete-all-for-a-user is an admin endpoint; for one's own tokens the UI deletes one by one.
    for (const token of [...tokens]) {
      const result = await api.request<void>('DELETE', `/tokens/${encodeURIComponent(token.id)}`);
      if (result.ok || result.error.status === 404) deleted += 1;
      else failures.push(`${token.name}: ${result.error.errorMessages.join(' ')}`);
    }
    if (failures.length) showMessage(listError, ['Some tokens could not be deleted.', ...failures]);
    showMessage(pageStatus, `Deleted ${deleted} ${deleted === 1 ? 'token' : 'tokens'}.`);
    await loadTokens();
  }

  deleteAll.addEventListener('click', () => void removeAll());

  const form = maybeById('create-token-form', HTMLFormElement);
  if (form) initCreateForm(api, form, () => loadTokens());
  void loadTokens();
}

function initCreateForm(api: Api, form: HTMLFormElement, reload: () => Promise<void>): void {
  const name = byId('token-name', HTMLInputElement);
  const validity = byId('token-validity', HTMLSelectElement);
  const errorBox = byId('create-token-error', HTMLElement);
  const slot = byId('new-token-slot', HTMLElement);
  const submit = form.querySelector('button[type="submit"]');
  void loadValidityOptions(api, validity, errorBox);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      clearErrors(form, errorBox);
      const tokenName = name.value.trim();
      if (!tokenName) {
        setFieldError(name, 'Enter a name for the token.');
        name.focus();
        return;
      }
      if (submit instanceof HTMLButtonElement) submit.disabled = true;
      const result = await api.request<CreatedTokenJson>('POST', '/tokens', {
        name: tokenName,
        ...(validity.value ? { validity: validity.value } : {}),
      });
      if (submit instanceof HTMLButtonElement) submit.disabled = false;
      if (!result.ok) {
        showApiError(errorBox, result.error, (key) =>
          key === 'name' ? name : key === 'validity' ? validity : undefined,
        );
        return;
      }
      form.reset();
      await loadValidityOptions(api, validity, errorBox);
      showNewToken(slot, result.data, null, 'new-token');
      await reload();
    })();
  });
}
