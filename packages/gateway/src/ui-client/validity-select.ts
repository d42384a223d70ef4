/** Fills a validity `<select>` with exactly the choices `GET /validity-options` allows, longest selected. */
import type { Api } from './api.js';
import type { Validity, ValidityOptionsJson } from './api-types.js';
import { el, replaceChildren } from './dom.js';
import { VALIDITY_LABELS, VALIDITY_RANK } from './format.js';
import { showApiError } from './messages.js';

function isValidity(value: unknown): value is Validity {
  return typeof value === 'string' && Object.hasOwn(VALIDITY_RANK, value);
}

/** Load the allowed choices into `select`; on failure show the error in `errorBox`. */
export async function loadValidityOptions(
  api: Api,
  select: HTMLSelectElement,
  errorBox: HTMLElement,
): Promise<void> {
  const result = await api.get<ValidityOptionsJson>('/validity-options');
  if (!result.ok) {
    replaceChildren(select, el('option', { value: '' }, 'Unavailable'));
    showApiError(errorBox, result.error);
    return;
  }
  const choices = (result.data.choices ?? [])
    .filter(isValidity)
    .sort((a, b) => VALIDITY_RANK[a] - VALIDITY_RANK[b]);
  const longest = choices[choices.length - 1];
  replaceChildren(
    select,
    ...choices.map((choice) =>
      el('option', { value: choice, selected: choice === longest }, VALIDITY_LABELS[choice]),
    ),
  );
  if (longest) select.value = longest;
  select.disabled = choices.length === 0;
}
