import { expect, test } from 'vitest';
import { dataTable } from './data-table.js';

test('a table skeleton: headers in order, an actions column, Loading… across every column', () => {
  const html = dataTable({
    id: 't',
    caption: 'Tokens',
    captionId: 't-caption',
    columns: ['Name', 'Created', null],
    bodyId: 't-body',
  }).value;
  expect([...html.matchAll(/<th scope="col">(.*?)<\/th>/g)].map((m) => m[1])).toEqual([
    'Name',
    'Created',
    '<span class="visually-hidden">Actions</span>',
  ]);
  expect(html).toContain('<caption class="visually-hidden" id="t-caption">');
  expect(html).toContain('<tbody id="t-body">');
  expect(html).toContain('<td colspan="3">Loading…</td>');
});

test('text is escaped and the caption id is optional', () => {
  const html = dataTable({ id: 'x"y', caption: '<b>', columns: ['<i>'], bodyId: 'b' }).value;
  expect(html).toContain('id="x&quot;y"');
  expect(html).toContain('&lt;b&gt;');
  expect(html).toContain('<th scope="col">&lt;i&gt;</th>');
  expect(html).toContain('<caption class="visually-hidden">');
});
