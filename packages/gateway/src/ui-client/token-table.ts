/** Rows of the token tables (own tokens and the admin's list of everyone's). */
import type { TokenJson } from './api-types.js';
import { cell, el } from './dom.js';
import { quoted, timeElement } from './format.js';

export interface TokenRowOptions {
  /** Admin listing: show owner and creator columns. */
  admin: boolean;
  onDelete(token: TokenJson): void;
}

/** One `<tr>` for `token`, with a labelled delete button. */
export function tokenRow(token: TokenJson, options: TokenRowOptions): HTMLTableRowElement {
  const owner = token.owner ?? '';
  const deleteButton = el(
    'button',
    {
      type: 'button',
      class: 'button danger-subtle',
      'aria-label': options.admin
        ? `Delete token ${quoted(token.name)} of ${owner}`
        : `Delete token ${quoted(token.name)}`,
    },
    'Delete',
  );
  deleteButton.addEventListener('click', () => options.onDelete(token));
  return el(
    'tr',
    { 'data-token-id': token.id },
    options.admin && cell('Owner', owner),
    el('th', { scope: 'row', 'data-label': 'Name' }, token.name),
    cell('Created', timeElement(token.createdAt, '—')),
    cell('Expires', timeElement(token.expiresAt, 'Never')),
    cell('Last used', timeElement(token.lastUsedAt, 'Never')),
    cell('Last used from', token.lastUsedFrom ?? '—'),
    options.admin && cell('Created by', token.createdBy ?? '—'),
    el('td', { class: 'actions' }, deleteButton),
  );
}
