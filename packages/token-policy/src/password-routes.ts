/**
 * Password routes (issue 20 item 1, DESIGN §2 rule 0): every way a request can hand a password to
 * Jira or Confluence other than the `Authorization` header. The gateway treats such a request as
 * password REST authentication whatever `Authorization` carries: 403 while password Basic auth is
 * disabled, subject to the IP allow-list, counted for lockout. `docs/security.md` ("Password routes")
 * lists each route with its source.
 *
 * Matching errs on the side of matching too much: paths in any case, with or without a trailing `/`
 * or `;parameters`, any version segment (`1`, `1.0`, `latest`); parameter names in any case. The HTML
 * login forms (`/login.jsp`, `/dologin.action`, `/login.action`) are no password routes for their
 * form bodies — browsers need them — but a password in the query string counts on every path.
 */
import { decodeUtf8 } from './text-decoding.js';

/** Which way the request carries a password. */
export type PasswordRouteKind =
  /** `POST /rest/auth/{version}/session` with `{"username", "password"}` (Jira). */
  | 'rest-session-login'
  /** `POST /rest/gadget/{version}/login`: the dashboard login gadget (Jira). */
  | 'gadget-login'
  /** `os_password` in the query string of any path, or in a form-encoded body of a REST path (Seraph). */
  | 'seraph-parameters'
  /** `POST /rest/usermanagement/{version}/authentication?username=…` with `{"value": password}` (embedded Crowd). */
  | 'crowd-authentication'
  /** `POST /rest/usermanagement/{version}/session` with `{"username", "password"}` (embedded Crowd SSO token). */
  | 'crowd-session'
  /** `POST /rpc/xmlrpc`, `/rpc/soap…`, `/rpc/json-rpc/…`: the legacy remote APIs, whose `login` takes a password. */
  | 'remote-api';

/** Result of {@link classifyPasswordRoute}. */
export type PasswordRoute =
  | { carriesPassword: false }
  | {
      carriesPassword: true;
      kind: PasswordRouteKind;
      /**
       * Every username the request names for the product to check (the lockout keys), in the order
       * found, without duplicates; empty when the name is in a part the gateway did not read.
       */
      usernames: string[];
    };

/** Query or form parameters: the raw `application/x-www-form-urlencoded` text, or decoded pairs. */
export type RequestParameters = string | ReadonlyArray<readonly [name: string, value: string]>;

/** What {@link classifyPasswordRoute} looks at. */
export interface PasswordRouteRequest {
  /** The HTTP method (any case). */
  method: string;
  /**
   * The path relative to the product's context path, decoded and normalised by the gateway
   * (`AnalysedRequestTarget.contextRelative`); case, a trailing `/` and `;parameters` do not matter.
   */
  path: string;
  /** The query string without `?` (raw, as received), or its decoded pairs. */
  query?: RequestParameters;
  /** A form-encoded body (`application/x-www-form-urlencoded`), when the gateway read it. */
  form?: RequestParameters;
  /** A JSON body (parsed), when the gateway read it: names the user of a session login. */
  json?: unknown;
}

const NONE: PasswordRoute = Object.freeze({ carriesPassword: false });
const VERSION = /^(?:\d+(?:\.\d+)*|latest)$/;
const REMOTE_APIS: ReadonlySet<string> = new Set(['xmlrpc', 'soap', 'soap-axis', 'json-rpc']);

/** Percent-decodes one `x-www-form-urlencoded` component (`+` is a space), UTF-8; never throws. */
function decodeComponent(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x2b /* + */) bytes.push(0x20);
    else if (code === 0x25 /* % */ && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (code < 0x80) bytes.push(code);
    else return text; // Not what a client sends (the gateway refuses raw non-ASCII); keep it as it is.
  }
  // Tomcat skips a parameter it cannot decode; for matching, a lenient reading is the safe side.
  return (
    decodeUtf8(bytes) ?? bytes.map((byte) => (byte < 0x80 ? String.fromCharCode(byte) : '\uFFFD')).join('')
  );
}

/** The parameters in order, as Tomcat's `Parameters.processParameters` splits them (`&` only). */
function pairsOf(parameters: RequestParameters | undefined): ReadonlyArray<readonly [string, string]> {
  if (parameters === undefined) return [];
  if (typeof parameters !== 'string') return parameters;
  const pairs: Array<[string, string]> = [];
  for (const piece of parameters.split('&')) {
    if (piece === '') continue;
    const equals = piece.indexOf('=');
    const name = decodeComponent(equals < 0 ? piece : piece.slice(0, equals));
    if (name === '') continue;
    pairs.push([name, equals < 0 ? '' : decodeComponent(piece.slice(equals + 1))]);
  }
  return pairs;
}

/** The first value of `name` (compared case-insensitively), or `undefined`. */
function firstValue(pairs: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  for (const [key, value] of pairs) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** Lower-cased segments with `;parameters`, empty and dot segments removed (`..` resolved). */
function segmentsOf(path: string): string[] {
  const segments: string[] = [];
  for (const raw of String(path).split('/')) {
    const semicolon = raw.indexOf(';');
    const segment = (semicolon < 0 ? raw : raw.slice(0, semicolon)).toLowerCase();
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments;
}

/** `rest/<api>/<version>/<resource>` exactly. */
function isRestResource(segments: readonly string[], api: string, resource: string): boolean {
  return (
    segments.length === 4 &&
    segments[0] === 'rest' &&
    segments[1] === api &&
    VERSION.test(segments[2] as string) &&
    segments[3] === resource
  );
}

/** The route a POST to this path always is, whatever its body. */
function postRouteOf(segments: readonly string[]): PasswordRouteKind | undefined {
  if (isRestResource(segments, 'auth', 'session')) return 'rest-session-login';
  if (isRestResource(segments, 'gadget', 'login')) return 'gadget-login';
  if (isRestResource(segments, 'usermanagement', 'authentication')) return 'crowd-authentication';
  if (isRestResource(segments, 'usermanagement', 'session')) return 'crowd-session';
  if (segments[0] === 'rpc' && REMOTE_APIS.has(segments[1] ?? '')) return 'remote-api';
  return undefined;
}

function jsonUsername(json: unknown): string | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const username = (json as Record<string, unknown>).username;
  return typeof username === 'string' ? username : undefined;
}

/**
 * Whether a request hands a password to the product by another way than `Authorization`, and which
 * usernames it names (for the failed-login keys). Pure: the gateway passes what it read.
 *
 * @example
 * ```ts
 * classifyPasswordRoute({ method: 'POST', path: '/REST/auth/latest/session/', json: { username: 'alice', password: 'x' } });
 * // { carriesPassword: true, kind: 'rest-session-login', usernames: ['alice'] }
 * classifyPasswordRoute({ method: 'GET', path: '/rest/api/2/myself', query: 'os_username=bob&os_password=x' });
 * // { carriesPassword: true, kind: 'seraph-parameters', usernames: ['bob'] }
 * classifyPasswordRoute({ method: 'POST', path: '/login.jsp', form: 'os_username=bob&os_password=x' });
 * // { carriesPassword: false } — the HTML login form stays open
 * ```
 */
export function classifyPasswordRoute(request: PasswordRouteRequest): PasswordRoute {
  const segments = segmentsOf(request.path);
  const query = pairsOf(request.query);
  // Form bodies count on REST paths only: the HTML login forms (and every other page, which is no
  // more than they are) stay open for browsers.
  const form = segments[0] === 'rest' ? pairsOf(request.form) : [];
  const post = String(request.method).toUpperCase() === 'POST';
  const kind =
    (post ? postRouteOf(segments) : undefined) ??
    (firstValue(query, 'os_password') !== undefined || firstValue(form, 'os_password') !== undefined
      ? 'seraph-parameters'
      : undefined);
  if (kind === undefined) return NONE;

  const usernames: string[] = [];
  const add = (name: string | undefined): void => {
    if (name !== undefined && name !== '' && !usernames.includes(name)) usernames.push(name);
  };
  add(firstValue(query, 'os_username'));
  add(firstValue(form, 'os_username'));
  if (kind === 'rest-session-login' || kind === 'crowd-session') add(jsonUsername(request.json));
  if (kind === 'crowd-authentication') add(firstValue(query, 'username'));
  return { carriesPassword: true, kind, usernames };
}
