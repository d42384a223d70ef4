/**
 * The one error type of product adapters. Adapters return expected "no" answers as values (`null` for
 * an unknown user, `'unsupported'` for a missing audit log); they throw a `ProductError` when the
 * product could not give an answer at all, so the gateway can map it to 502/504 and the audit outbox
 * can retry.
 */

/** Stable codes of {@link ProductError}. Match on these, never on messages. */
export type ProductErrorCode =
  /** The adapter was configured with an unusable value (bad base URL, a colon in the service user). */
  | 'PRODUCT_INVALID_CONFIGURATION'
  /** No HTTP answer: connection refused or reset, DNS failure. */
  | 'PRODUCT_UNREACHABLE'
  /** No complete answer within the configured time. */
  | 'PRODUCT_TIMEOUT'
  /** The product refused the service account (401/403): wrong password or missing rights. */
  | 'PRODUCT_SERVICE_ACCOUNT_REJECTED'
  /** An HTTP status the call has no meaning for (5xx, an unexpected 4xx). */
  | 'PRODUCT_UNEXPECTED_STATUS'
  /** The body is not JSON, too large, or not of the shape the product's contract promises. */
  | 'PRODUCT_INVALID_RESPONSE';

/** What {@link ProductError} knows about the request that failed. Never credentials or a query. */
export interface ProductErrorDetails {
  /** HTTP method of the failed request. */
  method?: string;
  /** Context-relative path of the failed request, without its query string. */
  path?: string;
  /** HTTP status, when the product answered. */
  status?: number;
  /** The underlying error (network, timeout, zod issues); kept for logs, never shown to clients. */
  cause?: unknown;
}

/**
 * Thrown by product adapters when the product gave no usable answer. The message names the request
 * (method and path) and what went wrong; it never contains the service password, a caller's cookie
 * or `Authorization` value, or a query string.
 *
 * @example
 * ```ts
 * try {
 *   await product.lookUpUser('alice');
 * } catch (error) {
 *   if (error instanceof ProductError && error.code === 'PRODUCT_TIMEOUT') {
 *     // answer 504 with the Atlassian error shape
 *   }
 * }
 * ```
 */
export class ProductError extends Error {
  override readonly name = 'ProductError';
  readonly code: ProductErrorCode;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly status: number | undefined;

  constructor(code: ProductErrorCode, message: string, details: ProductErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
  }
}

/**
 * `true` for a {@link ProductError} (optionally with one of the given codes).
 *
 * @example
 * ```ts
 * if (isProductError(error, 'PRODUCT_UNREACHABLE', 'PRODUCT_TIMEOUT')) retryLater();
 * ```
 */
export function isProductError(error: unknown, ...codes: ProductErrorCode[]): error is ProductError {
  return error instanceof ProductError && (codes.length === 0 || codes.includes(error.code));
}
