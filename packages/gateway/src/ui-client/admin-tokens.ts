/** API Tokens tab: everyone's tokens, filter by user, create for a user, delete one, delete all of a user. */
import type { Api } from './api.js';
import type { CreatedTokenJson, TokenJson } from './api-types.js';
import { confirmAction } from './confirm-dialog.js';
import { byId, placeholderRow, replaceChildren } from './dom.js';
import { quoted } from './format.js';
import { clearErrors, hideMessage, setFieldError, showApiError, showMessage } from './messages.js';
import { showNewToken } from './new-token.js';
import { tokenRow } from './token-table.js';
import { loadValidityOptions } from './validity-select.js';

const COLUMNS = 8;

export interface AdminTokensTab {
  load(): Promise<void>;
  reloadValidityOptions(): Promise<void>;
}

export function initAdminTokensTab(api: Api): AdminTokensTab {
  const body = byId('admin-tokens-body', HTMLTableSectionElement);
  const caption = byId('admin-tokens-caption', HTMLElement);
  const status = byId('admin-tokens-status', HTMLElement);
  const listError = byId('admin-tokens-error', HTMLElement);
  const filterForm = byId('admin-filter-form', HTMLFormElement);
  const filterInput = byId('admin-filter-user', HTMLInputElement);
  const deleteAll = byId('admin-delete-all', HTMLButtonElement);
  const createForm = byId('admin-create-form', HTMLFormElement);
  const createError = byId('admin-create-error', HTMLElement);
  const createUser = byId('admin-create-user', HTMLInputElement);
  const createName = byId('admin-create-name', HTMLInputElement);
  const createValidity = byId('admin-create-validity', HTMLSelectElement);
  const slot = byId('admin-new-token-slot', HTMLElement);
  let filter = '';
  let tokens: TokenJson[] = [];

  function updateDeleteAll(): void {
    deleteAll.disabled = filter === '' || tokens.length === 0;
    deleteAll.textContent = filter ? `Delete all tokens of ${filter}` : 'Delete all tokens of this user';
  }

  async function load(): Promise<void> {
    const query = filter ? `?user=${encodeURIComponent(filter)}` : '';
    const result = await api.get<TokenJson[]>(`/admin/tokens${query}`);
    caption.textContent = filter ? `API tokens of ${filter}` : 'All API tokens';
    if (!result.ok) {
      tokens = [];
      updateDeleteAll();
      replaceChildren(body, placeholderRow(COLUMNS, 'Tokens could not be loaded.'));
      showApiError(listError, result.error);
      return;
    }
    hideMessage(listError);
    tokens = result.data;
    updateDeleteAll();
    if (tokens.length === 0) {
      replaceChildren(
        body,
        placeholderRow(COLUMNS, filter ? `${filter} has no API tokens.` : 'There are no API tokens.'),
      );
      return;
    }
    replaceChildren(
      body,
      ...tokens.map((token) => tokenRow(token, { admin: true, onDelete: (t) => void remove(t) })),
    );
  }

  async function remove(token: TokenJson): Promise<void> {
    const confirmed = await confirmAction({
      title: 'Delete API token?',
      text: `The token ${quoted(token.name)} of ${token.owner ?? 'this user'} will stop working immediately. This cannot be undone.`,
      confirmLabel: 'Delete',
    });
    if (!confirmed) return;
    hideMessage(status);
    const result = await api.request<void>('DELETE', `/admin/tokens/${encodeURIComponent(token.id)}`);
    if (!result.ok) showApiError(listError, result.error);
    else showMessage(status, `Token ${quoted(token.name)} of ${token.owner ?? 'the user'} deleted.`);
    await load();
  }

  async function removeAllOfUser(): Promise<void> {
    const user = filter;
    if (!user) return;
    const confirmed = await confirmAction({
      title: `Delete all API tokens of ${user}?`,
      text: `All ${tokens.length} tokens of ${user} will be deleted and scripts using them will stop working. This cannot be undone.`,
      confirmLabel: 'Delete all',
    });
    if (!confirmed) return;
    hideMessage(status);
    const result = await api.request<{ deleted: number }>(
      'DELETE',
      `/admin/users/${encodeURIComponent(user)}/tokens`,
    );
    if (!result.ok) showApiError(listError, result.error);
    else {
      const deleted = result.data?.deleted ?? 0;
      showMessage(status, `Deleted ${deleted} ${deleted === 1 ? 'token' : 'tokens'} of ${user}.`);
    }
    await load();
  }

  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    filter = filterInput.value.trim();
    hideMessage(status);
    void load();
  });
  byId('admin-filter-clear', HTMLButtonElement).addEventListener('click', () => {
    filterInput.value = '';
    filter = '';
    hideMessage(status);
    void load();
  });
  deleteAll.addEventListener('click', () => void removeAllOfUser());

  createForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      clearErrors(createForm, createError);
      const username = createUser.value.trim();
      const name = createName.value.trim();
      if (!username) setFieldError(createUser, 'Enter the username of the token owner.');
      if (!name) setFieldError(createName, 'Enter a name for the token.');
      if (!username || !name) {
        createForm.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
        return;
      }
      const result = await api.request<CreatedTokenJson>(
        'POST',
        `/admin/users/${encodeURIComponent(username)}/tokens`,
        {
          name,
          ...(createValidity.value ? { validity: createValidity.value } : {}),
        },
      );
      if (!result.ok) {
        showApiError(createError, result.error, (key) =>
          key === 'name'
            ? createName
            : key === 'validity'
              ? createValidity
              : key === 'username' || key === 'user'
                ? createUser
                : undefined,
        );
        return;
      }
      createName.value = '';
      showNewToken(slot, result.data, username, 'admin-new-token');
      await load();
    })();
  });

  return {
    load,
    reloadValidityOptions: () => loadValidityOptions(api, createValidity, createError),
  };
}
