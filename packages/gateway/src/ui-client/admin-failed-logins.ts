/** Failed Logins tab: who and which addresses are counted or locked, until when; reset one. */
import type { Api } from './api.js';
import { byId, cell, el, placeholderRow, replaceChildren } from './dom.js';
import { timeElement } from './format.js';
import { hideMessage, showApiError, showMessage } from './messages.js';

/** One entry of `GET /admin/failed-logins` (key `user:<name>` or `ip:<address>`). */
export interface FailedLoginJson {
  key: string;
  failures: number;
  windowStartedAt?: string | null;
  lastFailureAt?: string | null;
  lockedUntil?: string | null;
  /** Locked right now (server's clock). */
  locked?: boolean;
}

const COLUMNS = 6;

function entriesOf(data: unknown): FailedLoginJson[] {
  const list = Array.isArray(data)
    ? data
    : typeof data === 'object' && data !== null
      ? ((data as Record<string, unknown>)['entries'] ??
        (data as Record<string, unknown>)['failedLogins'] ??
        [])
      : [];
  return Array.isArray(list)
    ? list.filter((entry): entry is FailedLoginJson => typeof entry?.key === 'string')
    : [];
}

function describeKey(key: string): { kind: string; who: string } {
  if (key.startsWith('user:')) return { kind: 'User', who: key.slice(5) };
  if (key.startsWith('ip:')) return { kind: 'IP address', who: key.slice(3) };
  return { kind: 'Other', who: key };
}

export function initFailedLoginsTab(api: Api): { load(): Promise<void> } {
  const body = byId('failed-logins-body', HTMLTableSectionElement);
  const status = byId('failed-logins-status', HTMLElement);
  const errorBox = byId('failed-logins-error', HTMLElement);

  async function load(): Promise<void> {
    const result = await api.get<unknown>('/admin/failed-logins');
    if (!result.ok) {
      replaceChildren(body, placeholderRow(COLUMNS, 'Failed logins could not be loaded.'));
      showApiError(errorBox, result.error);
      return;
    }
    hideMessage(errorBox);
    const entries = entriesOf(result.data);
    if (entries.length === 0) {
      replaceChildren(body, placeholderRow(COLUMNS, 'No failed logins are being counted.'));
      return;
    }
    const now = Date.now();
    replaceChildren(
      body,
      ...entries.map((entry) => {
        const { kind, who } = describeKey(entry.key);
        const locked =
          typeof entry.locked === 'boolean'
            ? entry.locked
            : !!entry.lockedUntil && new Date(entry.lockedUntil).getTime() > now;
        const reset = el(
          'button',
          { type: 'button', class: 'button', 'aria-label': `Reset ${kind.toLowerCase()} ${who}` },
          'Reset',
        );
        reset.addEventListener('click', () => void resetEntry(entry.key, `${kind.toLowerCase()} ${who}`));
        return el(
          'tr',
          { 'data-key': entry.key, class: locked ? 'locked' : null },
          cell('Kind', kind),
          el('th', { scope: 'row', 'data-label': 'User or address' }, who),
          cell('Failures', String(entry.failures)),
          cell('Last failure', timeElement(entry.lastFailureAt, '—')),
          cell(
            'Locked until',
            locked ? el('span', { class: 'lozenge danger' }, 'Locked') : 'Not locked',
            locked ? ' ' : null,
            locked ? timeElement(entry.lockedUntil, '') : null,
          ),
          el('td', { class: 'actions' }, reset),
        );
      }),
    );
  }

  async function resetEntry(key: string, label: string): Promise<void> {
    hideMessage(status);
    const result = await api.request<void>('DELETE', `/admin/failed-logins/${encodeURIComponent(key)}`);
    if (!result.ok) showApiError(errorBox, result.error);
    else showMessage(status, `Failed logins of ${label} reset.`);
    await load();
  }

  byId('failed-logins-refresh', HTMLButtonElement).addEventListener('click', () => {
    hideMessage(status);
    void load();
  });
  return { load };
}
