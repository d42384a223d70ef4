/**
 * Failed-login counters that can no longer matter (core `isForgettable`: a week past the last failure,
 * no lock running) are deleted by the gateway on its own, so the table and the admin page do not keep
 * every address that ever failed once.
 */
import { FAILED_LOGIN_RETENTION_MS } from '@api-token-auth/token-policy';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { asUser } from './support/api-helpers.js';
import { basic, startHarness, type Harness } from './support/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ tuning: { failedLoginPruneMs: 50 } });
});
afterAll(async () => {
  await h.close();
});

async function counterKeys(): Promise<string[]> {
  const list = await asUser(h, 'admin', '/admin/failed-logins');
  expect(list.status).toBe(200);
  return list.json<Array<{ key: string }>>().map((entry) => entry.key);
}

async function failPassword(username: string, from: string): Promise<void> {
  const response = await h.call('/rest/api/2/myself', {
    headers: { authorization: basic(username, 'wrong') },
    from,
  });
  expect(response.status).toBe(401);
}

test('a counter is deleted a week after its last failure; a recent one stays and still counts', async () => {
  await failPassword('carol', '127.0.0.7');
  await expect.poll(counterKeys).toEqual(expect.arrayContaining(['user:carol', 'ip:127.0.0.7']));

  // Just short of the retention: kept.
  h.advance(FAILED_LOGIN_RETENTION_MS - 60_000);
  await failPassword('dave', '127.0.0.8');
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await counterKeys()).toEqual(expect.arrayContaining(['user:carol', 'ip:127.0.0.7', 'user:dave']));

  // Past it: carol's counters go, dave's (a week younger) stay.
  h.advance(2 * 60_000);
  await expect.poll(counterKeys).not.toContain('user:carol');
  const keys = await counterKeys();
  expect(keys).not.toContain('ip:127.0.0.7');
  expect(keys).toEqual(expect.arrayContaining(['user:dave', 'ip:127.0.0.8']));
  expect(h.logLines.some((line) => line.includes('old failed-login counters deleted'))).toBe(true);

  // A deleted counter starts again from one failure.
  await failPassword('carol', '127.0.0.7');
  const listed = (await asUser(h, 'admin', '/admin/failed-logins')).json<
    Array<{ key: string; failures: number }>
  >();
  expect(listed.find((entry) => entry.key === 'user:carol')?.failures).toBe(1);
});
