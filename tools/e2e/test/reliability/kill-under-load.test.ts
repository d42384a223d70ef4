/**
 * Issue 7 "Faults": `kill -9` of the adapter while token creations are in flight, then a restart on
 * the same database. ../restart.test.ts kills it after acknowledged changes; here the kill lands in
 * the middle of them. Nothing acknowledged is lost, nothing is half-written (a token exists exactly
 * when its audit record does, since both are one transaction), and the audit outbox resumes and
 * delivers every record to the product.
 */
import { expect, test, describe } from 'vitest';
import { bearer, callProduct } from '../../src/client.js';
import { auditViews, expectStatus } from '../../src/expectations.js';
import { createToken, eventually, tokenName, useStack } from '../fixture.js';

const IN_FLIGHT = 40;

describe('jira 9.12 adapter killed under load', () => {
  const world = useStack('jira', { sandbox: { version: '9.12.0' } });

  test(`SIGKILL among ${IN_FLIGHT} concurrent creations: acknowledged tokens survive, tokens and audit agree, the outbox resumes`, async () => {
    // Keep the product's audit log unavailable, so records are pending in the outbox at the kill.
    world.stack.sandbox.setAuditFailure({ status: 503 });
    let acknowledged = 0;
    let killing: Promise<unknown> | undefined;
    const attempts = Array.from({ length: IN_FLIGHT }, (_, i) =>
      world.aliceApi.post('/tokens', { name: tokenName(`inflight-${i}`) }).then((res) => {
        acknowledged += res.status === 201 ? 1 : 0;
        // Kill once a few have been acknowledged: the rest are queued, mid-bcrypt or mid-commit.
        if (acknowledged === 5) killing ??= world.stack.kill('SIGKILL');
        return res;
      }),
    );
    const settled = await Promise.allSettled(attempts);
    const status = await killing;
    expect(status).toMatchObject({ signal: 'SIGKILL' });
    const ok = settled.flatMap((result) =>
      result.status === 'fulfilled' && result.value.status === 201
        ? [result.value.json as { id: string; token: string }]
        : [],
    );
    // Anything else is a connection cut by the kill, never an error answer.
    for (const result of settled) {
      if (result.status === 'fulfilled') expect(result.value.status).toBe(201);
    }
    expect(ok.length).toBeGreaterThanOrEqual(5);
    expect(ok.length).toBeLessThan(IN_FLIGHT);

    await world.stack.restart();

    const listed = expectStatus<Array<{ id: string }>>(await world.aliceApi.get('/tokens'), 200);
    const listedIds = listed.map((token) => token.id).sort();
    for (const token of ok) expect(listedIds).toContain(token.id);
    const created = auditViews(expectStatus(await world.adminApi.get('/admin/audit?limit=1000'), 200)).filter(
      (record) => record.type === 'token.created',
    );
    const auditedIds = created.map((record) => (record.raw.token as { id: string }).id).sort();
    expect(auditedIds).toEqual(listedIds);
    const used = await Promise.all(ok.map((token) => callProduct(world.stack, bearer(token.token))));
    expect(used.map((res) => [res.status, res.ranAs])).toEqual(ok.map(() => [200, 'alice']));
    // The restarted process works normally.
    await createToken(world.aliceApi);

    world.stack.sandbox.setAuditFailure(null);
    const local = auditViews(expectStatus(await world.adminApi.get('/admin/audit?limit=1000'), 200));
    const eventIds = local.map((record) => String(record.raw.id));
    await eventually(
      'every audit record in the product after the restart',
      () => {
        const text = JSON.stringify(world.stack.sandbox.auditRecords);
        return eventIds.every((id) => text.includes(`[event ${id}]`)) ? true : undefined;
      },
      30_000,
      250,
    );
  }, 90_000);
});
