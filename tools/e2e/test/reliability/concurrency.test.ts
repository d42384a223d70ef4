/**
 * Issue 7 "Load — Concurrency": 50 parallel creations and deletions of one user's tokens, and parallel
 * failed logins. What was sent and what the gateway reports must agree exactly: the token list, the
 * tokens that work, the audit log, the failed-login counters — and the product's own counter, which
 * only passwords may ever reach.
 */
import { describe, expect, test } from 'vitest';
import { basic, bearer, callProduct } from '../../src/client.js';
import { auditViews, expectAtlassianError, expectStatus } from '../../src/expectations.js';
import { failedLoginViews, putSettings } from '../../src/gateway-state.js';
import { forgeToken, typo } from '../../src/tokens.js';
import { parseToken } from '@api-token-auth/token-policy';
import { createToken, tokenName, useStack } from '../fixture.js';
import type { CreatedToken } from '../fixture.js';

const PARALLEL = 50;

describe('jira adapter under concurrent changes', () => {
  const world = useStack('jira');
  // No lockout gets in the way of exact counting (1000 is the highest threshold the settings allow).
  const generous = { failedLogins: { maxAttempts: 1000, windowMinutes: 60, lockoutMinutes: 1 } };

  async function aliceAudit(type: string) {
    const records = auditViews(expectStatus(await world.adminApi.get('/admin/audit?limit=1000'), 200));
    return records.filter((record) => record.type === type && record.subject === 'alice');
  }
  const tokenIdOf = (raw: Record<string, unknown>) => (raw.token as { id?: string } | undefined)?.id;

  test(`${PARALLEL} parallel creations and ${PARALLEL} parallel deletions for one user: list, tokens and audit agree`, async () => {
    await putSettings(world.adminApi, world.defaults, generous);
    const names = Array.from({ length: PARALLEL }, (_, i) => tokenName(`parallel-${i}`));
    // Half by alice herself (cookie + XSRF), half on her behalf by an admin, all at once.
    const created = await Promise.all(
      names.map((name, i) =>
        i % 2 === 0
          ? createToken(world.aliceApi, { name })
          : createToken(world.adminApi, { name }, '/admin/users/alice/tokens'),
      ),
    );
    // The same name ten times at once: names are unique per owner, so exactly one wins.
    const clash = tokenName('clash');
    const clashes = await Promise.all(
      Array.from({ length: 10 }, () => world.aliceApi.post('/tokens', { name: clash })),
    );
    expect(clashes.filter((res) => res.status === 201)).toHaveLength(1);
    for (const res of clashes.filter((res) => res.status !== 201)) {
      expect(expectAtlassianError(res, 400).errors).toHaveProperty('name');
    }
    const all: CreatedToken[] = [...created, clashes.find((res) => res.status === 201)?.json as CreatedToken];
    const ids = all.map((token) => token.id);
    expect(new Set(ids).size).toBe(PARALLEL + 1);
    expect(new Set(all.map((token) => token.token)).size).toBe(PARALLEL + 1);
    for (const token of all) expect(parseToken(token.token)?.id).toBe(token.id);

    const listed = expectStatus<Array<{ id: string; name: string }>>(
      await world.aliceApi.get('/tokens'),
      200,
    );
    expect(listed.map((token) => token.id).sort()).toEqual([...ids].sort());
    expect(listed.map((token) => token.name).sort()).toEqual([...names, clash].sort());

    const used = await Promise.all(all.map((token) => callProduct(world.stack, bearer(token.token))));
    expect(used.map((res) => [res.status, res.ranAs])).toEqual(all.map(() => [200, 'alice']));

    const creations = await aliceAudit('token.created');
    expect(creations.map((record) => tokenIdOf(record.raw)).sort()).toEqual([...ids].sort());
    expect(creations.filter((record) => record.onBehalf === true)).toHaveLength(PARALLEL / 2);

    // Every token deleted twice at once, by its owner and by an admin: one 204 and one 404 each.
    const deletions = await Promise.all(
      ids.map((id) =>
        Promise.all([world.aliceApi.delete(`/tokens/${id}`), world.adminApi.delete(`/admin/tokens/${id}`)]),
      ),
    );
    for (const pair of deletions) {
      expect(pair.map((res) => res.status).sort()).toEqual([204, 404]);
    }
    expect(expectStatus(await world.aliceApi.get('/tokens'), 200)).toEqual([]);
    const refused = await Promise.all(all.map((token) => callProduct(world.stack, bearer(token.token))));
    expect(refused.map((res) => res.status)).toEqual(all.map(() => 401));
    for (const res of refused) expect(res.ranAs).toBeUndefined();

    const removals = await aliceAudit('token.deleted');
    expect(removals.map((record) => tokenIdOf(record.raw)).sort()).toEqual([...ids].sort());
  }, 60_000);

  test('parallel failed logins of every kind are counted exactly, per user and per address', async () => {
    await putSettings(world.adminApi, world.defaults, generous);
    const own = await createToken(world.aliceApi);
    const productBefore = world.stack.sandbox.failedLoginCount('alice');
    const id = parseToken(own.token)?.id;
    const attempts = [
      // Wrong passwords from four addresses: forwarded, refused by the product, counted for alice.
      ...[71, 72, 73, 74].flatMap((host) =>
        Array.from({ length: 10 }, () => ({ from: `127.0.0.${host}`, credentials: basic('alice', 'wrong') })),
      ),
      // Token typos (checksum broken): refused by the gateway; no owner known, so only the address counts.
      ...Array.from({ length: 20 }, () => ({ from: '127.0.0.75', credentials: bearer(typo(own.token)) })),
      // Forgeries of alice's token id: a bcrypt compare each; the owner is known, so alice counts too.
      ...Array.from({ length: 15 }, () => ({ from: '127.0.0.76', credentials: bearer(forgeToken(id)) })),
    ];
    const answers = await Promise.all(
      attempts.map(({ from, credentials }) => callProduct(world.stack, credentials, { from })),
    );
    expect(answers.map((res) => res.status)).toEqual(attempts.map(() => 401));

    const counters = failedLoginViews(expectStatus(await world.adminApi.get('/admin/failed-logins'), 200));
    const failuresOf = (key: string) => counters.find((entry) => entry.key === key)?.failures;
    expect(failuresOf('user:alice')).toBe(40 + 15);
    for (const host of [71, 72, 73, 74]) expect(failuresOf(`ip:127.0.0.${host}`)).toBe(10);
    expect(failuresOf('ip:127.0.0.75')).toBe(20);
    expect(failuresOf('ip:127.0.0.76')).toBe(15);
    expect(counters.every((entry) => entry.lockedUntil === null)).toBe(true);
    // Only the passwords reached the product; a typo or forgery must never raise its count.
    expect(world.stack.sandbox.failedLoginCount('alice') - productBefore).toBe(40);
    // The good token still works: counting without a lock blocks nobody.
    await expect(callProduct(world.stack, bearer(own.token))).resolves.toMatchObject({ status: 200 });
  }, 60_000);

  test('a burst past the threshold: every 401 reached the product, every 429 did not, and the lock holds', async () => {
    await putSettings(world.adminApi, world.defaults, {
      failedLogins: { maxAttempts: 10, windowMinutes: 15, lockoutMinutes: 15 },
    });
    const productBefore = world.stack.sandbox.failedLoginCount('alice');
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        callProduct(world.stack, basic('alice', 'wrong'), { from: '127.0.0.81' }),
      ),
    );
    const statuses = answers.map((res) => res.status);
    const rejected = statuses.filter((status) => status === 401).length;
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    expect(rejected).toBeGreaterThanOrEqual(10);
    expect(world.stack.sandbox.failedLoginCount('alice') - productBefore).toBe(rejected);
    for (const res of answers.filter((answer) => answer.status === 429)) {
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    }
    const counters = failedLoginViews(expectStatus(await world.adminApi.get('/admin/failed-logins'), 200));
    const alice = counters.find((entry) => entry.key === 'user:alice');
    expect(alice?.lockedUntil).not.toBeNull();
    expect(alice?.failures).toBeGreaterThanOrEqual(10);
    expect(alice?.failures).toBeLessThanOrEqual(rejected);
    // Locked means locked: even the right password is refused without asking the product.
    const locked = await callProduct(world.stack, basic('alice', 'alice'), { from: '127.0.0.82' });
    expectAtlassianError(locked, 429);
    expect(world.stack.sandbox.failedLoginCount('alice') - productBefore).toBe(rejected);
  }, 60_000);
});
