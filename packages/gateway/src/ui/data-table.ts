import { markup, type SafeHtml } from './escape-html.js';

/** What {@link dataTable} renders: the columns and the ids the browser script fills in. */
export interface DataTableSpec {
  id: string;
  /** Read by screen readers only. */
  caption: string;
  captionId?: string;
  /** Column headers; `null` is an actions column (a visually hidden "Actions" header). */
  columns: ReadonlyArray<string | null>;
  /** The `<tbody>` the script replaces; it shows "Loading…" until then. */
  bodyId: string;
}

/**
 * The skeleton of every list on the pages: a scrollable table whose body the browser script fills from
 * the management REST API.
 *
 * @example
 * dataTable({ id: 'tokens-table', caption: 'Your API tokens', columns: ['Name', null], bodyId: 'tokens-body' });
 */
export function dataTable(spec: DataTableSpec): SafeHtml {
  const headers = spec.columns.map((column) =>
    column === null
      ? markup`<th scope="col"><span class="visually-hidden">Actions</span></th>`
      : markup`<th scope="col">${column}</th>`,
  );
  return markup`<div class="table-wrap">
      <table class="data-table" id="${spec.id}">
        <caption class="visually-hidden"${spec.captionId === undefined ? '' : markup` id="${spec.captionId}"`}>
          ${spec.caption}
        </caption>
        <thead>
          <tr>
            ${headers}
          </tr>
        </thead>
        <tbody id="${spec.bodyId}">
          <tr class="placeholder">
            <td colspan="${spec.columns.length}">Loading…</td>
          </tr>
        </tbody>
      </table>
    </div>`;
}
