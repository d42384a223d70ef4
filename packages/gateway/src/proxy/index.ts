export { createReverseProxy } from './reverse-proxy.js';
export type {
  ForwardErrorCode,
  ForwardOptions,
  ForwardResult,
  ReverseProxy,
  ReverseProxyOptions,
} from './types.js';
