/** Audit Log tab: newest first, paged with `limit`/`offset`. */
import type { Api } from './api.js';
import { byId, cell, placeholderRow, replaceChildren } from './dom.js';
import { quoted, timeElement } from './format.js';
import { hideMessage, showApiError } from './messages.js';

const PAGE_SIZE = 20;
const COLUMNS = 6;

const EVENT_LABELS: Readonly<Record<string, string>> = {
  'token.created': 'Token created',
  'token.deleted': 'Token deleted',
  'token.deleted_all': 'All tokens deleted',
  'settings.changed': 'Setting changed',
  'failed_logins.reset': 'Failed logins reset',
};

const SETTING_LABELS: Readonly<Record<string, string>> = {
  maxValidity: 'Maximum validity',
  ipAllowList: 'IP addresses',
  passwordBasicAuth: 'Basic auth with passwords',
  adminOnly: 'Only admins',
  'failedLogins.maxAttempts': 'Failed attempts before lockout',
  'failedLogins.windowMinutes': 'Counting window (minutes)',
  'failedLogins.lockoutMinutes': 'Lockout duration (minutes)',
};

type Json = Record<string, unknown>;

function settingText(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(String).join(', ');
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (value === null || value === undefined) return '—';
  return String(value);
}

function asRecord(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return null;
  const record = asRecord(value);
  for (const key of ['username', 'name', 'key', 'id']) {
    if (typeof record[key] === 'string') return record[key];
  }
  return JSON.stringify(value);
}

/** A record may be the event itself or `{seq, event}`. */
function eventOf(record: unknown): Json {
  const outer = asRecord(record);
  return 'event' in outer && typeof outer['event'] === 'object'
    ? { ...outer, ...asRecord(outer['event']) }
    : outer;
}

/** The event-specific part as text pieces; times as locale `<time>` elements. */
function details(event: Json): Array<string | Node> {
  const parts: Array<Array<string | Node>> = [];
  const token = asRecord(event['token']);
  const tokenName = text(token['name']);
  if (tokenName) parts.push([`Token ${quoted(tokenName)}`]);
  if (typeof token['expiresAt'] === 'string') parts.push(['expires ', timeElement(token['expiresAt'], '')]);
  else if (tokenName && token['expiresAt'] === null) parts.push(['never expires']);
  const count = event['count'];
  if (typeof count === 'number') parts.push([`${count} ${count === 1 ? 'token' : 'tokens'}`]);
  const change = asRecord(event['change']);
  const field = text(change['field']);
  if (field) {
    parts.push([
      `${SETTING_LABELS[field] ?? field}: ${settingText(change['before'])} → ${settingText(change['after'])}`,
    ]);
  }
  const key = text(event['key']);
  if (key && event['type'] === 'failed_logins.reset') parts.push([key]);
  if (event['onBehalf'] === true) parts.push(['on behalf of the user']);
  if (parts.length === 0) return ['—'];
  return parts.flatMap((part, index) => (index === 0 ? part : [', ', ...part]));
}

export function initAuditTab(api: Api): { load(): Promise<void> } {
  const body = byId('audit-body', HTMLTableSectionElement);
  const errorBox = byId('audit-error', HTMLElement);
  const newer = byId('audit-newer', HTMLButtonElement);
  const older = byId('audit-older', HTMLButtonElement);
  const range = byId('audit-range', HTMLElement);
  let offset = 0;

  async function load(): Promise<void> {
    const result = await api.get<unknown>(`/admin/audit?limit=${PAGE_SIZE}&offset=${offset}`);
    if (!result.ok) {
      replaceChildren(body, placeholderRow(COLUMNS, 'The audit log could not be loaded.'));
      showApiError(errorBox, result.error);
      return;
    }
    hideMessage(errorBox);
    const data = result.data;
    const list = Array.isArray(data) ? data : (asRecord(data)['records'] ?? asRecord(data)['events'] ?? []);
    const records = Array.isArray(list) ? list.map(eventOf) : [];
    const total = typeof asRecord(data)['total'] === 'number' ? (asRecord(data)['total'] as number) : null;
    newer.disabled = offset === 0;
    older.disabled = total === null ? records.length < PAGE_SIZE : offset + records.length >= total;
    range.textContent =
      records.length === 0
        ? total === 0 || (total === null && offset === 0)
          ? 'No records'
          : ''
        : `Records ${offset + 1}–${offset + records.length}${total === null ? '' : ` of ${total}`}`;
    if (records.length === 0) {
      replaceChildren(body, placeholderRow(COLUMNS, 'No audit records yet.'));
      return;
    }
    replaceChildren(
      body,
      ...records.map((event) => {
        const type = text(event['type']) ?? '';
        const when = event['at'] ?? event['time'] ?? event['createdAt'] ?? event['timestamp'];
        const row = document.createElement('tr');
        row.setAttribute('data-type', type);
        row.append(
          cell('Time', timeElement(typeof when === 'string' ? when : null, '—')),
          cell('Event', EVENT_LABELS[type] ?? type),
          cell('By', text(event['actor']) ?? '—'),
          cell('User', text(event['subject'] ?? event['subjectUser']) ?? '—'),
          cell('Details', ...details(event)),
          cell('From', text(event['clientAddress']) ?? '—'),
        );
        return row;
      }),
    );
  }

  newer.addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE_SIZE);
    void load();
  });
  older.addEventListener('click', () => {
    offset += PAGE_SIZE;
    void load();
  });
  byId('audit-refresh', HTMLButtonElement).addEventListener('click', () => {
    offset = 0;
    void load();
  });
  return { load };
}
