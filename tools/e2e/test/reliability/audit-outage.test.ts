/**
 * Issue 7 "Faults": the product's audit endpoint fails for a while (503, then connection resets) and
 * recovers, and — separately — accepts records whose answers never reach the gateway. Every record of
 * the gateway's own log arrives in the product's, none is lost, each subject's records arrive in the
 * order they happened, and the duplicates that at-least-once delivery produces after a lost answer
 * carry the same stable event id and the same content, so they are recognisable as one event.
 *
 * restart.test.ts covers pending records surviving a restart; this file covers the outage itself.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiClient, loginCookie } from '../../src/client.js';
import type { ApiClient } from '../../src/client.js';
import { expectStatus } from '../../src/expectations.js';
import { putSettings } from '../../src/gateway-state.js';
import type { ProductName } from '../../src/products.js';
import { startStack } from '../../src/stack.js';
import type { Stack } from '../../src/stack.js';
import type { Settings } from '@api-token-auth/token-policy';
import { createToken, eventually, tokenName } from '../fixture.js';
import { startFaultyUpstream } from './faulty-upstream.js';
import type { FaultyUpstream } from './faulty-upstream.js';

interface LocalRecord {
  seq: number;
  id: string;
  type: string;
  subject: string | null;
}

interface Variant {
  product: ProductName;
  label: string;
  sandbox: { version?: string; legacyAudit?: boolean };
  /** The event id as the adapter writes it into the product's record. */
  eventIdOf: (record: unknown) => string | undefined;
}

const VARIANTS: Variant[] = [
  {
    product: 'jira',
    label: 'Jira 9.12',
    sandbox: { version: '9.12.0' },
    eventIdOf: (record) => /\[event ([^\]\s]+)\]$/.exec((record as { summary?: string }).summary ?? '')?.[1],
  },
  {
    product: 'confluence',
    label: 'Confluence (legacy audit endpoint)',
    sandbox: { legacyAudit: true },
    eventIdOf: (record) => /\bid (\S+)$/.exec((record as { description?: string }).description ?? '')?.[1],
  },
];

describe.each(VARIANTS)('$label', ({ product, sandbox: sandboxOptions, eventIdOf }) => {
  let relay: FaultyUpstream;
  let stack: Stack;
  let adminApi: ApiClient;
  let aliceApi: ApiClient;
  let defaults: Settings;
  const contextPath = product === 'confluence' ? '/confluence' : '';

  beforeAll(async () => {
    relay = await startFaultyUpstream();
    stack = await startStack({
      product,
      sandbox: sandboxOptions,
      env: { ATA_UPSTREAM_URL: `${relay.origin}${contextPath}` },
      prepareSandbox: (sandbox) => relay.setTarget(new URL(sandbox.url).origin),
    });
    adminApi = apiClient(stack, await loginCookie(stack, 'admin', 'admin'));
    aliceApi = apiClient(stack, await loginCookie(stack, 'alice', 'alice'));
    defaults = expectStatus<Settings>(await adminApi.get('/admin/settings'), 200);
  });

  afterAll(async () => {
    await stack?.close();
    await relay?.close();
  });

  const isAuditWrite = (method: string, path: string) =>
    method === 'POST' && path.startsWith(`${contextPath}${stack.profile.auditPath}`);
  const auditAttempts = () =>
    stack.sandbox.requestLog.filter((record) => isAuditWrite(record.method, record.path)).length;

  async function localRecords(): Promise<LocalRecord[]> {
    const page = expectStatus<{ records: LocalRecord[] }>(await adminApi.get('/admin/audit?limit=1000'), 200);
    return [...page.records].sort((a, b) => a.seq - b.seq);
  }

  /** Product records as `{id, body}` in arrival order; a record without a readable id fails the test. */
  function productRecords(): Array<{ id: string; body: unknown }> {
    return stack.sandbox.auditRecords.map((body) => {
      const id = eventIdOf(body);
      if (id === undefined) throw new Error(`no event id in ${JSON.stringify(body)}`);
      return { id, body };
    });
  }

  /** Waits until every local event id reached the product, then checks completeness and order. */
  async function expectDeliveredInOrder(): Promise<{ local: LocalRecord[]; duplicates: string[] }> {
    const local = await localRecords();
    await eventually(
      `all ${local.length} audit records in the product`,
      () => {
        const arrived = new Set(productRecords().map((record) => record.id));
        return local.every((record) => arrived.has(record.id)) ? true : undefined;
      },
      30_000,
      250,
    );
    const received = productRecords();
    const bySeq = new Map(local.map((record) => [record.id, record]));
    // Nothing the gateway did not log.
    expect(received.filter((record) => !bySeq.has(record.id))).toEqual([]);
    // Duplicates are the same event: same id, same content.
    const first = new Map<string, unknown>();
    const duplicates: string[] = [];
    for (const { id, body } of received) {
      if (first.has(id)) {
        duplicates.push(id);
        expect(body).toEqual(first.get(id));
      } else first.set(id, body);
    }
    // In order per subject (settings changes have none: they form their own sequence).
    const subjects = new Set(local.map((record) => record.subject));
    for (const subject of subjects) {
      const expected = local.filter((record) => record.subject === subject).map((record) => record.id);
      const arrived = [...first.keys()].filter((id) => bySeq.get(id)?.subject === subject);
      expect({ subject, order: arrived }).toEqual({ subject, order: expected });
    }
    return { local, duplicates };
  }

  test('the audit endpoint fails (503, then resets) and recovers: every record arrives, in order per subject', async () => {
    const { sandbox } = stack;
    sandbox.setAuditFailure({ status: 503 });
    const before = auditAttempts();
    const aliceTokens = [];
    for (let i = 0; i < 3; i++) aliceTokens.push(await createToken(aliceApi, { name: tokenName('outage') }));
    await createToken(adminApi, { name: tokenName('admin-own') });
    await createToken(adminApi, { name: tokenName('for-alice') }, '/admin/users/alice/tokens');
    await eventually('two refused deliveries', () => (auditAttempts() - before >= 2 ? true : undefined));
    expect(sandbox.auditRecords).toEqual([]);

    sandbox.setAuditFailure('reset');
    const resetFrom = auditAttempts();
    expect((await aliceApi.delete(`/tokens/${aliceTokens[0]?.id}`)).status).toBe(204);
    await putSettings(adminApi, defaults, { maxValidity: '1y' });
    await createToken(adminApi, { name: tokenName('admin-own') });
    expect(expectStatus(await adminApi.delete('/admin/users/alice/tokens'), 200)).toEqual({ deleted: 3 });
    await putSettings(adminApi, defaults, {});
    await eventually('a delivery ended by a reset', () => (auditAttempts() > resetFrom ? true : undefined));
    expect(sandbox.auditRecords).toEqual([]);

    sandbox.setAuditFailure(null);
    const { local } = await expectDeliveredInOrder();
    const counts: Record<string, number> = {};
    for (const record of local) counts[record.type] = (counts[record.type] ?? 0) + 1;
    expect(counts).toEqual({
      'token.created': 6,
      'token.deleted': 1,
      'token.deleted_all': 1,
      'settings.changed': 2,
    });
  }, 60_000);

  test('answers lost after the product stored the record: the retry duplicates it under the same event id', async () => {
    const already = stack.sandbox.auditRecords.length;
    await relay.setFault({ kind: 'lose-response' }, { match: isAuditWrite, times: 2 });
    try {
      await createToken(aliceApi, { name: tokenName('lost-answer') });
      await createToken(adminApi, { name: tokenName('lost-answer') }, '/admin/users/alice/tokens');
      await eventually('two answers lost', () => (relay.faulted() === 2 ? true : undefined), 15_000);
    } finally {
      await relay.setFault(null);
    }
    const { duplicates } = await expectDeliveredInOrder();
    // The product received each lost-answer record at least twice; the ids tell them apart from new events.
    const fresh = productRecords().slice(already);
    expect(duplicates.length).toBeGreaterThanOrEqual(1);
    expect(fresh.length).toBeGreaterThanOrEqual(3);
    expect(new Set(fresh.map((record) => record.id)).size).toBe(2);
  }, 60_000);
});
