/**
 * HTML escaping for server-rendered pages. Every value that did not come from this module's own
 * literals goes through {@link escapeHtml} (directly or via the {@link markup} tag): usernames and
 * display names come from the product and may be hostile (`<script>`, `"onmouseover=`…).
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escape text for use in HTML element content and in quoted attribute values.
 *
 * @example
 * escapeHtml('<b title="x">Tom & Jerry</b>'); // '&lt;b title=&quot;x&quot;&gt;Tom &amp; Jerry&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** Markup that is already safe: produced by {@link markup} from literals and escaped values. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What may be interpolated into {@link markup}: text is escaped, `SafeHtml` is kept, lists are joined. */
export type HtmlValue = string | number | SafeHtml | null | undefined | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * Tagged template for markup: every interpolated value is escaped unless it is already `SafeHtml`,
 * so forgetting to escape is not possible. (Not named `html`: Prettier would reformat the markup.)
 *
 * @example
 * markup`<p class="user">${'<script>alert(1)</script>'}</p>`.value;
 * // '<p class="user">&lt;script&gt;alert(1)&lt;/script&gt;</p>'
 */
export function markup(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}
