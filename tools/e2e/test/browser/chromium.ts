/**
 * Debian's Chromium for the browser tests, driven by playwright-core (never a downloaded browser).
 * `.ci/run` installs it with apt-get when missing. Without it the browser tests cannot run: that is
 * said loudly, and under `CI=true` it is a failure, not a skip.
 */
import { accessSync, constants } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** Where Debian (and most distributions) put Chromium; `CHROMIUM_PATH` overrides. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium'];

/** The Chromium executable, or `null` when none is installed. */
export function findChromium(): string | null {
  const override = process.env.CHROMIUM_PATH;
  for (const path of override ? [override] : CANDIDATES) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // try the next one
    }
  }
  return null;
}

/** True when the run must fail rather than skip without Chromium. */
export const ciMode = process.env.CI === 'true' || process.env.CI === '1';

/** The loud message printed when Chromium is missing. */
export function missingChromiumMessage(): string {
  const line = '!'.repeat(100);
  return [
    line,
    '!!! BROWSER TESTS NOT RUN: no Chromium found (looked for ' +
      (process.env.CHROMIUM_PATH ?? CANDIDATES.join(', ')) +
      ').',
    '!!! Install it with `apt-get install -y chromium` (Debian) or set CHROMIUM_PATH.',
    ciMode
      ? '!!! CI=true: this is a FAILURE.'
      : '!!! CI is not set: the browser tests are skipped on this machine.',
    line,
  ].join('\n');
}

/** Launch headless Chromium with flags that suit containers and CI. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-gpu',
      '--no-first-run',
    ],
  });
}
