/**
 * What only the Jira adapter does: choosing the audit sink from Jira's version and the legacy audit
 * body. What every adapter does is in the shared conformance suite (conformance.test.ts).
 */
import {
  CONFORMANCE_AUDIT_RECORD as record,
  TEST_SERVICE_ACCOUNT,
  expectProductError,
  testProductOptions,
  useProductServer,
} from '@api-token-auth/product-port/testing';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createJiraProduct } from '../src/index.js';
import { serverInfo } from './fixtures.js';
import { JIRA, beforeAuditWrite } from './jira-handlers.js';

const server = useProductServer(JIRA);
const jira = () => createJiraProduct(testProductOptions(JIRA));

describe('deliverAudit', () => {
  /** Jira with the given version; counts calls to serverInfo and records the legacy writes. */
  function jiraVersion(version: string, recordStatus = 201) {
    const calls = { serverInfo: 0, records: [] as unknown[], authorization: [] as Array<string | null> };
    server.use(
      ...beforeAuditWrite(server, version, calls),
      http.post(server.url('/rest/api/2/auditing/record'), async ({ request }) => {
        calls.records.push(await request.json());
        calls.authorization.push(request.headers.get('authorization'));
        return new HttpResponse(null, { status: recordStatus });
      }),
    );
    return calls;
  }

  it('asks serverInfo only once, and leaves out what a record does not have', async () => {
    const calls = jiraVersion('9.12.2');
    const product = jira();
    expect(await product.deliverAudit(record)).toBe('delivered');
    expect(
      await product.deliverAudit({
        ...record,
        actor: 'someone-gone',
        clientAddress: null,
        subject: null,
        object: null,
      }),
    ).toBe('delivered');
    expect(calls.serverInfo).toBe(1);
    expect(calls.authorization).toEqual([
      TEST_SERVICE_ACCOUNT.authorization,
      TEST_SERVICE_ACCOUNT.authorization,
    ]);
    expect(calls.records[1]).toEqual({
      summary: 'API token "ci" created for alice by admin (on behalf) [event 01J9Z6T3QK4M2W8XJ5R7N0B1CD]',
      category: 'API Token Authentication',
      changedValues: [{ fieldName: 'expiresAt', changedFrom: '', changedTo: '2025-05-01T12:00:00.000Z' }],
      associatedItems: [],
    });
  });

  it('keeps the event id when a long summary is shortened to 255 characters', async () => {
    const calls = jiraVersion('8.20.30');
    expect(await jira().deliverAudit({ ...record, summary: 'x'.repeat(400) })).toBe('delivered');
    const summary = (calls.records[0] as { summary: string }).summary;
    expect(summary).toHaveLength(255);
    expect(summary.endsWith('[event 01J9Z6T3QK4M2W8XJ5R7N0B1CD]')).toBe(true);
  });

  it.each(['10.3.24', '11.0.0'])('answers unsupported on Jira %s without writing', async (version) => {
    const calls = jiraVersion(version);
    const product = jira();
    expect(await product.deliverAudit(record)).toBe('unsupported');
    expect(await product.deliverAudit(record)).toBe('unsupported');
    expect(calls).toMatchObject({ serverInfo: 1, records: [] });
  });

  it('falls back to the version string when versionNumbers is missing', async () => {
    const calls = { records: 0 };
    server.use(
      http.get(server.url('/rest/api/2/serverInfo'), () =>
        HttpResponse.json({ ...serverInfo('10.3.1'), versionNumbers: undefined }),
      ),
      http.post(server.url('/rest/api/2/auditing/record'), () => {
        calls.records += 1;
        return new HttpResponse(null, { status: 201 });
      }),
    );
    expect(await jira().deliverAudit(record)).toBe('unsupported');
    expect(calls.records).toBe(0);
  });

  it.each([404, 405])('answers unsupported for a %i from the Jira 9.4 legacy endpoint', async (status) => {
    const calls = jiraVersion('9.4.0', status);
    const product = jira();
    expect(await product.deliverAudit(record)).toBe('unsupported');
    expect(await product.deliverAudit(record)).toBe('unsupported');
    expect(calls.records).toHaveLength(1);
    expect(calls.serverInfo).toBe(1);
  });

  it('tries the legacy endpoint when Jira reports no version', async () => {
    server.use(
      http.get(server.url('/rest/api/2/serverInfo'), () => HttpResponse.json({ serverTitle: 'Jira' })),
      http.get(server.url('/rest/api/2/user'), () => new HttpResponse(null, { status: 404 })),
      http.post(server.url('/rest/api/2/auditing/record'), () => new HttpResponse(null, { status: 405 })),
    );
    expect(await jira().deliverAudit(record)).toBe('unsupported');
  });

  it('throws when Jira is unreachable, and asks serverInfo again next time', async () => {
    server.use(http.get(server.url('/rest/api/2/serverInfo'), () => HttpResponse.error()));
    const product = jira();
    await expectProductError(product.deliverAudit(record), 'PRODUCT_UNREACHABLE');
    server.resetHandlers();
    jiraVersion('9.12.2');
    expect(await product.deliverAudit(record)).toBe('delivered');
  });

  it('throws PRODUCT_INVALID_RESPONSE for a malformed serverInfo', async () => {
    server.use(
      http.get(server.url('/rest/api/2/serverInfo'), () => HttpResponse.json({ versionNumbers: 'ten' })),
    );
    await expectProductError(jira().deliverAudit(record), 'PRODUCT_INVALID_RESPONSE');
  });
});
