// Public entry of the Confluence adapter: the Product implementation for Confluence Data Center.
export { createConfluenceProduct } from './confluence-product.js';
export type { ConfluenceProductOptions } from './confluence-product.js';
export { CONFLUENCE_AUDIT_CATEGORY, toConfluenceAuditRecord } from './confluence-audit-log.js';
export type { ConfluenceAuditRecordBody } from './confluence-audit-log.js';
