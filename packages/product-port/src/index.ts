/**
 * `@api-token-auth/product-port`: the `Product` port the gateway depends on, and the kit an adapter
 * implements it with (HTTP client, errors, the Seraph verdict, contract checks). No server, storage
 * or logging: an adapter needs only this package and `zod`.
 */
export type {
  CallerCredentials,
  PasswordVerdict,
  Product,
  ProductAuditDelivery,
  ProductAuditRecord,
  ProductIdentity,
  ProductUser,
} from './product.js';
export { ProductError, isProductError } from './product-error.js';
export type { ProductErrorCode, ProductErrorDetails } from './product-error.js';
export { DEFAULT_PRODUCT_TIMEOUT_MS, createProductHttpClient } from './product-http-client.js';
export type {
  ProductHttpClient,
  ProductHttpClientOptions,
  ProductHttpRequest,
  ProductHttpResponse,
  ProductRequestAuth,
} from './product-http-client.js';
export { judgeSeraphPasswordResponse } from './seraph-password-verdict.js';
export type { ResponseHeaders } from './seraph-password-verdict.js';
export { findContractMismatches } from './contract-mismatches.js';
export type { ContractCheckOptions, ContractPatch, ContractSchema } from './contract-mismatches.js';
export { fetchCurrentUser } from './caller-lookup.js';
export { fetchAsService } from './service-lookup.js';
export { postAuditRecord } from './audit-record-post.js';
