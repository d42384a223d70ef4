/**
 * Tiny DOM helpers. Data from the API only ever reaches the page as text (`textContent`, attribute
 * values via `setAttribute`), never as markup: there is no `innerHTML` in the client.
 */

export type Child = Node | string | null | undefined | false;
export type Attributes = Record<string, string | boolean | null | undefined>;

/** Create an element with attributes (`true` = present, `false`/`null`/`undefined` = absent) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) node.setAttribute(name, '');
    else if (typeof value === 'string') node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** The element with this id, checked to be of the expected type; missing = the page and script disagree. */
export function byId<T extends HTMLElement>(id: string, type: abstract new () => T): T {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`UI element #${id} is missing`);
  return node;
}

/** Like {@link byId} but `null` when the page does not contain it (e.g. the create form for blocked users). */
export function maybeById<T extends HTMLElement>(id: string, type: abstract new () => T): T | null {
  const node = document.getElementById(id);
  return node instanceof type ? node : null;
}

/** Replace all children of `node`. */
export function replaceChildren(node: Element, ...children: Child[]): void {
  node.replaceChildren(...children.filter((child): child is Node | string => !!child));
}

/** A table row telling that there is nothing (or nothing yet) to show. */
export function placeholderRow(columns: number, text: string): HTMLTableRowElement {
  return el('tr', { class: 'placeholder' }, el('td', { colspan: String(columns) }, text));
}

/** A data cell that carries its column name for the narrow (card) layout. */
export function cell(label: string, ...children: Child[]): HTMLTableCellElement {
  // One wrapper, so the narrow layout's label/value grid sees exactly one value item.
  return el('td', { 'data-label': label }, el('span', { class: 'cell-value' }, ...children));
}
