/** Conformance cases of `deliverAudit`: delivered, unsupported (remembered), transient failures thrown. */
import { http, HttpResponse } from 'msw';
import { expect } from 'vitest';
import type { ProductAuditRecord } from '../product.js';
import type { ProductErrorCode } from '../product-error.js';
import { answering, hanging, networkFailure } from './answers.js';
import type { ConformanceCase, ProductConformanceFixture } from './conformance-fixture.js';
import type { ProductServer } from './product-server.js';
import { expectProductError, TEST_SERVICE_ACCOUNT } from './service-account.js';

/**
 * The audit record the suite delivers: an admin creating a token on behalf of alice, with every
 * optional part present. Adapters use it in their own tests of the body they post.
 */
export const CONFORMANCE_AUDIT_RECORD: ProductAuditRecord = {
  eventId: '01J9Z6T3QK4M2W8XJ5R7N0B1CD',
  type: 'token.created',
  summary: 'API token "ci" created for alice by admin (on behalf)',
  createdAt: new Date('2024-05-01T12:00:00Z'),
  actor: 'admin',
  subject: 'alice',
  onBehalf: true,
  clientAddress: '10.0.0.7',
  changedValues: [{ field: 'expiresAt', from: '', to: '2025-05-01T12:00:00.000Z' }],
  object: { id: 'Ab12Cd34', name: 'ci', typeName: 'API token' },
};

/** The `deliverAudit` cases for `fixture`. */
export function deliverAuditCases<U>(fixture: ProductConformanceFixture<U>): ConformanceCase[] {
  const { path, createdStatus, prerequisites, body } = fixture.deliverAudit;
  const record = CONFORMANCE_AUDIT_RECORD;

  /** The product's audit endpoint answering `status`; returns the bodies it received. */
  function auditEndpoint(server: ProductServer, status: number): unknown[] {
    const bodies: unknown[] = [];
    server.use(
      ...(prerequisites?.(server) ?? []),
      http.post(server.url(path), async ({ request }) => {
        bodies.push(await request.json());
        return new HttpResponse(status === 200 ? '{}' : null, { status });
      }),
    );
    return bodies;
  }

  const transient: Array<[string, number, ProductErrorCode]> = [
    ['a 500', 500, 'PRODUCT_UNEXPECTED_STATUS'],
    ['a 503', 503, 'PRODUCT_UNEXPECTED_STATUS'],
    ['a service account without admin rights (403)', 403, 'PRODUCT_SERVICE_ACCOUNT_REJECTED'],
  ];
  return [
    {
      group: 'deliverAudit',
      name: 'writes the record as the service account',
      async run({ server, create }) {
        const bodies = auditEndpoint(server, createdStatus);
        expect(await create().deliverAudit(record)).toBe('delivered');
        expect(bodies).toEqual([body]);
        const writes = server.requests.filter((request) => request.method === 'POST');
        expect(writes.map((request) => request.authorization)).toEqual([TEST_SERVICE_ACCOUNT.authorization]);
      },
    },
    ...[404, 405].map((status): ConformanceCase => ({
      group: 'deliverAudit',
      name: `answers unsupported for a ${status} and does not ask again`,
      async run({ server, create }) {
        const bodies = auditEndpoint(server, status);
        const product = create();
        expect(await product.deliverAudit(record)).toBe('unsupported');
        expect(await product.deliverAudit(record)).toBe('unsupported');
        expect(bodies).toHaveLength(1);
      },
    })),
    ...transient.map(([label, status, code]): ConformanceCase => ({
      group: 'deliverAudit',
      name: `throws ${code} for ${label}, so the outbox retries`,
      async run({ server, create }) {
        auditEndpoint(server, status);
        await expectProductError(create().deliverAudit(record), code);
      },
    })),
    {
      group: 'deliverAudit',
      name: 'throws PRODUCT_UNREACHABLE when the write fails on the network',
      async run({ server, create }) {
        server.use(...(prerequisites?.(server) ?? []), answering(server, 'post', path, networkFailure[1]));
        await expectProductError(create().deliverAudit(record), 'PRODUCT_UNREACHABLE');
      },
    },
    {
      group: 'deliverAudit',
      name: 'throws PRODUCT_TIMEOUT when the write is not answered in time',
      async run({ server, create }) {
        server.use(...(prerequisites?.(server) ?? []), hanging(server, 'post', path));
        await expectProductError(create(50).deliverAudit(record), 'PRODUCT_TIMEOUT');
      },
    },
  ];
}
