/** System-Wide Settings tab: load, edit (IP rows with + and delete), save with field errors per row. */
import type { Api } from './api.js';
import type { SettingsJson } from './api-types.js';
import { byId, el } from './dom.js';
import { clearErrors, hideMessage, setFieldError, showApiError, showMessage } from './messages.js';

export interface SettingsTab {
  load(): Promise<void>;
}

let rowSequence = 0;

export function initSettingsTab(api: Api, onSaved: () => void): SettingsTab {
  const form = byId('settings-form', HTMLFormElement);
  const errorBox = byId('settings-error', HTMLElement);
  const success = byId('settings-success', HTMLElement);
  const maxValidity = byId('max-validity', HTMLSelectElement);
  const rows = byId('ip-rows', HTMLUListElement);
  const addRow = byId('add-ip-row', HTMLButtonElement);
  const disablePasswords = byId('disable-password-basic-auth', HTMLInputElement);
  const adminOnly = byId('admin-only', HTMLInputElement);
  const numbers = {
    maxAttempts: byId('failed-max-attempts', HTMLInputElement),
    windowMinutes: byId('failed-window', HTMLInputElement),
    lockoutMinutes: byId('failed-lockout', HTMLInputElement),
  };
  const save = byId('settings-save', HTMLButtonElement);

  function ipInputs(): HTMLInputElement[] {
    return Array.from(rows.querySelectorAll<HTMLInputElement>('input.ip-input'));
  }

  /** Labels say which row they belong to; renumber after a delete. */
  function renumber(): void {
    for (const [index, row] of Array.from(rows.children).entries()) {
      const label = row.querySelector('label');
      const remove = row.querySelector('button');
      if (label) label.textContent = `IP address or range ${index + 1}`;
      remove?.setAttribute('aria-label', `Delete IP address or range ${index + 1}`);
    }
  }

  function appendRow(value: string): HTMLInputElement {
    rowSequence += 1;
    const id = `ip-row-${rowSequence}`;
    const input = el('input', {
      id,
      class: 'ip-input',
      type: 'text',
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: '10.0.0.0/8',
    });
    input.value = value;
    const remove = el('button', { type: 'button', class: 'button subtle icon' }, 'Delete');
    const row = el(
      'li',
      { class: 'ip-row' },
      el('label', { for: id, class: 'visually-hidden' }),
      input,
      remove,
    );
    remove.addEventListener('click', () => {
      const next =
        row.nextElementSibling?.querySelector('input') ?? row.previousElementSibling?.querySelector('input');
      row.remove();
      renumber();
      (next ?? addRow).focus();
      hideMessage(success);
    });
    rows.append(row);
    renumber();
    return input;
  }

  function fill(settings: SettingsJson): void {
    maxValidity.value = settings.maxValidity;
    rows.replaceChildren();
    for (const entry of settings.ipAllowList) appendRow(entry);
    disablePasswords.checked = !settings.passwordBasicAuth;
    adminOnly.checked = settings.adminOnly;
    numbers.maxAttempts.value = String(settings.failedLogins.maxAttempts);
    numbers.windowMinutes.value = String(settings.failedLogins.windowMinutes);
    numbers.lockoutMinutes.value = String(settings.failedLogins.lockoutMinutes);
  }

  async function load(): Promise<void> {
    const result = await api.get<SettingsJson>('/admin/settings');
    if (!result.ok) {
      showApiError(errorBox, result.error);
      return;
    }
    clearErrors(form, errorBox);
    fill(result.data);
  }

  addRow.addEventListener('click', () => {
    appendRow('').focus();
    hideMessage(success);
  });
  form.addEventListener('input', () => hideMessage(success));
  form.addEventListener('change', () => hideMessage(success));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      clearErrors(form, errorBox);
      hideMessage(success);
      let localError = false;
      const failedLogins: Record<string, number> = {};
      for (const [key, input] of Object.entries(numbers)) {
        const value = input.value.trim();
        if (!/^\d+$/.test(value) || Number(value) < 1) {
          setFieldError(input, 'Enter a whole number of 1 or more.');
          localError = true;
        } else {
          failedLogins[key] = Number(value);
        }
      }
      if (localError) {
        showMessage(errorBox, 'Please correct the highlighted fields.');
        form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
        return;
      }
      // Empty rows are dropped; remember which row each sent entry came from to place errors by index.
      const sentRows: HTMLInputElement[] = [];
      for (const input of ipInputs()) if (input.value.trim()) sentRows.push(input);
      const body = {
        maxValidity: maxValidity.value,
        ipAllowList: sentRows.map((input) => input.value.trim()),
        passwordBasicAuth: !disablePasswords.checked,
        adminOnly: adminOnly.checked,
        failedLogins,
      };
      save.disabled = true;
      const result = await api.request<SettingsJson>('PUT', '/admin/settings', body);
      save.disabled = false;
      if (!result.ok) {
        showApiError(errorBox, result.error, (key) => {
          const ip = /^ipAllowList\.(\d+)$/.exec(key);
          if (ip) return sentRows[Number(ip[1])];
          if (key === 'maxValidity') return maxValidity;
          if (key === 'passwordBasicAuth') return disablePasswords;
          if (key === 'adminOnly') return adminOnly;
          const threshold = /^failedLogins\.(maxAttempts|windowMinutes|lockoutMinutes)$/.exec(key);
          if (threshold) return numbers[threshold[1] as keyof typeof numbers];
          return undefined;
        });
        return;
      }
      if (result.data && typeof result.data === 'object' && 'maxValidity' in result.data) fill(result.data);
      else await load();
      showMessage(success, 'Settings saved.');
      onSaved();
    })();
  });

  return { load };
}
