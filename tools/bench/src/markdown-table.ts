/** Aligned Markdown tables: readable in a terminal and pasted as they are into docs/performance.md. */

/**
 * @example
 * ```ts
 * markdownTable(['case', 'req/s'], [['direct', '12,000']], ['left', 'right']);
 * ```
 */
export function markdownTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  align: ReadonlyArray<'left' | 'right'> = [],
): string {
  const widths = header.map((title, column) =>
    Math.max(3, title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const cell = (text: string, column: number) =>
    align[column] === 'right' ? text.padStart(widths[column] ?? 0) : text.padEnd(widths[column] ?? 0);
  const line = (cells: readonly string[]) =>
    `| ${cells.map((text, column) => cell(text, column)).join(' | ')} |`;
  const rule = `| ${widths.map((width, column) => (align[column] === 'right' ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  return [line(header), rule, ...rows.map((row) => line(header.map((_, column) => row[column] ?? '')))].join(
    '\n',
  );
}

/** `12,345`. */
export const whole = (n: number) => Math.round(n).toLocaleString('en-US');
/** Milliseconds with two decimals. */
export const ms = (n: number) => n.toFixed(2);
