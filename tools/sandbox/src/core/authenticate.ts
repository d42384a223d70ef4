import type { IncomingMessage } from 'node:http';
import type { SandboxUser } from '../types.js';
import type { ProductDefinition, SandboxState } from './product.js';
import { readIdentityHeader } from './identity-header.js';
import { loginByParameters, type RequestParameters } from './seraph-parameters.js';
import { readCookie, SESSION_COOKIE } from './sessions.js';
import { secretsEqual } from './secrets.js';
import { findUser } from './users.js';

/** The header an authenticating proxy proves itself with (DESIGN §2, `ATA_IDENTITY_SECRET`). */
export const SECRET_HEADER = 'x-api-token-auth-secret';

export interface IdentityTrust {
  /** Lower-cased header name. */
  header: string;
  secret: string | undefined;
}

/** Seraph's `X-Seraph-LoginReason` values the sandbox sends. */
export type LoginReason = 'OK' | 'AUTHENTICATED_FAILED' | 'AUTHENTICATION_DENIED';

export type CallerResolution =
  | {
      kind: 'caller';
      user: SandboxUser | null;
      /** The outcome of a login attempt on this request, if one was made. */
      loginReason?: LoginReason;
      /** Response headers the attempt adds (`X-Authentication-Denied-Reason`). */
      headers?: Record<string, string>;
      /** A login by request parameters succeeded: Seraph keeps the user in a new session. */
      startSession?: boolean;
    }
  | { kind: 'refused'; status: 401 | 403; message: string; headers: Record<string, string> };

const FAILED = 'AUTHENTICATED_FAILED';

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function captchaHeaders(product: ProductDefinition, baseUrl: string): Record<string, string> {
  return {
    'X-Seraph-LoginReason': 'AUTHENTICATION_DENIED',
    'X-Authentication-Denied-Reason': `CAPTCHA_CHALLENGE; login-url=${baseUrl}${product.loginFormPath}`,
  };
}

/**
 * Works out who a request runs as, in the order Seraph and a header-SSO authenticator would: a trusted
 * identity header, then (Jira, when the request has `os_username` or `os_authType`) Seraph's login by
 * request parameters instead of Basic, then the session cookie, then Basic credentials.
 * `parameters` are the request parameters (query, then a form body) where the product reads them.
 */
export function resolveCaller(
  req: IncomingMessage,
  state: SandboxState,
  product: ProductDefinition,
  trust: IdentityTrust,
  baseUrl: string,
  parameters?: RequestParameters,
): CallerResolution {
  const presentedSecret = single(req.headers[SECRET_HEADER]);
  const identity = single(req.headers[trust.header]);
  if (trust.secret !== undefined && presentedSecret !== undefined && identity !== undefined) {
    if (secretsEqual(presentedSecret, trust.secret)) {
      const name = readIdentityHeader(identity);
      const user = name === null ? undefined : findUser(state.users, name);
      if (!user || !user.active) {
        return {
          kind: 'refused',
          status: 401,
          message: 'The user named by the identity header does not exist or is not active.',
          headers: {},
        };
      }
      return { kind: 'caller', user };
    }
  }

  const byParameters = parameters === undefined ? undefined : loginByParameters(parameters, state);
  if (byParameters?.outcome === 'ok') {
    return { kind: 'caller', user: byParameters.user, loginReason: 'OK', startSession: true };
  }
  // A failed attempt leaves the request to the session, as Seraph's filters continue down the chain.
  const attempt: { loginReason?: LoginReason; headers?: Record<string, string> } =
    byParameters?.outcome === 'failed'
      ? { loginReason: 'AUTHENTICATED_FAILED' }
      : byParameters?.outcome === 'captcha'
        ? { loginReason: 'AUTHENTICATION_DENIED', headers: captchaHeaders(product, baseUrl) }
        : {};

  const sessionId = readCookie(single(req.headers.cookie), SESSION_COOKIE);
  if (sessionId !== undefined) {
    const username = state.sessions.usernameOf(sessionId);
    const user = username === undefined ? undefined : findUser(state.users, username);
    if (user?.active) return { kind: 'caller', user, ...attempt };
    // A deactivated user's session ends, as it does when an administrator deactivates someone.
    if (username !== undefined) state.sessions.destroy(sessionId);
  }
  // Jira's JiraLoginFilter runs Seraph's LoginFilter *instead of* its HttpAuthFilter when the request
  // names os_username or os_authType: Basic credentials are then not read at all.
  if (byParameters !== undefined) return { kind: 'caller', user: null, ...attempt };

  const authorization = single(req.headers.authorization);
  if (authorization === undefined) return { kind: 'caller', user: null };
  const [scheme = '', credentials = ''] = authorization.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return basicFailure('The Basic credentials are malformed.');
    const check = state.logins.check(decoded.slice(0, colon), decoded.slice(colon + 1), false, state.now());
    if (check.outcome === 'ok') return { kind: 'caller', user: check.user, loginReason: 'OK' };
    if (check.outcome === 'captcha') {
      return {
        kind: 'refused',
        status: 403,
        message:
          'CAPTCHA required: log in through the login page once before using Basic authentication again.',
        headers: captchaHeaders(product, baseUrl),
      };
    }
    return basicFailure('The username or password is incorrect.');
  }
  if (scheme.toLowerCase() === 'bearer') {
    return {
      kind: 'refused',
      status: 401,
      message: 'The personal access token is not valid.',
      headers: { 'X-Seraph-LoginReason': FAILED },
    };
  }
  // Schemes the product does not know (Negotiate, …) are ignored: the request runs anonymously.
  return { kind: 'caller', user: null };
}

function basicFailure(message: string): CallerResolution {
  return {
    kind: 'refused',
    status: 401,
    message,
    headers: { 'X-Seraph-LoginReason': FAILED, 'WWW-Authenticate': 'Basic realm="protected-area"' },
  };
}
