/**
 * The request path as the upstream's servlet container will understand it (issue 7 "path tricks").
 * Paths are matched after Tomcat's own normalisation, so that `/rest;x=y/auth/1/session`,
 * `/%72est/auth/1/session`, `//rest/auth/1/session` and `/rest/../rest/auth/1/session` are all
 * recognised as `/rest/auth/1/session`. What Tomcat refuses by default (encoded `/`, backslash, NUL,
 * `..` above the root, broken percent-encoding) is refused here too: an upstream configured to accept
 * such a path could route it differently from what the gateway matched, so the gateway does not guess.
 *
 * Tomcat's order, mirrored here (CoyoteAdapter.postParseRequest): strip `;params` from every segment
 * of the undecoded path, percent-decode (UTF-8), then collapse `//` and resolve `.`/`..`. So `%3B` is
 * a literal `;` in a segment, while `..;x` is still a dot-segment.
 */

/** Why a request target was refused; answer 400 (the upstream would refuse it too). */
export type RequestTargetRejection =
  | 'EMPTY'
  /** `*`, authority-form, a scheme other than http(s), or a path not starting with `/`. */
  | 'NOT_ORIGIN_FORM'
  /** Absolute-form (`http://host/…`) naming a host other than the request's `Host`. */
  | 'FOREIGN_HOST'
  /** Space, control or non-ASCII character in the raw target, or a control character once decoded. */
  | 'INVALID_CHARACTER'
  | 'FRAGMENT'
  | 'INVALID_PERCENT_ENCODING'
  | 'INVALID_UTF8'
  /** `%2F` in the path: Tomcat's default `encodedSolidusHandling="reject"`. */
  | 'ENCODED_SLASH'
  /** `%00` in the path. */
  | 'NUL'
  /** `\` or `%5C` in the path: Tomcat's default `ALLOW_BACKSLASH=false`. */
  | 'BACKSLASH'
  /** More `..` segments than there are segments to remove. */
  | 'ABOVE_ROOT';

/** An analysed request target. */
export interface AnalysedRequestTarget {
  ok: true;
  /** Decoded, `;params` removed, `//` collapsed, dot-segments resolved; case and a trailing `/` kept. */
  path: string;
  /**
   * `path` lower-cased and without a trailing `/`: for recognising sensitive endpoints (e.g. the REST
   * session login) where matching too much is the safe side. Tomcat and the products' REST paths are
   * case-sensitive, so `/REST/…` does not reach the REST API upstream; matching it anyway costs nothing.
   */
  matchPath: string;
  /** `path` is the context path or below it (case-sensitive, like Tomcat's context mapping). */
  insideContext: boolean;
  /** `path` without the context path (`/` at the context root); `''` when outside the context. */
  contextRelative: string;
  /** The raw query string without `?` (not decoded), `''` when none. */
  query: string;
}

/** Result of {@link analyseRequestTarget}. */
export type RequestTargetResult = AnalysedRequestTarget | { ok: false; reason: RequestTargetRejection };

/** Options of {@link analyseRequestTarget}. */
export interface AnalyseRequestTargetOptions {
  /** The request's `Host` header; an absolute-form target is accepted only when its authority equals it. */
  host?: string;
}

const ABSOLUTE_FORM = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

type Rejection = { ok: false; reason: RequestTargetRejection };
const reject = (reason: RequestTargetRejection): Rejection => ({ ok: false, reason });

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Percent-decodes one segment (UTF-8), refusing what Tomcat refuses. */
function decodeSegment(segment: string): string | Rejection {
  if (!segment.includes('%')) return segment;
  const bytes: number[] = [];
  for (let i = 0; i < segment.length; i++) {
    const code = segment.charCodeAt(i);
    if (code !== 0x25 /* % */) {
      bytes.push(code);
      continue;
    }
    const high = hexValue(segment.charCodeAt(i + 1));
    const low = hexValue(segment.charCodeAt(i + 2));
    if (high < 0 || low < 0) return reject('INVALID_PERCENT_ENCODING');
    const byte = high * 16 + low;
    if (byte === 0x2f) return reject('ENCODED_SLASH');
    if (byte === 0x5c) return reject('BACKSLASH');
    if (byte === 0x00) return reject('NUL');
    if (byte < 0x20 || byte === 0x7f) return reject('INVALID_CHARACTER');
    bytes.push(byte);
    i += 2;
  }
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    return reject('INVALID_UTF8');
  }
}

function normaliseContextPath(contextPath: string): string {
  if (typeof contextPath !== 'string') throw new TypeError('contextPath must be a string');
  let ctx = contextPath;
  while (ctx.endsWith('/')) ctx = ctx.slice(0, -1);
  if (ctx !== '' && !ctx.startsWith('/'))
    throw new TypeError(`contextPath must start with "/", got ${JSON.stringify(contextPath)}`);
  return ctx;
}

/** Reduces an absolute-form target to origin-form, or refuses it. */
function toOriginForm(rawUrl: string, options: AnalyseRequestTargetOptions | undefined): string | Rejection {
  if (rawUrl.charCodeAt(0) === 0x2f /* / */) return rawUrl;
  const match = ABSOLUTE_FORM.exec(rawUrl);
  if (match === null) return reject('NOT_ORIGIN_FORM');
  const scheme = (match[1] as string).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return reject('NOT_ORIGIN_FORM');
  const authority = (match[2] as string).toLowerCase();
  if (options?.host === undefined || authority !== options.host.toLowerCase()) return reject('FOREIGN_HOST');
  const rest = rawUrl.slice(match[0].length);
  if (rest === '') return '/';
  return rest.charCodeAt(0) === 0x2f ? rest : `/${rest}`;
}

/**
 * Analyses a raw request target (`req.url`) against the gateway's context path (the upstream URL's
 * path, `''` for the root), the way Tomcat will read it.
 *
 * @example
 * ```ts
 * const target = analyseRequestTarget('/jira/rest;x=y/auth/1/%73ession?os_authType=basic', '/jira');
 * // { ok: true, path: '/jira/rest/auth/1/session', matchPath: '/jira/rest/auth/1/session',
 * //   insideContext: true, contextRelative: '/rest/auth/1/session', query: 'os_authType=basic' }
 * analyseRequestTarget('/jira/rest%2F..%2Fsecure', '/jira'); // { ok: false, reason: 'ENCODED_SLASH' }
 * ```
 */
export function analyseRequestTarget(
  rawUrl: string,
  contextPath: string,
  options?: AnalyseRequestTargetOptions,
): RequestTargetResult {
  return analyse(rawUrl, contextPath, options, true);
}

function analyse(
  rawUrl: string,
  contextPath: string,
  options: AnalyseRequestTargetOptions | undefined,
  shortcut: boolean,
): RequestTargetResult {
  const ctx = normaliseContextPath(contextPath);
  if (typeof rawUrl !== 'string' || rawUrl === '') return reject('EMPTY');
  for (let i = 0; i < rawUrl.length; i++) {
    const code = rawUrl.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f) return reject('INVALID_CHARACTER');
  }
  const target = toOriginForm(rawUrl, options);
  if (typeof target !== 'string') return target;
  const simple = shortcut ? simpleTarget(target, ctx) : null;
  if (simple !== null) return simple;
  if (target.includes('#')) return reject('FRAGMENT');

  const queryStart = target.indexOf('?');
  const rawPath = queryStart < 0 ? target : target.slice(0, queryStart);
  const query = queryStart < 0 ? '' : target.slice(queryStart + 1);
  if (rawPath.includes('\\')) return reject('BACKSLASH');

  const rawSegments = rawPath.split('/');
  const segments: string[] = [];
  let trailingSlash = false;
  // rawSegments[0] is the empty text before the leading '/'.
  for (let i = 1; i < rawSegments.length; i++) {
    const raw = rawSegments[i] as string;
    const semicolon = raw.indexOf(';');
    const decoded = decodeSegment(semicolon < 0 ? raw : raw.slice(0, semicolon));
    if (typeof decoded !== 'string') return decoded;
    const last = i === rawSegments.length - 1;
    if (decoded === '' || decoded === '.') {
      if (last) trailingSlash = true;
    } else if (decoded === '..') {
      if (segments.pop() === undefined) return reject('ABOVE_ROOT');
      if (last) trailingSlash = true;
    } else {
      segments.push(decoded);
    }
  }

  const joined = `/${segments.join('/')}`;
  const path = trailingSlash && segments.length > 0 ? `${joined}/` : joined;
  return analysed(path, joined, ctx, query);
}

/** The result for a normalised `path` (`joined`: the same without a trailing `/`). */
function analysed(path: string, joined: string, ctx: string, query: string): AnalysedRequestTarget {
  const insideContext = ctx === '' || path === ctx || path.startsWith(`${ctx}/`);
  const contextRelative = insideContext ? path.slice(ctx.length) || '/' : '';
  return { ok: true, path, matchPath: joined.toLowerCase(), insideContext, contextRelative, query };
}

/**
 * The common case in one pass (issue 6: every request): an origin-form target whose path has nothing
 * to decode or normalise — no `%`, `;`, `\`, `#`, no empty segment (`//`) and no segment starting
 * with `.` (a superset of the dot-segments). Its path is the raw path itself. Anything else, `null`:
 * the full analysis decides (`request-target.test.ts` checks that both agree).
 */
function simpleTarget(target: string, ctx: string): AnalysedRequestTarget | null {
  let queryStart = -1;
  let previous = 0;
  for (let i = 0; i < target.length; i++) {
    const code = target.charCodeAt(i);
    if (code === 0x3f /* ? */) {
      queryStart = i;
      break;
    }
    if (code === 0x25 /* % */ || code === 0x3b /* ; */ || code === 0x5c /* \ */ || code === 0x23 /* # */) {
      return null;
    }
    if (previous === 0x2f /* / */ && (code === 0x2f || code === 0x2e) /* . */) return null;
    previous = code;
  }
  const rawPath = queryStart < 0 ? target : target.slice(0, queryStart);
  const query = queryStart < 0 ? '' : target.slice(queryStart + 1);
  if (query.includes('#')) return null;
  const joined = rawPath.length > 1 && previous === 0x2f ? rawPath.slice(0, -1) : rawPath;
  return analysed(rawPath, joined, ctx, query);
}

/**
 * The full analysis without the one-pass shortcut, for tests that check the shortcut agrees with it.
 *
 * @internal
 */
export function analyseRequestTargetInFull(
  rawUrl: string,
  contextPath: string,
  options?: AnalyseRequestTargetOptions,
): RequestTargetResult {
  return analyse(rawUrl, contextPath, options, false);
}
