/**
 * Restarting on the same database keeps tokens, settings, counters and the audit log (issue 3).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { API, asUser, createToken, putSettings } from './support/api-helpers.js';
import { basic, startHarness, type Harness } from './support/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

test('tokens, settings, failed-login counters and audit records survive a restart', async () => {
  const created = await createToken(h, 'alice', { name: 'survivor', validity: '1y' });
  await putSettings(h, { maxValidity: '2y', ipAllowList: ['127.0.0.0/8'], failedLogins: { maxAttempts: 7 } });
  await h.call('/x', { headers: { authorization: basic('carol', 'wrong') } });
  expect(
    (await h.call('/x', { headers: { authorization: `Bearer ${created.token}` }, from: '127.0.0.5' })).status,
  ).toBe(200);
  await expect
    .poll(async () => (await asUser(h, 'admin', '/admin/failed-logins')).json<unknown[]>().length)
    .toBe(2);
  const settingsBefore = (await asUser(h, 'admin', '/admin/settings')).json();
  const auditBefore = (await asUser(h, 'admin', '/admin/audit?limit=1000')).json();
  const countersBefore = (await asUser(h, 'admin', '/admin/failed-logins')).json();

  await h.restart();

  expect((await asUser(h, 'admin', '/admin/settings')).json()).toEqual(settingsBefore);
  expect((await asUser(h, 'admin', '/admin/failed-logins')).json()).toEqual(countersBefore);
  expect((await asUser(h, 'admin', '/admin/audit?limit=1000')).json()).toEqual(auditBefore);
  const listed = (await asUser(h, 'alice', '/tokens')).json<
    Array<{ id: string; name: string; lastUsedFrom: string | null }>
  >();
  // Last use written before shutdown (close flushes it).
  expect(listed.find((token) => token.id === created.id)).toMatchObject({
    name: 'survivor',
    lastUsedFrom: '127.0.0.5',
  });
  const comparisonsBefore = h.gateway.bcryptComparisons();
  const used = await h.call('/x', { headers: { authorization: `Bearer ${created.token}` } });
  expect(used.status).toBe(200);
  expect(used.json().headers['x-forwarded-user']).toBe('alice');
  // A new process verifies the token once more with bcrypt (the cache is per process).
  expect(h.gateway.bcryptComparisons() - comparisonsBefore).toBe(1);
  expect((await h.call(`${API}/health`)).json().database).toBe('ok');
});
