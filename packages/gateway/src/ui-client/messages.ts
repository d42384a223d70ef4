/**
 * Showing results next to where they belong: a message box for general errors and successes, and
 * field errors beside their input (`aria-invalid` + `aria-describedby`, so screen readers read them).
 */
import type { ApiError } from './api.js';
import { el, replaceChildren } from './dom.js';

/** Show `lines` in a message box (one paragraph each). */
export function showMessage(box: HTMLElement, lines: string | readonly string[]): void {
  const list = typeof lines === 'string' ? [lines] : lines;
  replaceChildren(box, ...list.map((line) => el('p', {}, line)));
  box.hidden = false;
}

export function hideMessage(box: HTMLElement): void {
  box.hidden = true;
  replaceChildren(box);
}

function describedBy(input: HTMLElement, id: string, add: boolean): void {
  const ids = (input.getAttribute('aria-describedby') ?? '')
    .split(/\s+/)
    .filter((entry) => entry && entry !== id);
  if (add) ids.push(id);
  if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
  else input.removeAttribute('aria-describedby');
}

/** Mark `input` invalid with `message` shown beside it, or clear its error (`null`). */
export function setFieldError(input: HTMLElement, message: string | null): void {
  const container = input.closest('.field, .ip-row') ?? input.parentElement;
  const errorId = `${input.id}-error`;
  const existing = document.getElementById(errorId);
  if (message === null) {
    existing?.remove();
    input.removeAttribute('aria-invalid');
    describedBy(input, errorId, false);
    container?.classList.remove('invalid');
    return;
  }
  const node = existing ?? el('p', { class: 'field-error', id: errorId });
  node.textContent = message;
  if (!existing) container?.append(node);
  input.setAttribute('aria-invalid', 'true');
  describedBy(input, errorId, true);
  container?.classList.add('invalid');
}

/** Clear the message box and every field error inside `scope`. */
export function clearErrors(scope: HTMLElement, box: HTMLElement): void {
  hideMessage(box);
  for (const input of Array.from(scope.querySelectorAll<HTMLElement>('[aria-invalid="true"]'))) {
    setFieldError(input, null);
  }
}

/**
 * Show an API error: field errors beside the inputs in `fields` (keyed like the API's `errors`),
 * everything else in `box`. Focuses the first invalid field so keyboard users land on it.
 */
export function showApiError(
  box: HTMLElement,
  error: ApiError,
  fields: (key: string) => HTMLElement | undefined = () => undefined,
): void {
  const lines = [...error.errorMessages];
  let firstInvalid: HTMLElement | undefined;
  for (const [key, message] of Object.entries(error.errors)) {
    const input = fields(key);
    if (input) {
      setFieldError(input, message);
      firstInvalid ??= input;
    } else {
      lines.push(`${key}: ${message}`);
    }
  }
  if (lines.length === 0) lines.push('Please correct the highlighted fields.');
  showMessage(box, lines);
  firstInvalid?.focus();
}
