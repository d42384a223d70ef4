/**
 * "Audit Logging" of the seed: token creation and deletion (one, or all of a user's as an admin) reach
 * the product's audit log where the product has a writable one (Jira up to 9.x, Confluence's legacy
 * endpoint), and stay in the gateway's own log everywhere (issue 3, DESIGN §4).
 */
import { describe, expect, test } from 'vitest';
import { bearer, callProduct } from '../src/client.js';
import { auditViews, expectStatus } from '../src/expectations.js';
import type { ProductName } from '../src/products.js';
import type { StackOptions } from '../src/stack.js';
import { createToken, eventually, tokenName, useStack } from './fixture.js';

interface Variant {
  product: ProductName;
  label: string;
  sandbox: NonNullable<StackOptions['sandbox']>;
  forwards: boolean;
}

const VARIANTS: Variant[] = [
  {
    product: 'jira',
    label: 'Jira 9.12 (legacy audit endpoint)',
    sandbox: { version: '9.12.0' },
    forwards: true,
  },
  {
    product: 'jira',
    label: 'Jira 10.3 (no audit endpoint)',
    sandbox: { version: '10.3.0' },
    forwards: false,
  },
  {
    product: 'confluence',
    label: 'Confluence with the legacy audit endpoint',
    sandbox: { legacyAudit: true },
    forwards: true,
  },
  {
    product: 'confluence',
    label: 'Confluence without it (405)',
    sandbox: { legacyAudit: false },
    forwards: false,
  },
];

describe.each(VARIANTS)('$label', ({ product, sandbox, forwards }) => {
  const world = useStack(product, { sandbox });

  test(`create on behalf, delete one, delete all: local log always${forwards ? ', product log too' : ', product log not'}`, async () => {
    const names = [tokenName('audit-a'), tokenName('audit-b')];
    const first = await createToken(world.adminApi, { name: names[0] }, '/admin/users/alice/tokens');
    await createToken(world.adminApi, { name: names[1] }, '/admin/users/alice/tokens');
    const used = await callProduct(world.stack, bearer(first.token));
    expect(used.ranAs).toBe('alice');
    expect((await world.adminApi.delete(`/admin/tokens/${first.id}`)).status).toBe(204);
    expect(expectStatus(await world.adminApi.delete('/admin/users/alice/tokens'), 200)).toEqual({
      deleted: 1,
    });

    const local = auditViews(expectStatus(await world.adminApi.get('/admin/audit?limit=10'), 200));
    expect(local.slice(0, 4).map((record) => record.type)).toEqual([
      'token.deleted_all',
      'token.deleted',
      'token.created',
      'token.created',
    ]);
    for (const record of local)
      expect(record).toMatchObject({ actor: 'admin', subject: 'alice', onBehalf: true });

    const received = world.stack.sandbox.auditRecords;
    if (forwards) {
      await eventually(
        'four records in the product audit log',
        () => (received.length >= 4 ? true : undefined),
        15_000,
      );
      const texts = received.map((record) => JSON.stringify(record));
      // Every record names the subject; creations and the single deletion name their token.
      for (const text of texts) expect(text).toContain('alice');
      for (const name of names)
        expect(texts.filter((text) => text.includes(name)).length).toBeGreaterThanOrEqual(1);
      expect(texts.filter((text) => text.includes(names[0] ?? '')).length).toBeGreaterThanOrEqual(2);
      // The actor is named too (the service account writes the record, so "admin" must come from the event).
      for (const text of texts) expect(text).toMatch(/\badmin\b/);
      expect(JSON.stringify(received)).not.toContain(first.token);
    } else {
      // Give the outbox time to act on all four events, then make sure nothing was written.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(received).toEqual([]);
      if (product === 'jira') {
        // Jira 10 has no writable audit log: the adapter knows from serverInfo and does not even try.
        const attempts = world.stack.sandbox.requestLog.filter(
          (record) => record.method === 'POST' && record.path.includes(world.stack.profile.auditPath),
        );
        expect(attempts).toEqual([]);
      }
      // The gateway's own log is complete and the gateway healthy.
      expect(expectStatus(await world.adminApi.get('/health'), 200)).toMatchObject({
        status: expect.any(String),
      });
    }
  });
});
