/**
 * Header rewriting in both directions. Request headers are taken from `rawHeaders`, so names keep the
 * client's spelling and repeated headers stay repeated and in order; only the dropped ones go.
 */
import type { ForwardOptions } from './types.js';
import { HOP_BY_HOP_HEADERS, addConnectionTokens } from './hop-by-hop.js';

/**
 * Client-supplied forwarding information is never passed on: the gateway states the client address,
 * scheme and host itself, and the upstream may trust these headers (Tomcat's RemoteIpValve reads any of
 * them when so configured), so a client copy would be a spoofing vector.
 */
const FORWARDING_HEADERS: ReadonlySet<string> = new Set([
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-proto',
  'x-real-ip',
]);

/**
 * `host` is replaced by the upstream's own authority (the original goes to `X-Forwarded-Host`): the
 * upstream connector may be name-based, and the product builds its links from its configured base URL,
 * not from `Host`. `expect` is dropped because Node has already answered `100 Continue` to the client
 * and undici streams the body without waiting.
 */
const REPLACED_HEADERS: ReadonlySet<string> = new Set(['host', 'expect']);

/** Result of {@link buildUpstreamRequestHeaders}. */
export interface UpstreamRequestHeaders {
  /** Flat `[name, value, name, value, …]` list for undici. */
  headers: string[];
  /** Whether the request carries a body (a non-zero `Content-Length`, or `Transfer-Encoding`). */
  hasBody: boolean;
}

/**
 * Whether `names` (any case) contains the lower-case `lower`. A linear scan with a length test first:
 * the lists are a handful of names, and this runs for every header of every request, so it must not
 * allocate (issue 6: a `Set` per request was measurable).
 */
function isNamed(lower: string, names: readonly string[] | undefined): boolean {
  if (names === undefined) return false;
  for (const name of names) {
    if (name.length === lower.length && (name === lower || name.toLowerCase() === lower)) return true;
  }
  return false;
}

/**
 * The header list sent upstream: the client's headers minus hop-by-hop ones, headers named by
 * `Connection`, client-sent forwarding headers, `Host`, `Expect`, `options.removeHeaders` and every
 * name in `options.setHeaders`; then `options.setHeaders`, then `X-Forwarded-For` (= `clientIp`),
 * `X-Forwarded-Proto` and `X-Forwarded-Host` unless `setHeaders` provides them.
 *
 * @example
 * ```ts
 * buildUpstreamRequestHeaders(req.rawHeaders, { clientIp: '10.0.0.7', proto: 'https', removeHeaders: ['authorization'] });
 * ```
 */
export function buildUpstreamRequestHeaders(
  rawHeaders: readonly string[],
  options: ForwardOptions,
): UpstreamRequestHeaders {
  const { setHeaders, removeHeaders } = options;
  /** Headers the client's `Connection` names (rare: most clients send none, or `keep-alive`). */
  let connectionNamed: Set<string> | null = null;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length === 10 && name.toLowerCase() === 'connection') {
      connectionNamed ??= new Set();
      addConnectionTokens(rawHeaders[i + 1] as string, connectionNamed);
    }
  }
  const setNames = setHeaders === undefined ? undefined : Object.keys(setHeaders);

  const headers: string[] = [];
  let originalHost: string | undefined;
  let hasContentLength = false;
  let hasBody = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const value = rawHeaders[i + 1] as string;
    const lower = name.toLowerCase();
    if (lower === 'host') {
      originalHost ??= value;
      continue;
    }
    if (lower === 'transfer-encoding') {
      hasBody = true;
      continue;
    }
    const isContentLength = lower === 'content-length';
    if (isContentLength && /[1-9]/.test(value)) hasBody = true;
    if (
      HOP_BY_HOP_HEADERS.has(lower) ||
      FORWARDING_HEADERS.has(lower) ||
      REPLACED_HEADERS.has(lower) ||
      connectionNamed?.has(lower) === true ||
      isNamed(lower, removeHeaders) ||
      isNamed(lower, setNames)
    ) {
      continue;
    }
    if (isContentLength) {
      // Node's parser refuses conflicting lengths; a second identical copy would make undici throw.
      if (hasContentLength) continue;
      hasContentLength = true;
    }
    headers.push(name, value);
  }

  if (setHeaders !== undefined && setNames !== undefined) {
    for (const name of setNames) headers.push(name, setHeaders[name] as string);
  }
  if (!isNamed('x-forwarded-for', setNames)) headers.push('x-forwarded-for', options.clientIp);
  if (!isNamed('x-forwarded-proto', setNames)) headers.push('x-forwarded-proto', options.proto);
  if (originalHost !== undefined && !isNamed('x-forwarded-host', setNames)) {
    headers.push('x-forwarded-host', originalHost);
  }
  return { headers, hasBody };
}

/**
 * The upstream's response headers for the client, as a flat `[name, value, …]` list (Node's
 * `writeHead` accepts it and keeps repeats such as `Set-Cookie` apart), minus hop-by-hop headers and
 * the headers the upstream's `Connection` names. Bytes are kept exactly (latin1 round-trips).
 *
 * @example
 * ```ts
 * res.writeHead(status, statusMessage, buildClientResponseHeaders(rawHeaders));
 * ```
 */
export function buildClientResponseHeaders(rawHeaders: ReadonlyArray<Buffer | string>): string[] {
  let named: Set<string> | null = null;
  const text: string[] = new Array<string>(rawHeaders.length);
  for (let i = 0; i < rawHeaders.length; i++) {
    const raw = rawHeaders[i] as Buffer | string;
    text[i] = typeof raw === 'string' ? raw : raw.toString('latin1');
  }
  for (let i = 0; i < text.length; i += 2) {
    const name = text[i] as string;
    if (name.length === 10 && name.toLowerCase() === 'connection') {
      named ??= new Set();
      addConnectionTokens(text[i + 1] as string, named);
    }
  }
  const headers: string[] = [];
  for (let i = 0; i < text.length; i += 2) {
    const name = text[i] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP_HEADERS.has(lower) || named?.has(lower) === true) continue;
    headers.push(name, text[i + 1] as string);
  }
  return headers;
}
