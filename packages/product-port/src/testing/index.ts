/**
 * `@api-token-auth/product-port/testing`: the shared conformance suite every adapter runs, and the
 * test helpers it is made of. Needs `vitest` and `msw` (the adapter's dev dependencies).
 */
export {
  conformanceContext,
  describeProductConformance,
  productConformanceCases,
} from './product-conformance.js';
export type {
  ConformanceCase,
  ConformanceContext,
  LabelledBody,
  ProductConformanceFixture,
} from './conformance-fixture.js';
export { CONFORMANCE_AUDIT_RECORD } from './deliver-audit-cases.js';
export { useProductServer, type ProductServer, type SeenRequest } from './product-server.js';
export { TEST_SERVICE_ACCOUNT, expectProductError, testProductOptions } from './service-account.js';
export { readOpenApiContract, type OpenApiContract, type OpenApiDocument } from './openapi-contract.js';
