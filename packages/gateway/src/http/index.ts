export { sendAtlassianError, atlassianErrorBody } from './error-response.js';
export type { AtlassianErrorBody } from './error-response.js';
export { compileTrustedProxies, resolveClientIp } from './client-ip.js';
export type { CompileTrustedProxiesResult, TrustedProxies } from './client-ip.js';
export { analyseRequestTarget } from './request-target.js';
export type {
  AnalyseRequestTargetOptions,
  AnalysedRequestTarget,
  RequestTargetRejection,
  RequestTargetResult,
} from './request-target.js';
