/**
 * The one-time display of a freshly created token: the plaintext lives only in this element and is
 * removed when the user is done; the page never stores it anywhere else.
 */
import type { CreatedTokenJson } from './api-types.js';
import { el, replaceChildren } from './dom.js';
import { quoted, timeElement } from './format.js';

async function copyToken(input: HTMLInputElement, status: HTMLElement): Promise<void> {
  try {
    if (!navigator.clipboard) throw new Error('no asynchronous clipboard');
    await navigator.clipboard.writeText(input.value);
    status.textContent = 'Copied to the clipboard.';
  } catch {
    // Insecure origin or permission refused: select the text so Ctrl+C works, and try the old API.
    input.focus();
    input.select();
    let copied: boolean;
    try {
      copied = document.execCommand('copy');
    } catch {
      copied = false;
    }
    status.textContent = copied
      ? 'Copied to the clipboard.'
      : 'The token is selected: press Ctrl+C (⌘C on a Mac) to copy it.';
  }
}

/**
 * Show `created` once in `slot`. `owner` is set when an admin created it for someone else.
 * `idPrefix` keeps ids unique when a page has several slots.
 */
export function showNewToken(
  slot: HTMLElement,
  created: CreatedTokenJson,
  owner: string | null,
  idPrefix: string,
): void {
  const headingId = `${idPrefix}-heading`;
  const inputId = `${idPrefix}-value`;
  const input = el('input', {
    id: inputId,
    class: 'token-value',
    type: 'text',
    readonly: true,
    spellcheck: 'false',
    autocomplete: 'off',
  });
  input.value = created.token;
  const status = el('span', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
  const copy = el('button', { type: 'button', class: 'button primary' }, 'Copy');
  copy.addEventListener('click', () => void copyToken(input, status));
  const done = el('button', { type: 'button', class: 'button subtle' }, 'Done');
  done.addEventListener('click', () => {
    replaceChildren(slot);
  });
  const title = owner
    ? `New API token ${quoted(created.name)} for ${owner}`
    : `Your new API token ${quoted(created.name)}`;
  const region = el(
    'div',
    { class: 'new-token', role: 'region', 'aria-labelledby': headingId },
    el('h3', { id: headingId }, title),
    el(
      'p',
      { class: 'warning' },
      el('strong', {}, 'Copy the token now. It will not be shown again. '),
      owner
        ? `Hand it to ${owner} over a secure channel. If it is lost, delete it and create a new one.`
        : 'If you lose it, delete it and create a new one.',
    ),
    el('label', { for: inputId, class: 'visually-hidden' }, 'API token'),
    el('div', { class: 'token-row' }, input, copy),
    status,
    el('p', { class: 'help' }, 'Expires: ', timeElement(created.expiresAt, 'never')),
    el('div', { class: 'form-actions' }, done),
  );
  replaceChildren(slot, region);
  input.focus();
  input.select();
}
