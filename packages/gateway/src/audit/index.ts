/** The audit forwarding surface for the rest of the gateway. */
export {
  retryDelayMs,
  startOutboxWorker,
  type OutboxWorker,
  type OutboxWorkerLogger,
  type OutboxWorkerOptions,
} from './outbox-worker.js';
export { toProductAuditRecord } from './to-product-record.js';
export { deliverToProduct } from './deliver-to-product.js';
