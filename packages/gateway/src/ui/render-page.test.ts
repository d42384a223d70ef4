import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { renderUiPage, type UiContext } from './index.js';

const NONCE = 'bm9uY2Utbm9uY2Utbm9uY2U=';

function context(overrides: Partial<UiContext> = {}): UiContext {
  return {
    contextPath: '/confluence',
    productDisplayName: 'Confluence',
    loginUrl: '/confluence/login.action?os_destination=%2Fplugins%2Fservlet%2Fapi-token-auth%2Ftokens',
    caller: { username: 'alice', displayName: 'Alice Liddell', isAdmin: false },
    settings: { adminOnly: false },
    ...overrides,
  };
}

const admin = { username: 'admin', displayName: 'Ada Admin', isAdmin: true };

describe('renderUiPage', () => {
  test('anonymous: 401 with a link to the product login and no script', () => {
    for (const page of ['tokens', 'admin'] as const) {
      const { status, html } = renderUiPage(page, context({ caller: null }), NONCE);
      expect(status).toBe(401);
      expect(html).toContain('Please log in');
      expect(html).toContain(
        '<a class="button primary" href="/confluence/login.action?os_destination=%2Fplugins%2Fservlet%2Fapi-token-auth%2Ftokens">Log in to Confluence</a>',
      );
      expect(html).not.toContain('<script');
      expect(html).not.toContain('create-token-form');
    }
  });

  test('user on tokens: 200 with the create form, the list and the nonce-carrying script', () => {
    const { status, html } = renderUiPage('tokens', context(), NONCE);
    expect(status).toBe(200);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(
      `<script nonce="${NONCE}" src="/confluence/plugins/servlet/api-token-auth/assets/app.js" defer></script>`,
    );
    expect(html).toContain(
      '<link rel="stylesheet" href="/confluence/plugins/servlet/api-token-auth/assets/app.css">',
    );
    expect(html).toContain('data-api-base="/confluence/rest/api-token-auth/1.0"');
    expect(html).toContain('data-page="tokens"');
    expect(html).toContain('id="create-token-form"');
    expect(html).toContain('<label for="token-name">');
    expect(html).toContain('<label for="token-validity">');
    expect(html).toContain('id="tokens-table"');
    expect(html).toMatch(/<dialog\s+id="confirm-dialog"/);
    expect(html).not.toContain('admin-only-info');
    // A non-admin gets no link to the admin page.
    expect(html).not.toContain('/plugins/servlet/api-token-auth/admin');
    expect(html).toContain('Alice Liddell');
  });

  test('only-admins on: a non-admin sees the info box instead of the form, the list stays', () => {
    const { status, html } = renderUiPage('tokens', context({ settings: { adminOnly: true } }), NONCE);
    expect(status).toBe(200);
    expect(html).toContain('id="admin-only-info"');
    expect(html).toContain('Only administrators may create and use API tokens');
    expect(html).not.toContain('id="create-token-form"');
    expect(html).toContain('id="tokens-table"');
  });

  test('only-admins on: an admin still gets the form', () => {
    const { html } = renderUiPage('tokens', context({ caller: admin, settings: { adminOnly: true } }), NONCE);
    expect(html).toContain('id="create-token-form"');
    expect(html).not.toContain('admin-only-info');
    expect(html).toContain('href="/confluence/plugins/servlet/api-token-auth/admin"');
  });

  test('non-admin on admin: 403 page, no admin markup, link back to own tokens', () => {
    const { status, html } = renderUiPage('admin', context(), NONCE);
    expect(status).toBe(403);
    expect(html).toContain('Administrators only');
    expect(html).toContain('href="/confluence/plugins/servlet/api-token-auth/tokens"');
    expect(html).not.toContain('role="tablist"');
    expect(html).not.toContain('<script');
  });

  test('admin on admin: 200 with an accessible tablist of four tabs', () => {
    const { status, html } = renderUiPage('admin', context({ caller: admin, contextPath: '' }), NONCE);
    expect(status).toBe(200);
    expect(html).toContain('data-page="admin"');
    expect(html).toContain('data-api-base="/rest/api-token-auth/1.0"');
    expect(html).toContain('role="tablist"');
    const tabs = [
      ...html.matchAll(
        /<button type="button" role="tab" id="tab-([a-z-]+)" aria-controls="panel-\1" aria-selected="(true|false)"[^>]*>([^<]+)</g,
      ),
    ];
    expect(tabs.map((match) => [match[1], match[2], match[3]])).toEqual([
      ['settings', 'true', 'System-Wide Settings'],
      ['tokens', 'false', 'API Tokens'],
      ['failed-logins', 'false', 'Failed Logins'],
      ['audit', 'false', 'Audit Log'],
    ]);
    expect(html.match(/role="tabpanel"/g)).toHaveLength(4);
    for (const id of [
      'max-validity',
      'disable-password-basic-auth',
      'admin-only',
      'failed-max-attempts',
      'admin-filter-user',
    ]) {
      expect(html).toContain(`<label for="${id}">`);
    }
    expect(html).toContain('id="ip-rows"');
    expect(html).toContain('id="audit-older"');
  });

  test.each([
    ['username', { username: '<script>alert("u")</script>', isAdmin: true }],
    ['display name', { username: 'mallory', displayName: '<script>alert("d")</script>', isAdmin: true }],
  ])('escapes a hostile %s everywhere', (_what, caller) => {
    for (const page of ['tokens', 'admin'] as const) {
      const { html } = renderUiPage(page, context({ caller }), NONCE);
      expect(html).not.toContain('<script>alert');
      expect(html).toContain('&lt;script&gt;alert(&quot;');
      // The only script element is ours.
      expect(html.match(/<script/g)).toHaveLength(1);
    }
  });

  test('escapes a hostile username on the 403 page and hostile product/login values', () => {
    const forbidden = renderUiPage(
      'admin',
      context({ caller: { username: '"><img src=x onerror=alert(1)>', isAdmin: false } }),
      NONCE,
    );
    expect(forbidden.html).not.toContain('<img');
    expect(forbidden.html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    const login = renderUiPage(
      'tokens',
      context({
        caller: null,
        loginUrl: '/login.jsp?a="><script>x</script>',
        productDisplayName: '<b>Jira</b>',
      }),
      NONCE,
    );
    expect(login.html).not.toMatch(/<script|<b>/);
    expect(login.html).toContain('href="/login.jsp?a=&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
  });

  test('rejects a malformed nonce instead of writing it into the page', () => {
    expect(() => renderUiPage('tokens', context(), '" onload="x')).toThrow(TypeError);
  });

  test('every element the client script looks up exists on a page', () => {
    const clientDir = fileURLToPath(new URL('../ui-client/', import.meta.url));
    const ids = new Set<string>();
    for (const file of readdirSync(clientDir).filter((name) => name.endsWith('.ts'))) {
      for (const match of readFileSync(clientDir + file, 'utf8').matchAll(/(?:byId|maybeById)\('([^']+)'/g)) {
        ids.add(match[1] ?? '');
      }
    }
    const pages =
      renderUiPage('tokens', context(), NONCE).html +
      renderUiPage('admin', context({ caller: admin }), NONCE).html;
    const missing = [...ids].filter((id) => !pages.includes(`id="${id}"`));
    expect(ids.size).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  });
});
