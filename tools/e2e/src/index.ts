/**
 * `@api-token-auth/e2e` — helpers for end-to-end tests over real ports: a sandbox product, the real
 * adapter bin in front of it, and SQLite in a temp dir.
 */
export { PRODUCTS, PROFILES, type ProductName, type ProductProfile } from './products.js';
export {
  adapterBin,
  spawnAdapter,
  type AdapterProcess,
  type ExitStatus,
  type SpawnAdapterOptions,
} from './adapter-process.js';
export { API_BASE, settledLogs, startStack, type Stack, type StackOptions } from './stack.js';
export { send, sendRaw, type HttpResponse, type SendOptions } from './http.js';
export {
  PROBE_HEADER,
  anonymous,
  apiClient,
  basic,
  bearer,
  callProduct,
  loginCookie,
  sandboxSaw,
  type ApiClient,
  type ApiClientOptions,
  type CallOptions,
  type Credentials,
  type ProductCall,
  type ProductCallOptions,
} from './client.js';
export { failedLoginViews, putSettings, resetGateway, type FailedLoginView } from './gateway-state.js';
export { forgeToken, typo } from './tokens.js';
export {
  auditViews,
  errorText,
  expectAtlassianError,
  expectStatus,
  type AtlassianError,
  type AuditView,
} from './expectations.js';
