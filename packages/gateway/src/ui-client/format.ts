/** Display formats: times in the browser's locale with the ISO value as a title, validity labels. */
import type { Validity } from './api-types.js';
import { el } from './dom.js';

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A `<time>` element in the browser's locale, the ISO value in `datetime` and `title`; `empty` when null. */
export function timeElement(iso: string | null | undefined, empty: string): Node {
  if (!iso) return document.createTextNode(empty);
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return document.createTextNode(iso);
  return el('time', { datetime: iso, title: iso }, dateTimeFormat.format(date));
}

export const VALIDITY_LABELS: Readonly<Record<Validity, string>> = {
  '6m': '6 months',
  '1y': '1 year',
  '2y': '2 years',
  never: 'Never expires',
};

export const VALIDITY_RANK: Readonly<Record<Validity, number>> = { '6m': 0, '1y': 1, '2y': 2, never: 3 };

/** `“name”` with typographic quotes, for messages. */
export function quoted(text: string): string {
  return `“${text}”`;
}
