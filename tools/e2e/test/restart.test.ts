/**
 * Restarting the adapter on the same database (issue 3; issue 7 "kill -9 … then restart"): tokens,
 * settings, failed-login counters and audit records that the product has not accepted yet all survive.
 */
import { describe, expect, test } from 'vitest';
import { basic, bearer, callProduct } from '../src/client.js';
import { auditViews, expectStatus } from '../src/expectations.js';
import { failedLoginViews, putSettings } from '../src/gateway-state.js';
import { PRODUCTS } from '../src/products.js';
import { createToken, eventually, tokenName, useStack } from './fixture.js';

describe.each(PRODUCTS)('%s', (product) => {
  // The forwarding variant of each product, so pending product audit records can be observed.
  const world = useStack(product, {
    sandbox: product === 'jira' ? { version: '9.12.0' } : { legacyAudit: true },
  });

  test('tokens, settings, failed-login counters and pending audit records survive a restart', async () => {
    const { sandbox } = world.stack;
    sandbox.setAuditFailure({ status: 503 });
    const names = [tokenName('kept'), tokenName('on-behalf'), tokenName('deleted')];
    const kept = await createToken(world.aliceApi, { name: names[0] });
    const onBehalf = await createToken(world.adminApi, { name: names[1] }, '/admin/users/alice/tokens');
    const doomed = await createToken(world.aliceApi, { name: names[2] });
    expect((await world.adminApi.delete(`/admin/tokens/${doomed.id}`)).status).toBe(204);
    const settings = await putSettings(world.adminApi, world.defaults, {
      maxValidity: '2y',
      ipAllowList: ['127.0.0.0/8'],
      failedLogins: { maxAttempts: 5, windowMinutes: 30, lockoutMinutes: 10 },
    });
    for (let i = 0; i < 2; i++) {
      expect(
        (await callProduct(world.stack, basic('alice', 'wrong-before-restart'), { from: '127.0.0.21' }))
          .status,
      ).toBe(401);
    }
    const auditBefore = auditViews(expectStatus(await world.adminApi.get('/admin/audit?limit=100'), 200));
    const countersBefore = failedLoginViews(
      expectStatus(await world.adminApi.get('/admin/failed-logins'), 200),
    );
    // The product refused at least one delivery before the restart: those records are pending.
    await eventually('a failed delivery attempt', () =>
      sandbox.requestLog.some(
        (record) => record.method === 'POST' && record.path.includes(world.stack.profile.auditPath),
      )
        ? true
        : undefined,
    );
    expect(sandbox.auditRecords).toEqual([]);

    await world.stack.restart();

    await expect(callProduct(world.stack, bearer(kept.token))).resolves.toMatchObject({
      status: 200,
      ranAs: 'alice',
    });
    await expect(callProduct(world.stack, bearer(onBehalf.token))).resolves.toMatchObject({
      status: 200,
      ranAs: 'alice',
    });
    expect((await callProduct(world.stack, bearer(doomed.token))).status).toBe(401);
    expect(expectStatus(await world.adminApi.get('/admin/settings'), 200)).toEqual(settings);
    const countersAfter = failedLoginViews(
      expectStatus(await world.adminApi.get('/admin/failed-logins'), 200),
    );
    expect(countersAfter.map(({ key, failures }) => ({ key, failures }))).toEqual(
      expect.arrayContaining(countersBefore.map(({ key, failures }) => ({ key, failures }))),
    );
    expect(countersBefore.find((entry) => entry.key.includes('alice'))?.failures).toBe(2);
    const auditAfter = auditViews(expectStatus(await world.adminApi.get('/admin/audit?limit=100'), 200));
    expect(auditAfter.map((record) => record.raw)).toEqual(auditBefore.map((record) => record.raw));

    // The product recovers: every pending record arrives.
    sandbox.setAuditFailure(null);
    const tokenEvents = auditBefore.filter((record) => record.type.startsWith('token.'));
    await eventually(
      'every pending audit record in the product',
      () => (sandbox.auditRecords.length >= auditBefore.length ? true : undefined),
      30_000,
      500,
    );
    const texts = sandbox.auditRecords.map((record) => JSON.stringify(record));
    for (const name of names) expect(texts.some((text) => text.includes(name))).toBe(true);
    expect(tokenEvents.length).toBe(4);
    expect(texts.some((text) => text.includes('maxValidity'))).toBe(true);
  }, 60_000);

  test('kill -9 right after a change loses nothing that was acknowledged', async () => {
    const created = await createToken(world.aliceApi);
    await putSettings(world.adminApi, world.defaults, { maxValidity: '1y' });
    const status = await world.stack.kill('SIGKILL');
    expect(status.signal).toBe('SIGKILL');
    await world.stack.restart();

    await expect(callProduct(world.stack, bearer(created.token))).resolves.toMatchObject({
      status: 200,
      ranAs: 'alice',
    });
    expect(expectStatus(await world.adminApi.get('/admin/settings'), 200)).toMatchObject({
      maxValidity: '1y',
    });
    const audit = auditViews(expectStatus(await world.adminApi.get('/admin/audit?limit=2'), 200));
    expect(audit[0]).toMatchObject({ type: 'settings.changed', actor: 'admin' });
    expect(audit[1]).toMatchObject({ type: 'token.created', actor: 'alice', subject: 'alice' });
    expect(JSON.stringify(audit[1]?.raw)).toContain(created.id);
  }, 30_000);
});
