import type { z } from 'zod';
import type { ProductHttpClient, ProductHttpRequest } from './product-http-client.js';

/**
 * Reads one resource of the product as the service account and returns the parsed body, or `null`
 * when the product answers 404 (no such user, no such group). Any other status but 200 is a
 * {@link ProductError}: `PRODUCT_SERVICE_ACCOUNT_REJECTED` for 401/403, else
 * `PRODUCT_UNEXPECTED_STATUS`; a body that does not fit `schema` is `PRODUCT_INVALID_RESPONSE`.
 *
 * @example
 * const user = await fetchAsService(client, { path: '/rest/api/2/user', query: { username } }, jiraUserSchema);
 * if (user === null) return null; // no such user
 */
export async function fetchAsService<S extends z.ZodType>(
  client: ProductHttpClient,
  request: Pick<ProductHttpRequest, 'path' | 'query'>,
  schema: S,
): Promise<z.output<S> | null> {
  const response = await client.request({ ...request, auth: 'service' });
  if (response.status === 404) {
    await response.discard();
    return null;
  }
  if (response.status !== 200) throw await response.unexpectedStatus();
  return response.json(schema);
}
