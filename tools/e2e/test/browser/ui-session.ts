/**
 * Browser sessions through the gateway: a page logs in with the sandbox product's own login form, the
 * way a person does, and then uses the API Token Authentication pages.
 */
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import type { Stack } from '../../src/stack.js';

/** Path of the UI below the context path. */
export const UI_PATH = '/plugins/servlet/api-token-auth';

/** Absolute URL of a UI page: `uiUrl(stack, 'tokens')`, `uiUrl(stack, 'admin#audit')`. */
export function uiUrl(stack: Stack, page: string): string {
  return stack.url(`${UI_PATH}/${page}`);
}

/** A logged-in browser context with the problems its pages report (console errors, CSP, dialogs). */
export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions of every page of the context; tests expect none. */
  problems: string[];
  close(): Promise<void>;
}

function watch(page: Page, problems: string[]): void {
  page.on('console', (message: ConsoleMessage) => {
    // Chromium logs every non-2xx fetch as "Failed to load resource"; the tests provoke 400/403/404 on
    // purpose and check how the page shows them. Anything else (CSP violations, script errors) counts.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // The UI uses its own <dialog>, never alert/confirm; a JS dialog means injected script ran.
  page.on('dialog', (dialog) => {
    problems.push(`unexpected ${dialog.type()} dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
}

/** Options of {@link openSession}. */
export interface SessionOptions {
  viewport?: { width: number; height: number };
  /** Log in as this user (password = username in the sandbox); omitted = anonymous. */
  user?: string;
}

/** Fill in the sandbox product's login form on `page` (already showing it) and submit it. */
export async function submitProductLogin(page: Page, user: string, password: string): Promise<void> {
  await page.locator('#os_username').fill(user);
  await page.locator('#os_password').fill(password);
  await Promise.all([page.waitForNavigation(), page.locator('#login-form-submit').click()]);
}

/**
 * A new browser context (usable outside vitest, e.g. by the screenshot script); with `user`, logged in through the gateway with the product's login form
 * (`/login.jsp` on Jira, `/login.action` on Confluence), landing back on the tokens page.
 */
export async function openSession(
  browser: Browser,
  stack: Stack,
  options: SessionOptions = {},
): Promise<BrowserSession> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'Europe/Berlin',
  });
  const origin = new URL(stack.origin).origin;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const problems: string[] = [];
  context.on('page', (page) => watch(page, problems));
  const page = await context.newPage();
  if (options.user) {
    const loginPath = stack.product === 'jira' ? '/login.jsp' : '/login.action';
    await page.goto(stack.url(`${loginPath}?os_destination=${encodeURIComponent(`${UI_PATH}/tokens`)}`));
    await submitProductLogin(page, options.user, options.user);
    const landed = new URL(page.url()).pathname;
    if (landed !== `${stack.contextPath}${UI_PATH}/tokens`) {
      throw new Error(`log-in of ${options.user} landed on ${landed}, not on the tokens page`);
    }
    await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor();
  }
  return { context, page, problems, close: () => context.close() };
}

/** Load a UI page afresh; returns the HTTP status. */
export async function openUiPage(session: BrowserSession, stack: Stack, page: string): Promise<number> {
  // Always a full load: from `admin#a` to `admin#b` would otherwise only change the fragment.
  await session.page.goto('about:blank');
  const response = await session.page.goto(uiUrl(stack, page));
  await session.page.waitForLoadState('domcontentloaded');
  return response?.status() ?? 0;
}

/** Wait until no visible table body still shows "Loading…" (the client script has filled the page). */
export async function settled(page: Page, timeoutMs = 20_000): Promise<void> {
  // A polling loop rather than waitForFunction: the pages' CSP (rightly) forbids evaluating strings.
  const loading = page.locator('tbody tr.placeholder:visible', { hasText: 'Loading…' });
  const deadline = Date.now() + timeoutMs;
  while ((await loading.count()) > 0) {
    if (Date.now() > deadline)
      throw new Error(
        `${page.url()} still shows "Loading…" after ${timeoutMs} ms; the page reads: ${(await page.locator('main').innerText()).slice(0, 500)}`,
      );
    await page.waitForTimeout(50);
  }
}
