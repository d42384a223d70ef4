/**
 * The web UI in a real browser (issue 5): Debian's Chromium via playwright-core, against the real
 * adapter bin in front of the sandbox product, on both products. Every flow checks what the page
 * shows and then what the management REST API returns.
 */
import type { Settings } from '@api-token-auth/token-policy';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { basic } from '../../src/client.js';
import { expectAtlassianError, expectStatus, auditViews } from '../../src/expectations.js';
import { failedLoginViews, putSettings } from '../../src/gateway-state.js';
import { send } from '../../src/http.js';
import { PRODUCTS } from '../../src/products.js';
import { createToken, tokenName, useStack, type CreatedToken } from '../fixture.js';
import { ciMode, findChromium, launchChromium, missingChromiumMessage } from './chromium.js';
import {
  openSession,
  openUiPage,
  settled,
  submitProductLogin,
  uiUrl,
  UI_PATH,
  type BrowserSession,
} from './ui-session.js';

const chromiumPath = findChromium();
if (chromiumPath === null) console.error(`\n${missingChromiumMessage()}\n`);

interface TokenJson {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedFrom: string | null;
  createdBy: string;
  owner?: string;
}

const FLOW_TIMEOUT = 90_000;

let browser: Browser;

beforeAll(async () => {
  if (chromiumPath !== null) browser = await launchChromium(chromiumPath);
});
afterAll(async () => {
  await browser?.close();
});

test('Chromium is available for the browser tests (required under CI=true)', (context) => {
  if (chromiumPath === null && ciMode) throw new Error(missingChromiumMessage());
  // Outside CI a missing Chromium skips the browser tests, after the loud message above.
  if (chromiumPath === null) context.skip();
  expect(browser.version()).toMatch(/^\d+\./);
});

/** Text of the selected option and the values of all options of a select. */
async function selectState(page: Page, selector: string): Promise<{ values: string[]; selected: string }> {
  const select = page.locator(selector);
  await expect.poll(() => select.isDisabled()).toBe(false);
  const values = await select
    .locator('option')
    .evaluateAll((options) => options.map((option) => option.getAttribute('value') ?? ''));
  return { values, selected: await select.inputValue() };
}

/** Horizontal overflow of the page in CSS pixels (0 = fits the viewport). */
async function horizontalOverflow(page: Page): Promise<number> {
  return (await page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  )) as number;
}

describe.skipIf(chromiumPath === null).each(PRODUCTS)('web UI on %s', (product) => {
  const world = useStack(product);
  let alice: BrowserSession;
  let admin: BrowserSession;
  const sessions: BrowserSession[] = [];

  beforeAll(async () => {
    alice = await openSession(browser, world.stack, { user: 'alice' });
    admin = await openSession(browser, world.stack, { user: 'admin' });
    sessions.push(alice, admin);
  }, FLOW_TIMEOUT);

  afterEach(() => {
    for (const session of sessions) {
      const problems = session.problems.splice(0);
      expect(problems).toEqual([]);
    }
  });

  afterAll(async () => {
    for (const session of sessions) await session.close();
  });

  async function aliceTokens(): Promise<TokenJson[]> {
    return expectStatus<TokenJson[]>(await world.aliceApi.get('/tokens'), 200);
  }

  test(
    'not logged in: a clear 401 page links to the product login and back to the page',
    async () => {
      const anonymous = await openSession(browser, world.stack);
      sessions.push(anonymous);
      const response = await anonymous.page.goto(uiUrl(world.stack, 'tokens'));
      expect(response?.status()).toBe(401);
      expect(response?.headers()['content-security-policy']).toMatch(/script-src 'nonce-[^']+'/);
      await expect
        .poll(() => anonymous.page.getByRole('heading', { level: 1 }).textContent())
        .toBe('Please log in');
      const login = anonymous.page.getByRole('link', { name: /^Log in to (Jira|Confluence)$/ });
      const href = (await login.getAttribute('href')) ?? '';
      expect(href.startsWith(`${world.stack.contextPath}/login.`)).toBe(true);
      expect((await anonymous.page.goto(uiUrl(world.stack, 'admin')))?.status()).toBe(401);

      await anonymous.page.goto(uiUrl(world.stack, 'tokens'));
      await Promise.all([anonymous.page.waitForNavigation(), login.click()]);
      await submitProductLogin(anonymous.page, 'alice', 'alice');
      expect(new URL(anonymous.page.url()).pathname).toBe(`${world.stack.contextPath}${UI_PATH}/tokens`);
      await expect
        .poll(() => anonymous.page.getByRole('heading', { level: 1 }).textContent())
        .toBe('API tokens');
      await anonymous.close();
    },
    FLOW_TIMEOUT,
  );

  test(
    'create: the validity select offers exactly the allowed choices, the token is shown once and works',
    async () => {
      await putSettings(world.adminApi, world.defaults, { maxValidity: '1y' });
      const page = alice.page;
      expect(await openUiPage(alice, world.stack, 'tokens')).toBe(200);
      await settled(page);
      const allowed = expectStatus<{ ceiling: string; choices: string[] }>(
        await world.aliceApi.get('/validity-options'),
        200,
      );
      const validity = await selectState(page, '#token-validity');
      expect([...validity.values].sort()).toEqual([...allowed.choices].sort());
      expect(validity.values.sort()).toEqual(['1y', '6m']);
      expect(validity.selected).toBe('1y');

      const name = tokenName('browser');
      await page.getByLabel('Name').fill(name);
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      const shown = page.getByRole('region', { name: `Your new API token “${name}”` });
      await shown.waitFor();
      expect(await shown.textContent()).toContain('It will not be shown again');
      const token = await shown.getByLabel('API token').inputValue();
      expect(token).toMatch(/^ata_[0-9A-Za-z]+$/);

      await shown.getByRole('button', { name: 'Copy' }).click();
      await expect
        .poll(() => shown.getByRole('status').textContent())
        .toMatch(/Copied to the clipboard|press Ctrl\+C/);
      if ((await shown.getByRole('status').textContent())?.startsWith('Copied')) {
        expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);
      }

      // The API lists it with a one-year expiry, and the page's row shows the same instant.
      const listed = (await aliceTokens()).find((entry) => entry.name === name);
      expect(listed).toBeDefined();
      const expires = new Date(listed?.expiresAt ?? '');
      const created = new Date(listed?.createdAt ?? '');
      expect(
        expires.getUTCFullYear() * 12 +
          expires.getUTCMonth() -
          (created.getUTCFullYear() * 12 + created.getUTCMonth()),
      ).toBe(12);
      const row = page.locator('#tokens-body tr', { hasText: name });
      await row.waitFor();
      expect(await row.locator('td[data-label="Expires"] time').getAttribute('title')).toBe(
        listed?.expiresAt,
      );
      expect(await row.locator('td[data-label="Created"] time').getAttribute('datetime')).toBe(
        listed?.createdAt,
      );
      expect(await row.locator('td[data-label="Last used"]').textContent()).toBe('Never');

      // The token works in place of the password, and the page then shows its last use.
      const used = await send(world.stack.url(world.stack.profile.resourcePath), {
        headers: basic('alice', token).headers,
      });
      expect(used.status).toBe(200);
      await expect
        .poll(async () => (await aliceTokens()).find((entry) => entry.name === name)?.lastUsedFrom, {
          timeout: 15_000,
        })
        .toBe('127.0.0.1');

      // Shown once: gone after "Done" and after a reload.
      await shown.getByRole('button', { name: 'Done' }).click();
      expect(await page.content()).not.toContain(token);
      await openUiPage(alice, world.stack, 'tokens');
      await settled(page);
      expect(await page.content()).not.toContain(token);
      const usedRow = page.locator('#tokens-body tr', { hasText: name });
      expect(await usedRow.locator('td[data-label="Last used from"]').textContent()).toBe('127.0.0.1');
    },
    FLOW_TIMEOUT,
  );

  test(
    'create: an empty name is marked next to the field and nothing is created',
    async () => {
      const page = alice.page;
      await openUiPage(alice, world.stack, 'tokens');
      await settled(page);
      const before = (await aliceTokens()).length;
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      const name = page.locator('#token-name');
      await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#token-name-error').textContent()).toBe('Enter a name for the token.');
      expect(await name.getAttribute('aria-describedby')).toContain('token-name-error');
      expect((await aliceTokens()).length).toBe(before);
    },
    FLOW_TIMEOUT,
  );

  test(
    'delete: the confirmation dialog is keyboard accessible; Escape keeps the token, Delete removes it',
    async () => {
      const kept = await createToken(world.aliceApi, { name: tokenName('keep') });
      const doomed = await createToken(world.aliceApi, { name: tokenName('doomed') });
      const page = alice.page;
      await openUiPage(alice, world.stack, 'tokens');
      await settled(page);
      const deleteButton = page.getByRole('button', { name: `Delete token “${doomed.name}”` });

      await deleteButton.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Delete API token?' });
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain(doomed.name);
      await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Cancel');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      expect((await aliceTokens()).map((token) => token.id)).toContain(doomed.id);

      await deleteButton.focus();
      await page.keyboard.press('Enter');
      await dialog.waitFor();
      await page.keyboard.press('Tab');
      await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Delete');
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.locator('#page-status').textContent())
        .toBe(`Token “${doomed.name}” deleted.`);
      await page.locator('#tokens-body tr', { hasText: doomed.name }).waitFor({ state: 'detached' });
      const ids = (await aliceTokens()).map((token) => token.id);
      expect(ids).not.toContain(doomed.id);
      expect(ids).toContain(kept.id);
    },
    FLOW_TIMEOUT,
  );

  test(
    'delete all: after confirmation every own token is gone',
    async () => {
      await createToken(world.aliceApi, { name: tokenName('all-a') });
      await createToken(world.aliceApi, { name: tokenName('all-b') });
      const count = (await aliceTokens()).length;
      const page = alice.page;
      await openUiPage(alice, world.stack, 'tokens');
      await settled(page);
      await page.getByRole('button', { name: 'Delete all', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete all your API tokens?' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Delete all' }).click();
      await expect.poll(() => page.locator('#page-status').textContent()).toBe(`Deleted ${count} tokens.`);
      await expect.poll(() => page.locator('#tokens-body').textContent()).toBe('You have no API tokens.');
      expect(await aliceTokens()).toEqual([]);
      expect(await page.getByRole('button', { name: 'Delete all', exact: true }).isDisabled()).toBe(true);
    },
    FLOW_TIMEOUT,
  );

  test(
    'only admins: a page opened before the switch shows the 403, a fresh page shows the info box',
    async () => {
      const page = alice.page;
      await openUiPage(alice, world.stack, 'tokens');
      await settled(page);
      await selectState(page, '#token-validity');
      const before = await aliceTokens();

      await putSettings(world.adminApi, world.defaults, { adminOnly: true });
      const refused = expectAtlassianError(await world.aliceApi.post('/tokens', { name: 'probe' }), 403);

      await page.getByLabel('Name').fill('after-the-switch');
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      const error = page.locator('#create-token-error');
      await error.waitFor();
      expect(await error.getAttribute('role')).toBe('alert');
      expect(await error.textContent()).toContain(refused.errorMessages[0] ?? '');
      expect(await page.locator('.new-token').count()).toBe(0);
      expect(await aliceTokens()).toEqual(before);

      await openUiPage(alice, world.stack, 'tokens');
      const info = page.getByRole('note');
      await info.waitFor();
      expect(await info.textContent()).toContain('Only administrators may create and use API tokens');
      expect(await page.locator('#create-token-form').count()).toBe(0);
      await settled(page);

      // The admin keeps the form.
      await openUiPage(admin, world.stack, 'tokens');
      await admin.page.locator('#create-token-form').waitFor();
      expect(await admin.page.getByRole('note').count()).toBe(0);
    },
    FLOW_TIMEOUT,
  );

  test(
    'a non-admin opening the admin page gets a 403 page',
    async () => {
      const response = await alice.page.goto(uiUrl(world.stack, 'admin'));
      expect(response?.status()).toBe(403);
      await expect
        .poll(() => alice.page.getByRole('heading', { level: 1 }).textContent())
        .toBe('Administrators only');
      expect(await alice.page.getByRole('tablist').count()).toBe(0);
      expect(
        expectAtlassianError(await world.aliceApi.get('/admin/settings'), 403).errorMessages.length,
      ).toBeGreaterThan(0);
    },
    FLOW_TIMEOUT,
  );

  test(
    'admin tabs: a keyboard-accessible tablist; the URL fragment remembers the tab',
    async () => {
      const page = admin.page;
      expect(await openUiPage(admin, world.stack, 'admin')).toBe(200);
      const tabs = page.getByRole('tab');
      expect(await tabs.allTextContents()).toEqual([
        'System-Wide Settings',
        'API Tokens',
        'Failed Logins',
        'Audit Log',
      ]);
      const selected = async () => page.getByRole('tab', { selected: true }).textContent();
      expect(await selected()).toBe('System-Wide Settings');
      expect(await page.getByRole('tabpanel').count()).toBe(1);

      await page.getByRole('tab', { name: 'System-Wide Settings' }).focus();
      await page.keyboard.press('ArrowRight');
      expect(await selected()).toBe('API Tokens');
      expect(await page.getByRole('tabpanel', { name: 'API Tokens' }).isVisible()).toBe(true);
      expect(new URL(page.url()).hash).toBe('#tokens');
      await page.keyboard.press('End');
      expect(await selected()).toBe('Audit Log');
      await page.keyboard.press('ArrowRight');
      expect(await selected()).toBe('System-Wide Settings');
      await page.keyboard.press('ArrowLeft');
      expect(await selected()).toBe('Audit Log');
      await page.keyboard.press('Home');
      expect(await selected()).toBe('System-Wide Settings');
      // Only the selected tab is in the tab order.
      expect(await tabs.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('tabindex')))).toEqual([
        '0',
        '-1',
        '-1',
        '-1',
      ]);

      await openUiPage(admin, world.stack, 'admin#failed-logins');
      expect(await selected()).toBe('Failed Logins');
    },
    FLOW_TIMEOUT,
  );

  test(
    'settings: invalid IP rows are marked with the reason; a valid save persists every field',
    async () => {
      const page = admin.page;
      await openUiPage(admin, world.stack, 'admin#settings');
      const maxValidity = page.getByLabel('Maximum validity of a token');
      await expect.poll(() => maxValidity.inputValue()).toBe(world.defaults.maxValidity);
      // The select may show the default before the settings arrive; the number field shows when they have.
      await expect
        .poll(() => page.getByLabel('Failed attempts before lockout').inputValue())
        .toBe(String(world.defaults.failedLogins.maxAttempts));
      expect(await page.getByLabel('Only admins may create and use tokens').isChecked()).toBe(
        world.defaults.adminOnly,
      );
      expect(await page.getByLabel('Disable Basic auth with passwords').isChecked()).toBe(
        !world.defaults.passwordBasicAuth,
      );

      const add = page.getByRole('button', { name: 'Add address or range' });
      const rows = ['127.0.0.0/8', '010.0.0.1', 'to-be-deleted', '10.0.0.9-10.0.0.1'];
      for (const value of rows) {
        await add.click();
        await page.locator('.ip-row input').last().fill(value);
      }
      await page.getByRole('button', { name: 'Delete IP address or range 3' }).click();
      expect(
        await page
          .locator('.ip-row input')
          .evaluateAll((inputs) => inputs.map((input) => (input as { value: string }).value)),
      ).toEqual(['127.0.0.0/8', '010.0.0.1', '10.0.0.9-10.0.0.1']);
      await page.getByRole('button', { name: 'Save' }).click();

      const expected = expectAtlassianError(
        await world.adminApi.put('/admin/settings', {
          ...world.defaults,
          ipAllowList: ['127.0.0.0/8', '010.0.0.1', '10.0.0.9-10.0.0.1'],
        }),
        400,
      );
      expect(Object.keys(expected.errors).sort()).toEqual(['ipAllowList.1', 'ipAllowList.2']);
      const second = page.getByLabel('IP address or range 2', { exact: true });
      await expect.poll(() => second.getAttribute('aria-invalid')).toBe('true');
      const errorOf = async (label: string) => {
        const input = page.getByLabel(label, { exact: true });
        return page.locator(`#${await input.getAttribute('id')}-error`).textContent();
      };
      expect(await errorOf('IP address or range 2')).toBe(expected.errors['ipAllowList.1']);
      expect(await errorOf('IP address or range 3')).toBe(expected.errors['ipAllowList.2']);
      expect(
        await page.getByLabel('IP address or range 1', { exact: true }).getAttribute('aria-invalid'),
      ).toBeNull();
      expect(await page.locator('#settings-error').isVisible()).toBe(true);
      expect(await page.locator('#settings-success').isVisible()).toBe(false);
      expect(expectStatus<Settings>(await world.adminApi.get('/admin/settings'), 200)).toEqual(
        world.defaults,
      );

      await second.fill('192.168.1.1-192.168.1.9');
      await page.getByLabel('IP address or range 3', { exact: true }).fill('2001:db8::/32');
      await maxValidity.selectOption('2y');
      await page.getByLabel('Disable Basic auth with passwords').check();
      await page.getByLabel('Only admins may create and use tokens').check();
      await page.getByLabel('Failed attempts before lockout').fill('5');
      await page.getByLabel('Counting window (minutes)').fill('10');
      await page.getByLabel('Lockout duration (minutes)').fill('20');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => page.locator('#settings-success').textContent()).toBe('Settings saved.');
      expect(await second.getAttribute('aria-invalid')).toBeNull();
      expect(expectStatus<Settings>(await world.adminApi.get('/admin/settings'), 200)).toEqual({
        maxValidity: '2y',
        ipAllowList: ['127.0.0.0/8', '192.168.1.1-192.168.1.9', '2001:db8::/32'],
        passwordBasicAuth: false,
        adminOnly: true,
        failedLogins: { maxAttempts: 5, windowMinutes: 10, lockoutMinutes: 20 },
      });

      // A reload shows what was saved.
      await openUiPage(admin, world.stack, 'admin#settings');
      await expect.poll(() => page.locator('.ip-row input').count()).toBe(3);
      expect(await maxValidity.inputValue()).toBe('2y');
      expect(await page.getByLabel('Disable Basic auth with passwords').isChecked()).toBe(true);

      // A threshold that is not a whole number is refused beside the field, before any request.
      await page.getByLabel('Lockout duration (minutes)').fill('');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(() => page.getByLabel('Lockout duration (minutes)').getAttribute('aria-invalid'))
        .toBe('true');
    },
    FLOW_TIMEOUT,
  );

  test(
    'API Tokens tab: list with owners, filter, create for a user once, delete one, delete all of a user',
    async () => {
      const own = await createToken(world.aliceApi, { name: tokenName('alice-own') });
      const page = admin.page;
      await openUiPage(admin, world.stack, 'admin#tokens');
      await settled(page);
      const all = expectStatus<TokenJson[]>(await world.adminApi.get('/admin/tokens'), 200);
      expect(await page.locator('#admin-tokens-body tr').count()).toBe(all.length);
      const ownRow = page.locator('#admin-tokens-body tr', { hasText: own.name });
      expect(await ownRow.locator('td[data-label="Owner"]').textContent()).toBe('alice');

      // Create for alice: shown once, owned by alice, created by admin, and it works for alice.
      const name = tokenName('on-behalf');
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Token name').fill(name);
      await selectState(page, '#admin-create-validity');
      await page.getByRole('button', { name: 'Create for user' }).click();
      const shown = page.getByRole('region', { name: `New API token “${name}” for alice` });
      await shown.waitFor();
      const token = await shown.getByLabel('API token').inputValue();
      expect(token).toMatch(/^ata_/);
      const created = (await aliceTokens()).find((entry) => entry.name === name);
      expect(created?.createdBy).toBe('admin');
      expect(
        (
          await send(world.stack.url(world.stack.profile.resourcePath), {
            headers: basic('alice', token).headers,
          })
        ).status,
      ).toBe(200);

      // An unknown user: the API's message, next to the form.
      const unknown = expectAtlassianError(
        await world.adminApi.post('/admin/users/nobody-here/tokens', { name: 'x' }),
        404,
      );
      await page.getByLabel('Username').fill('nobody-here');
      await page.getByLabel('Token name').fill('x');
      await page.getByRole('button', { name: 'Create for user' }).click();
      await expect
        .poll(() => page.locator('#admin-create-error').textContent())
        .toContain(unknown.errorMessages[0] ?? '');

      // Filter by user.
      await page.getByLabel('Filter by user').fill('alice');
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      const alices = expectStatus<TokenJson[]>(await world.adminApi.get('/admin/tokens?user=alice'), 200);
      await expect.poll(() => page.locator('#admin-tokens-body tr').count()).toBe(alices.length);
      expect(
        new Set(await page.locator('#admin-tokens-body td[data-label="Owner"]').allTextContents()),
      ).toEqual(new Set(['alice']));

      // Delete one, with confirmation.
      await page.getByRole('button', { name: `Delete token “${name}” of alice` }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete API token?' });
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await expect
        .poll(() => page.locator('#admin-tokens-status').textContent())
        .toBe(`Token “${name}” of alice deleted.`);
      expect((await aliceTokens()).map((entry) => entry.name)).not.toContain(name);

      // Delete all of alice, with confirmation.
      const remaining = (await aliceTokens()).length;
      expect(remaining).toBeGreaterThan(0);
      await page.getByRole('button', { name: 'Delete all tokens of alice' }).click();
      const allDialog = page.getByRole('dialog', { name: 'Delete all API tokens of alice?' });
      await allDialog.getByRole('button', { name: 'Delete all' }).click();
      await expect
        .poll(() => page.locator('#admin-tokens-status').textContent())
        .toBe(`Deleted ${remaining} ${remaining === 1 ? 'token' : 'tokens'} of alice.`);
      expect(await aliceTokens()).toEqual([]);
      await expect
        .poll(() => page.locator('#admin-tokens-body').textContent())
        .toBe('alice has no API tokens.');
    },
    FLOW_TIMEOUT,
  );

  test(
    'Failed Logins tab: counted users and addresses with their state; reset clears one',
    async () => {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const res = await send(world.stack.url(world.stack.profile.resourcePath), {
          headers: basic('alice', 'wrong-password').headers,
        });
        expect(res.status).toBe(401);
      }
      const listed = failedLoginViews(expectStatus(await world.adminApi.get('/admin/failed-logins'), 200));
      const userEntry = listed.find((entry) => entry.key === 'user:alice');
      expect(userEntry?.failures).toBe(2);

      const page = admin.page;
      await openUiPage(admin, world.stack, 'admin#failed-logins');
      await settled(page);
      const row = page.locator('#failed-logins-body tr[data-key="user:alice"]');
      await row.waitFor();
      expect(await row.locator('td[data-label="Kind"]').textContent()).toBe('User');
      expect(await row.locator('th').textContent()).toBe('alice');
      expect(await row.locator('td[data-label="Failures"]').textContent()).toBe('2');
      expect(await row.locator('td[data-label="Locked until"]').textContent()).toBe('Not locked');
      expect(await row.locator('td[data-label="Last failure"] time').getAttribute('title')).toBe(
        userEntry?.raw.lastFailureAt,
      );
      expect(await page.locator('#failed-logins-body tr').count()).toBe(listed.length);

      // A third failure from the same address reaches a threshold of 3: the address is locked.
      await putSettings(world.adminApi, world.defaults, {
        failedLogins: { maxAttempts: 3, windowMinutes: 15, lockoutMinutes: 30 },
      });
      expect(
        (
          await send(world.stack.url(world.stack.profile.resourcePath), {
            headers: basic('mallory', 'guess').headers,
          })
        ).status,
      ).toBe(401);
      const locked = failedLoginViews(
        expectStatus(await world.adminApi.get('/admin/failed-logins'), 200),
      ).find((entry) => entry.key === 'ip:127.0.0.1');
      expect(locked?.lockedUntil).toEqual(expect.any(String));
      await page.getByRole('button', { name: 'Refresh' }).click();
      const ipRow = page.locator('#failed-logins-body tr[data-key="ip:127.0.0.1"]');
      await expect
        .poll(() => ipRow.locator('td[data-label="Locked until"] .lozenge').textContent())
        .toBe('Locked');
      expect(await ipRow.locator('td[data-label="Locked until"] time').getAttribute('title')).toBe(
        locked?.lockedUntil,
      );
      expect(await ipRow.locator('td[data-label="Kind"]').textContent()).toBe('IP address');

      await page.getByRole('button', { name: 'Reset user alice' }).click();
      await expect
        .poll(() => page.locator('#failed-logins-status').textContent())
        .toBe('Failed logins of user alice reset.');
      await row.waitFor({ state: 'detached' });
      const after = failedLoginViews(expectStatus(await world.adminApi.get('/admin/failed-logins'), 200));
      expect(after.map((entry) => entry.key)).not.toContain('user:alice');
    },
    FLOW_TIMEOUT,
  );

  test(
    'Audit Log tab: newest first, paged like the API',
    async () => {
      // Enough records for a second page of 20.
      const made: CreatedToken[] = [];
      for (let index = 0; index < 21; index += 1)
        made.push(await createToken(world.aliceApi, { name: tokenName('audit') }));
      const first = expectStatus<{ total: number; records: Array<Record<string, unknown>> }>(
        await world.adminApi.get('/admin/audit?limit=20&offset=0'),
        200,
      );
      const second = expectStatus<{ total: number; records: Array<Record<string, unknown>> }>(
        await world.adminApi.get('/admin/audit?limit=20&offset=20'),
        200,
      );
      expect(first.total).toBeGreaterThan(20);
      const newest = auditViews(first)[0];
      expect(newest?.type).toBe('token.created');

      const page = admin.page;
      await openUiPage(admin, world.stack, 'admin#audit');
      await settled(page);
      const rows = page.locator('#audit-body tr');
      await expect.poll(() => rows.count()).toBe(20);
      expect(await page.locator('#audit-range').textContent()).toBe(`Records 1–20 of ${first.total}`);
      const top = rows.first();
      expect(await top.locator('td[data-label="Time"] time').getAttribute('title')).toBe(
        first.records[0]?.at,
      );
      expect(await top.locator('td[data-label="Event"]').textContent()).toBe('Token created');
      expect(await top.locator('td[data-label="By"]').textContent()).toBe('alice');
      expect(await top.locator('td[data-label="Details"]').textContent()).toContain(made[20]?.name ?? '');
      const times = await page
        .locator('#audit-body td[data-label="Time"] time')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('datetime') ?? ''));
      expect(times).toEqual([...times].sort().reverse());
      expect(await page.getByRole('button', { name: 'Newer' }).isDisabled()).toBe(true);

      await page.getByRole('button', { name: 'Older' }).click();
      await expect.poll(() => page.locator('#audit-range').textContent()).toMatch(/^Records 21–/);
      expect(await rows.count()).toBe(second.records.length);
      expect(await rows.first().locator('td[data-label="Time"] time').getAttribute('title')).toBe(
        second.records[0]?.at,
      );
      await page.getByRole('button', { name: 'Newer' }).click();
      await expect
        .poll(() => page.locator('#audit-range').textContent())
        .toBe(`Records 1–20 of ${first.total}`);
    },
    FLOW_TIMEOUT,
  );

  test(
    'hostile token names are shown as text, never run',
    async () => {
      const hostile = `<img src=x onerror="document.title='pwned'">${tokenName('x')}`;
      await createToken(world.aliceApi, { name: hostile });
      const page = alice.page;
      await openUiPage(alice, world.stack, 'tokens');
      await settled(page);
      const row = page.locator('#tokens-body tr', { hasText: hostile });
      await row.waitFor();
      expect(await row.locator('th').textContent()).toBe(hostile);
      expect(await page.locator('#tokens-body img').count()).toBe(0);
      expect(await page.title()).not.toBe('pwned');
      await openUiPage(admin, world.stack, 'admin#tokens');
      await settled(admin.page);
      expect(await admin.page.locator('#admin-tokens-body', { hasText: hostile }).count()).toBe(1);
      expect(await admin.page.locator('#admin-tokens-body img').count()).toBe(0);
    },
    FLOW_TIMEOUT,
  );

  test(
    'readable at 400 px: no page or tab scrolls sideways',
    async () => {
      await createToken(world.aliceApi, { name: tokenName('narrow-with-a-rather-long-name') });
      const narrowAdmin = await openSession(browser, world.stack, {
        user: 'admin',
        viewport: { width: 400, height: 800 },
      });
      sessions.push(narrowAdmin);
      await openUiPage(narrowAdmin, world.stack, 'tokens');
      await settled(narrowAdmin.page);
      expect(await horizontalOverflow(narrowAdmin.page)).toBe(0);
      for (const tab of ['settings', 'tokens', 'failed-logins', 'audit']) {
        await openUiPage(narrowAdmin, world.stack, `admin#${tab}`);
        await settled(narrowAdmin.page);
        expect({ tab, overflow: await horizontalOverflow(narrowAdmin.page) }).toEqual({ tab, overflow: 0 });
      }
      await narrowAdmin.close();
    },
    FLOW_TIMEOUT,
  );
});
