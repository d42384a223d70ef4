/**
 * Screenshots of every web UI page, desktop (1280 px) and narrow (400 px), for the README: written to
 * `docs/screenshots/*.png` at the repository root. Not a test; run it by hand after building:
 *
 *   (cd packages/gateway && npx tsup) && (cd apps/jira-adapter && npx tsup) && (cd apps/confluence-adapter && npx tsup)
 *   npx tsx --conditions=@api-token-auth/source tools/e2e/src/screenshots.ts [--out docs/screenshots]
 *
 * It starts the real stacks (sandbox + adapter bin), fills them through the management REST API and
 * drives Debian's Chromium like the browser tests do.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { findChromium, launchChromium, missingChromiumMessage } from '../test/browser/chromium.js';
import { openSession, openUiPage, settled, type BrowserSession } from '../test/browser/ui-session.js';
import { apiClient, basic, loginCookie, type ApiClient } from './client.js';
import { send } from './http.js';
import type { ProductName } from './products.js';
import { startStack, type Stack } from './stack.js';

/** The two widths every page is captured at. */
export const VIEWPORTS = [
  { suffix: 'desktop', width: 1280, height: 800 },
  { suffix: 'narrow', width: 400, height: 800 },
] as const;

interface Capture {
  outDir: string;
  written: string[];
}

async function shoot(
  page: Page,
  capture: Capture,
  name: string,
  suffix: string,
  fullPage = true,
): Promise<void> {
  const path = join(capture.outDir, `${name}-${suffix}.png`);
  // Let fonts and layout settle; no animations are used, so one frame suffices.
  await page.evaluate('new Promise((done) => requestAnimationFrame(() => done(undefined)))');
  await page.screenshot({ path, fullPage });
  capture.written.push(path);
}

async function created(api: ApiClient, path: string, body: unknown): Promise<{ token: string }> {
  const res = await api.post(path, body);
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${res.text.slice(0, 300)}`);
  return res.json as { token: string };
}

async function check(
  res: Promise<{ status: number; text: string }>,
  what: string,
  ...ok: number[]
): Promise<void> {
  const answer = await res;
  if (!ok.includes(answer.status))
    throw new Error(`${what} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
}

/** Realistic demo data: a few tokens for alice and admin, one of them used, a counted failed login. */
async function seed(stack: Stack): Promise<{ admin: ApiClient; alice: ApiClient }> {
  const admin = apiClient(stack, await loginCookie(stack, 'admin', 'admin'));
  const alice = apiClient(stack, await loginCookie(stack, 'alice', 'alice'));
  const ci = await created(alice, '/tokens', { name: 'ci-pipeline', validity: '1y' });
  await created(alice, '/tokens', { name: 'backup-script', validity: '6m' });
  await created(admin, '/tokens', { name: 'monitoring', validity: '2y' });
  await created(admin, '/admin/users/alice/tokens', { name: 'release-bot', validity: '1y' });
  await check(
    send(stack.url(stack.profile.resourcePath), { headers: basic('alice', ci.token).headers }),
    'token use',
    200,
  );
  // Counted failures for alice, a lockout for a script with a stale password (and so for its address).
  await check(
    admin.put('/admin/settings', { failedLogins: { maxAttempts: 5, windowMinutes: 15, lockoutMinutes: 30 } }),
    'settings',
    200,
    204,
  );
  for (let attempt = 0; attempt < 2; attempt += 1) {
    await check(
      send(stack.url(stack.profile.resourcePath), { headers: basic('alice', 'wrong').headers }),
      'failed login',
      401,
    );
  }
  for (let attempt = 0; attempt < 5; attempt += 1) {
    await check(
      send(stack.url(stack.profile.resourcePath), { headers: basic('admin', 'old-password').headers }),
      'failed login',
      401,
      429,
    );
  }
  await check(
    admin.put('/admin/settings', {
      ipAllowList: ['10.0.0.0/8', '192.168.1.10-192.168.1.20', '2001:db8::/32', '127.0.0.1'],
    }),
    'settings',
    200,
    204,
  );
  // Last use is written in throttled batches; wait until the list shows it.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const listed = (await alice.get('/tokens')).json as Array<{ name: string; lastUsedAt: string | null }>;
    if (listed.some((token) => token.name === 'ci-pipeline' && token.lastUsedAt !== null)) break;
    if (Date.now() > deadline) break;
    await new Promise((done) => setTimeout(done, 300));
  }
  return { admin, alice };
}

/** Capture every page of one product at both widths. */
export async function captureProduct(
  browser: Browser,
  stack: Stack,
  capture: Capture,
  product: ProductName,
  scope: 'all' | 'tokens',
): Promise<void> {
  const { admin, alice: aliceApi } = await seed(stack);
  for (const viewport of VIEWPORTS) {
    const size = { width: viewport.width, height: viewport.height };
    const sessions: BrowserSession[] = [];
    // Each width creates the demo token "deploy" in the page; names are unique per user.
    const listed = (await aliceApi.get('/tokens')).json as Array<{ id: string; name: string }>;
    for (const token of listed.filter((entry) => entry.name === 'deploy')) {
      await check(aliceApi.delete(`/tokens/${token.id}`), 'delete demo token', 204);
    }
    try {
      const anonymous = await openSession(browser, stack, { viewport: size });
      sessions.push(anonymous);
      await openUiPage(anonymous, stack, 'tokens');
      await shoot(anonymous.page, capture, `${product}-login-required`, viewport.suffix);

      const alice = await openSession(browser, stack, { user: 'alice', viewport: size });
      sessions.push(alice);
      await openUiPage(alice, stack, 'tokens');
      await settled(alice.page);
      await alice.page.getByLabel('Name').fill('deploy');
      await alice.page.getByRole('button', { name: 'Create', exact: true }).click();
      await alice.page.locator('.new-token').waitFor();
      await alice.page.locator('#tokens-body tr', { hasText: 'deploy' }).waitFor();
      await shoot(alice.page, capture, `${product}-tokens`, viewport.suffix);
      if (scope === 'tokens') continue;

      await alice.page.getByRole('button', { name: 'Delete token “backup-script”' }).click();
      await alice.page.getByRole('dialog').waitFor();
      // The modal's backdrop covers the viewport, so this one is not a full-page capture.
      await shoot(alice.page, capture, `${product}-tokens-delete-dialog`, viewport.suffix, false);
      await alice.page.keyboard.press('Escape');

      await check(admin.put('/admin/settings', { adminOnly: true }), 'settings', 200, 204);
      await openUiPage(alice, stack, 'tokens');
      await settled(alice.page);
      await shoot(alice.page, capture, `${product}-tokens-admin-only`, viewport.suffix);
      await check(admin.put('/admin/settings', { adminOnly: false }), 'settings', 200, 204);

      await openUiPage(alice, stack, 'admin');
      await shoot(alice.page, capture, `${product}-admin-forbidden`, viewport.suffix);

      const adminSession = await openSession(browser, stack, { user: 'admin', viewport: size });
      sessions.push(adminSession);
      const page = adminSession.page;
      await openUiPage(adminSession, stack, 'admin#settings');
      await page.locator('.ip-row input').first().waitFor();
      await shoot(page, capture, `${product}-admin-settings`, viewport.suffix);
      await page.getByRole('button', { name: 'Add address or range' }).click();
      await page.locator('.ip-row input').last().fill('10.0.0.300');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.locator('.ip-row .field-error').waitFor();
      await shoot(page, capture, `${product}-admin-settings-invalid`, viewport.suffix);
      for (const tab of ['tokens', 'failed-logins', 'audit']) {
        await openUiPage(adminSession, stack, `admin#${tab}`);
        await settled(page);
        await shoot(page, capture, `${product}-admin-${tab}`, viewport.suffix);
      }
    } finally {
      for (const session of sessions) await session.close();
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  const outDir = resolve(values.out ?? join(repoRoot, 'docs/screenshots'));
  const chromiumPath = findChromium();
  if (chromiumPath === null) {
    console.error(missingChromiumMessage());
    process.exitCode = 1;
    return;
  }
  mkdirSync(outDir, { recursive: true });
  const capture: Capture = { outDir, written: [] };
  const browser = await launchChromium(chromiumPath);
  try {
    for (const [product, scope] of [
      ['jira', 'all'],
      ['confluence', 'tokens'],
    ] as const) {
      const stack = await startStack({ product });
      try {
        await captureProduct(browser, stack, capture, product, scope);
      } finally {
        await stack.close();
      }
    }
  } finally {
    await browser.close();
  }
  for (const path of capture.written) console.log(`wrote ${path}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
