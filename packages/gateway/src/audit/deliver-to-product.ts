import type { AuditEvent } from '@api-token-auth/token-policy';
import type { Product, ProductAuditDelivery } from '@api-token-auth/product-port';
import { toProductAuditRecord } from './to-product-record.js';

/**
 * The outbox worker's `deliver` for a product: translate the event, hand it to the product's audit
 * log. Transient failures propagate (the worker retries them).
 *
 * @example
 * ```ts
 * const worker = startOutboxWorker({ store, deliver: deliverToProduct(product), logger });
 * ```
 */
export function deliverToProduct(
  product: Pick<Product, 'deliverAudit'>,
): (event: AuditEvent) => Promise<ProductAuditDelivery> {
  return (event) => product.deliverAudit(toProductAuditRecord(event));
}
