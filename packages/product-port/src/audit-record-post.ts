import type { ProductAuditDelivery } from './product.js';
import type { ProductHttpClient } from './product-http-client.js';

/**
 * Posts one record to a product's legacy audit-writing endpoint as the service account.
 * 2xx → `delivered`; 404/405 → `unsupported` (the endpoint does not exist on this version); anything
 * else throws a {@link ProductError}, so the outbox retries with backoff.
 *
 * @example
 * const delivery = await postAuditRecord(client, '/rest/api/audit', toConfluenceAuditRecord(record));
 */
export async function postAuditRecord(
  client: ProductHttpClient,
  path: string,
  body: unknown,
): Promise<ProductAuditDelivery> {
  const response = await client.request({ method: 'POST', path, json: body, auth: 'service' });
  if (response.status >= 200 && response.status < 300) {
    await response.discard();
    return 'delivered';
  }
  if (response.status === 404 || response.status === 405) {
    await response.discard();
    return 'unsupported';
  }
  throw await response.unexpectedStatus();
}
