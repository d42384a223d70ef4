import { describe, expect, test } from 'vitest';
import { escapeHtml, markup, SafeHtml } from './escape-html.js';

describe('escapeHtml', () => {
  test.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['" onmouseover="alert(1)', '&quot; onmouseover=&quot;alert(1)'],
    ["' autofocus onfocus='x", '&#39; autofocus onfocus=&#39;x'],
    ['Tom & Jerry', 'Tom &amp; Jerry'],
    ['&amp;', '&amp;amp;'],
    ['plain', 'plain'],
    ['', ''],
    ['ünïcødé ✓', 'ünïcødé ✓'],
  ])('%j → %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe('markup tag', () => {
  test('escapes interpolated text but keeps SafeHtml and joins lists', () => {
    const inner = markup`<b>${'<i>'}</b>`;
    const out = markup`<p title="${'"x"'}">${inner}${['<a>', markup`<br>`]}${null}${undefined}${false}${7}</p>`;
    expect(out).toBeInstanceOf(SafeHtml);
    expect(out.value).toBe('<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;a&gt;<br>7</p>');
  });
});
