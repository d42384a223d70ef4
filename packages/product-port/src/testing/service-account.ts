/**
 * The service account every conformance test creates its adapter with, and the check that a
 * {@link ProductError} carries the right code and never that account's password.
 */
import { inspect } from 'node:util';
import { expect } from 'vitest';
import { ProductError, type ProductErrorCode } from '../product-error.js';
import type { ProductHttpClientOptions } from '../product-http-client.js';

/** The service account of the tests, and the `Authorization` header it must arrive as. */
export const TEST_SERVICE_ACCOUNT = {
  serviceUser: 'svc-ata',
  servicePassword: 'sv3-Pr0duct-s3rvice-pw',
  /** `Basic base64(svc-ata:password)`: what every service-account request must carry. */
  authorization: `Basic ${Buffer.from('svc-ata:sv3-Pr0duct-s3rvice-pw').toString('base64')}`,
} as const;

/**
 * The options to create an adapter with in a test: `baseUrl`, the test service account and, when
 * given, a timeout.
 *
 * @example
 * ```ts
 * const jira = (timeoutMs?: number) => createJiraProduct(testProductOptions('http://jira.test', timeoutMs));
 * ```
 */
export function testProductOptions(baseUrl: string, timeoutMs?: number): ProductHttpClientOptions {
  return {
    baseUrl,
    serviceUser: TEST_SERVICE_ACCOUNT.serviceUser,
    servicePassword: TEST_SERVICE_ACCOUNT.servicePassword,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  };
}

/**
 * Awaits a rejection, checks that it is a {@link ProductError} with `code`, and that the service
 * password (plain or inside the Basic header) is nowhere in it: message, JSON, or any nested cause.
 *
 * @example
 * ```ts
 * await expectProductError(product.lookUpUser('fred'), 'PRODUCT_TIMEOUT');
 * ```
 */
export async function expectProductError(
  promise: Promise<unknown>,
  code: ProductErrorCode,
): Promise<ProductError> {
  const error: unknown = await promise.then(
    () => new Error('resolved, expected a ProductError'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProductError);
  expect((error as ProductError).code).toBe(code);
  const rendered = [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: Infinity, showHidden: true }),
  ].join('\n');
  expect(rendered).not.toContain(TEST_SERVICE_ACCOUNT.servicePassword);
  expect(rendered).not.toContain(TEST_SERVICE_ACCOUNT.authorization.slice('Basic '.length));
  return error as ProductError;
}
