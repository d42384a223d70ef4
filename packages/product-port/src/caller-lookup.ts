import type { z } from 'zod';
import type { CallerCredentials } from './product.js';
import type { ProductHttpClient } from './product-http-client.js';

/**
 * Asks the product's "current user" resource who the caller's cookie or `Authorization` belongs to and
 * returns the parsed body, or `null` when the product says "nobody": no credentials, 401/403, or a
 * redirect to its login page. Any other status is a {@link ProductError}. Both products answer the
 * question this way; only the path and the body's shape differ.
 *
 * @example
 * const me = await fetchCurrentUser(client, '/rest/api/2/myself', credentials, jiraMyselfSchema);
 * if (me === null) return null; // anonymous
 */
export async function fetchCurrentUser<S extends z.ZodType>(
  client: ProductHttpClient,
  path: string,
  credentials: CallerCredentials,
  schema: S,
): Promise<z.output<S> | null> {
  if (credentials.cookie === undefined && credentials.authorization === undefined) return null;
  const response = await client.request({ path, auth: credentials });
  if (
    response.status === 401 ||
    response.status === 403 ||
    (response.status >= 300 && response.status < 400)
  ) {
    await response.discard();
    return null;
  }
  if (response.status !== 200) throw await response.unexpectedStatus();
  return response.json(schema);
}
